package bytewise.app;

import bytewise.data.Corpus;
import bytewise.io.TrainingRun;
import bytewise.io.Workspace;
import bytewise.train.Trainer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs own their data: which recorded run Train continues, the data it was trained on, and the
 * conflict that blocks Train while other data is loaded (until the user loads the run's data or
 * chooses "Fine-tune on this file"). Its own class because it watches the loaded data (hashing each
 * new dataset in the background) whether or not a run goes. Needs no FX toolkit.
 */
public final class RunDataGuard {
    private final Session session;
    private final TaskExecutor executor;
    private final RunHistory history;
    private final BooleanProperty continueTraining;

    /** The recorded run that Train continues (opened from past runs, or the last one trained); null: none. */
    private final ReadOnlyObjectWrapper<Path> continuedRun = new ReadOnlyObjectWrapper<>(this, "continuedRun");
    /** The data the continued run was trained on (name and SHA-256), to tell when other data is loaded. */
    private String continuedDataName, continuedDataSha;
    /** SHA-256 of the loaded dataset, computed in the background when it changes (null until known). */
    private final ReadOnlyStringWrapper loadedDataSha = new ReadOnlyStringWrapper(this, "loadedDataSha");
    private final ReadOnlyStringWrapper dataConflict = new ReadOnlyStringWrapper(this, "dataConflict", "");
    /** The explicit choice to continue the run on the loaded data although it is not the run's ("Fine-tune on this file"). */
    public final BooleanProperty fineTuneOnLoadedData = new SimpleBooleanProperty(this, "fineTuneOnLoadedData", false);

    /** {@code continueTraining}: whether Train continues from the resume point (a conflict only matters then). */
    RunDataGuard(Session session, TaskExecutor executor, RunHistory history, BooleanProperty continueTraining) {
        this.session = session;
        this.executor = executor;
        this.history = history;
        this.continueTraining = continueTraining;
        watchLoadedData();
    }

    /** The recorded run Train continues (null: Train starts a new one). */
    public ReadOnlyObjectProperty<Path> continuedRun() { return continuedRun.getReadOnlyProperty(); }
    /** SHA-256 of the loaded dataset once computed (null while it is being computed, or with no data). */
    public ReadOnlyStringProperty loadedDataSha() { return loadedDataSha.getReadOnlyProperty(); }
    /** Why the loaded data cannot continue the run ("" when it can): it is not the data the run was trained on. */
    public ReadOnlyStringProperty dataConflict() { return dataConflict.getReadOnlyProperty(); }

    /** Whether Train, starting from {@code from}, continues the recorded run (same folder, same curve). */
    boolean continuing(Trainer.Snapshot from) {
        return from != null && continuedRun.get() != null && history.current.get() != null
                && history.current.get().size() > 0;
    }

    /**
     * Where the run is recorded: the continued run's folder when Train continues it (noting a
     * fine-tune on other data in run.json), else a new folder in the workspace. Step checkpoints
     * come every {@code autosave} steps and at least once a minute, the latest {@code keepLast} kept.
     */
    TrainingRun.Recording recordingFor(Trainer.Snapshot from, String preset, int autosave, int keepLast, Corpus corpus) {
        TrainingRun.Recording r = TrainingRun.Recording.newFolderIn(Workspace.runs(), preset, autosave, keepLast);
        if (!continuing(from)) return r;
        r = r.continuing(continuedRun.get());
        if (continuedDataSha != null && !continuedDataSha.equals(loadedDataSha.get()))
            r = r.note(String.format(Locale.ROOT, "step %d: fine-tuned on %s (sha256 %s), was %s", from.state().step(),
                    corpus.name(), loadedDataSha.get() == null ? "unknown" : loadedDataSha.get(), continuedDataName));
        return r;
    }

    /** From now Train continues the run in {@code dir}, trained on {@code data} (the loaded data). */
    void continueIn(Path dir, Corpus data) {
        continueRun(dir, data == null ? null : data.name(), data == null ? null : loadedDataSha.get());
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
    private void watchLoadedData() {
        session.corpus.addListener((o, a, c) -> {
            loadedDataSha.set(null);
            updateDataConflict();
            if (c == null) return;
            BackgroundTask.wrap(c::sha256).onSuccess(sha -> {
                if (session.corpus.get() != c) return;
                loadedDataSha.set(sha);
                updateDataConflict();
            }).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
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
}
