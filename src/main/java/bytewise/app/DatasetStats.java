package bytewise.app;

import bytewise.data.Corpus;
import bytewise.data.DataCheck;
import bytewise.data.DataWarning;

import java.util.List;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * What the Dataset screen shows about a file: its byte histogram, how many distinct byte values it
 * uses, and whether it is valid UTF-8 / pure ASCII. Files larger than {@link #SAMPLE_LIMIT} are
 * sampled (evenly spaced blocks), and the result says so. Pure Java; runs on a background thread.
 */
public record DatasetStats(long[] histogram, int distinct, boolean sampled, long bytesRead, boolean validUtf8,
                           boolean ascii, boolean cancelled, List<DataWarning> warnings) {
    /** At most this many bytes are read for the statistics (64 MB). */
    public static final long SAMPLE_LIMIT = 64L << 20;
    static final int BLOCK = 1 << 20;

    public static DatasetStats compute(Corpus corpus, BooleanSupplier cancelled, DoubleConsumer progress) {
        long size = corpus.size();
        boolean sampled = size > SAMPLE_LIMIT;
        long blocks = sampled ? SAMPLE_LIMIT / BLOCK : (size + BLOCK - 1) / BLOCK;
        long[] hist = new long[256];
        boolean utf8 = true;
        long read = 0;
        DataCheck check = new DataCheck(); // the engine's binary/degenerate-data warnings, from the same blocks
        for (long b = 0; b < blocks; b++) {
            if (cancelled != null && cancelled.getAsBoolean())
                return new DatasetStats(hist, distinct(hist), sampled, read, utf8, hist(hist), true, List.of());
            long start = sampled ? (size - BLOCK) * b / Math.max(1, blocks - 1) : b * BLOCK;
            byte[] chunk = corpus.slice(start, BLOCK);
            for (byte x : chunk) hist[x & 0xFF]++;
            check.accept(chunk, chunk.length, !sampled && b > 0, start > 0, start + chunk.length < size);
            if (utf8) utf8 = validUtf8(chunk, start > 0, start + chunk.length < size);
            read += chunk.length;
            if (progress != null) progress.accept((double) (b + 1) / blocks);
        }
        // a file read whole in blocks: a character split over a block boundary was forgiven above, so
        // check each boundary's surroundings once more
        if (!sampled && utf8 && size > BLOCK) utf8 = boundariesValid(corpus);
        return new DatasetStats(hist, distinct(hist), sampled, read, utf8, hist(hist), false, check.warnings());
    }

    private static boolean hist(long[] h) {
        for (int i = 128; i < 256; i++) if (h[i] != 0) return false;
        return true;
    }

    private static int distinct(long[] h) {
        int n = 0;
        for (long c : h) if (c != 0) n++;
        return n;
    }

    private static boolean boundariesValid(Corpus corpus) {
        for (long at = BLOCK; at < corpus.size(); at += BLOCK) {
            long from = Math.max(0, at - 8);
            byte[] around = corpus.slice(from, 16);
            if (!validUtf8(around, true, from + around.length < corpus.size())) return false;
        }
        return true;
    }

    /**
     * Whether {@code b} is well-formed UTF-8. With {@code cutStart} leading continuation bytes are
     * skipped (the block began inside a character); with {@code cutEnd} a character cut off at the
     * end is accepted.
     */
    static boolean validUtf8(byte[] b, boolean cutStart, boolean cutEnd) {
        return bytewise.data.DataCheck.invalidUtf8(b, b.length, cutStart, cutEnd) == 0;
    }

    /** One display character per byte, so a column in the preview is exactly a byte offset. */
    public static String printable(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xFF;
            out[i] = c == '\n' ? '↵' : c == '\t' ? '→' : c == '\r' ? '←' : c == ' ' ? ' '
                    : (c > 32 && c < 127) ? (char) c : '·';
        }
        return new String(out);
    }
}
