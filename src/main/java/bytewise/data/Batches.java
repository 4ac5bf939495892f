package bytewise.data;

/**
 * Training batches: B random windows from a range of the corpus, x[b, t] = bytes[s + t],
 * y[b, t] = bytes[s + t + 1], with starts drawn from a seeded generator.
 */
public final class Batches {
    private final Corpus corpus;
    private final long start, end;
    private final int seqLen;
    private final long seed;

    public Batches(Corpus corpus, long start, long end, int seqLen, long seed) {
        if (end - start < seqLen + 1L) throw new IllegalArgumentException("range shorter than one window");
        this.corpus = corpus;
        this.start = start;
        this.end = end;
        this.seqLen = seqLen;
        this.seed = seed;
    }

    /**
     * Fills windows [at, at + count) of x and y for training step {@code step}. The starts are a pure
     * function of (seed, step, window), so a resumed run draws exactly what an uninterrupted one would.
     */
    public void fill(long step, int[] x, int[] y, int at, int count) {
        long windows = end - start - seqLen; // valid starts: [start, end - seqLen - 1]
        for (int b = at; b < at + count; b++) {
            long r = mix(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + b);
            long s = start + Math.floorMod(r, windows);
            fill(corpus, s, seqLen, x, y, b * seqLen);
        }
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit hash of its input. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static void fill(Corpus corpus, long s, int seqLen, int[] x, int[] y, int at) {
        int prev = corpus.byteAt(s);
        for (int t = 0; t < seqLen; t++) {
            int next = corpus.byteAt(s + t + 1);
            x[at + t] = prev;
            y[at + t] = next;
            prev = next;
        }
    }

}
