package bytewise.app;

import bytewise.io.RunFolder;
import bytewise.train.DivergenceRule;
import bytewise.train.EvalMetrics;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Every metric of one training run, kept in full (primitive arrays, so 100,000 steps cost a few MB)
 * for CSV export; charts show a downsampled view ({@link ChartData}). Also detects overfitting:
 * validation loss rising for {@link #OVERFIT_RISES} evaluations in a row while the smoothed training
 * loss keeps falling. Not thread-safe: the studio touches it on the FX thread only.
 */
public final class RunData {
    public static final int OVERFIT_RISES = 3;
    static final double TREND_ALPHA = 0.05;

    public final String name;
    public final int colorIndex;
    /** The settings the run trains with now: a run trained on for more steps takes the new ones. */
    private volatile TrainConfig config;
    public final long startStep;

    /** Per step: step, tokens, seconds, loss, lr, grad norm, tokens/s. */
    private double[] step = new double[256], tokens = new double[256], seconds = new double[256], loss = new double[256],
            lr = new double[256], gradNorm = new double[256], tokensPerSecond = new double[256];
    private int n;
    /** Per evaluation: step, tokens, seconds, loss, and the training trend (EMA) at that moment. */
    private double[] vStep = new double[32], vTokens = new double[32], vSeconds = new double[32], vLoss = new double[32],
            vTrend = new double[32];
    private int nv;
    private double trend = Double.NaN;
    private double secondsOffset;
    private double[] overfit = new double[0]; // indices into the evaluations
    /** Steps whose loss jumped far above its recent level, by the trainer's own rule (indices into the steps). */
    private final DivergenceRule spikeRule = new DivergenceRule();
    private int[] spikes = new int[0];
    private boolean inRisingStreak;

    public RunData(String name, int colorIndex, TrainConfig config, long startStep, double secondsOffset) {
        this.name = name;
        this.colorIndex = colorIndex;
        this.config = config;
        this.startStep = startStep;
        this.secondsOffset = secondsOffset;
    }

    public void add(StepMetrics m) {
        // a run resumed from an earlier checkpoint trains those steps again: the newer ones replace the old
        int kept = n;
        while (n > 0 && step[n - 1] >= m.step()) n--;
        if (n < kept) forgetSpikesFrom(n);
        while (nv > 0 && vStep[nv - 1] >= m.step()) nv--;
        if (n == step.length) {
            int c = n * 2;
            step = Arrays.copyOf(step, c);
            tokens = Arrays.copyOf(tokens, c);
            seconds = Arrays.copyOf(seconds, c);
            loss = Arrays.copyOf(loss, c);
            lr = Arrays.copyOf(lr, c);
            gradNorm = Arrays.copyOf(gradNorm, c);
            tokensPerSecond = Arrays.copyOf(tokensPerSecond, c);
        }
        step[n] = m.step();
        tokens[n] = m.tokens();
        seconds[n] = m.elapsedSeconds() + secondsOffset;
        loss[n] = m.loss();
        lr[n] = m.lr();
        gradNorm[n] = m.gradNorm();
        tokensPerSecond[n] = m.tokensPerSecond();
        spikeRule.observe(m.loss());
        if (spikeRule.spiked()) {
            spikes = Arrays.copyOf(spikes, spikes.length + 1);
            spikes[spikes.length - 1] = n;
        }
        n++;
        if (Double.isFinite(m.loss())) trend = Double.isNaN(trend) ? m.loss() : trend + TREND_ALPHA * (m.loss() - trend);
    }

    /** Adds an evaluation; returns true when this one completes an overfitting pattern (newly). */
    public boolean add(EvalMetrics m) {
        if (nv == vStep.length) {
            int c = nv * 2;
            vStep = Arrays.copyOf(vStep, c);
            vTokens = Arrays.copyOf(vTokens, c);
            vSeconds = Arrays.copyOf(vSeconds, c);
            vLoss = Arrays.copyOf(vLoss, c);
            vTrend = Arrays.copyOf(vTrend, c);
        }
        vStep[nv] = m.step();
        vTokens[nv] = m.tokens();
        vSeconds[nv] = m.elapsedSeconds() + secondsOffset;
        vLoss[nv] = m.valLoss();
        vTrend[nv] = trend;
        nv++;
        boolean pattern = nv > OVERFIT_RISES;
        for (int k = 0; pattern && k < OVERFIT_RISES; k++) {
            int i = nv - 1 - k;
            if (!(vLoss[i] > vLoss[i - 1]) || !(vTrend[i] < vTrend[i - 1])) pattern = false;
        }
        boolean fresh = pattern && !inRisingStreak;
        inRisingStreak = pattern;
        if (fresh) {
            overfit = Arrays.copyOf(overfit, overfit.length + 1);
            overfit[overfit.length - 1] = nv - 1;
        }
        return fresh;
    }

    /** Drops the spikes at step index {@code from} and later, and judges the kept steps again. */
    private void forgetSpikesFrom(int from) {
        int k = 0;
        while (k < spikes.length && spikes[k] < from) k++;
        spikes = Arrays.copyOf(spikes, k);
        spikeRule.reset();
        for (int i = 0; i < from; i++) spikeRule.observe(loss[i]);
    }

    /** Step indices whose training loss spiked (one step far above its recent level); the chart marks them. */
    public int[] spikes() {
        return spikes.clone();
    }

    private long divergedStep = -1;

    /** The run diverged at {@code step} (the step whose update was refused); the chart marks it. */
    public void markDiverged(long step) {
        divergedStep = step;
    }

    /** The step the run diverged at, or -1. */
    public long divergedStep() {
        return divergedStep;
    }

    public int size() {
        return n;
    }

    public int evalCount() {
        return nv;
    }

    public double step(int i) { return step[i]; }
    public double tokens(int i) { return tokens[i]; }
    public double seconds(int i) { return seconds[i]; }
    public double loss(int i) { return loss[i]; }
    public double lr(int i) { return lr[i]; }
    public double gradNorm(int i) { return gradNorm[i]; }
    public double evalStep(int i) { return vStep[i]; }
    public double evalTokens(int i) { return vTokens[i]; }
    public double evalSeconds(int i) { return vSeconds[i]; }
    public double evalLoss(int i) { return vLoss[i]; }

    /** Evaluation indices where overfitting was detected. */
    public int[] overfitEvals() {
        int[] out = new int[overfit.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) overfit[i];
        return out;
    }

    /**
     * The next metrics continue this run, trained on with {@code tc} (more steps, perhaps a restarted
     * schedule) after a restart of its clock: times go on from the last point.
     */
    public void continueWith(TrainConfig tc) {
        config = tc;
        secondsOffset = lastSeconds();
    }

    public TrainConfig config() {
        return config;
    }

    public double lastSeconds() {
        return n == 0 ? secondsOffset : seconds[n - 1];
    }

    /**
     * What the run did, for the end-of-run summary: training time, mean tokens/s, best validation
     * loss, tokens seen. Time sums the gaps between consecutive steps (a continued run's clock may
     * restart), and the mean is the tokens trained over that time.
     */
    public String summary() {
        RunData r = this;
        if (r.size() == 0) return "";
        int last = r.size() - 1;
        double seconds = Math.max(0, r.seconds(0)), trained = 0, timed = 0;
        for (int i = 1; i <= last; i++) {
            double dt = r.seconds(i) - r.seconds(i - 1), dTok = r.tokens(i) - r.tokens(i - 1);
            if (dt > 0) seconds += dt;
            if (dt > 0 && dTok > 0) {
                timed += dt;
                trained += dTok;
            }
        }
        double best = Double.NaN;
        for (int i = 0; i < r.evalCount(); i++)
            if (Double.isFinite(r.evalLoss(i)) && !(r.evalLoss(i) >= best)) best = r.evalLoss(i);
        return String.format(Locale.ROOT, "%,d steps in %s · %s tok/s on average · best validation loss %s · %,.0f tokens seen",
                (long) r.step(last), Format.duration(seconds),
                timed > 0 ? String.format(Locale.ROOT, "%,.0f", trained / timed) : "—",
                Double.isFinite(best) ? String.format(Locale.ROOT, "%.4f", best) : "—", r.tokens(last));
    }

    /**
     * Writes this run's full data as CSV rows (no header): the run's name, then the columns of a run
     * folder's metrics.csv ({@link RunFolder#METRICS_HEADER}), seconds counted as the chart shows them.
     */
    public void writeCsv(Writer w) throws IOException {
        String q = "\"" + name.replace("\"", "\"\"") + "\",";
        for (int i = 0; i < n; i++)
            w.write(q + RunFolder.stepRow(new StepMetrics((long) step[i], config.steps(), (long) tokens[i], (float) loss[i],
                    lr[i], gradNorm[i], tokensPerSecond[i], seconds[i])) + System.lineSeparator());
        for (int i = 0; i < nv; i++)
            w.write(q + RunFolder.evalRow(new EvalMetrics((long) vStep[i], (long) vTokens[i], (float) vLoss[i], vSeconds[i]))
                    + System.lineSeparator());
    }

    /** The export's header: the run, then metrics.csv's columns (one schema for both). */
    public static final String CSV_HEADER = "run," + RunFolder.METRICS_HEADER;
}
