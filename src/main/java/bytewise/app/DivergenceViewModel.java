package bytewise.app;

import bytewise.BytewiseException;
import bytewise.io.Checkpoint;
import bytewise.io.RunFolder;
import bytewise.train.Divergence;
import bytewise.train.LearningRates;
import bytewise.train.Preset;
import bytewise.train.Trainer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * When a run diverges: whether it pauses or stops, how it diverged, and the offer to go on at the
 * suggested lower learning rate from the run's last good checkpoint. Its own class because the
 * offer is a flow of its own (look up a checkpoint, lower the rate, start again) that the run's
 * state machine in {@link TrainingViewModel} only starts. Needs no FX toolkit.
 */
public final class DivergenceViewModel {
    /** Step checkpoints this close before the divergence may already hold the rising loss. */
    static final int SUSPECT_STEPS = 3;

    private final Session session;
    private final HyperparametersViewModel hp;
    private final TaskExecutor executor;
    private final TrainingViewModel training;

    /** When the run diverges: pause it (true; Resume goes on anyway) or stop it (false, the default). */
    public final BooleanProperty pauseRun = new SimpleBooleanProperty(this, "pauseRun", false);
    private final ReadOnlyObjectWrapper<Divergence> current = new ReadOnlyObjectWrapper<>(this, "current");
    /** What "resume at a lower learning rate" will do ("" when the last run did not diverge). */
    private final ReadOnlyStringWrapper lowerLrAction = new ReadOnlyStringWrapper(this, "lowerLrAction", "");
    private boolean resumeWhenStopped;

    DivergenceViewModel(Session session, HyperparametersViewModel hp, TaskExecutor executor, TrainingViewModel training) {
        this.session = session;
        this.hp = hp;
        this.executor = executor;
        this.training = training;
    }

    /** How the current (or last) run diverged, or null. */
    public ReadOnlyObjectProperty<Divergence> current() { return current.getReadOnlyProperty(); }
    /** The label of the offer to go on at a lower learning rate ("" while there is none). */
    public ReadOnlyStringProperty lowerLrAction() { return lowerLrAction.getReadOnlyProperty(); }

    /** What the trainer does when the run diverges, as chosen. */
    Trainer.OnDivergence onDivergence() {
        return pauseRun.get() ? Trainer.OnDivergence.PAUSE : Trainer.OnDivergence.STOP;
    }

    void clear() {
        current.set(null);
        lowerLrAction.set("");
    }

    /** The run reported {@code d}. */
    void diverged(Divergence d) {
        current.set(d);
    }

    /**
     * Offers to go on at the suggested learning rate: from the last good checkpoint when the run
     * in {@code folder} saved one (looked up in the background), else from the start; sets
     * {@link #lowerLrAction} (the Training page's button beside the alert).
     */
    void offerLowerLr(Path folder) {
        Divergence d = current.get();
        if (d == null) return;
        BackgroundTask.wrap(() -> hasLastGood(folder, d.step())).onSuccess(saved -> {
            if (current.get() != d) return;
            lowerLrAction.set((saved ? "Resume from the last good checkpoint at lr " : "Restart at lr ")
                    + LearningRates.show(d.suggestedLr()));
        }).executeWith(executor);
    }

    /** The run has ended: a resume asked for while it was paused at its divergence goes ahead now. */
    void runEnded() {
        if (resumeWhenStopped) {
            resumeWhenStopped = false;
            resumeAtLowerLr();
        }
    }

    /**
     * After a divergence: lowers the learning rate on the Hyperparameters page to the suggested one,
     * then continues from the run's last good checkpoint (see {@link #lastGood}), or starts again
     * from fresh weights when the run saved none. Returns the loading task (null when there is
     * nothing to resume).
     */
    public BackgroundTask<Checkpoint> resumeAtLowerLr() {
        Divergence d = current.get();
        if (d == null) return null;
        if (training.state().get().active()) {
            // a run paused at its divergence ends first; this runs again when it has (see runEnded)
            resumeWhenStopped = true;
            training.stop();
            return null;
        }
        lowerLearningRate(d.suggestedLr());
        Path folder = training.runFolder().get();
        long at = d.step();
        return BackgroundTask.wrap(() -> lastGood(folder, at)).onSuccess(ck -> {
            Preset p = session.settings.get();
            if (ck != null && p != null && ck.model().config().equals(p.model())) {
                training.adopt(new Trainer.Snapshot(ck.model(), ck.state()), p.training());
                session.model.set(ck.model().copy());
                session.message.set("Resuming from step " + ck.state().step() + " at learning rate "
                        + LearningRates.show(p.training().lr()));
            } else {
                training.continueTraining.set(false);
                session.message.set("No checkpoint from before the divergence: restarting at learning rate "
                        + (p == null ? "" : LearningRates.show(p.training().lr())));
            }
            clear();
            training.train();
        }).onFailure(e -> session.message.set(TrainingViewModel.describe(e))).executeWith(executor);
    }

    /** Puts {@code lr} in the settings (a constant schedule stays constant; a lower minimum is kept). */
    private void lowerLearningRate(double lr) {
        Preset p = session.settings.get();
        double oldLr = p == null ? lr : p.training().lr(), oldMin = p == null ? lr : p.training().minLr();
        double min = oldMin >= oldLr ? lr : Math.min(oldMin, lr);
        hp.values.get("lr").set(LearningRates.show(lr));
        hp.values.get("min_lr").set(LearningRates.show(min));
        hp.validate();
    }

    private static boolean hasLastGood(Path folder, long divergedStep) {
        if (folder == null || !RunFolder.isRunFolder(folder)) return false;
        RunFolder f = RunFolder.open(folder);
        if (Files.exists(Checkpoint.jsonPath(f.bestPrefix()))) return true;
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
}
