package bytewise.data;

import bytewise.BytewiseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Corpus: refusals, file names, byte access, hashing, and a file larger than the heap. */
class CorpusTest {

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void refusesAMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("no such file.txt");
        BytewiseException e = assertThrows(BytewiseException.class, () -> Corpus.open(missing));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), "names the path: " + e.getMessage());
    }

    @Test
    void refusesADirectory(@TempDir Path dir) {
        BytewiseException e = assertThrows(BytewiseException.class, () -> Corpus.open(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), "names the path: " + e.getMessage());
    }

    @Test
    void refusesAnEmptyFile(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        BytewiseException e = assertThrows(BytewiseException.class, () -> Corpus.open(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.toString()), "names the path: " + e.getMessage());
    }

    @Test
    void refusesNoPathAndEmptyText() {
        BytewiseException e = assertThrows(BytewiseException.class, () -> Corpus.open(null));
        assertTrue(e.getMessage().contains("no data file"), e.getMessage());
        e = assertThrows(BytewiseException.class, () -> Corpus.of("typed.txt", new byte[0]));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("typed.txt"), e.getMessage());
    }

    @Test
    void opensAFileWithSpacesAndNonAsciiInItsName(@TempDir Path dir) throws Exception {
        String name = "my corpus – Ünïcödé 日本語 текст.txt";
        byte[] content = "héllo wörld — 你好\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(name);
        Files.write(file, content);
        Corpus c = Corpus.open(file);
        assertEquals(name, c.name());
        assertEquals(file, c.path());
        assertEquals(content.length, c.size());
        assertArrayEquals(content, c.slice(0, content.length));
        assertEquals(sha256(content), c.sha256());
    }

    @Test
    void byteAccessAndSha256MatchTheFile(@TempDir Path dir) throws Exception {
        byte[] content = randomBytes(100_003, 1); // includes bytes ≥ 0x80: byteAt must return 0..255
        Path file = dir.resolve("data.bin");
        Files.write(file, content);
        Corpus fromFile = Corpus.open(file), inMemory = Corpus.of("data.bin", content);
        String expectedHash = sha256(content);
        for (Corpus c : new Corpus[]{fromFile, inMemory}) {
            assertEquals(content.length, c.size());
            for (int i = 0; i < content.length; i += 7) {
                int b = c.byteAt(i);
                assertEquals(content[i] & 0xFF, b, "byte " + i);
                assertTrue(b >= 0 && b <= 255);
            }
            assertEquals(content[content.length - 1] & 0xFF, c.byteAt(content.length - 1));
            byte[] mid = c.slice(5000, 300);
            for (int i = 0; i < 300; i++) assertEquals(content[5000 + i], mid[i], "slice byte " + i);
            // a slice running past the end is cut at the end; one at the end is empty
            assertEquals(3, c.slice(content.length - 3, 10).length);
            assertEquals(0, c.slice(content.length, 10).length);
            int[] dst = new int[12];
            c.read(70_000, dst, 2, 10);
            for (int i = 0; i < 10; i++) assertEquals(content[70_000 + i] & 0xFF, dst[2 + i], "read byte " + i);
            assertEquals(0, dst[0]);
            assertEquals(0, dst[1]);
            assertEquals(expectedHash, c.sha256());
            assertEquals(expectedHash, c.sha256(), "a second call returns the same hash");
        }
        assertNull(inMemory.path());
    }

    @Test
    void differentContentDifferentHash() {
        assertNotEquals(Corpus.of("a", new byte[]{1, 2, 3}).sha256(), Corpus.of("a", new byte[]{1, 2, 4}).sha256());
    }

    /**
     * A sparse file of 3 GiB + 5 bytes: larger than the test JVM's heap (-Xmx2g), so it can only open if it is
     * mapped, not read. Bytes written at the 1 GiB chunk boundaries and at the very end read back through byteAt.
     */
    @Test
    void opensASparseFileLargerThanTheHeap(@TempDir Path dir) throws IOException {
        long gib = 1L << 30, size = 3 * gib + 5;
        Path file = dir.resolve("huge sparse.bin");
        long[] at = {0, gib - 1, gib, 2 * gib + 3, 3 * gib - 1, 3 * gib, size - 1};
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            for (int i = 0; i < at.length; i++) {
                raf.seek(at[i]);
                raf.write(0x80 + i);
            }
        }
        assertTrue(size > Runtime.getRuntime().maxMemory(), "the file must be larger than the heap");
        Corpus c = Corpus.open(file);
        assertEquals(size, c.size());
        for (int i = 0; i < at.length; i++) assertEquals(0x80 + i, c.byteAt(at[i]), "byte at " + at[i]);
        assertEquals(0, c.byteAt(gib + 12345), "a hole reads as zero");
        assertEquals(0, c.byteAt(size - 2));
        // a slice across a chunk boundary
        byte[] s = c.slice(gib - 2, 4);
        assertArrayEquals(new byte[]{0, (byte) 0x81, (byte) 0x82, 0}, s);
        // windows can start beyond 2^31
        Split split = c.split(0.1);
        assertEquals(size - (long) Math.floor(size * 0.1), split.trainEnd());
        int T = 16;
        int[] x = new int[4 * T], y = new int[4 * T];
        new Batches(c, 2 * gib, size, T, 3).fill(0, x, y, 0, 4);
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t + 1 < T; t++) assertEquals(x[b * T + t + 1], y[b * T + t]);
        }
    }
}
