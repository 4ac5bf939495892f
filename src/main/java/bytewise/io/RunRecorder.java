package bytewise.io;

import bytewise.train.EvalMetrics;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Records a run into its {@link RunFolder} from the training thread: a metrics row per step and
 * evaluation, a checkpoint every {@code autosaveEvery} steps (keeping the last {@code keepLast}),
 * the best checkpoint by validation loss, and a final checkpoint when the run ends. Checkpoints are
 * taken between steps with {@link Trainer#capture()}, so weights and optimizer state match.
 */
public final class RunRecorder implements TrainingListener, AutoCloseable {
    private final RunFolder folder;
    private final Trainer trainer;
    private final int autosaveEvery, keepLast;
    private final String dataName, dataSha256;
    private final java.util.List<bytewise.data.DataFile> dataFiles;
    private final BufferedWriter metrics;
    private Float best;
    private long lastSaved = -1;

    public RunRecorder(RunFolder folder, Trainer trainer, int autosaveEvery, int keepLast) {
        this.folder = folder;
        this.trainer = trainer;
        this.autosaveEvery = autosaveEvery;
        this.keepLast = keepLast;
        RunFolder.Info info = folder.info();
        this.dataName = info.dataName();
        this.dataSha256 = info.dataSha256();
        this.dataFiles = info.dataFiles();
        this.best = info.bestValLoss();
        this.metrics = folder.openMetrics();
        folder.writeInfo(info.with(trainer.step(), best, "running", null));
    }

    public RunFolder folder() {
        return folder;
    }

    @Override
    public void onStep(StepMetrics m) {
        row(RunFolder.stepRow(m));
        if (autosaveEvery > 0 && m.step() % autosaveEvery == 0) saveStep();
    }

    @Override
    public void onEval(EvalMetrics m) {
        row(RunFolder.evalRow(m));
        flush();
        if (Float.isFinite(m.valLoss()) && (best == null || m.valLoss() < best)) {
            best = m.valLoss();
            folder.saveBest(checkpoint());
        }
        folder.writeInfo(folder.info().with(m.step(), best, "running", null));
    }

    @Override
    public void onFinish(RunOutcome outcome) {
        flush();
        if (outcome.status() != RunOutcome.Status.DIVERGED && trainer.step() != lastSaved) saveStep();
        String status = switch (outcome.status()) {
            case COMPLETED -> "completed";
            case CANCELLED -> "cancelled";
            case FAILED -> "failed";
            case DIVERGED -> "diverged";
        };
        folder.writeInfo(folder.info().with(trainer.step(), best, status,
                outcome.status() == RunOutcome.Status.COMPLETED ? null : outcome.message()));
    }

    private void saveStep() {
        folder.saveCheckpoint(checkpoint(), keepLast);
        lastSaved = trainer.step();
        folder.writeInfo(folder.info().with(trainer.step(), best, "running", null));
    }

    private Checkpoint checkpoint() {
        Trainer.Snapshot s = trainer.capture();
        return new Checkpoint(s.model(), trainer.config(), s.state(), dataName, dataSha256, dataFiles);
    }

    private void row(String line) {
        try {
            metrics.write(line);
            metrics.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush() {
        try {
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            metrics.close();
        } catch (IOException ignored) {
            // nothing more to save
        }
    }
}
