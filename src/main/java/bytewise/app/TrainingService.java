package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.io.Checkpoint;
import bytewise.io.RunFolder;
import bytewise.io.RunRecorder;
import javafx.application.Platform;
import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.EvalMetrics;
import bytewise.train.Preset;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;
import bytewise.train.TrainingState;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs {@link Trainer#run} on a background thread and brings its progress to the FX thread without
 * flooding it: the training listener only appends to a concurrent queue, and a clock drains that
 * queue on the FX thread at most {@link #DRAIN_HZ} times a second (not an FX animation, which would
 * keep the toolkit pulsing at 60 Hz and take CPU from training). Publishes
 * weight snapshots to {@link Session#model} (at evaluations, at most every {@link #PUBLISH_SECONDS}
 * seconds, and when the run stops), autosaves checkpoints, generates a short sample at each
 * evaluation, and keeps every run's metrics for comparison and export.
 */
public final class TrainingService {
    /** Twice a second: every drain is an FX pulse (layout, repaint, frame upload), and each pulse
     *  takes CPU from training; step counts and tokens/s read fine at this rate. */
    public static final int DRAIN_HZ = 2;
    public static final double PUBLISH_SECONDS = 3.0;
    public static final int SAMPLE_BYTES = 120;

    public enum State {
        IDLE("Idle"), STARTING("Starting"), RUNNING("Running"), PAUSED("Paused"), STOPPING("Stopping"),
        COMPLETED("Completed"), STOPPED("Stopped"), DIVERGED("Diverged"), FAILED("Failed");
        public final String label;

        State(String label) {
            this.label = label;
        }

        public boolean active() {
            return this == STARTING || this == RUNNING || this == PAUSED || this == STOPPING;
        }
    }

    private final Session session;
    private final HyperparametersViewModel hp;
    public final ObjectProperty<State> state = new SimpleObjectProperty<>(this, "state", State.IDLE);
    public final BooleanBinding active = Bindings.createBooleanBinding(() -> state.get().active(), state);
    public final BooleanBinding canTrain;
    public final BooleanBinding canPause = Bindings.createBooleanBinding(() -> state.get() == State.RUNNING, state);
    public final BooleanBinding canResume = Bindings.createBooleanBinding(() -> state.get() == State.PAUSED, state);
    public final BooleanBinding canStop = Bindings.createBooleanBinding(
            () -> state.get() == State.RUNNING || state.get() == State.PAUSED || state.get() == State.STARTING, state);
    /** Every run of this session (previous ones stay for comparison). */
    public final ObservableList<RunData> runs = FXCollections.observableArrayList();
    public final ObjectProperty<RunData> current = new SimpleObjectProperty<>(this, "current");
    /** Bumped whenever new metrics arrived (the view redraws on it). */
    public final LongProperty dataVersion = new SimpleLongProperty(this, "dataVersion");
    public final DoubleProperty lr = new SimpleDoubleProperty(this, "lr", Double.NaN);
    public final DoubleProperty gradNorm = new SimpleDoubleProperty(this, "gradNorm", Double.NaN);
    public final DoubleProperty trainLoss = new SimpleDoubleProperty(this, "trainLoss", Double.NaN);
    public final DoubleProperty valLoss = new SimpleDoubleProperty(this, "valLoss", Double.NaN);
    public final DoubleProperty elapsed = new SimpleDoubleProperty(this, "elapsed", 0);
    public final DoubleProperty progress = new SimpleDoubleProperty(this, "progress", 0);
    public final StringProperty sample = new SimpleStringProperty(this, "sample", "");
    public final LongProperty sampleStep = new SimpleLongProperty(this, "sampleStep", -1);
    /** A problem that needs the user's attention (divergence, failure); "" when none. */
    public final StringProperty alert = new SimpleStringProperty(this, "alert", "");
    /** Overfitting notice ("" when none). */
    public final StringProperty overfitNotice = new SimpleStringProperty(this, "overfitNotice", "");
    /** Autosave every this many steps (0 = off). */
    public final IntegerProperty autosaveEvery = new SimpleIntegerProperty(this, "autosaveEvery", 0);
    /** Latest checkpoint written by autosave or Save (null when none). */
    public final ObjectProperty<Path> lastCheckpoint = new SimpleObjectProperty<>(this, "lastCheckpoint");
    public final ObjectProperty<Path> runFolder = new SimpleObjectProperty<>(this, "runFolder");
    /** Weights + optimizer state a new run can continue from (a loaded checkpoint, or the last run's end). */
    public final ObjectProperty<Trainer.Snapshot> resumePoint = new SimpleObjectProperty<>(this, "resumePoint");
    /** Whether Train continues from {@link #resumePoint} instead of fresh weights. */
    public final BooleanProperty continueTraining = new SimpleBooleanProperty(this, "continueTraining", false);
    /** Optional fine-tuning replay: a second text mixed into every batch. */
    public final ObjectProperty<Path> replayFile = new SimpleObjectProperty<>(this, "replayFile");
    public final DoubleProperty replayFraction = new SimpleDoubleProperty(this, "replayFraction", 0.25);

    private final ConcurrentLinkedQueue<Object> events = new ConcurrentLinkedQueue<>();
    private volatile Trainer trainer;
    private TrainConfig runConfig;
    private double tpsEma = Double.NaN;
    private boolean sampling;
    private Gpt pendingSample;
    private long pendingSampleStep;
    /** Ticks while a run is active; each tick asks the FX thread to drain, if anything is queued. */
    private java.util.concurrent.ScheduledFuture<?> drainClock;
    private final java.util.concurrent.atomic.AtomicBoolean drainQueued = new java.util.concurrent.atomic.AtomicBoolean();

    private void startDrainClock() {
        stopDrainClock();
        drainClock = FxThrottle.every(DRAIN_HZ, () -> {
            if (!events.isEmpty() && drainQueued.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    drainQueued.set(false);
                    drain();
                });
            }
        });
    }

    private void stopDrainClock() {
        if (drainClock != null) drainClock.cancel(false);
        drainClock = null;
    }

    private record Published(Gpt model, long step, boolean forSample, boolean forSession) {}

    private record Finished(RunOutcome outcome, Trainer.Snapshot end, Throwable error) {}

    private record Autosaved(Path prefix, String error) {}

    public TrainingService(Session session) {
        this.session = session;
        this.hp = HyperparametersViewModel.of(session);
        session.trainBlockedReason.bind(Bindings.createStringBinding(() -> {
            if (state.get().active()) return "a run is in progress";
            if (session.corpus.get() == null) return "open a dataset first";
            return hp.reason.get();
        }, state, session.corpus, hp.reason));
        canTrain = session.trainBlockedReason.isEmpty();
        state.addListener((o, a, s) -> session.runState.set(s.label));
        session.runState.set(state.get().label);
    }

    public static TrainingService of(Session session) {
        return Services.of(session, TrainingService.class, TrainingService::new);
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
        Trainer.Snapshot resume = null;
        Trainer.Snapshot rp = resumePoint.get();
        if (continueTraining.get() && rp != null) {
            if (rp.model().config().equals(preset.model())) resume = rp;
            else session.message.set("The settings' model shape differs from the loaded model: starting from fresh weights");
        }
        final Trainer.Snapshot from = resume;
        final Path replay = replayFile.get();
        final double replayFrac = replay == null ? 0 : replayFraction.get();
        final int autosave = autosaveEvery.get();
        runFolder.set(null); // set from the training thread once the run folder exists
        runConfig = tc;
        runSeqLen = preset.model().seqLen();
        events.clear();
        alert.set("");
        overfitNotice.set("");
        tpsEma = Double.NaN;
        long startStep = from == null ? 0 : from.state().step();
        RunData prev = current.get();
        double secondsOffset = from != null && prev != null && prev.size() > 0 && prev.step(prev.size() - 1) == startStep
                ? prev.lastSeconds() : 0;
        RunData data = new RunData("Run " + (runs.size() + 1) + " · " + preset.name()
                + (startStep > 0 ? " from step " + startStep : ""), runs.size(), tc, startStep, secondsOffset);
        runs.add(data);
        current.set(data);
        session.runStep.set(startStep);
        session.runTotalSteps.set(tc.steps());
        session.etaSeconds.set(Double.NaN);
        session.tokensPerSecond.set(Double.NaN);
        progress.set(tc.steps() == 0 ? 0 : (double) startStep / tc.steps());
        state.set(State.STARTING);
        session.message.set("Starting " + data.name + "…");

        Task<Void> task = new Task<>() {
            @Override
            protected Void call() {
                runOnTrainingThread(preset, corpus, vf, tc, from, replay, replayFrac, autosave);
                return null;
            }
        };
        stopRequested = false;
        Thread t = new Thread(task, "bytewise-training");
        t.setDaemon(true);
        trainingThread = t;
        t.start();
        startDrainClock();
    }

    public void pause() {
        Trainer tr = trainer;
        if (tr != null && state.get() == State.RUNNING) {
            tr.pause();
            state.set(State.PAUSED);
            session.message.set("Paused at step " + session.runStep.get());
        }
    }

    public void resume() {
        Trainer tr = trainer;
        if (tr != null && state.get() == State.PAUSED) {
            tr.resume();
            state.set(State.RUNNING);
            session.message.set("Resumed");
        }
    }

    public void stop() {
        Trainer tr = trainer;
        if (state.get() == State.STARTING || state.get() == State.RUNNING || state.get() == State.PAUSED) {
            state.set(State.STOPPING);
            if (tr != null) tr.cancel();
            stopRequested = true;
        }
    }

    private volatile boolean stopRequested;

    private volatile Thread trainingThread;

    /**
     * Stops any run and waits for it (application exit): the run's recorder saves its last
     * checkpoint and marks the run cancelled as the trainer returns, and the JVM must not exit
     * under it. Cancelling returns within one step, so the wait is short; it is bounded anyway.
     */
    public void shutdown() {
        Trainer tr = trainer;
        stopRequested = true;
        if (tr != null) tr.cancel();
        stopDrainClock();
        Thread t = trainingThread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ training thread

    /** Step checkpoints kept in a run folder besides best and the final one. */
    private static final int KEEP_LAST = 3;

    private void runOnTrainingThread(Preset preset, Corpus corpus, double vf, TrainConfig tc, Trainer.Snapshot from,
                                     Path replay, double replayFrac, int autosave) {
        Trainer.Snapshot end = null;
        RunOutcome outcome = null;
        Throwable error = null;
        try {
            Gpt model = from != null ? from.model().copy() : Gpt.initialize(preset.model(), tc.seed());
            TrainingState st = from != null ? from.state() : null;
            if (st != null && st.step() >= tc.steps())
                throw new BytewiseException("the model has already trained " + st.step() + " steps; raise Steps above "
                        + st.step() + " to continue training it");
            Split split = corpus.split(vf);
            Split replaySplit = replay == null ? null : Corpus.open(replay).split(vf);
            try (Trainer tr = new Trainer(model, split, tc, st, replaySplit, replayFrac)) {
                trainer = tr;
                if (stopRequested) tr.cancel();
                // every run is recorded like the CLI's --run: metrics.csv, run.json, best, last checkpoints
                RunFolder folder = RunFolder.create(RunFolder.defaultWorkspace(), new RunFolder.Info(
                        java.time.Instant.now().toString(), preset.name(), corpus.name(), corpus.sha256(),
                        preset.model(), tc, st == null ? 0 : st.step(), null, "running", null));
                Platform.runLater(() -> runFolder.set(folder.dir()));
                try (RunRecorder recorder = new RunRecorder(folder, tr, autosave, KEEP_LAST)) {
                    outcome = tr.run(new Listener(tr, autosave, recorder));
                }
                end = tr.capture();
            } finally {
                trainer = null;
            }
        } catch (Throwable t) {
            error = t;
        }
        events.add(new Finished(outcome, end, error));
    }

    private final class Listener implements TrainingListener {
        private final Trainer tr;
        private final int autosave;
        private final RunRecorder recorder;
        private boolean recording = true;
        private long lastPublish = System.nanoTime();

        Listener(Trainer tr, int autosave, RunRecorder recorder) {
            this.tr = tr;
            this.autosave = autosave;
            this.recorder = recorder;
        }

        @Override
        public void onStep(StepMetrics m) {
            events.add(m);
            record(() -> recorder.onStep(m));
            if (recording && autosave > 0 && m.step() % autosave == 0)
                events.add(new Autosaved(recorder.folder().checkpointPrefix(m.step()), null));
            if (System.nanoTime() - lastPublish >= PUBLISH_SECONDS * 1e9) publish(m.step(), false);
        }

        @Override
        public void onEval(EvalMetrics m) {
            events.add(m);
            record(() -> recorder.onEval(m));
            publish(m.step(), true);
        }

        @Override
        public void onFinish(RunOutcome o) {
            record(() -> recorder.onFinish(o));
            if (recording && o.status() != RunOutcome.Status.DIVERGED)
                events.add(new Autosaved(recorder.folder().checkpointPrefix(tr.step()), null));
        }

        /** A full disk must not kill the run: say so once and keep training without recording. */
        private void record(Runnable r) {
            if (!recording) return;
            try {
                r.run();
            } catch (RuntimeException e) {
                recording = false;
                events.add(new Autosaved(recorder.folder().dir(), e.getMessage() + " (recording stopped)"));
            }
        }

        /** Snapshot for the session (when due) and, at evaluations, for the sample. */
        private void publish(long step, boolean eval) {
            boolean due = System.nanoTime() - lastPublish >= PUBLISH_SECONDS * 1e9;
            if (!due && !eval) return;
            events.add(new Published(tr.snapshot(), step, eval, due));
            if (due) lastPublish = System.nanoTime();
        }
    }

    // ------------------------------------------------------------------ FX side

    /** Applies everything the training thread queued; runs on the FX thread, ≤ {@link #DRAIN_HZ}/s. */
    void drain() {
        RunData data = current.get();
        boolean changed = false;
        StepMetrics lastStep = null;
        Published lastPub = null, lastSampleSnap = null;
        Finished finished = null;
        for (Object e; (e = events.poll()) != null; ) {
            switch (e) {
                case StepMetrics m -> {
                    if (data != null) data.add(m);
                    lastStep = m;
                    changed = true;
                    if (Double.isFinite(m.tokensPerSecond()))
                        tpsEma = Double.isNaN(tpsEma) ? m.tokensPerSecond() : tpsEma + 0.1 * (m.tokensPerSecond() - tpsEma);
                }
                case EvalMetrics m -> {
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
                case Published p -> {
                    if (p.forSession()) lastPub = p;
                    if (p.forSample()) lastSampleSnap = p;
                }
                case Autosaved a -> {
                    if (a.error() == null) {
                        lastCheckpoint.set(a.prefix());
                        session.message.set("Autosaved " + a.prefix() + " at step " + session.runStep.get());
                    } else {
                        session.message.set("Autosave failed: " + a.error());
                    }
                }
                case Finished f -> finished = f;
                default -> { }
            }
        }
        if (lastStep != null) {
            if (state.get() == State.STARTING) {
                state.set(State.RUNNING);
                session.message.set("Training " + (data == null ? "" : data.name));
            }
            session.runStep.set(lastStep.step());
            session.runTotalSteps.set(lastStep.totalSteps());
            session.tokensPerSecond.set(tpsEma);
            session.lastTokensPerSecond.set(tpsEma);
            lr.set(lastStep.lr());
            gradNorm.set(lastStep.gradNorm());
            trainLoss.set(lastStep.loss());
            elapsed.set(lastStep.elapsedSeconds());
            progress.set(lastStep.totalSteps() == 0 ? 1 : (double) lastStep.step() / lastStep.totalSteps());
            long remaining = lastStep.totalSteps() - lastStep.step();
            double tokensPerStep = runConfig == null ? 0 : (double) runConfig.batch() * currentSeqLen();
            session.etaSeconds.set(tpsEma > 0 ? remaining * tokensPerStep / tpsEma : Double.NaN);
        }
        if (lastPub != null) {
            session.model.set(lastPub.model());
            session.modelStep.set(lastPub.step());
        }
        if (lastSampleSnap != null) requestSample(lastSampleSnap.model(), lastSampleSnap.step());
        if (changed) dataVersion.set(dataVersion.get() + 1);
        if (finished != null) finish(finished);
    }

    private int currentSeqLen() {
        return runSeqLen;
    }

    private int runSeqLen;

    private void finish(Finished f) {
        stopDrainClock();
        session.tokensPerSecond.set(Double.NaN);
        session.etaSeconds.set(Double.NaN);
        boolean usable = f.end() != null && f.end().model().allFinite();
        if (usable) {
            resumePoint.set(f.end());
            session.model.set(f.end().model());
            session.modelStep.set(f.end().state().step());
        }
        if (f.error() != null) {
            String msg = f.error() instanceof BytewiseException ? f.error().getMessage()
                    : "training failed: " + f.error();
            state.set(State.FAILED);
            alert.set(msg);
            session.message.set(msg);
            return;
        }
        RunOutcome o = f.outcome();
        switch (o.status()) {
            case COMPLETED -> {
                state.set(State.COMPLETED);
                session.message.set(String.format(Locale.ROOT, "Training completed at step %d%s", o.step(),
                        Double.isFinite(valLoss.get()) ? String.format(Locale.ROOT, " (validation loss %.3f)", valLoss.get()) : ""));
            }
            case CANCELLED -> {
                state.set(State.STOPPED);
                session.message.set("Stopped at step " + o.step());
            }
            case DIVERGED -> {
                state.set(State.DIVERGED);
                String msg = o.message() + (lastCheckpoint.get() != null ? " — you can reload the last checkpoint." : "");
                alert.set(msg);
                session.message.set(o.message());
            }
        }
        if (usable) requestSample(f.end().model(), f.end().state().step());
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
        Task<String> t = new Task<>() {
            @Override
            protected String call() {
                SamplingSettings s = new SamplingSettings(0.8, 0, 1.0, false, seed + step, SAMPLE_BYTES, null);
                return new Generator(model).generate(new byte[]{'\n'}, s, null, this::isCancelled).text();
            }
        };
        t.setOnSucceeded(e -> {
            sample.set(t.getValue());
            sampleStep.set(step);
            sampleDone();
        });
        t.setOnFailed(e -> sampleDone());
        session.background().submit(t);
    }

    private void sampleDone() {
        sampling = false;
        if (pendingSample != null) {
            Gpt m = pendingSample;
            pendingSample = null;
            requestSample(m, pendingSampleStep);
        }
    }

    // ------------------------------------------------------------------ checkpoints & export

    /**
     * Saves the current weights (the running trainer's, else the last run's end or the loaded
     * checkpoint) with optimizer state to {@code prefix}.json/.bin, in the background.
     */
    public Task<Path> saveCheckpoint(Path prefix) {
        Trainer tr = trainer;
        Trainer.Snapshot rp = resumePoint.get();
        Preset settings = session.settings.get();
        Corpus corpus = session.corpus.get();
        TrainConfig tc = tr != null ? tr.config() : runConfig != null ? runConfig : settings == null ? null : settings.training();
        Task<Path> t = new Task<>() {
            @Override
            protected Path call() {
                Trainer.Snapshot s = tr != null ? tr.capture() : rp;
                if (s == null) throw new BytewiseException("nothing to save yet: train or open a checkpoint first");
                TrainConfig cfg = tc != null ? tc : TrainConfig.defaults();
                new Checkpoint(s.model(), cfg, s.state(), corpus == null ? null : corpus.name(),
                        corpus == null ? null : corpus.sha256()).save(prefix);
                return Checkpoint.prefixOf(prefix.toAbsolutePath());
            }
        };
        t.setOnSucceeded(e -> {
            lastCheckpoint.set(t.getValue());
            session.message.set("Saved checkpoint " + Checkpoint.jsonPath(t.getValue()));
        });
        t.setOnFailed(e -> session.message.set(message(t.getException())));
        session.background().submit(t);
        return t;
    }

    /**
     * Loads a checkpoint in the background; its weights become {@link Session#model}, its settings
     * {@link Session#settings}, and Train continues from its step.
     */
    public Task<Checkpoint> openCheckpoint(Path path) {
        Task<Checkpoint> t = new Task<>() {
            @Override
            protected Checkpoint call() {
                return Checkpoint.load(path);
            }
        };
        t.setOnSucceeded(e -> {
            if (active.get()) {
                session.message.set("Stop the current run before opening a checkpoint");
                return;
            }
            Checkpoint ck = t.getValue();
            TrainConfig tc = ck.training() != null ? ck.training()
                    : session.settings.get() != null ? session.settings.get().training() : TrainConfig.defaults();
            if (tc.valFraction() >= 0 && tc.valFraction() <= 0.5) session.valFraction.set(tc.valFraction());
            session.settings.set(new Preset(HyperparametersViewModel.CUSTOM,
                    "Settings from checkpoint " + Checkpoint.jsonPath(Checkpoint.prefixOf(path.toAbsolutePath())),
                    ck.model().config(), tc));
            resumePoint.set(new Trainer.Snapshot(ck.model(), ck.state()));
            continueTraining.set(true);
            runConfig = tc;
            session.model.set(ck.model().copy());
            session.modelStep.set(ck.state().step());
            lastCheckpoint.set(Checkpoint.prefixOf(path.toAbsolutePath()));
            alert.set("");
            state.set(State.IDLE);
            session.runStep.set(ck.state().step());
            session.runTotalSteps.set(tc.steps());
            String data = ck.dataName() == null ? "" : " (trained on " + ck.dataName() + ")";
            session.message.set("Opened checkpoint " + Checkpoint.prefixOf(path).getFileName() + " at step "
                    + ck.state().step() + data + "; Train continues from it");
        });
        t.setOnFailed(e -> session.message.set(message(t.getException())));
        session.background().submit(t);
        return t;
    }

    /** A past run as the Runs dialog lists it. */
    public record PastRun(RunFolder folder, RunFolder.Info info) {}

    /** Runs recorded in the workspace, newest first; unreadable folders are skipped (call off the FX thread). */
    public static List<PastRun> pastRuns() {
        List<PastRun> out = new ArrayList<>();
        for (RunFolder f : RunFolder.list(RunFolder.defaultWorkspace())) {
            try {
                out.add(new PastRun(f, f.info()));
            } catch (RuntimeException unreadable) {
                // a damaged run.json hides that run, never the list
            }
        }
        return out;
    }

    /**
     * Opens a past run: its curves join the chart (from metrics.csv) and its newest complete
     * checkpoint becomes the model, so Train continues it.
     */
    public Task<RunData> openRun(RunFolder folder) {
        Task<RunData> t = new Task<>() {
            @Override
            protected RunData call() {
                RunFolder.Info info = folder.info();
                RunData data = new RunData(folder.dir().getFileName().toString(), runs.size(), info.training(), 0, 0);
                for (RunFolder.Metric m : folder.readMetrics()) {
                    if (m.kind().equals("step")) {
                        data.add(new StepMetrics(m.step(), info.training().steps(), m.tokens(), (float) m.loss(), m.lr(),
                                m.gradNorm(), m.tokensPerSecond(), m.elapsedSeconds()));
                    } else {
                        data.add(new EvalMetrics(m.step(), m.tokens(), (float) m.loss(), m.elapsedSeconds()));
                    }
                }
                return data;
            }
        };
        t.setOnSucceeded(e -> {
            runs.add(t.getValue());
            current.set(t.getValue());
            List<Long> steps = folder.checkpointSteps();
            Path prefix = !steps.isEmpty() ? folder.checkpointPrefix(steps.get(steps.size() - 1))
                    : java.nio.file.Files.exists(Checkpoint.jsonPath(folder.bestPrefix())) ? folder.bestPrefix() : null;
            if (prefix != null) openCheckpoint(prefix);
            else session.message.set("Run " + folder.dir().getFileName() + " has curves but no checkpoint to open");
        });
        t.setOnFailed(e -> session.message.set(message(t.getException())));
        session.background().submit(t);
        return t;
    }

    /** Reopens the latest autosaved/saved checkpoint (after a divergence). */
    public Task<Checkpoint> reloadLastCheckpoint() {
        Path p = lastCheckpoint.get();
        if (p == null) {
            session.message.set("No checkpoint saved in this session yet");
            return null;
        }
        return openCheckpoint(p);
    }

    /** Writes every run's full metrics as CSV. */
    public void exportCsv(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(RunData.CSV_HEADER);
            w.newLine();
            for (RunData r : runs) r.writeCsv(w);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public void clearPreviousRuns() {
        RunData c = current.get();
        runs.removeIf(r -> r != c);
        dataVersion.set(dataVersion.get() + 1);
    }

    private static String message(Throwable t) {
        return t instanceof BytewiseException ? t.getMessage() : String.valueOf(t);
    }
}
