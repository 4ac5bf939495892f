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
        // non-overlapping windows where possible, otherwise evenly spread overlapping ones
        long possible = Math.max(1, (end - start - 1) / seqLen);
        int n = (int) Math.min(maxWindows, possible);
        starts = new long[n];
        for (int i = 0; i < n; i++) starts[i] = start + (n == 1 ? 0 : span * i / n);
    }

    public int windows() {
        return starts.length;
    }

    /** Fills windows [from, from + count) into x and y. */
    public void fill(int from, int count, int[] x, int[] y) {
        for (int i = 0; i < count; i++) Batches.fill(corpus, starts[from + i], seqLen, x, y, i * seqLen);
    }
}
