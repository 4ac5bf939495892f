package bytewise.data;

/**
 * A fixed, deterministic set of validation windows, evenly spaced over the validation part, so
 * every evaluation of every run on the same file and settings sees the same bytes.
 */
public final class ValidationSet {
    private final Corpus corpus;
    private final long[] starts;
    private final int seqLen;

    public ValidationSet(Corpus corpus, long start, long end, int seqLen, int maxWindows) {
        this.corpus = corpus;
        this.seqLen = seqLen;
        long span = end - start - seqLen; // number of valid starts
        if (span <= 0 || maxWindows <= 0) {
            starts = new long[0];
            return;
        }
        // evenly spread, non-overlapping windows (each needs seqLen + 1 bytes, neighbours share one)
        long fit = (end - start - 1) / seqLen;
        int n = (int) Math.max(1, Math.min(maxWindows, fit));
        // n <= fit guarantees (n - 1)·seqLen <= span - 1, so the last window still ends inside the part
        long stride = n == 1 ? 0 : Math.max(seqLen, (span - 1) / (n - 1));
        starts = new long[n];
        for (int i = 0; i < n; i++) starts[i] = start + stride * i;
    }

    public int windows() {
        return starts.length;
    }

    /** Fills windows [from, from + count) into x and y. */
    public void fill(int from, int count, int[] x, int[] y) {
        for (int i = 0; i < count; i++) Batches.fill(corpus, starts[from + i], seqLen, x, y, i * seqLen);
    }
}
