package bytewise.io;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.DataFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Folders and several files as one data set: which files, in which order, with which names. */
class DataFilesTest {
    private static Path write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static Path tree(Path dir) throws Exception {
        Path root = dir.resolve("docs");
        write(root.resolve("b.txt"), "bee");
        write(root.resolve("a.md"), "ay");
        write(root.resolve("sub/c.txt"), "sea");
        write(root.resolve("sub/deeper/Z.java"), "class Z {}");
        write(root.resolve("image.png"), "\u0089PNG");
        write(root.resolve(".hidden.txt"), "secret");
        write(root.resolve(".git/config.txt"), "git");
        Files.createFile(root.resolve("empty.txt"));
        return root;
    }

    private static List<String> names(Corpus c) {
        return c.documents().stream().map(Corpus.Document::name).toList();
    }

    @Test
    void aFolderIsReadRecursivelyInPathOrderWithTheDefaultPatterns(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Corpus c = DataFiles.open(List.of(root), null, null);
        // "Z" < "a" in string order; empty, hidden and non-text files are left out
        assertEquals(List.of("docs/a.md", "docs/b.txt", "docs/sub/c.txt", "docs/sub/deeper/Z.java"), names(c));
        assertEquals("ay" + Corpus.DEFAULT_SEPARATOR + "bee" + Corpus.DEFAULT_SEPARATOR + "sea" + Corpus.DEFAULT_SEPARATOR
                + "class Z {}", new String(c.slice(0, (int) c.size()), StandardCharsets.UTF_8));
        assertEquals("docs (4 files)", c.name());
        List<DataFile> files = c.files();
        assertEquals(4, files.size());
        assertEquals("docs/sub/c.txt", files.get(2).name());
        assertEquals(3, files.get(2).size());
        assertEquals(Corpus.of("c", "sea".getBytes(StandardCharsets.UTF_8)).sha256(), files.get(2).sha256());
    }

    @Test
    void includePatternsChooseFilesByNameOrByPath(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        assertEquals(List.of("docs/b.txt", "docs/sub/c.txt"), names(DataFiles.open(List.of(root), "*.txt", null)));
        assertEquals(List.of("docs/image.png", "docs/sub/deeper/Z.java"),
                names(DataFiles.open(List.of(root), " *.png , *.java ", null)));
        assertEquals(List.of("docs/sub/c.txt"), names(DataFiles.open(List.of(root), "sub/*.txt", null)));
        assertEquals(List.of("docs/a.md", "docs/b.txt", "docs/image.png", "docs/sub/c.txt", "docs/sub/deeper/Z.java"),
                names(DataFiles.open(List.of(root), "*", null)), "everything but hidden and empty files");
    }

    @Test
    void severalFilesKeepTheGivenOrderAndDuplicatesAreDropped(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Corpus c = DataFiles.open(List.of(root.resolve("sub/c.txt"), root.resolve("b.txt"), root.resolve("sub/c.txt")),
                null, "|");
        assertEquals(List.of("c.txt", "b.txt"), names(c));
        assertEquals("sea|bee", new String(c.slice(0, 20), StandardCharsets.UTF_8));
        assertEquals("c.txt + 2 more (2 files)", c.name());
        // a file and a folder together: the file's bytes first, then the folder's files
        Corpus mixed = DataFiles.open(List.of(root.resolve("b.txt"), root.resolve("sub")), "*.txt", "|");
        assertEquals(List.of("b.txt", "sub/c.txt"), names(mixed));
    }

    @Test
    void oneFileOpensAsItself(@TempDir Path dir) throws Exception {
        Path f = write(dir.resolve("one.txt"), "only this");
        Corpus c = DataFiles.open(List.of(f), "*.md", null);
        assertEquals("one.txt", c.name());
        assertEquals(f, c.path());
        assertEquals(9, c.size());
    }

    @Test
    void emptyFoldersAndNoMatchesAreRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("nothing here"));
        BytewiseException e = assertThrows(BytewiseException.class, () -> DataFiles.open(List.of(empty), null, null));
        assertTrue(e.getMessage().contains("nothing here") && e.getMessage().contains("no files matching"), e.getMessage());
        Path root = tree(dir);
        e = assertThrows(BytewiseException.class, () -> DataFiles.open(List.of(root), "*.pdf", null));
        assertTrue(e.getMessage().contains("*.pdf"), e.getMessage());
        Path onlyEmpty = Files.createDirectories(dir.resolve("blank"));
        Files.createFile(onlyEmpty.resolve("x.txt"));
        e = assertThrows(BytewiseException.class, () -> DataFiles.open(List.of(onlyEmpty), null, null));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(BytewiseException.class, () -> DataFiles.open(List.of(dir.resolve("missing"), root), null, null));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("missing"), e.getMessage());
        e = assertThrows(BytewiseException.class, () -> DataFiles.open(List.of(root), "[", null));
        assertTrue(e.getMessage().contains("include pattern '['"), e.getMessage());
    }

    @Test
    void tooManyFilesAreRefused(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("many"));
        for (int i = 0; i <= DataFiles.MAX_FILES; i++) Files.writeString(root.resolve("f" + i + ".txt"), "x");
        BytewiseException e = assertThrows(BytewiseException.class, () -> DataFiles.open(List.of(root), null, null));
        assertTrue(e.getMessage().contains("more than 10,000"), e.getMessage());
    }

    @Test
    void separatorsTypedOnACommandLineAreUnescaped() {
        assertEquals("\n<|endoftext|>\n", DataFiles.unescape("\\n<|endoftext|>\\n"));
        assertEquals("a\tb\\c\\q", DataFiles.unescape("a\\tb\\\\c\\q"));
    }
}
