package bytewise.io;

import bytewise.model.Gpt;
import bytewise.train.Divergence;
import bytewise.train.EvalMetrics;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.Trainer;
import bytewise.train.TrainingHealth;

import java.nio.file.Path;

/**
 * What a {@link TrainingRun} reports, in order, on the training thread. The command line prints
 * them; the studio queues them and applies them on the FX thread twice a second.
 */
public sealed interface RunEvent {
    /** The run is recording into {@code folder} (null when it records nothing). */
    record Started(Path folder, long fromStep, long totalSteps) implements RunEvent {}

    record Step(StepMetrics metrics) implements RunEvent {}

    record Eval(EvalMetrics metrics) implements RunEvent {}

    /** Training health measured after a step (every {@link TrainingRun#HEALTH_EVERY} steps by default). */
    record Health(TrainingHealth.Report report) implements RunEvent {}

    /** A checkpoint was written at {@code prefix} (autosave, or the run's last step). */
    record CheckpointSaved(Path prefix, long step) implements RunEvent {}

    /** Recording failed ({@code message}); training goes on without it. */
    record RecordingStopped(String message) implements RunEvent {}

    /**
     * A copy of the weights, for a sample (at each evaluation: {@code forSample}) and for the
     * inference screens (at most every few seconds: {@code forViewers}).
     */
    record Sample(Gpt model, long step, boolean forSample, boolean forViewers) implements RunEvent {}

    /**
     * Training diverged (see {@link bytewise.train.DivergenceRule}): the step, its loss, the learning
     * rate to try instead; the run then ends (a {@link Finished} with status diverged follows) or,
     * when {@code paused}, waits for resume or stop. The bad step's update was not applied.
     */
    record Diverged(Divergence divergence) implements RunEvent {
        public long step() {
            return divergence.step();
        }

        public String message() {
            return divergence.message();
        }
    }

    /** An exception ended the run; {@link TrainingRun#run} rethrows it after this event. */
    record Failed(long step, Throwable error) implements RunEvent {}

    /** The run ended normally (completed, stopped or diverged); {@code end} is its last state. */
    record Finished(RunOutcome outcome, Trainer.Snapshot end) implements RunEvent {}
}
