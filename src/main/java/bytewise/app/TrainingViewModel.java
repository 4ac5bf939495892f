package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.io.RunEvent;
import bytewise.io.TrainingRun;
import bytewise.model.Gpt;
import bytewise.train.Divergence;
import bytewise.train.EvalMetrics;
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
 * The Training page's state: a run's state machine (typed {@link RunState}), its live figures
 * ({@link #figures}), the sample refreshed at each evaluation, and the run options. Train starts a {@link TrainingRun} as a
 * {@link BackgroundTask}; the run's {@link RunEvent}s are queued on the training thread and applied
 * here, on the FX thread, at most {@link #DRAIN_HZ} times a second (each application is an FX pulse:
 * layout, repaint, frame upload, and each pulse takes CPU from training). Weights are published to
 * {@link Session#model} at evaluations, at most every {@link #PUBLISH_SECONDS} seconds, and when the
 * run stops. Checkpoints: {@link #checkpoints}; this session's and past runs: {@link #history}; the
 * continued run and its data: {@link #dataGuard}; divergence: {@link #divergence}; the sample:
 * {@link #sample}.
 * Needs no FX toolkit: tests run it with a {@link CurrentThreadTaskExecutor}.
 */
public final class TrainingViewModel {
    /** Twice a second: step counts and tokens/s read fine at this rate. */
    public static final int DRAIN_HZ = 2;
    public static final double PUBLISH_SECONDS = 3.0;
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
    /** The recorded run Train continues and the data it was trained on. */
    public final RunDataGuard dataGuard;
    /** Pause or stop on divergence, and the offer to go on at a lower learning rate. */
    public final DivergenceViewModel divergence;
    /** A short sample of the model, refreshed at each evaluation and when a run ends. */
    public final LiveSample sample;
    /** Losses, learning rate, gradient norm, progress, tokens/s and ETA of the current (or last) run. */
    public final RunFigures figures;

    private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(this, "state", RunState.IDLE);
    private final BooleanBinding active = Bindings.createBooleanBinding(() -> state.get().active(), state);
    private final BooleanBinding canTrain;
    private final BooleanBinding canPause = Bindings.createBooleanBinding(() -> state.get() == RunState.RUNNING, state);
    private final BooleanBinding canResume = Bindings.createBooleanBinding(() -> state.get() == RunState.PAUSED, state);
    private final BooleanBinding canStop = Bindings.createBooleanBinding(() -> state.get() == RunState.RUNNING
            || state.get() == RunState.PAUSED || state.get() == RunState.STARTING, state);
    private final ReadOnlyStringWrapper alert = new ReadOnlyStringWrapper(this, "alert", "");
    private final ReadOnlyStringWrapper overfitNotice = new ReadOnlyStringWrapper(this, "overfitNotice", "");
    private final ReadOnlyObjectWrapper<Path> runFolder = new ReadOnlyObjectWrapper<>(this, "runFolder");

    /** Autosave every this many steps (0 = off). */
    public final IntegerProperty autosaveEvery = new SimpleIntegerProperty(this, "autosaveEvery", 0);
    /** Weights + optimizer state a new run can continue from (a loaded checkpoint, or the last run's end). */
    public final ObjectProperty<Trainer.Snapshot> resumePoint = new SimpleObjectProperty<>(this, "resumePoint");
    /** Whether Train continues from {@link #resumePoint} instead of fresh weights. */
    public final BooleanProperty continueTraining = new SimpleBooleanProperty(this, "continueTraining", false);
    /** Optional fine-tuning replay: a second text mixed into every batch. */
    public final ObjectProperty<Path> replayFile = new SimpleObjectProperty<>(this, "replayFile");
    public final DoubleProperty replayFraction = new SimpleDoubleProperty(this, "replayFraction", 0.25);

    private volatile TrainingRun run;
    private volatile boolean stopRequested;
    private volatile CountDownLatch runDone;
    private TrainConfig runConfig;

    public TrainingViewModel(Session session, HyperparametersViewModel hp, TaskExecutor executor) {
        this.session = session;
        this.hp = hp;
        this.executor = executor;
        this.history = new RunHistory(executor);
        this.checkpoints = new CheckpointActions(session, executor, this);
        this.exports = new ModelExport(session, executor, this);
        this.dataGuard = new RunDataGuard(session, executor, history, continueTraining);
        this.divergence = new DivergenceViewModel(session, hp, executor, this);
        this.figures = new RunFigures(session);
        this.sample = new LiveSample(executor, () -> runConfig == null ? 1337 : runConfig.seed());
        var dataConflict = dataGuard.dataConflict();
        session.trainBlockedReason.bind(Bindings.createStringBinding(() -> {
            if (state.get().active()) return "a run is in progress";
            if (session.corpus.get() == null) return "open a dataset first";
            if (!dataConflict.get().isEmpty()) return dataConflict.get();
            return hp.reason.get();
        }, state, session.corpus, hp.reason, dataConflict));
        canTrain = session.trainBlockedReason.isEmpty();
        session.runState.bind(state);
    }

    public ReadOnlyObjectProperty<RunState> state() { return state.getReadOnlyProperty(); }
    public BooleanBinding active() { return active; }
    public BooleanBinding canTrain() { return canTrain; }
    public BooleanBinding canPause() { return canPause; }
    public BooleanBinding canResume() { return canResume; }
    public BooleanBinding canStop() { return canStop; }
    /** A problem that needs the user's attention (divergence, failure); "" when none. */
    public ReadOnlyStringProperty alert() { return alert.getReadOnlyProperty(); }
    /** Overfitting notice ("" when none). */
    public ReadOnlyStringProperty overfitNotice() { return overfitNotice.getReadOnlyProperty(); }
    /** The folder the current (or last) run records into. */
    public ReadOnlyObjectProperty<Path> runFolder() { return runFolder.getReadOnlyProperty(); }

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
        Trainer.Snapshot from = null, rp = resumePoint.get();
        if (continueTraining.get() && rp != null) {
            if (rp.model().config().equals(preset.model())) from = rp;
            else session.message.set("The settings' model shape differs from the loaded model: starting from fresh weights");
        }
        TrainConfig tc = preset.training().startingAt(from == null ? 0 : from.state().step());
        if (from != null && from.state().step() >= tc.steps()) {
            // refused here, before a run (and a dead legend entry) exists
            session.message.set(String.format(Locale.ROOT, "The model has already trained %,d of %,d steps: use Run ▸ Train"
                    + " more steps, or raise Steps above %,d", from.state().step(), tc.steps(), from.state().step()));
            return;
        }
        Path replay = replayFile.get();
        double replayFrac = replay == null ? 0 : replayFraction.get();
        int autosave = autosaveEvery.get();
        TrainingRun.Recording recording = dataGuard.recordingFor(from, preset.name(), autosave, KEEP_LAST, corpus);
        runFolder.set(null); // set when the run's folder exists
        figures.clearSummary();
        runConfig = tc;
        alert.set("");
        overfitNotice.set("");
        health.reset();
        divergence.clear();
        Trainer.OnDivergence onDivergence = divergence.onDivergence();
        long startStep = from == null ? 0 : from.state().step();
        RunData data = history.curveFor(preset.name(), tc, startStep, dataGuard.continuing(from));
        figures.start(startStep, tc.steps(), (double) tc.batch() * preset.model().seqLen());
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
            if (divergence.current().get() != null) { // paused at a divergence: the user goes on anyway
                divergence.clear();
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
                    if (s.folder() != null) dataGuard.continueIn(s.folder(), session.corpus.get());
                }
                case RunEvent.Step s -> {
                    StepMetrics m = s.metrics();
                    if (data != null) data.add(m);
                    lastStep = m;
                    changed = true;
                    figures.time(m);
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
                    figures.validated(m.valLoss());
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
        if (lastSampleSnap != null) sample.request(lastSampleSnap.model(), lastSampleSnap.step());
        if (changed) history.changed();
        if (end instanceof RunEvent.Finished f) finished(f);
        else if (end instanceof RunEvent.Failed f) failed(f.error());
    }

    private void showStep(StepMetrics m, RunData data) {
        if (state.get() == RunState.STARTING) {
            state.set(RunState.RUNNING);
            session.message.set("Training " + (data == null ? "" : data.name));
        }
        figures.show(m);
    }

    private void failed(Throwable error) {
        figures.ended();
        String msg = error instanceof BytewiseException ? error.getMessage() : "training failed: " + error;
        state.set(RunState.FAILED);
        alert.set(msg);
        session.message.set(msg);
    }

    private void finished(RunEvent.Finished f) {
        figures.ended();
        figures.summarize(history.current.get());
        Trainer.Snapshot end = f.end();
        // diverged weights are no point to continue from (the loss blew up before the rule fired)
        boolean usable = end != null && end.model().allFinite() && f.outcome().status() != RunOutcome.Status.DIVERGED
                && divergence.current().get() == null;
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
                        Double.isFinite(figures.valLoss().get())
                                ? String.format(Locale.ROOT, " (validation loss %.3f)", figures.valLoss().get()) : ""));
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
                divergence.offerLowerLr(runFolder.get());
                session.message.set(o.message());
            }
        }
        if (usable) sample.request(end.model(), end.state().step());
        divergence.runEnded();
    }

    /** The run diverged: mark it on the chart; when it paused, say so (a stop is reported by {@link #finished}). */
    private void diverged(Divergence d, RunData data) {
        divergence.diverged(d);
        if (data != null) data.markDiverged(d.step());
        history.changed();
        if (d.paused()) {
            if (state.get() == RunState.RUNNING || state.get() == RunState.STARTING) state.set(RunState.PAUSED);
            String msg = d.message() + ". Resume goes on anyway (without this check); Stop ends the run.";
            alert.set(msg);
            divergence.offerLowerLr(runFolder.get());
            session.message.set("Paused: training diverged at step " + d.step());
        }
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
        figures.at(snapshot.state().step(), tc.steps());
        figures.clearSummary();
    }

    /**
     * Trains {@code more} steps beyond the model's current step, continuing the same run and curve. The
     * schedule is either stretched to the new end (the decay goes on from where it is) or, with
     * {@code restartSchedule}, started again at the current step: a new warmup, then a cosine over the new
     * steps. Does nothing, and says why, without a model.
     */
    public void trainMoreSteps(int more, boolean restartSchedule) {
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
        TrainConfig tc = p.training().toBuilder().steps((int) target)
                .scheduleStart(restartSchedule ? (int) rp.state().step() : p.training().scheduleStart()).build();
        session.settings.set(new Preset(p.name(), p.description(), p.model(), tc));
        continueTraining.set(true);
        train();
    }

    /** One line for the user: a Bytewise problem as it is, anything else with its type. */
    static String describe(Throwable t) {
        return t instanceof BytewiseException ? t.getMessage() : String.valueOf(t);
    }
}
