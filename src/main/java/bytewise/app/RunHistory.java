package bytewise.app;

import bytewise.io.AtomicFile;
import bytewise.io.Checkpoint;
import bytewise.io.RunFolder;
import bytewise.io.Workspace;
import bytewise.train.EvalMetrics;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Training page's runs: this session's (kept for comparison on the chart), past runs recorded
 * in the workspace, and the metrics CSV export. FX thread only, except {@link #pastRuns()}.
 */
public final class RunHistory {
    /** A past run as the Runs dialog lists it. */
    public record PastRun(RunFolder folder, RunFolder.Info info) {}

    private final TaskExecutor executor;
    private final ObservableList<RunData> runs = FXCollections.observableArrayList();
    private final ObservableList<RunData> runsView = FXCollections.unmodifiableObservableList(runs);
    /** The run being trained, or the one last added. */
    public final ObjectProperty<RunData> current = new SimpleObjectProperty<>(this, "current");
    private final ReadOnlyLongWrapper dataVersion = new ReadOnlyLongWrapper(this, "dataVersion");

    RunHistory(TaskExecutor executor) {
        this.executor = executor;
    }

    /** Every run of this session, oldest first (read-only; see {@link #add}). */
    public ObservableList<RunData> runs() {
        return runsView;
    }

    /** Bumped whenever a run's metrics changed (the chart redraws on it). */
    public ReadOnlyLongProperty dataVersion() {
        return dataVersion.getReadOnlyProperty();
    }

    void changed() {
        dataVersion.set(dataVersion.get() + 1);
    }

    /** Adds a run and makes it the current one. */
    public void add(RunData r) {
        runs.add(r);
        current.set(r);
    }

    /**
     * The curve a run starting at {@code startStep} draws on: the current one, its clock going on,
     * when the run {@code continues} it; else a new one whose clock goes on from the current curve's
     * when the run starts where that one ended.
     */
    RunData curveFor(String preset, TrainConfig tc, long startStep, boolean continues) {
        RunData prev = current.get();
        if (continues) {
            prev.continueWith(tc);
            return prev;
        }
        double secondsOffset = startStep > 0 && prev != null && prev.size() > 0 && prev.step(prev.size() - 1) == startStep
                ? prev.lastSeconds() : 0;
        return startRun(preset, tc, startStep, secondsOffset);
    }

    /** A new, empty run named after its place in the session. */
    RunData startRun(String preset, TrainConfig tc, long startStep, double secondsOffset) {
        RunData data = new RunData("Run " + (runs.size() + 1) + " · " + preset
                + (startStep > 0 ? " from step " + startStep : ""), runs.size(), tc, startStep, secondsOffset);
        add(data);
        return data;
    }

    /** Forgets every run but the current one. */
    public void clearPrevious() {
        RunData c = current.get();
        runs.removeIf(r -> r != c);
        changed();
    }

    /**
     * Writes every run's full metrics as CSV: the rows are taken now (runs change on the FX thread),
     * the file is written atomically in the background.
     */
    public BackgroundTask<Path> exportCsv(Path file, Consumer<Path> onDone, Consumer<Throwable> onFailure) {
        StringWriter text = new StringWriter();
        try {
            text.write(RunData.CSV_HEADER);
            text.write(System.lineSeparator());
            for (RunData r : runs) r.writeCsv(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return BackgroundTask.wrap(() -> {
            AtomicFile.writeText(file, "metrics", w -> w.write(text.toString()));
            return file;
        }).onSuccess(onDone).onFailure(onFailure).executeWith(executor);
    }

    /** Runs recorded in the workspace, newest first; unreadable folders are skipped (call off the FX thread). */
    public static List<PastRun> pastRuns() {
        List<PastRun> out = new ArrayList<>();
        for (RunFolder f : RunFolder.list(Workspace.runs())) {
            try {
                out.add(new PastRun(f, f.checkedInfo())); // running without a live owner: interrupted
            } catch (RuntimeException unreadable) {
                // a damaged run.json hides that run, never the list
            }
        }
        return out;
    }

    /** Lists the past runs in the background. */
    public BackgroundTask<List<PastRun>> loadPastRuns(Consumer<List<PastRun>> onLoaded, Consumer<Throwable> onFailure) {
        return BackgroundTask.wrap(RunHistory::pastRuns).onSuccess(onLoaded).onFailure(onFailure).executeWith(executor);
    }

    /**
     * Reads a past run's curves (from metrics.csv) in the background; they join the chart, and
     * {@code openCheckpoint} gets its newest complete checkpoint (null when it has none).
     */
    public BackgroundTask<RunData> open(RunFolder folder, Consumer<Path> openCheckpoint, Consumer<Throwable> onFailure) {
        int color = runs.size();
        return BackgroundTask.wrap(() -> read(folder, color)).onSuccess(data -> {
            add(data);
            List<Long> steps = folder.checkpointSteps();
            Path prefix = !steps.isEmpty() ? folder.checkpointPrefix(steps.get(steps.size() - 1))
                    : Files.exists(Checkpoint.jsonPath(folder.bestPrefix())) ? folder.bestPrefix() : null;
            openCheckpoint.accept(prefix);
        }).onFailure(onFailure).executeWith(executor);
    }

    static RunData read(RunFolder folder, int color) {
        RunFolder.Info info = folder.info();
        RunData data = new RunData(info.label() != null ? info.label() : folder.dir().getFileName().toString(), color,
                info.training(), 0, 0);
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
}
