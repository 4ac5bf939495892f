package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.Samples;
import bytewise.io.RunFolder;
import bytewise.io.Workspace;
import bytewise.model.ModelConfig;
import bytewise.train.TrainConfig;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The past runs of the workspace (File ▸ Past runs): list them with their real status (a run left
 * "running" by a dead process shows as interrupted), open one with its data, resume it, rename,
 * delete to the trash, compare several. Opening a run reopens the file it was trained on and checks
 * its SHA-256; a missing or changed file is said, and Train stays blocked until the user locates
 * the file or chooses to fine-tune on the loaded one. Needs no FX toolkit.
 */
public final class PastRunsViewModel {
    /** One past run: its folder and run.json as read (status checked). */
    public record Row(RunFolder folder, RunFolder.Info info) {
        /** The name the user gave it, else its folder's. */
        public String name() {
            return info.label() != null && !info.label().isBlank() ? info.label() : folder.dir().getFileName().toString();
        }
    }

    /** Where the run's data was found when it was opened. */
    public enum DataFound { LOADED, FILE, SAMPLE, CHANGED, MISSING }

    /** One line of the settings table: the setting, each run's value, and whether they differ. */
    public record SettingRow(String setting, List<String> values, boolean differs) {}

    private final Session session;
    private final TaskExecutor executor;
    private final DatasetViewModel dataset;
    private final TrainingViewModel training;
    public final ObservableList<Row> runs = FXCollections.observableArrayList();

    PastRunsViewModel(Session session, TaskExecutor executor, DatasetViewModel dataset, TrainingViewModel training) {
        this.session = session;
        this.executor = executor;
        this.dataset = dataset;
        this.training = training;
    }

    /** Lists the workspace's runs in the background (newest first); {@code onLoaded} also gets them. */
    public BackgroundTask<List<Row>> refresh(Consumer<List<Row>> onLoaded) {
        return BackgroundTask.wrap(PastRunsViewModel::list).onSuccess(rows -> {
            runs.setAll(rows);
            if (onLoaded != null) onLoaded.accept(rows);
        }).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
    }

    static List<Row> list() {
        List<Row> out = new ArrayList<>();
        for (RunHistory.PastRun r : RunHistory.pastRuns()) out.add(new Row(r.folder(), r.info()));
        return out;
    }

    /** Runs that were interrupted (their process died mid-run), newest first. */
    public List<Row> interrupted() {
        return runs.stream().filter(r -> "interrupted".equals(r.info().status())).toList();
    }

    // ------------------------------------------------------------------ open, resume

    /**
     * Opens a run: its curves join the chart, its newest checkpoint becomes the model (Train
     * continues the run, in its folder), and the file it was trained on is reopened when found
     * with the same SHA-256. {@code then} runs once the model is open.
     */
    public BackgroundTask<DataFound> open(Row row, Consumer<DataFound> then) {
        if (training.active().get()) {
            session.message.set("Stop the current run before opening another one");
            return null;
        }
        RunFolder.Info info = row.info();
        Corpus loaded = session.corpus.get();
        return BackgroundTask.wrap(() -> findData(info, loaded)).onSuccess(found -> {
            switch (found) {
                case FILE -> dataset.open(Path.of(info.dataPath()));
                case SAMPLE -> dataset.openSample();
                case LOADED -> { }
                case CHANGED -> session.message.set("The data file of run " + row.name() + " has changed since it was"
                        + " trained (" + info.dataPath() + ": its SHA-256 differs): locate the original, or load a file"
                        + " and choose Fine-tune on this file");
                case MISSING -> session.message.set("The data file of run " + row.name() + " is missing ("
                        + (info.dataPath() != null ? info.dataPath() : info.dataName()) + "): locate it, or choose"
                        + " Fine-tune on this file to continue on the loaded data");
            }
            String said = session.message.get();
            openRun(row.folder(), () -> {
                // the data problem matters more than "opened checkpoint …"
                if (found == DataFound.CHANGED || found == DataFound.MISSING) session.message.set(said);
                if (then != null) then.accept(found);
            });
        }).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
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
        return training.history.open(folder, prefix -> {
            if (prefix != null) training.checkpoints.open(prefix, ck -> {
                training.dataGuard.continueRun(folder.dir(), ck.dataName(), ck.dataSha256());
                // a finished run shows what it did, and offers to go on
                boolean done = ck.training() != null && ck.state().step() >= ck.training().steps();
                training.figures.summarize(done ? training.history.current.get() : null);
                if (then != null) then.run();
            });
            else session.message.set("Run " + folder.dir().getFileName() + " has curves but no checkpoint to open");
        }, e -> session.message.set(TrainingViewModel.describe(e)));
    }

