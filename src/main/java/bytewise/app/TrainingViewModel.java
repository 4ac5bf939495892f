package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.io.Checkpoint;
import bytewise.io.RunEvent;
import bytewise.io.RunFolder;
import bytewise.io.TrainingRun;
import bytewise.io.Workspace;
import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.Divergence;
import bytewise.train.EvalMetrics;
import bytewise.train.LearningRates;
import bytewise.train.Preset;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingState;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Training page's state: a run's state machine (typed {@link RunState}), its live figures, the
 * sample refreshed at each evaluation, and the run options. Train starts a {@link TrainingRun} as a
 * {@link BackgroundTask}; the run's {@link RunEvent}s are queued on the training thread and applied
 * here, on the FX thread, at most {@link #DRAIN_HZ} times a second (each application is an FX pulse:
 * layout, repaint, frame upload, and each pulse takes CPU from training). Weights are published to
 * {@link Session#model} at evaluations, at most every {@link #PUBLISH_SECONDS} seconds, and when the
 * run stops. Checkpoints: {@link #checkpoints}; this session's and past runs: {@link #history}.
 * Needs no FX toolkit: tests run it with a {@link CurrentThreadTaskExecutor}.
 */
public final class TrainingViewModel {
    /** Twice a second: step counts and tokens/s read fine at this rate. */
    public static final int DRAIN_HZ = 2;
    public static final double PUBLISH_SECONDS = 3.0;
    public static final int SAMPLE_BYTES = 120;
    /** Step checkpoints kept in a run folder besides best and the final one. */
    static final int KEEP_LAST = 3;

    private final Session session;
    private final HyperparametersViewModel hp;
    private final TaskExecutor executor;
    public final RunHistory history;
    public final CheckpointActions checkpoints;
    /** The run's training health (the Training page's health tab). */
    public final HealthViewModel health = new HealthViewModel();
    /** File ▸ Export ▸ the model in another format. */
    public final ModelExport exports;

    private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(this, "state", RunState.IDLE);
    private final BooleanBinding active = Bindings.createBooleanBinding(() -> state.get().active(), state);
    private final BooleanBinding canTrain;
    private final BooleanBinding canPause = Bindings.createBooleanBinding(() -> state.get() == RunState.RUNNING, state);
    private final BooleanBinding canResume = Bindings.createBooleanBinding(() -> state.get() == RunState.PAUSED, state);
    private final BooleanBinding canStop = Bindings.createBooleanBinding(() -> state.get() == RunState.RUNNING
            || state.get() == RunState.PAUSED || state.get() == RunState.STARTING, state);
    private final ReadOnlyDoubleWrapper lr = new ReadOnlyDoubleWrapper(this, "lr", Double.NaN);
    private final ReadOnlyDoubleWrapper gradNorm = new ReadOnlyDoubleWrapper(this, "gradNorm", Double.NaN);
    private final ReadOnlyDoubleWrapper trainLoss = new ReadOnlyDoubleWrapper(this, "trainLoss", Double.NaN);
    private final ReadOnlyDoubleWrapper valLoss = new ReadOnlyDoubleWrapper(this, "valLoss", Double.NaN);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper sample = new ReadOnlyStringWrapper(this, "sample", "");
    private final ReadOnlyLongWrapper sampleStep = new ReadOnlyLongWrapper(this, "sampleStep", -1);
    private final ReadOnlyStringWrapper alert = new ReadOnlyStringWrapper(this, "alert", "");
    private final ReadOnlyStringWrapper overfitNotice = new ReadOnlyStringWrapper(this, "overfitNotice", "");
    private final ReadOnlyObjectWrapper<Path> runFolder = new ReadOnlyObjectWrapper<>(this, "runFolder");
    /** The recorded run that Train continues (opened from past runs, or the last one trained); null: none. */
    private final ReadOnlyObjectWrapper<Path> continuedRun = new ReadOnlyObjectWrapper<>(this, "continuedRun");
    /** The data the continued run was trained on (name and SHA-256), to tell when other data is loaded. */
    private String continuedDataName, continuedDataSha;
    /** SHA-256 of the loaded dataset, computed in the background when it changes (null until known). */
    private final ReadOnlyStringWrapper loadedDataSha = new ReadOnlyStringWrapper(this, "loadedDataSha");
    private final ReadOnlyStringWrapper dataConflict = new ReadOnlyStringWrapper(this, "dataConflict", "");
    /** The explicit choice to continue the run on the loaded data although it is not the run's ("Fine-tune on this file"). */
    public final BooleanProperty fineTuneOnLoadedData = new SimpleBooleanProperty(this, "fineTuneOnLoadedData", false);
    /** The end-of-run summary (time, mean tokens/s, best validation loss, tokens seen); "" while none. */
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");

    /** Autosave every this many steps (0 = off). */
    public final IntegerProperty autosaveEvery = new SimpleIntegerProperty(this, "autosaveEvery", 0);
    /** Weights + optimizer state a new run can continue from (a loaded checkpoint, or the last run's end). */
    public final ObjectProperty<Trainer.Snapshot> resumePoint = new SimpleObjectProperty<>(this, "resumePoint");
    /** Whether Train continues from {@link #resumePoint} instead of fresh weights. */
    public final BooleanProperty continueTraining = new SimpleBooleanProperty(this, "continueTraining", false);
    /** Optional fine-tuning replay: a second text mixed into every batch. */
    public final ObjectProperty<Path> replayFile = new SimpleObjectProperty<>(this, "replayFile");
    public final DoubleProperty replayFraction = new SimpleDoubleProperty(this, "replayFraction", 0.25);

    /** When the run diverges: pause it (true; Resume goes on anyway) or stop it (false, the default). */
    public final BooleanProperty pauseOnDivergence = new SimpleBooleanProperty(this, "pauseOnDivergence", false);
    private final ReadOnlyObjectWrapper<Divergence> divergence = new ReadOnlyObjectWrapper<>(this, "divergence");
    /** What "resume at a lower learning rate" will do ("" when the last run did not diverge). */
    private final ReadOnlyStringWrapper lowerLrAction = new ReadOnlyStringWrapper(this, "lowerLrAction", "");

    private volatile TrainingRun run;
    private volatile boolean stopRequested;
    private volatile CountDownLatch runDone;
    private TrainConfig runConfig;
    private int runSeqLen;
    private double tpsEma = Double.NaN;
    private boolean sampling;
    private Gpt pendingSample;
    private long pendingSampleStep;

    public TrainingViewModel(Session session, HyperparametersViewModel hp, TaskExecutor executor) {
        this.session = session;
        this.hp = hp;
        this.executor = executor;
        this.history = new RunHistory(executor);
        this.checkpoints = new CheckpointActions(session, executor, this);
        this.exports = new ModelExport(session, executor, this);
        session.trainBlockedReason.bind(Bindings.createStringBinding(() -> {
            if (state.get().active()) return "a run is in progress";
            if (session.corpus.get() == null) return "open a dataset first";
            if (!dataConflict.get().isEmpty()) return dataConflict.get();
            return hp.reason.get();
        }, state, session.corpus, hp.reason, dataConflict));
        watchRunData();
        canTrain = session.trainBlockedReason.isEmpty();
        session.runState.bind(state);
    }

    public ReadOnlyObjectProperty<RunState> state() { return state.getReadOnlyProperty(); }
    public BooleanBinding active() { return active; }
    public BooleanBinding canTrain() { return canTrain; }
    public BooleanBinding canPause() { return canPause; }
    public BooleanBinding canResume() { return canResume; }
    public BooleanBinding canStop() { return canStop; }
    public ReadOnlyDoubleProperty lr() { return lr.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty gradNorm() { return gradNorm.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty trainLoss() { return trainLoss.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty valLoss() { return valLoss.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty progress() { return progress.getReadOnlyProperty(); }
    /** A short sample of the model, refreshed at each evaluation and when a run ends. */
    public ReadOnlyStringProperty sample() { return sample.getReadOnlyProperty(); }
    public ReadOnlyLongProperty sampleStep() { return sampleStep.getReadOnlyProperty(); }
    /** A problem that needs the user's attention (divergence, failure); "" when none. */
    public ReadOnlyStringProperty alert() { return alert.getReadOnlyProperty(); }
    /** Overfitting notice ("" when none). */
    public ReadOnlyStringProperty overfitNotice() { return overfitNotice.getReadOnlyProperty(); }
    /** The folder the current (or last) run records into. */
    public ReadOnlyObjectProperty<Path> runFolder() { return runFolder.getReadOnlyProperty(); }

    /** The recorded run Train continues (null: Train starts a new one). */
    public ReadOnlyObjectProperty<Path> continuedRun() { return continuedRun.getReadOnlyProperty(); }
    /** SHA-256 of the loaded dataset once computed (null while it is being computed, or with no data). */
    public ReadOnlyStringProperty loadedDataSha() { return loadedDataSha.getReadOnlyProperty(); }
    /** Why the loaded data cannot continue the run ("" when it can): it is not the data the run was trained on. */
    public ReadOnlyStringProperty dataConflict() { return dataConflict.getReadOnlyProperty(); }
    /** End-of-run summary: time, mean tokens/s, best validation loss, tokens seen ("" before a run ends). */
    public ReadOnlyStringProperty summary() { return summary.getReadOnlyProperty(); }
    /** How the current (or last) run diverged, or null. */
    public ReadOnlyObjectProperty<Divergence> divergence() { return divergence.getReadOnlyProperty(); }
    public ReadOnlyStringProperty lowerLrAction() { return lowerLrAction.getReadOnlyProperty(); }

    TrainingRun currentRun() {
        return run;
    }

    TrainConfig runConfig() {
        return runConfig;
    }

    // ------------------------------------------------------------------ control (FX thread)

    /** Starts a run with the session's settings; does nothing (but says why) when it cannot. */
    public void train() {
        hp.validate();
        String why = session.trainBlockedReason.get();
        if (!why.isEmpty()) {
            session.message.set("Cannot train: " + why);
            return;
        }
        Preset preset = session.settings.get();
        Corpus corpus = session.corpus.get();
        double vf = session.valFraction.get();
        TrainConfig tc = preset.training();
        Trainer.Snapshot from = null, rp = resumePoint.get();
        if (continueTraining.get() && rp != null) {
            if (rp.model().config().equals(preset.model())) from = rp;
            else session.message.set("The settings' model shape differs from the loaded model: starting from fresh weights");
        }
        if (from != null && from.state().step() >= tc.steps()) {
            // refused here, before a run (and a dead legend entry) exists
            session.message.set(String.format(Locale.ROOT, "The model has already trained %,d of %,d steps: use Run ▸ Train"
                    + " more steps, or raise Steps above %,d", from.state().step(), tc.steps(), from.state().step()));
            return;
        }
        Path replay = replayFile.get();
        double replayFrac = replay == null ? 0 : replayFraction.get();
        int autosave = autosaveEvery.get();
        TrainingRun.Recording recording = recordingFor(from, preset.name(), autosave, corpus);
        runFolder.set(null); // set when the run's folder exists
        summary.set("");
        runConfig = tc;
        runSeqLen = preset.model().seqLen();
        alert.set("");
        overfitNotice.set("");
        health.reset();
        clearDivergence();
        Trainer.OnDivergence onDivergence = pauseOnDivergence.get() ? Trainer.OnDivergence.PAUSE : Trainer.OnDivergence.STOP;
        tpsEma = Double.NaN;
        long startStep = from == null ? 0 : from.state().step();
        RunData prev = history.current.get();
        double secondsOffset = from != null && prev != null && prev.size() > 0 && prev.step(prev.size() - 1) == startStep
                ? prev.lastSeconds() : 0;
        RunData data = continuing(from) ? history.current.get() : history.startRun(preset.name(), tc, startStep, secondsOffset);
        if (continuing(from)) data.continueClock(); // the same run and curve go on
        session.runStep.set(startStep);
        session.runTotalSteps.set(tc.steps());
        session.etaSeconds.set(Double.NaN);
        session.tokensPerSecond.set(Double.NaN);
        progress.set(tc.steps() == 0 ? 0 : (double) startStep / tc.steps());
        state.set(RunState.STARTING);
        session.message.set("Starting " + data.name + "…");
        stopRequested = false;
        CountDownLatch done = new CountDownLatch(1);
        runDone = done;
        Trainer.Snapshot start = from;
        BackgroundTask.<RunOutcome>of(task -> {
            try {
                Gpt model = start != null ? start.model().copy() : Gpt.initialize(preset.model(), tc.seed());
                TrainingState st = start != null ? start.state() : null;
                Split split = corpus.split(vf);
                Split replaySplit = replay == null ? null : Corpus.open(replay).split(vf);
                // every run is recorded like the CLI's --run: metrics.csv, run.json, best, last checkpoints
                TrainingRun r = new TrainingRun(model, st, split, tc).replay(replaySplit, replayFrac)
                        .recordIn(recording)
                        .publishWeightsEvery(PUBLISH_SECONDS).onDivergence(onDivergence);
                run = r;
                if (stopRequested) r.cancel();
                return r.run(task::publish);
            } finally {
                run = null;
                done.countDown();
            }
        }).named("bytewise-training").deliverAtMost(DRAIN_HZ).<RunEvent>onUpdates(this::apply).onFailure(e -> {
            if (state.get().active()) failed(e);
        }).executeWith(executor);
    }

    public void pause() {
        TrainingRun r = run;
        if (r != null && state.get() == RunState.RUNNING) {
            r.pause();
            state.set(RunState.PAUSED);
            session.message.set("Paused at step " + session.runStep.get());
        }
    }

    public void resume() {
        TrainingRun r = run;
        if (r != null && state.get() == RunState.PAUSED) {
            if (divergence.get() != null) { // paused at a divergence: the user goes on anyway
                clearDivergence();
                alert.set("");
            }
            r.resume();
            state.set(RunState.RUNNING);
            session.message.set("Resumed");
        }
    }

    public void stop() {
        if (state.get() == RunState.STARTING || state.get() == RunState.RUNNING || state.get() == RunState.PAUSED) {
            state.set(RunState.STOPPING);
            stopRequested = true;
            TrainingRun r = run;
            if (r != null) r.cancel();
        }
    }

    /**
     * Stops any run and waits for it (application exit): the run's recorder saves its last
     * checkpoint and marks the run cancelled as the trainer returns, and the JVM must not exit
     * under it. Cancelling returns within one step, so the wait is short; it is bounded anyway.
     */
    public void shutdown() {
        stopRequested = true;
        TrainingRun r = run;
        if (r != null) r.cancel();
        CountDownLatch done = runDone;
        if (done == null) return;
        try {
            done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ events (FX thread, ≤ DRAIN_HZ/s)

    /** Applies what the run reported since the last call. */
    void apply(List<RunEvent> events) {
        RunData data = history.current.get();
        boolean changed = false;
        StepMetrics lastStep = null;
        RunEvent.Sample lastPub = null, lastSampleSnap = null;
        RunEvent end = null;
        for (RunEvent e : events) {
            switch (e) {
                case RunEvent.Started s -> {
                    runFolder.set(s.folder());
                    if (s.folder() != null) continueIn(s.folder(), session.corpus.get());
                }
                case RunEvent.Step s -> {
                    StepMetrics m = s.metrics();
                    if (data != null) data.add(m);
                    lastStep = m;
                    changed = true;
                    if (Double.isFinite(m.tokensPerSecond()))
                        tpsEma = Double.isNaN(tpsEma) ? m.tokensPerSecond() : tpsEma + 0.1 * (m.tokensPerSecond() - tpsEma);
                }
                case RunEvent.Eval ev -> {
                    EvalMetrics m = ev.metrics();
                    if (data != null && data.add(m)) {
                        String msg = String.format(Locale.ROOT, "Overfitting: validation loss has risen for %d evaluations"
                                + " in a row (now %.3f at step %d) while training loss keeps falling", RunData.OVERFIT_RISES,
                                m.valLoss(), m.step());
                        overfitNotice.set(msg);
                        session.message.set(msg);
                    }
                    valLoss.set(m.valLoss());
                    changed = true;
                }
                case RunEvent.Sample p -> {
                    if (p.forViewers()) lastPub = p;
                    if (p.forSample()) lastSampleSnap = p;
                }
                case RunEvent.CheckpointSaved c -> {
                    checkpoints.setLastCheckpoint(c.prefix());
                    session.message.set("Autosaved " + c.prefix() + " at step " + session.runStep.get());
                }
                case RunEvent.RecordingStopped r -> session.message.set("Autosave failed: " + r.message());
                case RunEvent.Health h -> health.apply(h.report());
                case RunEvent.Diverged d -> diverged(d.divergence(), data);
                case RunEvent.Failed f -> end = f;
                case RunEvent.Finished f -> end = f;
            }
        }
        if (lastStep != null) showStep(lastStep, data);
        // an evaluation's weights go to the viewers too (the embedding map moves at each evaluation)
        if (lastSampleSnap != null && (lastPub == null || lastSampleSnap.step() > lastPub.step())) lastPub = lastSampleSnap;
        if (lastPub != null) {
            session.model.set(lastPub.model());
            session.modelStep.set(lastPub.step());
        }
        if (lastSampleSnap != null) requestSample(lastSampleSnap.model(), lastSampleSnap.step());
        if (changed) history.changed();
        if (end instanceof RunEvent.Finished f) finished(f);
        else if (end instanceof RunEvent.Failed f) failed(f.error());
    }

    private void showStep(StepMetrics m, RunData data) {
        if (state.get() == RunState.STARTING) {
            state.set(RunState.RUNNING);
            session.message.set("Training " + (data == null ? "" : data.name));
        }
        session.runStep.set(m.step());
        session.runTotalSteps.set(m.totalSteps());
        session.tokensPerSecond.set(tpsEma);
        session.lastTokensPerSecond.set(tpsEma);
        lr.set(m.lr());
        gradNorm.set(m.gradNorm());
        trainLoss.set(m.loss());
        progress.set(m.totalSteps() == 0 ? 1 : (double) m.step() / m.totalSteps());
        long remaining = m.totalSteps() - m.step();
        double tokensPerStep = runConfig == null ? 0 : (double) runConfig.batch() * runSeqLen;
        session.etaSeconds.set(tpsEma > 0 ? remaining * tokensPerStep / tpsEma : Double.NaN);
    }

    private void ended() {
        session.tokensPerSecond.set(Double.NaN);
        session.etaSeconds.set(Double.NaN);
    }

    private void failed(Throwable error) {
        ended();
        String msg = error instanceof BytewiseException ? error.getMessage() : "training failed: " + error;
        state.set(RunState.FAILED);
        alert.set(msg);
        session.message.set(msg);
    }

    private void finished(RunEvent.Finished f) {
        ended();
        summary.set(summarize(history.current.get()));
        Trainer.Snapshot end = f.end();
        // diverged weights are no point to continue from (the loss blew up before the rule fired)
        boolean usable = end != null && end.model().allFinite() && f.outcome().status() != RunOutcome.Status.DIVERGED
                && divergence.get() == null;
        if (usable) {
            resumePoint.set(end);
            session.model.set(end.model());
            session.modelStep.set(end.state().step());
        }
        RunOutcome o = f.outcome();
        switch (o.status()) {
            case COMPLETED -> {
                state.set(RunState.COMPLETED);
                session.message.set(String.format(Locale.ROOT, "Training completed at step %d%s", o.step(),
                        Double.isFinite(valLoss.get()) ? String.format(Locale.ROOT, " (validation loss %.3f)", valLoss.get()) : ""));
            }
            case CANCELLED -> {
                state.set(RunState.STOPPED);
                session.message.set("Stopped at step " + o.step());
            }
            case DIVERGED -> {
                state.set(RunState.DIVERGED);
                String msg = o.message() + (checkpoints.lastCheckpoint().get() != null
                        ? " — you can reload the last checkpoint" : "") + ".";
                alert.set(msg);
                offerLowerLr();
                session.message.set(o.message());
            }
        }
        if (usable) requestSample(end.model(), end.state().step());
        if (resumeLowerWhenStopped) {
            resumeLowerWhenStopped = false;
            resumeAtLowerLr();
        }
    }

    // ------------------------------------------------------------------ divergence (FX thread)

    private void clearDivergence() {
        divergence.set(null);
        lowerLrAction.set("");
    }

    /** The run diverged: mark it on the chart; when it paused, say so (a stop is reported by {@link #finished}). */
    private void diverged(Divergence d, RunData data) {
        divergence.set(d);
        if (data != null) data.markDiverged(d.step());
        history.changed();
        if (d.paused()) {
            if (state.get() == RunState.RUNNING || state.get() == RunState.STARTING) state.set(RunState.PAUSED);
            String msg = d.message() + ". Resume goes on anyway (without this check); Stop ends the run.";
            alert.set(msg);
            offerLowerLr();
            session.message.set("Paused: training diverged at step " + d.step());
        }
    }

    /**
     * Offers to go on at the suggested learning rate: from the last good checkpoint when the run
     * saved one (looked up in the background), else from the start; sets {@link #lowerLrAction}
     * (the Training page's button beside the alert).
     */
    private void offerLowerLr() {
        Divergence d = divergence.get();
        if (d == null) return;
        Path folder = runFolder.get();
        BackgroundTask.wrap(() -> hasLastGood(folder, d.step())).onSuccess(saved -> {
            if (divergence.get() != d) return;
            lowerLrAction.set((saved ? "Resume from the last good checkpoint at lr " : "Restart at lr ")
                    + LearningRates.show(d.suggestedLr()));
        }).executeWith(executor);
    }

    /** Step checkpoints this close before the divergence may already hold the rising loss. */
    static final int SUSPECT_STEPS = 3;

    private static boolean hasLastGood(Path folder, long divergedStep) {
        if (folder == null || !RunFolder.isRunFolder(folder)) return false;
        RunFolder f = RunFolder.open(folder);
        if (java.nio.file.Files.exists(Checkpoint.jsonPath(f.bestPrefix()))) return true;
        return f.checkpointSteps().stream().anyMatch(s -> s < divergedStep - SUSPECT_STEPS);
    }

    /**
     * The last checkpoint of {@code folder} from before {@code divergedStep}: best.* (lowest
     * validation loss, so from before the loss rose), else the newest step checkpoint before it;
     * null when there is none. Runs on a background thread.
     */
    static Checkpoint lastGood(Path folder, long divergedStep) {
        if (folder == null || !RunFolder.isRunFolder(folder)) return null;
        RunFolder f = RunFolder.open(folder);
        try {
            Checkpoint best = Checkpoint.load(f.bestPrefix());
            if (best.state().step() < divergedStep) return best;
        } catch (BytewiseException none) {
            // no best yet, or a damaged one: try the step checkpoints
        }
        List<Long> steps = f.checkpointSteps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i) >= divergedStep - SUSPECT_STEPS) continue;
            try {
                return Checkpoint.load(f.checkpointPrefix(steps.get(i)));
            } catch (BytewiseException damaged) {
                // the one before
            }
        }
        return null;
    }

    /**
     * After a divergence: lowers the learning rate on the Hyperparameters page to the suggested one,
     * then continues from the run's last good checkpoint (see {@link #lastGood}), or starts again
     * from fresh weights when the run saved none. Returns the loading task (null when there is
     * nothing to resume).
     */
    public BackgroundTask<Checkpoint> resumeAtLowerLr() {
        Divergence d = divergence.get();
        if (d == null) return null;
        if (state.get().active()) {
            // a run paused at its divergence ends first; this runs again when it has (see finished)
            resumeLowerWhenStopped = true;
            stop();
            return null;
        }
        lowerLearningRate(d.suggestedLr());
        Path folder = runFolder.get();
        long at = d.step();
        return BackgroundTask.wrap(() -> lastGood(folder, at)).onSuccess(ck -> {
            Preset p = session.settings.get();
            if (ck != null && p != null && ck.model().config().equals(p.model())) {
                adopt(new Trainer.Snapshot(ck.model(), ck.state()), p.training());
                session.model.set(ck.model().copy());
                session.message.set("Resuming from step " + ck.state().step() + " at learning rate "
                        + LearningRates.show(p.training().lr()));
            } else {
                continueTraining.set(false);
                session.message.set("No checkpoint from before the divergence: restarting at learning rate "
                        + (p == null ? "" : LearningRates.show(p.training().lr())));
            }
            clearDivergence();
            train();
        }).onFailure(e -> session.message.set(describe(e))).executeWith(executor);
    }

    private boolean resumeLowerWhenStopped;

    /** Puts {@code lr} in the settings (a constant schedule stays constant; a lower minimum is kept). */
    private void lowerLearningRate(double lr) {
        Preset p = session.settings.get();
        double oldLr = p == null ? lr : p.training().lr(), oldMin = p == null ? lr : p.training().minLr();
        double min = oldMin >= oldLr ? lr : Math.min(oldMin, lr);
        hp.values.get("lr").set(LearningRates.show(lr));
        hp.values.get("min_lr").set(LearningRates.show(min));
        hp.validate();
    }

    /**
     * Opens a past run: its curves join the chart (from metrics.csv) and its newest complete
     * checkpoint becomes the model, so Train continues it.
     */
    public BackgroundTask<RunData> openRun(RunFolder folder) {
        return openRun(folder, null);
    }

    /** As {@link #openRun(RunFolder)}; {@code then} runs once its checkpoint is the model (not when it has none). */
    BackgroundTask<RunData> openRun(RunFolder folder, Runnable then) {
        return history.open(folder, prefix -> {
            if (prefix != null) checkpoints.open(prefix, ck -> {
                continueRun(folder.dir(), ck.dataName(), ck.dataSha256());
                // a finished run shows what it did, and offers to go on
                boolean done = ck.training() != null && ck.state().step() >= ck.training().steps();
                summary.set(done ? summarize(history.current.get()) : "");
                if (then != null) then.run();
            });
            else session.message.set("Run " + folder.dir().getFileName() + " has curves but no checkpoint to open");
        }, e -> session.message.set(describe(e)));
    }

    /** A checkpoint was opened: Train continues from {@code snapshot} with {@code tc}. */
    void adopt(Trainer.Snapshot snapshot, TrainConfig tc) {
        resumePoint.set(snapshot);
        continueTraining.set(true);
        runConfig = tc;
        session.model.set(snapshot.model().copy());
        session.modelStep.set(snapshot.state().step());
        alert.set("");
        state.set(RunState.IDLE);
        session.runStep.set(snapshot.state().step());
        session.runTotalSteps.set(tc.steps());
        progress.set(tc.steps() <= 0 ? 0 : Math.min(1, (double) snapshot.state().step() / tc.steps()));
        summary.set("");
    }

    /** Generates a short sample from {@code model} in the background (one at a time; the newest wins). */
    private void requestSample(Gpt model, long step) {
        if (sampling) {
            pendingSample = model;
            pendingSampleStep = step;
            return;
        }
        sampling = true;
        long seed = runConfig == null ? 1337 : runConfig.seed();
        BackgroundTask.<String>of(t -> {
            SamplingSettings s = new SamplingSettings(0.8, 0, 1.0, false, seed + step, SAMPLE_BYTES, null);
            return new Generator(model).generate(new byte[]{'\n'}, s, null, t::isCancelled).text();
        }).onSuccess(text -> {
            sample.set(text);
            sampleStep.set(step);
        }).onFinished(this::sampleDone).executeWith(executor);
    }

    private void sampleDone() {
        sampling = false;
        if (pendingSample != null) {
            Gpt m = pendingSample;
            pendingSample = null;
            requestSample(m, pendingSampleStep);
        }
    }

    // ------------------------------------------------------------------ runs own their data, continuing a run

    /** Whether Train, starting from {@code from}, continues the recorded run (same folder, same curve). */
    private boolean continuing(Trainer.Snapshot from) {
        return from != null && continuedRun.get() != null && history.current.get() != null
                && history.current.get().size() > 0;
    }

    /**
     * Where the run is recorded: the continued run's folder when Train continues it (noting a
     * fine-tune on other data in run.json), else a new folder in the workspace. Step checkpoints
     * come every {@code autosave} steps and at least once a minute, the latest one kept.
     */
    private TrainingRun.Recording recordingFor(Trainer.Snapshot from, String preset, int autosave, Corpus corpus) {
        TrainingRun.Recording r = TrainingRun.Recording.newFolderIn(Workspace.runs(), preset, autosave, KEEP_LAST);
        if (!continuing(from)) return r;
        r = r.continuing(continuedRun.get());
        if (continuedDataSha != null && !continuedDataSha.equals(loadedDataSha.get()))
            r = r.note(String.format(Locale.ROOT, "step %d: fine-tuned on %s (sha256 %s), was %s", from.state().step(),
                    corpus.name(), loadedDataSha.get() == null ? "unknown" : loadedDataSha.get(), continuedDataName));
        return r;
    }

    /** From now Train continues the run in {@code dir}, trained on {@code data}. */
    private void continueIn(Path dir, Corpus data) {
        continuedRun.set(dir);
        continuedDataName = data == null ? null : data.name();
        continuedDataSha = data == null ? null : loadedDataSha.get();
        fineTuneOnLoadedData.set(false);
        updateDataConflict();
    }

    /**
     * Train continues the recorded run in {@code dir} (opened from past runs), which was trained on
     * {@code dataName} with SHA-256 {@code dataSha}: other loaded data blocks Train until the user
     * loads the run's data or chooses to fine-tune on the loaded file.
     */
    void continueRun(Path dir, String dataName, String dataSha) {
        continuedRun.set(dir);
        continuedDataName = dataName;
        continuedDataSha = dataSha;
        fineTuneOnLoadedData.set(false);
        updateDataConflict();
    }

    /** Train starts a new run from now (fresh weights, or a checkpoint outside any run folder). */
    void forgetContinuedRun() {
        continuedRun.set(null);
        continuedDataName = continuedDataSha = null;
        updateDataConflict();
    }

    /** Hashes each newly loaded dataset in the background, for the data check. */
    private void watchRunData() {
        session.corpus.addListener((o, a, c) -> {
            loadedDataSha.set(null);
            updateDataConflict();
            if (c == null) return;
            BackgroundTask.wrap(c::sha256).onSuccess(sha -> {
                if (session.corpus.get() != c) return;
                loadedDataSha.set(sha);
                updateDataConflict();
            }).onFailure(e -> session.message.set(describe(e))).executeWith(executor);
        });
        fineTuneOnLoadedData.addListener((o, a, b) -> updateDataConflict());
        continueTraining.addListener((o, a, b) -> updateDataConflict());
    }

    private void updateDataConflict() {
        Corpus c = session.corpus.get();
        String loaded = loadedDataSha.get();
        boolean differs = continuedRun.get() != null && continueTraining.get() && continuedDataSha != null && c != null
                && loaded != null && !continuedDataSha.equals(loaded);
        dataConflict.set(!differs || fineTuneOnLoadedData.get() ? ""
                : "the run was trained on " + continuedDataName + ", but " + c.name() + " is loaded (other content):"
                + " open the run's data, or choose Fine-tune on this file");
    }

    /**
     * Trains {@code more} steps beyond the model's current step, continuing the same run and curve
     * (the cosine schedule stretched to the new end). Does nothing, and says why, without a model.
     */
    public void trainMoreSteps(int more) {
        Trainer.Snapshot rp = resumePoint.get();
        Preset p = session.settings.get();
        if (rp == null || p == null) {
            session.message.set("Nothing to extend: train a model or open a run first");
            return;
        }
        if (more <= 0) {
            session.message.set("Train more steps: give a positive number of steps, got " + more);
            return;
        }
        long target = rp.state().step() + more;
        if (target > Integer.MAX_VALUE) {
            session.message.set("Train more steps: " + target + " steps is too many");
            return;
        }
        session.settings.set(new Preset(p.name(), p.description(), p.model(), p.training().withSteps((int) target)));
        continueTraining.set(true);
        train();
    }

    /**
     * What the run did, for the end-of-run summary: training time, mean tokens/s, best validation
     * loss, tokens seen. Time sums the gaps between consecutive steps (a continued run's clock may
     * restart), and the mean is the tokens trained over that time.
     */
    static String summarize(RunData r) {
        if (r == null || r.size() == 0) return "";
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

    /** One line for the user: a Bytewise problem as it is, anything else with its type. */
    static String describe(Throwable t) {
        return t instanceof BytewiseException ? t.getMessage() : String.valueOf(t);
    }
}
