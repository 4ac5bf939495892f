package bytewise.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Looks for data that is binary or degenerate: few distinct bytes, long runs of one byte, many
 * NUL/control bytes, a large share of invalid UTF-8. It warns and never refuses (a user may mean to
 * train on DNA or on a binary format); each warning has a sentence for people.
 *
 * <p>Fed in blocks ({@link #accept}); {@link #of} samples a corpus the way the Dataset page's
 * statistics do: the whole of a corpus up to {@link #SAMPLE_LIMIT}, else evenly spaced blocks.
 */
public final class DataCheck {
    /** At most this many bytes are read by {@link #of} (64 MB). */
    public static final long SAMPLE_LIMIT = 64L << 20;
    static final int BLOCK = 1 << 20;
    /** Fewer distinct byte values than this is degenerate (English prose uses 60 or more). */
    static final int FEW_DISTINCT = 12;
    /** A run of one byte at least this long counts as a "long run" (wider than any text line of dashes). */
    static final int LONG_RUN = 128;
    /** Warn above these shares of the bytes read. */
    static final double RUN_SHARE = 0.05, CONTROL_SHARE = 0.01, INVALID_SHARE = 0.02;

    private final long[] histogram = new long[256];
    private long total, control, nul, invalid, runBytes, longestRun;
    private int longestRunByte = -1, runByte = -1;
    private long run;

    /**
     * Adds a block. {@code follows}: it comes straight after the previous block (runs continue
     * across); {@code cutStart}/{@code cutEnd}: it may begin or end inside a UTF-8 character.
     */
    public void accept(byte[] block, int length, boolean follows, boolean cutStart, boolean cutEnd) {
        if (!follows) endRun();
        for (int i = 0; i < length; i++) {
            int b = block[i] & 0xFF;
            histogram[b]++;
            if (b == 0) nul++;
            if (isControl(b)) control++;
            if (b == runByte) {
                run++;
            } else {
                endRun();
                runByte = b;
                run = 1;
            }
        }
        total += length;
        invalid += invalidUtf8(block, length, cutStart, cutEnd);
    }

    /** Control characters that text does not use: all below 0x20 but tab, LF, VT, FF, CR and ESC; and DEL. */
    static boolean isControl(int b) {
        return (b < 0x20 && b != '\t' && b != '\n' && b != 0x0B && b != '\f' && b != '\r' && b != 0x1B) || b == 0x7F;
    }

    private void endRun() {
        if (run >= LONG_RUN) runBytes += run;
        if (run > longestRun) {
            longestRun = run;
            longestRunByte = runByte;
        }
        run = 0;
        runByte = -1;
    }

    /**
     * Bytes of b[0, n) that are not part of a well-formed UTF-8 sequence. With {@code cutStart}
     * leading continuation bytes are skipped (the block began inside a character); with
     * {@code cutEnd} a character cut off at the end is accepted (the next block decides).
     */
    public static long invalidUtf8(byte[] b, int n, boolean cutStart, boolean cutEnd) {
        long bad = 0;
        int i = 0;
        if (cutStart) while (i < n && i < 3 && (b[i] & 0xC0) == 0x80) i++;
        while (i < n) {
            int c = b[i] & 0xFF;
            int len, min;
            if (c < 0x80) {
                i++;
                continue;
            } else if (c >= 0xC2 && c <= 0xDF) {
                len = 2;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                len = 3;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                len = 4;
                min = 0x10000;
            } else {
                bad++;
                i++;
                continue;
            }
            if (i + len > n) {
                boolean continues = true;
                for (int k = i + 1; k < n; k++) continues &= (b[k] & 0xC0) == 0x80;
                if (cutEnd && continues) return bad; // a character cut at the block's end
                bad++; // an unfinished character: its lead is invalid, the bytes after it are read on their own
                i++;
                continue;
            }
            int cp = c & (0xFF >> (len + 1));
            boolean ok = true;
            for (int k = 1; k < len && ok; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) ok = false;
                else cp = (cp << 6) | (cc & 0x3F);
            }
            if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
            if (ok) {
                i += len;
            } else {
                bad++;
                i++;
            }
        }
        return bad;
    }

    public long bytesRead() {
        return total;
    }

    public int distinct() {
        int n = 0;
        for (long c : histogram) if (c != 0) n++;
        return n;
    }

    /** The warnings for what was read so far, most telling first; empty for ordinary text. */
    public List<DataWarning> warnings() {
        List<DataWarning> out = new ArrayList<>();
        if (total == 0) return out;
        // a run still open at the end counts too (without closing it: more blocks may follow)
        long runs = runBytes + (run >= LONG_RUN ? run : 0);
        long longest = Math.max(longestRun, run);
        int longestByte = run > longestRun ? runByte : longestRunByte;
        if (invalid > INVALID_SHARE * total)
            out.add(new DataWarning(DataWarning.Kind.INVALID_UTF8, String.format(Locale.ROOT,
                    "%s of the bytes are not valid UTF-8: this looks like binary data or text in another encoding"
                            + " (Latin-1, UTF-16)", share(invalid))));
        if (control > CONTROL_SHARE * total)
            out.add(new DataWarning(DataWarning.Kind.CONTROL_BYTES, String.format(Locale.ROOT,
                    "%s of the bytes are NUL or other control characters%s: this looks like binary data or UTF-16 text",
                    share(control), nul > 0 && nul < control ? " (" + share(nul) + " NUL)" : "")));
        if (runs > RUN_SHARE * total)
            out.add(new DataWarning(DataWarning.Kind.LONG_RUNS, String.format(Locale.ROOT,
                    "%s of the bytes are in long runs of one repeated byte (the longest: %,d × %s); the model will"
                            + " mostly learn to repeat it", share(runs), longest, name(longestByte))));
        int d = distinct();
        if (d < FEW_DISTINCT)
            out.add(new DataWarning(DataWarning.Kind.FEW_DISTINCT_BYTES, String.format(Locale.ROOT,
                    "only %d distinct byte value%s (text usually has 50 or more): the loss will drop fast but the model"
                            + " learns little", d, d == 1 ? "" : "s")));
        return out;
    }

    private String share(long n) {
        double p = 100.0 * n / total;
        return p >= 99.95 ? "all" : p >= 10 ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }

    private static String name(int b) {
        if (b == 0) return "NUL";
        if (b == ' ') return "space";
        if (b > 32 && b < 127) return "'" + (char) b + "'";
        return String.format(Locale.ROOT, "0x%02X", b);
    }

    /** Checks a corpus: all of it up to {@link #SAMPLE_LIMIT}, else evenly spaced 1 MB blocks. */
    public static List<DataWarning> of(Corpus corpus) {
        DataCheck check = new DataCheck();
        long size = corpus.size();
        boolean sampled = size > SAMPLE_LIMIT;
        long blocks = sampled ? SAMPLE_LIMIT / BLOCK : (size + BLOCK - 1) / BLOCK;
        for (long b = 0; b < blocks; b++) {
            long start = sampled ? (size - BLOCK) * b / Math.max(1, blocks - 1) : b * BLOCK;
            byte[] chunk = corpus.slice(start, BLOCK);
            check.accept(chunk, chunk.length, !sampled && b > 0, start > 0, start + chunk.length < size);
        }
        return check.warnings();
    }
}
