package bytewise.train;

/**
 * Receives training progress on the training thread. Implementations must return quickly (the
 * studio coalesces these into at most ~30 UI updates a second).
 */
public interface TrainingListener {
    default void onStep(StepMetrics m) {}

    default void onEval(EvalMetrics m) {}

    /** Called once when the run ends, however it ends. */
    default void onFinish(RunOutcome outcome) {}
}
