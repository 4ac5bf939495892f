package bytewise.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * Decides, step by step, whether training has diverged: the loss is not finite, it is above that
 * of uniform guessing (ln 256) plus a margin, or it has stayed far above its recent level for a few
 * steps in a row. The recent level is the median of the last {@link #WINDOW} accepted losses and
 * "far" is both a share of that median and a multiple of the median absolute deviation around it:
 * a median is not dragged by the odd noisy batch, and a falling curve (warm-up) keeps every loss
 * at or below its recent median. One step far above is a blip (batches vary); divergence lasts.
 * Losses that look wrong do not enter the window, so a blow-up cannot become the new normal.
 */
public final class DivergenceRule {
    public enum Reason {
        NON_FINITE("the loss is not a number"),
        ABOVE_UNIFORM("the loss is above that of uniform guessing"),
        SPIKE("the loss rose far above its recent level");

        public final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    public static final double UNIFORM_LOSS = Math.log(256);
    static final int WINDOW = 64;
    /** Losses seen before spikes are judged (the level must exist first). */
    static final int WARMUP = 32;

    private final double margin, relative, deviations;
    private final int patience;
    private final double[] window = new double[WINDOW], scratch = new double[WINDOW];
    private int filled, next, over;
    private boolean spike;

    /** Margin 1 nat over ln 256; spike = 50% and 8 scaled deviations above the median, for 3 steps in a row. */
    public DivergenceRule() {
        this(1.0, 0.5, 8.0, 3);
    }

    public DivergenceRule(double margin, double relative, double deviations, int patience) {
        if (!(margin >= 0) || !(relative >= 0) || !(deviations >= 0) || patience < 1)
            throw new IllegalArgumentException("invalid divergence rule settings");
        this.margin = margin;
        this.relative = relative;
        this.deviations = deviations;
        this.patience = patience;
    }

    /** Looks at one step's loss; null while training looks healthy, else why it has diverged. */
    public Reason observe(double loss) {
        spike = false;
        if (!Double.isFinite(loss)) return Reason.NON_FINITE;
        if (loss > UNIFORM_LOSS + margin) return Reason.ABOVE_UNIFORM;
        if (filled >= WARMUP && farAbove(loss)) {
            spike = true;
            if (++over >= patience) return Reason.SPIKE;
            return null;
        }
        over = 0;
        window[next] = loss;
        next = (next + 1) % WINDOW;
        if (filled < WINDOW) filled++;
        return null;
    }

    private boolean farAbove(double loss) {
        double median = median();
        if (loss <= median * (1 + relative)) return false; // the usual case: no need for the deviation
        for (int i = 0; i < filled; i++) scratch[i] = Math.abs(window[i] - median);
        Arrays.sort(scratch, 0, filled);
        double mad = 1.4826 * middle(scratch, filled); // a standard deviation's worth, for normal noise
        return loss > median * (1 + relative) && loss - median > deviations * mad;
    }

    /**
     * Whether the loss just observed was far above its recent level: a spike, which is divergence
     * only when it lasts ({@link #observe} says so). The chart marks each one.
     */
    public boolean spiked() {
        return spike;
    }

    /** The recent level: median of the accepted losses (NaN before any). */
    public double level() {
        return filled == 0 ? Double.NaN : median();
    }

    private double median() {
        System.arraycopy(window, 0, scratch, 0, filled);
        Arrays.sort(scratch, 0, filled);
        return middle(scratch, filled);
    }

    private static double middle(double[] sorted, int n) {
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /** Forgets the level (a run resumed at another learning rate starts judging afresh). */
    public void reset() {
        filled = next = over = 0;
        spike = false;
    }

    /** One line for people: what happened at which step, and what to try. */
    public static String message(Reason reason, long step, double loss, double lr, double suggestedLr) {
        return String.format(Locale.ROOT, "Training diverged at step %d: %s (loss %s). Lower the learning rate to %s"
                        + " (now %s)", step, reason.text,
                Double.isFinite(loss) ? String.format(Locale.ROOT, "%.4g", loss) : String.valueOf(loss),
                LearningRates.show(suggestedLr), LearningRates.show(lr));
    }
}
