package bytewise.data;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The fixed validation windows. */
class ValidationSetTest {
    private static final Corpus CORPUS;

    static {
        byte[] b = new byte[5000];
        new SplittableRandom(8).nextBytes(b);
        CORPUS = Corpus.of("random.bin", b);
    }

    private static long[] starts(ValidationSet v, int T) {
        int n = v.windows();
        int[] x = new int[n * T], y = new int[n * T];
        v.fill(0, n, x, y);
        long[] s = new long[n];
        for (int i = 0; i < n; i++) s[i] = BatchesTest.locate(CORPUS, x, y, i * T, T);
        return s;
    }

    @Test
    void sameWindowsOnEveryCall() {
        int T = 32;
        ValidationSet v = new ValidationSet(CORPUS, 4000, 5000, T, 20);
        int n = v.windows();
        int[] x1 = new int[n * T], y1 = new int[n * T], x2 = new int[n * T], y2 = new int[n * T];
        v.fill(0, n, x1, y1);
        v.fill(0, n, x2, y2);
        assertArrayEquals(x1, x2);
        assertArrayEquals(y1, y2);
        // and from a second instance (another run on the same file and settings)
        new ValidationSet(CORPUS, 4000, 5000, T, 20).fill(0, n, x2, y2);
        assertArrayEquals(x1, x2);
        assertArrayEquals(y1, y2);
        // a fill from window 3 gives windows 3.. at the front
        int[] x3 = new int[2 * T], y3 = new int[2 * T];
        v.fill(3, 2, x3, y3);
        for (int i = 0; i < 2 * T; i++) {
            assertEquals(x1[3 * T + i], x3[i]);
            assertEquals(y1[3 * T + i], y3[i]);
        }
    }

    @Test
    void windowsLieInsideTheValidationRange() {
        int T = 32;
        for (int max : new int[]{1, 5, 20, 1000}) {
            long start = 4000, end = 5000;
            ValidationSet v = new ValidationSet(CORPUS, start, end, T, max);
            assertEquals(Math.min(max, (end - start - 1) / T), v.windows(), "windows for max " + max);
            long[] s = starts(v, T);
            for (int i = 0; i < s.length; i++) {
                assertTrue(s[i] >= start && s[i] + T + 1 <= end, "window " + i + " at " + s[i] + " outside [" + start + ", " + end + ")");
                if (i > 0) assertTrue(s[i] > s[i - 1], "windows are in order and distinct");
            }
            assertEquals(start, s[0], "the first window starts at the range start");
        }
    }

    @Test
    void windowsAreSpreadOverTheWholeRange() {
        int T = 16;
        ValidationSet v = new ValidationSet(CORPUS, 1000, 5000, T, 8);
        long[] s = starts(v, T);
        assertEquals(8, s.length);
        assertTrue(s[7] >= 1000 + (5000 - 1000) * 7 / 8 - T, "the last window is near the end, at " + s[7]);
    }

    @Test
    void tooShortOrNoWindowsGivesAnEmptySet() {
        assertEquals(0, new ValidationSet(CORPUS, 4000, 4032, 32, 10).windows(), "32 bytes hold no 33-byte window");
        assertEquals(1, new ValidationSet(CORPUS, 4000, 4033, 32, 10).windows());
        assertEquals(0, new ValidationSet(CORPUS, 4000, 5000, 32, 0).windows());
    }

    /**
     * "non-overlapping windows where possible": when every possible window is used, the x-windows of
     * seq_len bytes should not overlap.
     */
    @Test
    void nonOverlappingWindowsWhenTheyFit() {
        int T = 10;
        for (long end : new long[]{4100, 4101, 4105, 4109}) {
            ValidationSet v = new ValidationSet(CORPUS, 4000, end, T, 1000);
            long[] s = starts(v, T);
            assertEquals((end - 4000 - 1) / T, s.length);
            for (int i = 1; i < s.length; i++) {
                assertTrue(s[i] - s[i - 1] >= T, "range [4000, " + end + "): windows " + (i - 1) + " at " + s[i - 1]
                        + " and " + i + " at " + s[i] + " overlap, though " + s.length + " windows of " + T
                        + " bytes fit without overlap");
            }
        }
    }
}
