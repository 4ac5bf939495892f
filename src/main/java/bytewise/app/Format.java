package bytewise.app;

import java.util.Locale;

/** The studio's one way to write sizes, durations and FLOPs for people. */
public final class Format {
    private Format() {}

    /** 512 B, 1.5 KB, 3.2 MB, 1.25 GB (powers of 1024). */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GB", n / (1024.0 * 1024 * 1024));
    }

    /** "1 byte", "2 bytes", "12,345 files": a count with its noun, singular for one. */
    public static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    /** 42 s, 3 min 05 s, 2 h 10 min; "—" when unknown. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "—";
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    /** 12.3 MFLOP, 4.56 GFLOP, 1.20 TFLOP. */
    public static String flops(double f) {
        if (f >= 1e12) return String.format(Locale.ROOT, "%.2f TFLOP", f / 1e12);
        if (f >= 1e9) return String.format(Locale.ROOT, "%.2f GFLOP", f / 1e9);
        return String.format(Locale.ROOT, "%.1f MFLOP", f / 1e6);
    }

    /** A number with {@code fmt}, or "—" when it is not finite. */
    public static String number(double v, String fmt) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "—";
    }
}
