package bytewise.train;

import bytewise.BytewiseException;
import bytewise.data.Batches;
import bytewise.data.Split;
import bytewise.data.ValidationSet;
import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.Warmup;

/**
 * Trains a {@link Gpt} on a {@link Split}: forward, backward, clipping, AdamW, evaluation.
 * {@link #run} blocks the calling thread (the studio calls it from a background task); pause,
 * resume, cancel and snapshots may be called from any thread and act between steps.
 *
 * <p>Optionally a fraction of every batch is drawn from a second ("replay") corpus, so fine-tuning
 * on new text does not wipe out what the model learned from the old one.
 */
public final class Trainer implements AutoCloseable {
    private final Gpt model;
    private final Split split;
    private final TrainConfig cfg;
    private final WorkerPool pool;
    private final ForwardBackward fb;
    private final AdamW adam;
    private final Batches batches;
    private final Batches replay;
    private final int replayWindows;
    private final ValidationSet validation;
    private final int[] x, y;
    private final Object paramLock = new Object();
    private final Object pauseLock = new Object();
    private volatile boolean paused, cancelled;
    private final DivergenceRule divergence = new DivergenceRule();
    private volatile OnDivergence onDivergence = OnDivergence.STOP;
    private long step, tokens;
    private float lastLoss = Float.NaN;
    // training health, measured every healthEvery steps (0 = off); see measureHealthEvery
    private int healthEvery;
    private TrainingHealth health;
    private float[] healthPrevious;
    private int clippedSinceReport, stepsSinceReport;

    public Trainer(Gpt model, Split split, TrainConfig cfg, TrainingState resume) {
        this(model, split, cfg, resume, null, 0);
    }

    public Trainer(Gpt model, Split split, TrainConfig cfg, TrainingState resume, Split replaySplit, double replayFraction) {
        int T = model.config().seqLen();
        split.requireWindows(T);
        if (!(replayFraction >= 0 && replayFraction <= 1))
            throw new BytewiseException("replay fraction must be in [0, 1], got " + replayFraction);
        ForwardBackward.checkFits(model.config(), cfg.batch());
        this.model = model;
        this.split = split;
        this.cfg = cfg;
        this.pool = new WorkerPool(cfg.resolvedThreads());
        this.fb = new ForwardBackward(model, cfg.batch(), pool);
        Warmup.once(pool);
        if (resume != null && resume.hasOptimizerState()) {
            this.adam = new AdamW(model.layout(), resume.m().clone(), resume.v().clone());
        } else {
            this.adam = new AdamW(model.layout());
        }
        if (resume != null) {
            step = resume.step();
            tokens = resume.tokens();
        }
        this.batches = new Batches(split.corpus(), 0, split.trainEnd(), T, cfg.seed());
        if (replaySplit != null && replayFraction > 0) {
            replaySplit.requireWindows(T);
            this.replay = new Batches(replaySplit.corpus(), 0, replaySplit.trainEnd(), T, cfg.seed() + 1);
            this.replayWindows = (int) Math.round(cfg.batch() * replayFraction);
        } else {
            this.replay = null;
            this.replayWindows = 0;
        }
        this.validation = split.hasValidation()
                ? new ValidationSet(split.corpus(), split.trainEnd(), split.corpus().size(), T, cfg.evalWindows())
                : null;
        this.x = new int[cfg.batch() * T];
        this.y = new int[cfg.batch() * T];
    }

    /**
     * What a run does when {@link DivergenceRule} fires: stop (the default), pause until resumed
     * (then training goes on without the rule), or only report it and carry on. A loss or gradient
     * that is not finite always stops: the weights would be ruined.
     */
    public enum OnDivergence { STOP, PAUSE, WARN }

    public Trainer onDivergence(OnDivergence action) {
        this.onDivergence = action == null ? OnDivergence.STOP : action;
        return this;
    }

    public Gpt model() {
        return model;
    }

    public TrainConfig config() {
        return cfg;
    }

    public long step() {
        return step;
    }

    public long tokens() {
        return tokens;
    }

    public float lastLoss() {
        return lastLoss;
    }

    /**
     * Measures {@link TrainingHealth} every {@code every} steps (0 = never) and reports it through
     * {@link TrainingListener#onHealth} after that step's {@code onStep}: per tensor group the
     * gradient (after clipping), weight and update norms, the residual stream's RMS after each block,
     * and how many steps since the last report were clipped. A measured step costs one copy of the
     * weights and one pass over weights and gradients; the others cost nothing. Call before {@link #run}.
     */
    public Trainer measureHealthEvery(int every) {
        if (every < 0) throw new BytewiseException("health cadence must be at least 0, got " + every);
        healthEvery = every;
        if (every > 0 && health == null) {
            health = new TrainingHealth(model.config());
            healthPrevious = new float[model.params().length];
        }
        return this;
    }

    /** Runs steps until {@code cfg.steps()} are done, the run is cancelled, or it diverges. */
    public RunOutcome run(TrainingListener listener) {
        TrainingListener l = listener == null ? new TrainingListener() {} : listener;
        RunOutcome outcome;
        try {
            outcome = loop(l);
        } catch (RuntimeException e) {
            l.onFinish(new RunOutcome(RunOutcome.Status.FAILED, step, e.getMessage()));
            throw e;
        } catch (InternalError e) {
            // A mapped data file cut short faults on access; compiled code may report it a little
            // after the read that faulted, outside Corpus.byteAt, so it is translated here too.
            if (e.getMessage() == null || !e.getMessage().contains("unsafe memory access")) throw e;
            BytewiseException be = new BytewiseException("data file " + split.corpus().name()
                    + " changed or disappeared while in use; reopen it to continue", e);
            l.onFinish(new RunOutcome(RunOutcome.Status.FAILED, step, be.getMessage()));
            throw be;
        }
        l.onFinish(outcome);
        return outcome;
    }

