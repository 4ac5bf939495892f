package bytewise.data;

import bytewise.BytewiseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Documents joined into one corpus: order, separator, offsets, per-file hashes. */
class CorpusSetTest {
    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void joinsDocumentsInOrderWithTheSeparatorBetweenThem(@TempDir Path dir) throws Exception {
        Path b = Files.write(dir.resolve("b.txt"), utf8("second file"));
        List<Corpus.Source> docs = List.of(Corpus.Source.bytes("a", utf8("first\n")), Corpus.Source.file("b.txt", b),
                Corpus.Source.bytes("c", utf8("third")));
        Corpus c = Corpus.join("set", docs, "\n<|endoftext|>\n");
        String expected = "first\n\n<|endoftext|>\nsecond file\n<|endoftext|>\nthird";
        assertEquals(expected, new String(c.slice(0, (int) c.size()), StandardCharsets.UTF_8));
        assertEquals(utf8(expected).length, c.size());
        for (int i = 0; i < c.size(); i++) assertEquals(utf8(expected)[i] & 0xFF, c.byteAt(i), "byte " + i);
        assertNull(c.path(), "a set has no single file");
        assertEquals("set", c.name());

        List<Corpus.Document> d = c.documents();
        assertEquals(List.of("a", "b.txt", "c"), d.stream().map(Corpus.Document::name).toList());
        assertEquals(0, d.get(0).offset());
        assertEquals(expected.indexOf("second"), d.get(1).offset());
        assertEquals(expected.indexOf("third"), d.get(2).offset());
        assertEquals("b.txt", c.documentAt(d.get(1).offset() + 3).name());
        assertNull(c.documentAt(expected.indexOf("<|")), "separator bytes belong to no document");

        assertEquals(sha256(utf8(expected)), c.sha256(), "the corpus hash covers what is trained on");
        List<DataFile> files = c.files();
        assertEquals(3, files.size());
        assertEquals(new DataFile("b.txt", 11, sha256(utf8("second file"))), files.get(1));
        assertEquals(new DataFile("a", 6, sha256(utf8("first\n"))), files.get(0));
    }

    @Test
    void emptyDocumentsAreLeftOutAndAllEmptyIsRefused(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Corpus c = Corpus.join("set", List.of(Corpus.Source.file("empty.txt", empty), Corpus.Source.bytes("x", utf8("xy"))), "|");
        assertEquals("xy", new String(c.slice(0, 10), StandardCharsets.UTF_8), "no separator before the first kept document");
        assertEquals(1, c.documents().size());
        BytewiseException e = assertThrows(BytewiseException.class,
                () -> Corpus.join("blank", List.of(Corpus.Source.file("empty.txt", empty)), "|"));
        assertTrue(e.getMessage().contains("blank") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void aSingleFileKeepsItsNameHashAndOneDocument(@TempDir Path dir) throws Exception {
        byte[] text = utf8("just one file\n");
        Path f = Files.write(dir.resolve("one.txt"), text);
        Corpus c = Corpus.open(f);
        assertEquals(List.of(new DataFile("one.txt", text.length, sha256(text))), c.files());
        assertEquals(sha256(text), c.sha256());
        assertEquals(0, c.separator().length);
    }

    @Test
    void windowsAcrossDocumentBoundariesReadTheJoinedBytes() {
        Corpus c = Corpus.join("set", List.of(Corpus.Source.bytes("a", utf8("abcdefgh")),
                Corpus.Source.bytes("b", utf8("ijklmnop"))), "-");
        int[] x = new int[4], y = new int[4];
        Batches.fill(c, 6, 4, x, y, 0); // "gh-i" -> "h-ij"
        assertArrayEquals(new int[]{'g', 'h', '-', 'i'}, x);
        assertArrayEquals(new int[]{'h', '-', 'i', 'j'}, y);
    }
}
