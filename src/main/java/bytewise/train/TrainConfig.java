package bytewise.train;

import bytewise.BytewiseException;

/**
 * Optimizer, schedule and run settings. {@code threads} 0 means all processors.
 * The learning rate warms up linearly over {@code warmup} steps, then follows a cosine from
 * {@code lr} down to {@code minLr} at the last step. The schedule starts at step
 * {@code scheduleStart}: 0 for a run's first schedule; a finished run trained for more steps with
 * its schedule restarted warms up and decays again from the step it had reached.
 */
public record TrainConfig(int batch, int steps, double lr, double minLr, int warmup, double weightDecay,
                          double beta1, double beta2, double eps, double gradClip, int evalEvery, int evalWindows,
                          int threads, long seed, double valFraction, int scheduleStart) {

    /** Settings whose schedule starts at step 0 (every run's first schedule). */
    public TrainConfig(int batch, int steps, double lr, double minLr, int warmup, double weightDecay,
                       double beta1, double beta2, double eps, double gradClip, int evalEvery, int evalWindows,
                       int threads, long seed, double valFraction) {
        this(batch, steps, lr, minLr, warmup, weightDecay, beta1, beta2, eps, gradClip, evalEvery, evalWindows,
                threads, seed, valFraction, 0);
    }

    public static TrainConfig defaults() {
        return new TrainConfig(4, 200, 3e-4, 3e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1.0, 20, 64, 0, 1337, 0.1);
    }

    public TrainConfig {
        if (batch <= 0) throw new BytewiseException("batch must be positive, got " + batch);
        if (batch > 1 << 16) throw new BytewiseException("batch " + batch + " is too large (max 65536)");
        if (steps < 0) throw new BytewiseException("steps must not be negative, got " + steps);
        if (!(lr > 0 && lr <= 10)) throw new BytewiseException("lr must be in (0, 10], got " + lr);
        if (!(minLr >= 0 && minLr <= lr)) throw new BytewiseException("min_lr must be in [0, lr], got " + minLr);
        if (warmup < 0) throw new BytewiseException("warmup must not be negative, got " + warmup);
        if (!(weightDecay >= 0 && weightDecay < 10)) throw new BytewiseException("weight_decay must be in [0, 10), got " + weightDecay);
        if (!(beta1 >= 0 && beta1 < 1)) throw new BytewiseException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new BytewiseException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0 && eps < 1)) throw new BytewiseException("eps must be in (0, 1), got " + eps);
        if (!(gradClip >= 0) || Double.isInfinite(gradClip))
            throw new BytewiseException("grad_clip must be 0 (off) or positive, got " + gradClip);
        if (evalEvery < 0) throw new BytewiseException("eval_every must not be negative, got " + evalEvery);
        if (evalWindows < 0) throw new BytewiseException("eval_windows must not be negative, got " + evalWindows);
        if (threads < 0 || threads > 1024) throw new BytewiseException("threads must be in 0..1024 (0 = all), got " + threads);
        if (!(valFraction >= 0 && valFraction < 1))
            throw new BytewiseException("val_fraction must be in [0, 1), got " + valFraction);
        if (scheduleStart < 0) throw new BytewiseException("schedule_start must not be negative, got " + scheduleStart);
        if (scheduleStart > steps)
            throw new BytewiseException("the schedule restarts at step " + scheduleStart + ", after the run's last step ("
                    + steps + "): give more steps");
    }

    public int resolvedThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    public TrainConfig withSteps(int s) {
        return toBuilder().steps(s).build();
    }

    public TrainConfig withThreads(int t) {
        return toBuilder().threads(t).build();
    }

    /** The same settings with the schedule (warmup, then cosine) starting at {@code step}. */
    public TrainConfig withScheduleStart(int step) {
        return toBuilder().scheduleStart(step).build();
    }

    /**
     * The settings for a run that starts training at {@code step}: a schedule start beyond it (say, settings
     * kept from a restarted run, used for a fresh one) moves to it, since the schedule must cover every step trained.
     */
    public TrainConfig startingAt(long step) {
        return scheduleStart > step ? withScheduleStart((int) step) : this;
    }

    public TrainConfig withLr(double newLr, double newMinLr) {
        return toBuilder().lr(newLr).minLr(newMinLr).build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Named setters instead of sixteen positional arguments; {@link #build()} validates. */
    public static final class Builder {
        private int batch, steps, evalEvery, evalWindows, threads, warmup, scheduleStart;
        private double lr, minLr, weightDecay, beta1, beta2, eps, gradClip, valFraction;
        private long seed;

        private Builder(TrainConfig c) {
            batch = c.batch; steps = c.steps; lr = c.lr; minLr = c.minLr; warmup = c.warmup;
            weightDecay = c.weightDecay; beta1 = c.beta1; beta2 = c.beta2; eps = c.eps; gradClip = c.gradClip;
            evalEvery = c.evalEvery; evalWindows = c.evalWindows; threads = c.threads; seed = c.seed;
            valFraction = c.valFraction; scheduleStart = c.scheduleStart;
        }

        public Builder batch(int v) { batch = v; return this; }
        public Builder steps(int v) { steps = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder minLr(double v) { minLr = v; return this; }
        public Builder warmup(int v) { warmup = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder beta1(double v) { beta1 = v; return this; }
        public Builder beta2(double v) { beta2 = v; return this; }
        public Builder eps(double v) { eps = v; return this; }
        public Builder gradClip(double v) { gradClip = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder evalWindows(int v) { evalWindows = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder valFraction(double v) { valFraction = v; return this; }
        public Builder scheduleStart(int v) { scheduleStart = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(batch, steps, lr, minLr, warmup, weightDecay, beta1, beta2, eps, gradClip,
                    evalEvery, evalWindows, threads, seed, valFraction, scheduleStart);
        }
    }

    /**
     * Learning rate for 0-based step {@code step}: linear warmup from {@code scheduleStart}, then cosine to
     * minLr at the last step. Steps before {@code scheduleStart} were trained under an earlier schedule these
     * settings no longer hold (a run never asks for them): they get the schedule's first rate.
     */
    public double learningRate(long step) {
        long s = Math.max(0, step - scheduleStart);
        if (s < warmup) return lr * (s + 1) / warmup;
        long decaySteps = Math.max(1, steps - scheduleStart - warmup);
        double ratio = Math.min(1.0, (double) (s - warmup) / decaySteps);
        return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (lr - minLr);
    }

    /** Steps the schedule spans: from {@code scheduleStart} to the last step. */
    public int scheduleSteps() {
        return steps - scheduleStart;
    }
}
