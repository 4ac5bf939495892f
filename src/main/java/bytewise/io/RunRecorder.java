package bytewise.io;

import bytewise.train.EvalMetrics;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.Trainer;
import bytewise.train.TrainingHealth;
import bytewise.train.TrainingListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Records a run into its {@link RunFolder} from the training thread: a metrics row per step and
 * evaluation, a checkpoint every {@code autosaveEvery} steps or {@code autosaveSeconds} seconds,
 * whichever comes first (so a kill never costs more than that; keeping the last {@code keepLast}),
 * the best checkpoint by validation loss, a final checkpoint when the run ends, and the training
 * health reports (health.csv, opened at the first report). Checkpoints are taken between steps
 * with {@link Trainer#capture()}, so weights and optimizer state match. While it is open the
 * recorder owns the folder ({@link RunFolder#claim}), which tells a live run from an interrupted one.
 */
public final class RunRecorder implements TrainingListener, AutoCloseable {
    private final RunFolder folder;
    private final Trainer trainer;
    private final int autosaveEvery, keepLast;
    private final double autosaveSeconds;
    private long lastSaveNanos = System.nanoTime();
    private final String dataName, dataSha256;
    private final java.util.List<bytewise.data.DataFile> dataFiles;
    private final BufferedWriter metrics;
    private BufferedWriter health;
    private Float best;
    private long lastSaved = -1;

    public RunRecorder(RunFolder folder, Trainer trainer, int autosaveEvery, int keepLast) {
        this(folder, trainer, autosaveEvery, 0, keepLast);
    }

    /** {@code autosaveSeconds} 0: by steps only. */
    public RunRecorder(RunFolder folder, Trainer trainer, int autosaveEvery, double autosaveSeconds, int keepLast) {
        this.folder = folder;
        this.trainer = trainer;
        this.autosaveEvery = autosaveEvery;
        this.autosaveSeconds = autosaveSeconds;
        this.keepLast = keepLast;
        if (!folder.ownedHere()) folder.claim();
        RunFolder.Info info = folder.info().withOwner(RunFolder.ownerName());
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
        boolean byStep = autosaveEvery > 0 && m.step() % autosaveEvery == 0;
        boolean byTime = autosaveSeconds > 0 && System.nanoTime() - lastSaveNanos >= autosaveSeconds * 1e9;
        if (byStep || byTime) saveStep();
    }

    @Override
    public void onHealth(TrainingHealth.Report r) {
        if (health == null) health = folder.openHealth();
        try {
            for (String line : RunFolder.healthRows(r)) {
                health.write(line);
                health.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** Step of the newest step checkpoint this recorder wrote (-1: none yet). */
    public long lastSavedStep() {
        return lastSaved;
    }

    private void saveStep() {
        flush(); // the curve on disk reaches the checkpoint
        folder.saveCheckpoint(checkpoint(), keepLast);
        lastSaved = trainer.step();
        lastSaveNanos = System.nanoTime();
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
            if (health != null) health.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            metrics.close();
            if (health != null) health.close();
        } catch (IOException ignored) {
            // nothing more to save
        } finally {
            folder.release();
        }
    }
}
