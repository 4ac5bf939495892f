package bytewise.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Training windows: shifted targets, inside their range, a pure function of (seed, step, window). */
class BatchesTest {
    private static final byte[] BYTES = new byte[4000];
    private static final Corpus CORPUS;

    static {
        new SplittableRandom(42).nextBytes(BYTES); // random: every 17-byte run occurs once, so a window locates its start
        CORPUS = Corpus.of("random.bin", BYTES);
    }

    /** The start s of the window (x, y) at {@code at}, found by matching all seqLen + 1 bytes; -1 if none. */
    static long locate(Corpus c, int[] x, int[] y, int at, int seqLen) {
        long found = -1;
        for (long s = 0; s + seqLen < c.size(); s++) {
            boolean match = c.byteAt(s) == x[at];
            for (int t = 0; match && t < seqLen; t++) match = c.byteAt(s + t) == x[at + t] && c.byteAt(s + t + 1) == y[at + t];
            if (match) {
                assertEquals(-1, found, "the window occurs twice in the corpus; the test needs unique windows");
                found = s;
            }
        }
        return found;
    }

    @Test
    void windowsAreShiftedCorpusBytesInsideTheRange() {
        int T = 16, B = 8;
        long start = 500, end = 3500;
        Batches batches = new Batches(CORPUS, start, end, T, 7);
        int[] x = new int[B * T], y = new int[B * T];
        for (long step = 0; step < 25; step++) {
            batches.fill(step, x, y, 0, B);
            for (int b = 0; b < B; b++) {
                for (int t = 0; t + 1 < T; t++) assertEquals(x[b * T + t + 1], y[b * T + t], "x[t+1] == y[t]");
                long s = locate(CORPUS, x, y, b * T, T);
                assertTrue(s >= 0, "window " + b + " of step " + step + " is not in the corpus");
                assertTrue(s >= start && s + T + 1 <= end, "window [" + s + ", " + (s + T + 1) + ") outside [" + start + ", " + end + ")");
                for (int t = 0; t < T; t++) {
                    assertEquals(BYTES[(int) (s + t)] & 0xFF, x[b * T + t]);
                    assertEquals(BYTES[(int) (s + t + 1)] & 0xFF, y[b * T + t]);
                }
            }
        }
    }

    @Test
    void sameSeedAndStepSameWindowsOtherStepsDiffer() {
        int T = 12, B = 6;
        int[] x1 = new int[B * T], y1 = new int[B * T], x2 = new int[B * T], y2 = new int[B * T];
        new Batches(CORPUS, 0, 3600, T, 99).fill(5, x1, y1, 0, B);
        new Batches(CORPUS, 0, 3600, T, 99).fill(5, x2, y2, 0, B); // a new instance: a resumed run
        assertArrayEquals(x1, x2);
        assertArrayEquals(y1, y2);
        new Batches(CORPUS, 0, 3600, T, 99).fill(6, x2, y2, 0, B);
        assertFalse(Arrays.equals(x1, x2), "step 6 draws other windows than step 5");
        new Batches(CORPUS, 0, 3600, T, 100).fill(5, x2, y2, 0, B);
        assertFalse(Arrays.equals(x1, x2), "seed 100 draws other windows than seed 99");
    }

    /** Filling windows [at, at + count) gives those windows of a full batch (the trainer's replay split). */
    @Test
    void partialFillMatchesTheFullBatch() {
        int T = 10, B = 7;
        Batches batches = new Batches(CORPUS, 100, 3000, T, 5);
        int[] x = new int[B * T], y = new int[B * T], px = new int[B * T], py = new int[B * T];
        batches.fill(3, x, y, 0, B);
        batches.fill(3, px, py, 2, 3);
        for (int i = 0; i < B * T; i++) {
            boolean filled = i >= 2 * T && i < 5 * T;
            assertEquals(filled ? x[i] : 0, px[i], "x index " + i);
            assertEquals(filled ? y[i] : 0, py[i], "y index " + i);
        }
    }

    /** Every valid start of a small range is drawn, including the last one, and none outside. */
    @Test
    void everyStartOfASmallRangeIsReachable() {
        int T = 4;
        long start = 1000, end = 1020; // starts 1000..1015: y's last byte is at s + 4 ≤ 1019
        Batches batches = new Batches(CORPUS, start, end, T, 11);
        Set<Long> seen = new HashSet<>();
        int[] x = new int[4 * T], y = new int[4 * T];
        for (long step = 0; step < 400; step++) {
            batches.fill(step, x, y, 0, 4);
            for (int b = 0; b < 4; b++) {
                long s = -1;
                for (long c = start; c + T < end; c++) {
                    boolean match = true;
                    for (int t = 0; match && t < T; t++) match = CORPUS.byteAt(c + t) == x[b * T + t] && CORPUS.byteAt(c + t + 1) == y[b * T + t];
                    if (match) s = c;
                }
                assertTrue(s >= 0, "window outside [" + start + ", " + end + ")");
                seen.add(s);
            }
        }
        assertEquals(16, seen.size(), "starts seen: " + seen);
    }

    @Test
    void aRangeShorterThanOneWindowIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Batches(CORPUS, 0, 16, 16, 1));
        assertDoesNotThrow(() -> new Batches(CORPUS, 0, 17, 16, 1));
    }
}
