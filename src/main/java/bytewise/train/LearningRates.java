package bytewise.train;

import bytewise.model.ModelConfig;

import java.util.Locale;

/**
 * The usual range of peak learning rates for a byte-level GPT of a given width, for warnings
 * (never refusals) and for the rate suggested after a divergence. AdamW's good rates shrink
 * roughly with the square root of the width: about 1e-3 at d_model 128 (the small preset) and
 * 6e-4 near GPT-2 small's 768 (4e-4 here). The range spans 30× below to 5× above that.
 */
public final class LearningRates {
    private LearningRates() {}

    /** A rate that trains this width well with warmup and cosine decay. */
    public static double typical(ModelConfig m) {
        return 1e-3 * Math.sqrt(128.0 / Math.max(1, m.dModel()));
    }

    public static double usualLow(ModelConfig m) {
        return typical(m) / 30;
    }

    public static double usualHigh(ModelConfig m) {
        return typical(m) * 5;
    }

    /** "" when {@code lr} is in the usual range for {@code m}, else a sentence saying which way it is off. */
    public static String warning(double lr, ModelConfig m) {
        if (!(lr > 0) || m == null) return "";
        if (lr > usualHigh(m))
            return String.format(Locale.ROOT, "Learning rate %s is high for d_model %d (usual %s – %s): training may diverge",
                    show(lr), m.dModel(), show(usualLow(m)), show(usualHigh(m)));
        if (lr < usualLow(m))
            return String.format(Locale.ROOT, "Learning rate %s is low for d_model %d (usual %s – %s): the loss will fall slowly",
                    show(lr), m.dModel(), show(usualLow(m)), show(usualHigh(m)));
        return "";
    }

    /**
     * The rate to try after a run diverged at {@code lr}: a quarter of it, no higher than the top
     * of the usual range, rounded down to one significant digit (so it reads like a rate people type).
     */
    public static double afterDivergence(double lr, ModelConfig m) {
        double x = lr / 4;
        if (m != null) x = Math.min(x, usualHigh(m));
        double unit = Math.pow(10, Math.floor(Math.log10(x)));
        return Math.max(unit, Math.floor(x / unit) * unit);
    }

    /** 3e-04 style for small rates, plain for ordinary ones. */
    public static String show(double lr) {
        return lr >= 0.01 ? String.format(Locale.ROOT, "%.3g", lr) : String.format(Locale.ROOT, "%.1e", lr);
    }
}