    /** Opens the run and, once its model and data are in, trains on in the same run (an interrupted run's Resume). */
    public BackgroundTask<DataFound> resume(Row row) {
        String sha = row.info().dataSha256();
        return open(row, found -> {
            if (found == DataFound.CHANGED || found == DataFound.MISSING) return; // said; the user locates it first
            training.continueTraining.set(true);
            whenLoaded(sha, () -> {
                if (!session.trainBlockedReason.get().isEmpty()) {
                    session.message.set("Cannot resume " + row.name() + ": " + session.trainBlockedReason.get());
                    return;
                }
                training.train();
            });
        });
    }

    /** Runs {@code r} once the loaded data's SHA-256 is {@code sha} (at once if it is, or if none is recorded). */
    private void whenLoaded(String sha, Runnable r) {
        if (sha == null || sha.equals(training.dataGuard.loadedDataSha().get())) {
            r.run();
            return;
        }
        javafx.beans.value.ChangeListener<String> l = new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends String> o, String a, String now) {
                if (!sha.equals(now)) return;
                training.dataGuard.loadedDataSha().removeListener(this);
                r.run();
            }
        };
        training.dataGuard.loadedDataSha().addListener(l);
    }

    /** Where the run's data is (off the FX thread: hashing reads the file). */
    static DataFound findData(RunFolder.Info info, Corpus loaded) {
        String sha = info.dataSha256();
        if (sha == null) return DataFound.LOADED; // nothing recorded to check against
        if (loaded != null && sha.equals(loaded.sha256())
                && (info.dataPath() == null || loaded.path() == null || samePath(loaded.path(), info.dataPath())))
            return DataFound.LOADED;
        if (info.dataPath() != null && Files.isRegularFile(Path.of(info.dataPath())))
            return sha.equals(Corpus.open(Path.of(info.dataPath())).sha256()) ? DataFound.FILE : DataFound.CHANGED;
        if (Samples.DEFAULT.equals(info.dataName()) && sha.equals(Samples.defaultCorpus().sha256())) return DataFound.SAMPLE;
        if (loaded != null && sha.equals(loaded.sha256())) return DataFound.LOADED;
        return DataFound.MISSING;
    }

    private static boolean samePath(Path p, String s) {
        return p.toAbsolutePath().normalize().equals(Path.of(s).toAbsolutePath().normalize());
    }

    /**
     * The user points at the run's data file: when its SHA-256 is the run's, it is opened and its
     * new place recorded in run.json; another file is refused with the reason.
     */
    public BackgroundTask<Boolean> locateData(Path file) {
        Path dir = training.dataGuard.continuedRun().get();
        if (dir == null) {
            session.message.set("No run is open: open a past run first");
            return null;
        }
        return BackgroundTask.wrap(() -> {
            RunFolder f = RunFolder.open(dir);
            RunFolder.Info info = f.info();
            Corpus c = Corpus.open(file);
            if (info.dataSha256() != null && !info.dataSha256().equals(c.sha256())) return false;
            f.writeInfo(info.withData(c.name(), c.sha256(), file.toAbsolutePath().normalize().toString(), c.files()));
            return true;
        }).onSuccess(same -> {
            if (same) {
                dataset.open(file);
                session.message.set("Found the run's data: " + file);
            } else {
                session.message.set(file.getFileName() + " is not the data this run was trained on (its SHA-256 differs):"
                        + " to continue the run on it, open it and choose Fine-tune on this file");
            }
        }).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
    }

    // ------------------------------------------------------------------ rename, delete

    /** Names the run (kept in its run.json; the folder keeps its name). A blank name goes back to the folder's. */
    public BackgroundTask<Row> rename(Row row, String name) {
        String label = name == null || name.isBlank() ? null : name.strip();
        return BackgroundTask.wrap(() -> {
            RunFolder f = row.folder();
            if (f.isOwned() && !f.ownedHere())
                throw new BytewiseException("run " + row.name() + " is training in another process: rename it when it stops");
            RunFolder.Info info = f.info().withLabel(label);
            f.writeInfo(info);
            return new Row(f, info);
        }).onSuccess(r -> {
            replace(row, r);
            session.message.set(label == null ? "Run " + r.name() + " has its folder's name again" : "Renamed the run to " + label);
        }).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
    }

    /** Moves the run's folder to the workspace's trash (never while it trains); it leaves the list. */
    public BackgroundTask<Path> delete(Row row) {
        Path dir = row.folder().dir();
        if (training.active().get() && Objects.equals(training.runFolder().get(), dir)) {
            session.message.set("Run " + row.name() + " is training: stop it before deleting it");
            return null;
        }
        return BackgroundTask.wrap(() -> {
            if (row.folder().isOwned())
                throw new BytewiseException("run " + row.name() + " is training: stop it before deleting it");
            Path trash = Workspace.trash();
            Files.createDirectories(trash);
            Path to = trash.resolve(dir.getFileName());
            for (int i = 2; Files.exists(to); i++) to = trash.resolve(dir.getFileName() + "-" + i);
            try {
                Files.move(dir, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new BytewiseException("cannot move run " + dir + " to the trash: " + e.getMessage(), e);
            }
            return to;
        }).onSuccess(to -> {
            runs.remove(row);
            if (Objects.equals(training.dataGuard.continuedRun().get(), dir)) training.dataGuard.forgetContinuedRun();
            session.message.set("Moved run " + row.name() + " to the trash: " + to);
        }).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
    }

    private void replace(Row old, Row now) {
        int i = runs.indexOf(old);
        if (i >= 0) runs.set(i, now);
    }

    // ------------------------------------------------------------------ compare

    /** Reads the curves of several runs in the background, for one chart. */
    public BackgroundTask<List<RunData>> compare(List<Row> rows, Consumer<List<RunData>> onRead) {
        List<Row> chosen = List.copyOf(rows);
        return BackgroundTask.wrap(() -> {
            List<RunData> out = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                out.add(RunHistory.read(chosen.get(i).folder(), i)); // named as Row.name() names it
            }
            return out;
        }).onSuccess(onRead).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
    }

    /** The runs' settings side by side, one row per setting; {@code differs} marks the ones not all equal. */
    public static List<SettingRow> settingsTable(List<Row> rows) {
        List<SettingRow> out = new ArrayList<>();
        add(out, rows, "Data", r -> r.info().dataName());
        add(out, rows, "Data SHA-256", r -> r.info().dataSha256() == null ? null : r.info().dataSha256().substring(0,
                Math.min(12, r.info().dataSha256().length())) + "…");
        add(out, rows, "Preset", r -> r.info().preset());
        add(out, rows, "Status", r -> r.info().status());
        add(out, rows, "Steps done", r -> String.format(Locale.ROOT, "%,d", r.info().step()));
        add(out, rows, "Best val loss", r -> r.info().bestValLoss() == null ? null
                : String.format(Locale.ROOT, "%.4f", r.info().bestValLoss()));
        add(out, rows, "Parameters", r -> r.info().model() == null ? null
                : String.format(Locale.ROOT, "%,d", r.info().model().parameterCount()));
        model(out, rows, "Context (seq_len)", ModelConfig::seqLen);
        model(out, rows, "Width (d_model)", ModelConfig::dModel);
        model(out, rows, "Layers", ModelConfig::nLayer);
        model(out, rows, "Heads", ModelConfig::nHead);
        train(out, rows, "Steps", TrainConfig::steps);
        train(out, rows, "Batch", TrainConfig::batch);
        train(out, rows, "Learning rate", TrainConfig::lr);
        train(out, rows, "Min learning rate", TrainConfig::minLr);
        train(out, rows, "Warm-up steps", TrainConfig::warmup);
        train(out, rows, "Weight decay", TrainConfig::weightDecay);
        train(out, rows, "Beta1", TrainConfig::beta1);
        train(out, rows, "Beta2", TrainConfig::beta2);
        train(out, rows, "Grad clip", TrainConfig::gradClip);
        train(out, rows, "Eval every", TrainConfig::evalEvery);
        train(out, rows, "Validation share", TrainConfig::valFraction);
        train(out, rows, "Seed", TrainConfig::seed);
        train(out, rows, "Threads (0 = all)", TrainConfig::threads);
        add(out, rows, "Notes", r -> r.info().notes().isEmpty() ? null : String.join("; ", r.info().notes()));
        return out;
    }

    private static void model(List<SettingRow> out, List<Row> rows, String name, Function<ModelConfig, Object> f) {
        add(out, rows, name, r -> r.info().model() == null ? null : String.valueOf(f.apply(r.info().model())));
    }

    private static void train(List<SettingRow> out, List<Row> rows, String name, Function<TrainConfig, Object> f) {
        add(out, rows, name, r -> r.info().training() == null ? null : value(f.apply(r.info().training())));
    }

    private static String value(Object v) {
        if (v instanceof Double d) return d == Math.rint(d) && Math.abs(d) < 1e6 ? String.valueOf(d.longValue())
                : String.format(Locale.ROOT, "%.3g", d);
        return String.valueOf(v);
    }

    private static void add(List<SettingRow> out, List<Row> rows, String name, Function<Row, String> f) {
        List<String> values = new ArrayList<>();
        for (Row r : rows) {
            String v = f.apply(r);
            values.add(v == null ? "—" : v);
        }
        boolean differs = values.stream().distinct().count() > 1;
        out.add(new SettingRow(name, values, differs));
    }
}