    private RunOutcome loop(TrainingListener l) {
        final int T = model.config().seqLen(), B = cfg.batch();
        long started = System.nanoTime();
        boolean watching = true;
        while (step < cfg.steps()) {
            if (!awaitUnpaused()) return new RunOutcome(RunOutcome.Status.CANCELLED, step, "cancelled");
            long t0 = System.nanoTime();
            double lr = cfg.learningRate(step);
            batches.fill(step, x, y, 0, B - replayWindows);
            if (replay != null) replay.fill(step, x, y, B - replayWindows, replayWindows);
            float loss = fb.forward(x, y, B);
            fb.zeroGrad();
            fb.backward();
            double norm = adam.clipGradients(fb.grads(), cfg.gradClip(), pool);
            DivergenceRule.Reason why = !Double.isFinite(norm) ? DivergenceRule.Reason.NON_FINITE
                    : watching ? divergence.observe(loss) : Float.isFinite(loss) ? null : DivergenceRule.Reason.NON_FINITE;
            if (why != null) {
                boolean fatal = why == DivergenceRule.Reason.NON_FINITE || onDivergence == OnDivergence.STOP;
                Divergence d = diverged(why, loss, norm, !fatal && onDivergence == OnDivergence.PAUSE);
                l.onDiverged(d);
                if (fatal) return new RunOutcome(RunOutcome.Status.DIVERGED, step, d.message());
                watching = false; // the user chose to go on: judging again would fire at every step
                if (d.paused()) {
                    paused = true;
                    continue; // this step again (no update was made) once resumed
                }
            }
            stepsSinceReport++;
            if (cfg.gradClip() > 0 && norm > cfg.gradClip()) clippedSinceReport++;
            boolean healthNow = healthEvery > 0 && (step + 1) % healthEvery == 0;
            if (healthNow) System.arraycopy(model.params(), 0, healthPrevious, 0, healthPrevious.length);
            synchronized (paramLock) {
                adam.step(model.params(), fb.grads(), lr, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(),
                        step + 1, pool);
                step++;
                tokens += (long) B * T;
            }
            lastLoss = loss;
            long t1 = System.nanoTime();
            l.onStep(new StepMetrics(step, cfg.steps(), tokens, loss, lr, norm, (double) B * T * 1e9 / (t1 - t0),
                    (t1 - started) / 1e9));
            if (healthNow) l.onHealth(measureHealth());
            boolean evalNow = (cfg.evalEvery() > 0 && step % cfg.evalEvery() == 0) || step == cfg.steps();
            if (evalNow && validation != null && validation.windows() > 0) {
                float val = evaluate();
                l.onEval(new EvalMetrics(step, tokens, val, (System.nanoTime() - started) / 1e9));
            }
        }
        return new RunOutcome(RunOutcome.Status.COMPLETED, step, "completed");
    }

    private TrainingHealth.Report measureHealth() {
        health.measure(model.params(), fb.grads(), healthPrevious);
        double[] rms = new double[model.config().nLayer()];
        for (int i = 0; i < rms.length; i++) rms[i] = fb.residualRms(i);
        TrainingHealth.Report r = health.report(step, rms, clippedSinceReport, stepsSinceReport);
        clippedSinceReport = 0;
        stepsSinceReport = 0;
        return r;
    }

    private Divergence diverged(DivergenceRule.Reason why, float loss, double norm, boolean pause) {
        double suggested = LearningRates.afterDivergence(cfg.lr(), model.config());
        String msg = DivergenceRule.message(why, step + 1, loss, cfg.lr(), suggested);
        if (!Double.isFinite(norm) && Float.isFinite(loss)) msg = msg.replace(why.text, "the gradient norm is " + norm);
        msg += pause ? "; paused: the weights were not updated" : "; the weights were not updated";
        return new Divergence(step + 1, loss, why, cfg.lr(), suggested, pause, msg);
    }

    /** Mean cross-entropy over the fixed validation windows (NaN when there is no validation part). */
    public float evaluate() {
        if (validation == null || validation.windows() == 0) return Float.NaN;
        int B = cfg.batch(), n = validation.windows();
        double sum = 0;
        for (int from = 0; from < n; from += B) {
            int count = Math.min(B, n - from);
            validation.fill(from, count, x, y);
            sum += (double) fb.forward(x, y, count) * count;
        }
        return (float) (sum / n);
    }

    private boolean awaitUnpaused() {
        synchronized (pauseLock) {
            while (paused && !cancelled) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                }
            }
        }
        return !cancelled;
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** Stops the run before the next step; {@link #run} returns within one step. */
    public void cancel() {
        synchronized (pauseLock) {
            cancelled = true;
            pauseLock.notifyAll();
        }
    }

    /** A consistent copy of the weights, taken between optimizer updates; safe from any thread. */
    public Gpt snapshot() {
        synchronized (paramLock) {
            return model.copy();
        }
    }

    /** Weights, steps, tokens and optimizer moments, copied together between steps, for a checkpoint. */
    public Snapshot capture() {
        synchronized (paramLock) {
            return new Snapshot(model.copy(),
                    new TrainingState(step, tokens, adam.firstMoment().clone(), adam.secondMoment().clone()));
        }
    }

    /** A consistent copy of a run at one step. */
    public record Snapshot(Gpt model, TrainingState state) {}

    @Override
    public void close() {
        pool.close();
    }
}
