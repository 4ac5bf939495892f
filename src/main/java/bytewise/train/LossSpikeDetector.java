package bytewise.train;

/**
 * Watches the training loss step by step and flags a step that looks like trouble: a non-finite
 * loss, a loss above that of uniform guessing (ln 256) plus a margin, or a loss far above its
 * recent level. The recent level is an exponential moving average, and "far" is both a share of
 * that average and a multiple of the average absolute deviation around it, so an ordinary noisy,
 * decreasing curve does not fire. The first {@code warmup} finite losses only set the level.
 * Allocation-free; one call per step.
 */
public final class LossSpikeDetector {
    /** Why a step was flagged. */
    public enum Verdict {
        OK, NON_FINITE, ABOVE_UNIFORM, SPIKE
    }

    public static final double UNIFORM_LOSS = Math.log(256);

    private final double margin, alpha, relative, deviations;
    private final int warmup;
    private double ema = Double.NaN, deviation;
    private long seen;

    /** Margin 1 nat over ln 256, EMA over ~20 steps (α 0.1) after 20 steps, spike = 30% and 6 deviations above it. */
    public LossSpikeDetector() {
        this(1.0, 0.1, 20, 0.3, 6.0);
    }

    public LossSpikeDetector(double margin, double alpha, int warmup, double relative, double deviations) {
        if (!(margin >= 0) || !(alpha > 0 && alpha <= 1) || warmup < 1 || !(relative >= 0) || !(deviations >= 0))
            throw new IllegalArgumentException("invalid spike detector settings");
        this.margin = margin;
        this.alpha = alpha;
        this.warmup = warmup;
        this.relative = relative;
        this.deviations = deviations;
    }

    /** Looks at one step's loss. */
    public Verdict observe(double loss) {
        if (!Double.isFinite(loss)) return Verdict.NON_FINITE;
        Verdict v = Verdict.OK;
        if (loss > UNIFORM_LOSS + margin) v = Verdict.ABOVE_UNIFORM;
        else if (seen >= warmup && loss > ema * (1 + relative) && loss - ema > deviations * deviation) v = Verdict.SPIKE;
        // a flagged value moves the level only as far as the threshold, so one spike does not
        // drag the average up, while a lasting change of level is still followed
        double x = v == Verdict.OK || seen == 0 ? loss : Math.min(loss, ema + deviations * deviation);
        if (seen == 0) {
            ema = x;
        } else {
            deviation += alpha * (Math.abs(x - ema) - deviation);
            ema += alpha * (x - ema);
        }
        seen++;
        return v;
    }

    /** The recent loss level (NaN before the first finite loss). */
    public double level() {
        return ema;
    }

    /** The average absolute deviation around the level. */
    public double deviation() {
        return deviation;
    }

    public void reset() {
        ema = Double.NaN;
        deviation = 0;
        seen = 0;
    }
}
