package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.io.Checkpoint;
import bytewise.io.ModelFiles;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingState;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

import java.nio.file.Path;

/**
 * Save, open and reload checkpoints for the Training page, in the background. Opening one makes
 * its weights the session's model and its settings the session's settings, and Train continues it.
 */
public final class CheckpointActions {
    private final Session session;
    private final TaskExecutor executor;
    private final TrainingViewModel training;
    private final ReadOnlyObjectWrapper<Path> lastCheckpoint = new ReadOnlyObjectWrapper<>(this, "lastCheckpoint");

    CheckpointActions(Session session, TaskExecutor executor, TrainingViewModel training) {
        this.session = session;
        this.executor = executor;
        this.training = training;
    }

    /** Latest checkpoint written by autosave or Save, or opened (null when none). */
    public ReadOnlyObjectProperty<Path> lastCheckpoint() {
        return lastCheckpoint.getReadOnlyProperty();
    }

    void setLastCheckpoint(Path prefix) {
        lastCheckpoint.set(prefix);
    }

    /**
     * Saves the current weights (the running trainer's, else the last run's end or the loaded
     * checkpoint) with optimizer state to {@code prefix}.json/.bin.
     */
    public BackgroundTask<Path> save(Path prefix) {
        Trainer.Snapshot rp = training.resumePoint.get();
        Preset settings = session.settings.get();
        Corpus corpus = session.corpus.get();
        var run = training.currentRun();
        TrainConfig runConfig = training.runConfig();
        TrainConfig tc = run != null ? run.config() : runConfig != null ? runConfig
                : settings == null ? null : settings.training();
        return BackgroundTask.wrap(() -> {
            Trainer.Snapshot live = run == null ? null : run.capture();
            Trainer.Snapshot s = live != null ? live : rp;
            if (s == null) throw new BytewiseException("nothing to save yet: train or open a checkpoint first");
            TrainConfig cfg = tc != null ? tc : TrainConfig.defaults();
            new Checkpoint(s.model(), cfg, s.state(), corpus == null ? null : corpus.name(),
                    corpus == null ? null : corpus.sha256(), corpus == null ? null : corpus.files()).save(prefix);
            return Checkpoint.prefixOf(prefix.toAbsolutePath());
        }).onSuccess(saved -> {
            lastCheckpoint.set(saved);
            session.message.set("Saved checkpoint " + Checkpoint.jsonPath(saved));
        }).onFailure(this::report).executeWith(executor);
    }

    /**
     * Loads a model in any format the command line reads (a Bytewise checkpoint, an llm.c
     * {@code .bin}, {@code .safetensors}, {@code .gguf}: {@link ModelFiles}, with its messages); its
     * weights, settings and step become the session's, and Train continues it (a foreign file
     * carries weights only: Train fine-tunes them from step 0 with the session's settings).
     */
    public BackgroundTask<Checkpoint> open(Path path) {
        return open(path, null);
    }

    /**
     * Opens as {@link #open(Path)}; {@code inRun} (when not null) is told the checkpoint belongs to a
     * recorded run that Train continues, else Train will start a new run from it.
     */
    BackgroundTask<Checkpoint> open(Path path, java.util.function.Consumer<Checkpoint> inRun) {
        return BackgroundTask.wrap(() -> ModelFiles.loadAny(path)).onSuccess(ck -> {
            if (training.active().get()) {
                session.message.set("Stop the current run before opening a checkpoint");
                return;
            }
            ModelFiles.Format format = ModelFiles.detect(path);
            if (format != ModelFiles.Format.BYTEWISE) {
                adoptWeights(ck, format, path);
                training.dataGuard.forgetContinuedRun();
                return;
            }
            Path prefix = Checkpoint.prefixOf(path.toAbsolutePath());
            TrainConfig tc = ck.training() != null ? ck.training()
                    : session.settings.get() != null ? session.settings.get().training() : TrainConfig.defaults();
            if (tc.valFraction() >= 0 && tc.valFraction() <= 0.5) session.valFraction.set(tc.valFraction());
            session.settings.set(new Preset(HyperparametersViewModel.CUSTOM,
                    "Settings from checkpoint " + Checkpoint.jsonPath(prefix), ck.model().config(), tc));
            training.adopt(new Trainer.Snapshot(ck.model(), ck.state()), tc);
            lastCheckpoint.set(prefix);
            String data = ck.dataName() == null ? "" : " (trained on " + ck.dataName() + ")";
            session.message.set("Opened checkpoint " + Checkpoint.prefixOf(path).getFileName() + " at step "
                    + ck.state().step() + data + "; Train continues from it");
            if (inRun != null) inRun.accept(ck);
            else training.dataGuard.forgetContinuedRun();
        }).onFailure(this::report).executeWith(executor);
    }

    /** A foreign file's weights: the settings keep the session's training part and take the file's model shape. */
    private void adoptWeights(Checkpoint ck, ModelFiles.Format format, Path path) {
        TrainConfig tc = session.settings.get() != null ? session.settings.get().training() : TrainConfig.defaults();
        String what = switch (format) {
            case LLMC -> "llm.c checkpoint";
            case SAFETENSORS -> "safetensors file";
            case GGUF -> "GGUF file";
            case BYTEWISE -> "checkpoint";
        };
        session.settings.set(new Preset(HyperparametersViewModel.CUSTOM, "Model shape from " + what + " " + path.getFileName(),
                ck.model().config(), tc));
        training.adopt(new Trainer.Snapshot(ck.model(), new TrainingState(0, 0, null, null)), tc);
        lastCheckpoint.set(null);
        session.message.set("Opened " + what + " " + path.getFileName() + String.format(java.util.Locale.ROOT,
                " (%,d parameters, weights only); Train fine-tunes it from step 0", ck.model().config().parameterCount()));
    }

    /** Reopens the latest autosaved or saved checkpoint (after a divergence); null when there is none. */
    public BackgroundTask<Checkpoint> reloadLast() {
        Path p = lastCheckpoint.get();
        if (p == null) {
            session.message.set("No checkpoint saved in this session yet");
            return null;
        }
        return open(p);
    }

    private void report(Throwable t) {
        session.message.set(TrainingViewModel.describe(t));
    }
}
