package bytewise.app;

import bytewise.data.Corpus;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Where the Dataset preview's rows start: a row ends after a newline, or when it reaches
 * {@link #WIDTH} bytes, then at the last space of its second half if there is one (so words are not
 * cut), else mid-word. Rows of the first {@link #INDEXED} bytes are indexed this way (at most
 * {@link #MAX_ROWS} rows); past that, and before the index is built, rows are fixed-width, so a file
 * of any size previews at once. Pure Java: built on a background thread.
 */
public final class PreviewRows {
    /** Widest row, in bytes (one character each). */
    public static final int WIDTH = 96;
    /** Bytes indexed at newlines and spaces (64 MB). */
    public static final long INDEXED = 64L << 20;
    /** At most this many indexed rows (16 MB of offsets, for a file of nothing but newlines). */
    static final int MAX_ROWS = 1 << 22;

    private final long size;
    private final int[] starts; // row starts within the indexed part (ascending, starts[0] = 0)
    private final int rows;     // rows in starts
    private final long indexedEnd;

    private PreviewRows(long size, int[] starts, int rows, long indexedEnd) {
        this.size = size;
        this.starts = starts;
        this.rows = rows;
        this.indexedEnd = indexedEnd;
    }

    /** Fixed-width rows (before the index exists). */
    public static PreviewRows fixed(long size) {
        return new PreviewRows(size, new int[0], 0, 0);
    }

    /** Indexes {@code c}'s first {@link #INDEXED} bytes; returns null when cancelled. */
    public static PreviewRows of(Corpus c, BooleanSupplier cancelled) {
        long end = Math.min(c.size(), INDEXED);
        int[] starts = new int[(int) Math.min(1 << 16, end / 16 + 2)];
        int n = 0;
        long s = 0;
        while (s < end && n < MAX_ROWS) {
            if ((n & 0xFFF) == 0 && cancelled != null && cancelled.getAsBoolean()) return null;
            if (n == starts.length) starts = Arrays.copyOf(starts, starts.length * 2);
            starts[n++] = (int) s;
            s = rowEnd(c, s, end);
        }
        return new PreviewRows(c.size(), starts, n, s);
    }

    /** Where the row starting at {@code s} ends (exclusive). */
    static long rowEnd(Corpus c, long s, long end) {
        long limit = Math.min(end, s + WIDTH);
        long lastSpace = -1;
        for (long i = s; i < limit; i++) {
            int b = c.byteAt(i);
            if (b == '\n') return i + 1;
            if (b == ' ' && i - s >= WIDTH / 2) lastSpace = i;
        }
        if (limit == end) return end;
        return lastSpace >= 0 ? lastSpace + 1 : limit;
    }

    public long count() {
        long rest = size - indexedEnd;
        return rows + (rest + WIDTH - 1) / WIDTH;
    }

    /** First byte of row {@code row}. */
    public long start(long row) {
        if (row < rows) return starts[(int) row];
        return indexedEnd + (row - rows) * WIDTH;
    }

    /** One past the last byte of row {@code row}. */
    public long end(long row) {
        if (row + 1 < rows) return starts[(int) row + 1];
        if (row + 1 == rows) return indexedEnd;
        return Math.min(size, start(row) + WIDTH);
    }

    /** The row holding byte {@code offset}. */
    public long rowOf(long offset) {
        if (offset < indexedEnd) {
            int k = Arrays.binarySearch(starts, 0, rows, (int) offset);
            return k >= 0 ? k : -k - 2;
        }
        return rows + (offset - indexedEnd) / WIDTH;
    }
}
