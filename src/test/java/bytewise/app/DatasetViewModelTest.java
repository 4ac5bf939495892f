package bytewise.app;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.data.DataWarning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The Dataset page's view-model without the FX toolkit: folders, drops, warnings, preview rows. */
class DatasetViewModelTest {
    private final Session session = new Session();
    private final DatasetViewModel vm = new DatasetViewModel(session, new CurrentThreadTaskExecutor());

    private static Path folder(Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("essays/more"));
        Files.write(dir.resolve("essays/one.txt"), TestData.prose(3000, 1));
        Files.write(dir.resolve("essays/more/two.md"), TestData.prose(2000, 2));
        Files.write(dir.resolve("essays/photo.jpg"), new byte[5000]);
        return root.getParent();
    }

    @Test
    void aFolderOpensAsOneDatasetAndJoinsTheRecentList(@TempDir Path dir) throws Exception {
        Path essays = folder(dir);
        List<Path> opened = new ArrayList<>();
        vm.setOnOpened(opened::add);
        vm.open(essays);
        Corpus c = session.corpus.get();
        assertNotNull(c, vm.error.get());
        assertEquals("essays (2 files)", vm.name.get());
        assertEquals(List.of("essays/more/two.md", "essays/one.txt"), c.documents().stream().map(Corpus.Document::name).toList());
        assertEquals(Format.bytes(c.size()) + String.format(java.util.Locale.ROOT, " (%,d bytes)", c.size()), vm.sizeText.get());
        assertEquals(List.of(essays), opened, "a folder reopens from the recent list like a file");
        assertEquals("essays/one.txt", vm.documentAt(c.documents().get(1).offset()));
        assertEquals("separator", vm.documentAt(c.documents().get(1).offset() - 2));
        assertEquals("", vm.warningText.get());
        assertTrue(session.message.get().startsWith("Opened essays (2 files)"), session.message.get());
    }

    @Test
    void includePatternsChooseTheFilesOfAFolder(@TempDir Path dir) throws Exception {
        Path essays = folder(dir);
        vm.include.set("*.md");
        vm.open(essays);
        assertEquals(List.of("essays/more/two.md"), session.corpus.get().documents().stream().map(Corpus.Document::name).toList());
        vm.include.set("*.jpg");
        vm.open(essays);
        assertEquals("", vm.error.get());
        assertEquals(List.of("essays/photo.jpg"), session.corpus.get().documents().stream().map(Corpus.Document::name).toList());
        assertFalse(vm.warningText.get().isEmpty(), "a photo of zero bytes is warned about");
        vm.include.set("");
        vm.open(essays);
        assertEquals("essays (2 files)", vm.name.get(), "empty patterns: the default ones");
    }

    @Test
    void aDropOfFilesAndFoldersOpensThemAndShowsTheDatasetPage(@TempDir Path dir) throws Exception {
        Path essays = folder(dir);
        Path extra = Files.write(dir.resolve("extra.txt"), TestData.prose(1500, 3));
        session.page.set(Page.TRAINING);
        assertFalse(vm.drop(List.of()), "a drop without files is refused");
        assertEquals(Page.TRAINING, session.page.get());
        assertTrue(vm.drop(List.of(extra, essays)));
        assertEquals(Page.DATASET, session.page.get());
        assertEquals(List.of("extra.txt", "essays/more/two.md", "essays/one.txt"),
                session.corpus.get().documents().stream().map(Corpus.Document::name).toList());
        // an empty folder is refused with a message and the dataset stays
        Path empty = Files.createDirectories(dir.resolve("nothing"));
        assertTrue(vm.drop(List.of(empty)));
        assertTrue(vm.error.get().contains("no files matching") && vm.error.get().contains("still using extra.txt + 1 more"),
                vm.error.get());
        assertEquals(3, session.corpus.get().documents().size());
    }

    @Test
    void binaryDataLoadsWithWarnings(@TempDir Path dir) throws Exception {
        Path zeros = Files.write(dir.resolve("zeros.bin"), new byte[50_000]);
        vm.open(zeros);
        assertNotNull(session.corpus.get(), vm.error.get());
        assertEquals("", vm.error.get(), "warned, not refused");
        List<DataWarning.Kind> kinds = vm.warnings.get().stream().map(DataWarning::kind).toList();
        assertTrue(kinds.contains(DataWarning.Kind.FEW_DISTINCT_BYTES) && kinds.contains(DataWarning.Kind.LONG_RUNS), kinds.toString());
        assertTrue(vm.warningText.get().contains("only 1 distinct byte value"), vm.warningText.get());
        vm.open(Files.write(dir.resolve("prose.txt"), TestData.prose(5000, 4)));
        assertEquals("", vm.warningText.get(), "ordinary text clears the warnings");
    }

    @Test
    void previewRowsBreakAtNewlinesAndBetweenWords() {
        String text = "short line\n" + "word ".repeat(40) + "\n\nend";
        session.corpus.set(Corpus.of("t.txt", text.getBytes(StandardCharsets.UTF_8)));
        assertEquals("short line↵", vm.rowText(0));
        String second = vm.rowText(1);
        assertTrue(second.length() <= DatasetViewModel.ROW_BYTES && second.endsWith("word "), "'" + second + "'");
        long rows = vm.rowCount.get();
        StringBuilder all = new StringBuilder();
        for (long r = 0; r < rows; r++) {
            assertEquals(all.length(), vm.rowStart(r), "row " + r + " starts where the last ended");
            all.append(vm.rowText(r));
        }
        assertEquals(DatasetStats.printable(text.getBytes(StandardCharsets.UTF_8)), all.toString(), "rows cover every byte once");
        assertEquals("↵", vm.rowText(rows - 2), "an empty line is a row of its own");
        assertEquals("end", vm.rowText(rows - 1));
    }

    @Test
    void countsSaySingularForOne() {
        session.corpus.set(Corpus.of("one", "x".repeat(200).getBytes(StandardCharsets.UTF_8)));
        assertTrue(vm.sizeText.get().contains("(200 bytes)"), vm.sizeText.get());
        assertEquals("1 byte", Format.count(1, "byte"));
        assertEquals("2 bytes", Format.count(2, "byte"));
        assertEquals("12,345 files", Format.count(12_345, "file"));
        session.valFraction.set(0.005);
        assertTrue(vm.splitText.get().contains("· validation 1 byte ("), vm.splitText.get());
    }
}
