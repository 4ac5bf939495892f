package bytewise.io;

import bytewise.data.Split;
import bytewise.model.Gpt;
import bytewise.train.Divergence;
import bytewise.train.EvalMetrics;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingHealth;
import bytewise.train.TrainingListener;
import bytewise.train.TrainingState;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * One training run, as the command line and the studio both start it: the model, its
 * {@link Trainer}, and (optionally) the {@link RunFolder} and {@link RunRecorder} that record it.
 * {@link #run} blocks the calling thread and reports typed {@link RunEvent}s on it; {@link #pause},
 * {@link #resume}, {@link #cancel} and {@link #capture} may be called from any thread.
 *
 * <pre>{@code
 * new TrainingRun(model, resumeState, split, config)
 *         .recordIn(Recording.newFolderIn(Workspace.runs(), "tiny", 100, 3))
 *         .run(event -> ...);
 * }</pre>
 */
public final class TrainingRun {
    /**
     * Where and how a run is recorded: into {@code runDir} (continuing the run already there), or a
     * new folder under {@code workspace}. With {@code keepTrainingIfItFails}, a recording failure
     * (a full disk) stops the recording, not the run.
     */
    public record Recording(Path runDir, Path workspace, String preset, int autosaveEvery, double autosaveSeconds,
                            int keepLast, boolean keepTrainingIfItFails, String note) {
        /** Step checkpoints at least this often by default, so a kill never costs more than a minute of training. */
        public static final double DEFAULT_AUTOSAVE_SECONDS = 60;

        /** Records into {@code dir}, which may already hold the run; a recording failure ends the run. */
        public static Recording into(Path dir, String preset, int autosaveEvery, int keepLast) {
            return new Recording(dir, null, preset, autosaveEvery, DEFAULT_AUTOSAVE_SECONDS, keepLast, false, null);
        }

        /** Records into a new folder under {@code workspace}; a recording failure only stops the recording. */
        public static Recording newFolderIn(Path workspace, String preset, int autosaveEvery, int keepLast) {
            return new Recording(null, workspace, preset, autosaveEvery, DEFAULT_AUTOSAVE_SECONDS, keepLast, true, null);
        }

        /** The same, continuing the run in {@code dir} (the studio: a full disk stops the recording only). */
        public Recording continuing(Path dir) {
            return new Recording(dir, workspace, preset, autosaveEvery, autosaveSeconds, keepLast, keepTrainingIfItFails, note);
        }

        public Recording autosaveSeconds(double seconds) {
            return new Recording(runDir, workspace, preset, autosaveEvery, seconds, keepLast, keepTrainingIfItFails, note);
        }

        /** A line for run.json's notes when this recording starts (say, "fine-tuned on X"). */
        public Recording note(String line) {
            return new Recording(runDir, workspace, preset, autosaveEvery, autosaveSeconds, keepLast, keepTrainingIfItFails, line);
        }
    }

    /**
     * Default cadence of the training-health measurement, in steps: often enough for a live panel
     * and a useful health.csv, rare enough that its cost (a weight copy and one pass over weights and
     * gradients) stays far under 1% of training time.
     */
    public static final int HEALTH_EVERY = 10;

    private final Gpt model;
    private final TrainingState resume;
    private int healthEvery = HEALTH_EVERY;
    private final Split split;
    private final TrainConfig config;
    private Split replay;
    private double replayFraction;
    private Recording recording;
    private double publishSeconds = Double.NaN;
    private Trainer.OnDivergence onDivergence = Trainer.OnDivergence.STOP;
    private volatile Trainer trainer;
    private volatile boolean cancelRequested, pauseRequested;

    /** A run of {@code model} (trained in place) from {@code resume} (null: from step 0). */
    public TrainingRun(Gpt model, TrainingState resume, Split split, TrainConfig config) {
        this.model = model;
        this.resume = resume;
        this.split = split;
        this.config = config;
    }

    /** Mixes windows of {@code replaySplit} into every batch (fine-tuning without forgetting). */
    public TrainingRun replay(Split replaySplit, double fraction) {
        this.replay = replaySplit;
        this.replayFraction = fraction;
        return this;
    }

    public TrainingRun recordIn(Recording r) {
        this.recording = r;
        return this;
    }

    /** Reports {@link RunEvent.Sample}s: at each evaluation, and for viewers at most every {@code seconds}. */
    public TrainingRun publishWeightsEvery(double seconds) {
        this.publishSeconds = seconds;
        return this;
    }

    /** Measures training health every {@code steps} steps (0 = off), reported as {@link RunEvent.Health} and recorded in health.csv. */
    public TrainingRun healthEvery(int steps) {
        this.healthEvery = steps;
        return this;
    }

    /** Stop (the default), pause or only report when the run diverges ({@link Trainer#onDivergence}). */
    public TrainingRun onDivergence(Trainer.OnDivergence action) {
        this.onDivergence = action;
        return this;
    }

    public TrainConfig config() {
        return config;
    }

    /** Trains until done, cancelled or diverged; events reach {@code sink} on this thread. Rethrows failures. */
    public RunOutcome run(Consumer<RunEvent> sink) {
        long from = resume == null ? 0 : resume.step();
        boolean reported = false;
        try (Trainer tr = new Trainer(model, split, config, resume, replay, replayFraction)) {
            trainer = tr;
            tr.measureHealthEvery(healthEvery);
            tr.onDivergence(onDivergence);
            if (pauseRequested) tr.pause();
            if (cancelRequested) tr.cancel();
            RunFolder folder = recording == null ? null : folder(tr);
            sink.accept(new RunEvent.Started(folder == null ? null : folder.dir(), from, config.steps()));
            try (RunRecorder recorder = folder == null ? null
                    : new RunRecorder(folder, tr, recording.autosaveEvery(), recording.autosaveSeconds(),
                    recording.keepLast())) {
                Events events = new Events(tr, recorder, sink);
                RunOutcome outcome;
                try {
                    outcome = tr.run(events);
                } catch (RuntimeException | Error e) {
                    reported = true;
                    sink.accept(new RunEvent.Failed(tr.step(), e));
                    throw e;
                }
                sink.accept(new RunEvent.Finished(outcome, tr.capture()));
                return outcome;
            }
        } catch (RuntimeException | Error e) {
            if (!reported) sink.accept(new RunEvent.Failed(from, e));
            throw e;
        } finally {
            trainer = null;
        }
    }

    private RunFolder folder(Trainer tr) {
        var corpus = split.corpus();
        String dataPath = corpus.path() == null ? null : corpus.path().toAbsolutePath().normalize().toString();
        RunFolder.Info info = new RunFolder.Info(Instant.now().toString(), recording.preset(), corpus.name(),
                corpus.sha256(), model.config(), config, tr.step(), null, "running", null, dataPath, null, null,
                recording.note() == null ? List.of() : List.of(recording.note()), corpus.files());
        if (recording.runDir() != null && RunFolder.isRunFolder(recording.runDir())) {
            // continuing a run: it now trains on this data with these settings (a longer schedule, say)
            RunFolder f = RunFolder.open(recording.runDir());
            f.claim();
            RunFolder.Info old = f.info();
            RunFolder.Info now = old.withTraining(config).withData(corpus.name(), corpus.sha256(), dataPath, corpus.files());
            if (recording.note() != null) now = now.withNote(recording.note());
            if (!now.equals(old)) f.writeInfo(now);
            return f;
        }
        if (recording.runDir() != null) return RunFolder.createAt(recording.runDir(), info);
        return RunFolder.create(recording.workspace(), info);
    }

    public void pause() {
        pauseRequested = true;
        Trainer tr = trainer;
        if (tr != null) tr.pause();
    }

    public void resume() {
        pauseRequested = false;
        Trainer tr = trainer;
        if (tr != null) tr.resume();
    }

    /** Stops before the next step; {@link #run} returns within one step (at once if it has not started). */
    public void cancel() {
        cancelRequested = true;
        Trainer tr = trainer;
        if (tr != null) tr.cancel();
    }

    /** Weights and optimizer state now (between steps), or null when the run is not training. */
    public Trainer.Snapshot capture() {
        Trainer tr = trainer;
        return tr == null ? null : tr.capture();
    }

    /** Feeds the recorder and turns the trainer's callbacks into events. */
    private final class Events implements TrainingListener {
        private final Trainer tr;
        private final RunRecorder recorder;
        private final Consumer<RunEvent> sink;
        private boolean recording;
        private long lastPublish = System.nanoTime();

        Events(Trainer tr, RunRecorder recorder, Consumer<RunEvent> sink) {
            this.tr = tr;
            this.recorder = recorder;
            this.sink = sink;
            this.recording = recorder != null;
        }

        @Override
        public void onStep(StepMetrics m) {
            sink.accept(new RunEvent.Step(m));
            record(() -> recorder.onStep(m));
            if (recording && recorder.lastSavedStep() == m.step())
                sink.accept(new RunEvent.CheckpointSaved(recorder.folder().checkpointPrefix(m.step()), m.step()));
            if (publishing() && System.nanoTime() - lastPublish >= publishSeconds * 1e9) publish(m.step(), false);
        }

        @Override
        public void onHealth(TrainingHealth.Report r) {
            sink.accept(new RunEvent.Health(r));
            record(() -> recorder.onHealth(r));
        }

        @Override
        public void onEval(EvalMetrics m) {
            sink.accept(new RunEvent.Eval(m));
            record(() -> recorder.onEval(m));
            if (publishing()) publish(m.step(), true);
        }

        @Override
        public void onDiverged(Divergence d) {
            sink.accept(new RunEvent.Diverged(d));
        }

        @Override
        public void onFinish(RunOutcome o) {
            record(() -> recorder.onFinish(o));
            if (recording && o.status() != RunOutcome.Status.DIVERGED)
                sink.accept(new RunEvent.CheckpointSaved(recorder.folder().checkpointPrefix(tr.step()), tr.step()));
        }

        private boolean publishing() {
            return !Double.isNaN(publishSeconds);
        }

        /** A full disk must not kill a studio run: say so once and keep training without recording. */
        private void record(Runnable r) {
            if (!recording) return;
            if (!TrainingRun.this.recording.keepTrainingIfItFails()) {
                r.run();
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                recording = false;
                sink.accept(new RunEvent.RecordingStopped(e.getMessage() + " (recording stopped)"));
            }
        }

        /** Weights for the viewers (when due) and, at evaluations, for the sample. */
        private void publish(long step, boolean eval) {
            boolean due = System.nanoTime() - lastPublish >= publishSeconds * 1e9;
            if (!due && !eval) return;
            sink.accept(new RunEvent.Sample(tr.snapshot(), step, eval, due));
            if (due) lastPublish = System.nanoTime();
        }
    }
}
