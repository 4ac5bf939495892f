package bytewise.train;

/**
 * Receives training progress on the training thread, between steps. Implementations must return
 * quickly: the step waits for them (the studio only queues events here and applies them on the FX
 * thread twice a second).
 */
public interface TrainingListener {
    default void onStep(StepMetrics m) {}

    default void onEval(EvalMetrics m) {}

    /** Training health of a step, when the trainer measures it (see {@link Trainer#measureHealthEvery}). */
    default void onHealth(TrainingHealth.Report r) {}

    /** The loss gave divergence away (see {@link DivergenceRule}); the run then stops, pauses or goes on. */
    default void onDiverged(Divergence d) {}

    /** Called once when the run ends, however it ends. */
    default void onFinish(RunOutcome outcome) {}
}
