package bytewise.app;

/**
 * Turns a {@link RunData} into the points a chart draws: x as step, tokens or seconds; y as loss or
 * perplexity, optionally log10; EMA smoothing of the training loss; and downsampling (bucket means)
 * to at most a given number of points so a 100,000-step run stays smooth. Pure Java.
 */
public final class ChartData {
    public enum X {
        STEP("step"), TOKENS("tokens"), TIME("seconds");
        public final String label;

        X(String label) {
            this.label = label;
        }
    }

    public enum Y { LOSS, PERPLEXITY }

    /** Points to draw: xs[i], ys[i]. */
    public record Points(double[] xs, double[] ys) {
        public int size() {
            return xs.length;
        }
    }

    private ChartData() {}

    public static String yLabel(Y y, boolean log) {
        String base = y == Y.LOSS ? "loss (nats/byte)" : "perplexity";
        return log ? "log10 " + base : base;
    }

    /** {@code smoothing} in [0, 1): 0 = raw, 0.99 = very smooth (EMA weight of the past). */
    public static Points train(RunData d, X x, Y y, boolean log, double smoothing, int maxPoints) {
        int n = d.size();
        double[] xs = new double[n], ys = new double[n];
        double ema = Double.NaN;
        int k = 0;
        for (int i = 0; i < n; i++) {
            double l = d.loss(i);
            if (!Double.isFinite(l)) continue;
            ema = Double.isNaN(ema) || smoothing <= 0 ? l : smoothing * ema + (1 - smoothing) * l;
            double v = transform(ema, y, log);
            if (!Double.isFinite(v)) continue;
            xs[k] = x(d, i, x);
            ys[k] = v;
            k++;
        }
        return downsample(xs, ys, k, maxPoints);
    }

    public static Points validation(RunData d, X x, Y y, boolean log, int maxPoints) {
        int n = d.evalCount();
        double[] xs = new double[n], ys = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            double v = transform(d.evalLoss(i), y, log);
            if (!Double.isFinite(v)) continue;
            xs[k] = evalX(d, i, x);
            ys[k] = v;
            k++;
        }
        return downsample(xs, ys, k, maxPoints);
    }

    public static Points overfit(RunData d, X x, Y y, boolean log) {
        int[] idx = d.overfitEvals();
        double[] xs = new double[idx.length], ys = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            xs[i] = evalX(d, idx[i], x);
            ys[i] = transform(d.evalLoss(idx[i]), y, log);
        }
        return new Points(xs, ys);
    }

    static double transform(double loss, Y y, boolean log) {
        double v = y == Y.PERPLEXITY ? Math.exp(loss) : loss;
        return log ? Math.log10(v) : v;
    }

    static double x(RunData d, int i, X x) {
        return switch (x) {
            case STEP -> d.step(i);
            case TOKENS -> d.tokens(i);
            case TIME -> d.seconds(i);
        };
    }

    /**
     * Where to mark that {@code d} diverged, on axis {@code x}: at its last recorded step (the one
     * before the refused update), or NaN when it did not diverge or recorded no step.
     */
    public static double divergedX(RunData d, X x) {
        if (d.divergedStep() < 0 || d.size() == 0) return Double.NaN;
        return x(d, d.size() - 1, x);
    }

    /** Loss spikes to mark: at xs[i], ys[i] (the step's own loss, not smoothed), step steps[i]. */
    public record Spikes(double[] xs, double[] ys, long[] steps) {
        public int size() {
            return xs.length;
        }
    }

    /** Where the given runs' losses spiked, on axes {@code x} and {@code y}. */
    public static Spikes spikes(java.util.Collection<RunData> runs, X x, Y y, boolean log) {
        int n = 0;
        for (RunData d : runs) n += d.spikes().length;
        double[] xs = new double[n], ys = new double[n];
        long[] steps = new long[n];
        int k = 0;
        for (RunData d : runs) {
            for (int i : d.spikes()) {
                xs[k] = x(d, i, x);
                ys[k] = transform(d.loss(i), y, log);
                steps[k++] = (long) d.step(i);
            }
        }
        return new Spikes(xs, ys, steps);
    }

    static double evalX(RunData d, int i, X x) {
        return switch (x) {
            case STEP -> d.evalStep(i);
            case TOKENS -> d.evalTokens(i);
            case TIME -> d.evalSeconds(i);
        };
    }

    /** Bucket means down to at most {@code max} points; the last point is always kept exactly. */
    static Points downsample(double[] xs, double[] ys, int n, int max) {
        if (n <= max) return new Points(java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n));
        double[] ox = new double[max], oy = new double[max];
        int buckets = max - 1;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * (n - 1) / buckets), to = (int) ((long) (b + 1) * (n - 1) / buckets);
            if (to <= from) to = from + 1;
            double sx = 0, sy = 0;
            for (int i = from; i < to; i++) {
                sx += xs[i];
                sy += ys[i];
            }
            ox[b] = sx / (to - from);
            oy[b] = sy / (to - from);
        }
        ox[max - 1] = xs[n - 1];
        oy[max - 1] = ys[n - 1];
        return new Points(ox, oy);
    }
}
