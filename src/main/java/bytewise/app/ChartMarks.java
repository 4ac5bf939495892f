package bytewise.app;

import javafx.scene.image.Image;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

import java.util.Locale;

/** The loss chart's arithmetic and small pictures: tick spacing and labels, the validation dot, nearest points. */
final class ChartMarks {
    private ChartMarks() {}

    /** A 1, 2 or 5 × 10^k spacing giving about eight ticks over {@code range}. */
    static double niceTick(double range) {
        double raw = range / 8, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    }

    static Image paintDot(Color color) {
        final int size = 9; // a disc of radius 2.7 in a white ring out to 3.8 (as a filled and stroked oval was)
        final double c = size / 2.0, inner = 2.7, outer = 3.8;
        WritableImage img = new WritableImage(size, size);
        var w = img.getPixelWriter();
        for (int py = 0; py < size; py++) {
            for (int px = 0; px < size; px++) {
                int in = 0, ring = 0; // 4x4 subsamples per pixel
                for (int sy = 0; sy < 4; sy++) {
                    for (int sx = 0; sx < 4; sx++) {
                        double dx = px + (sx + 0.5) / 4 - c, dy = py + (sy + 0.5) / 4 - c, r = Math.hypot(dx, dy);
                        if (r <= inner) in++;
                        else if (r <= outer) ring++;
                    }
                }
                double cover = (in + ring) / 16.0;
                if (cover == 0) {
                    w.setColor(px, py, Color.TRANSPARENT);
                    continue;
                }
                double f = in / (double) (in + ring); // share of the colour in the covered part; the rest is white
                w.setColor(px, py, new Color(f * color.getRed() + (1 - f), f * color.getGreen() + (1 - f),
                        f * color.getBlue() + (1 - f), cover * color.getOpacity()));
            }
        }
        return img;
    }

    static String tickText(double v, double tick, boolean time) {
        if (Math.abs(v) < tick * 1e-6) v = 0;
        if (time) return formatSeconds(v, tick);
        if (tick >= 1 && Math.abs(v) >= 10_000) {
            double abs = Math.abs(v);
            if (abs >= 1e9) return trim(v / 1e9, tick / 1e9) + "G";
            if (abs >= 1e6) return trim(v / 1e6, tick / 1e6) + "M";
            return trim(v / 1e3, tick / 1e3) + "k";
        }
        return trim(v, tick);
    }

    static String trim(double v, double tick) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(tick) - 1e-9));
        return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
    }

    static String formatSeconds(double s, double tick) {
        if (tick >= 60 && s >= 60) {
            long m = Math.round(s / 60);
            return m >= 60 ? String.format(Locale.ROOT, "%dh%02d", m / 60, m % 60) : m + "m";
        }
        return trim(s, tick) + "s";
    }

    static int nearest(double[] xs, double x) {
        int lo = 0, hi = xs.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (xs[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        if (lo > 0 && Math.abs(xs[lo - 1] - x) < Math.abs(xs[lo] - x)) lo--;
        return lo;
    }

    /** The hover text for point {@code i} of {@code c}'s training curve, with the validation point nearest {@code x}. */
    static String hoverText(LossChart.Curve c, int i, double x, boolean timeAxis, String xLabel) {
        ChartData.Points t = c.train();
        StringBuilder sb = new StringBuilder(c.name()).append(String.format(Locale.ROOT, "\n%s %s\ntrain %s",
                timeAxis ? "t =" : xLabel, fmtX(t.xs()[i], timeAxis), fmtY(t.ys()[i])));
        ChartData.Points v = c.val();
        if (v.size() > 0) {
            int j = nearest(v.xs(), x);
            sb.append(String.format(Locale.ROOT, "\nvalidation %s (at %s)", fmtY(v.ys()[j]), fmtX(v.xs()[j], timeAxis)));
            ChartData.Points m = c.marks();
            for (int k = 0; k < m.size(); k++)
                if (m.xs()[k] == v.xs()[j])
                    sb.append("\n▲ overfitting: validation loss rose ").append(RunData.OVERFIT_RISES)
                            .append(" evaluations in a row while training loss fell");
        }
        return sb.toString();
    }

    private static String fmtX(double v, boolean timeAxis) {
        return timeAxis ? String.format(Locale.ROOT, "%.1f s", v) : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmtY(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
