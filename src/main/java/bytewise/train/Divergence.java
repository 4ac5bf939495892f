package bytewise.train;

/**
 * A run diverged at {@code step} (the step whose loss gave it away; its update was not applied) with
 * {@code loss}, while training at peak learning rate {@code lr}; {@code suggestedLr} is what to try
 * instead. {@code paused}: the run waits (the user may continue or stop) rather than ending.
 */
public record Divergence(long step, double loss, DivergenceRule.Reason reason, double lr, double suggestedLr,
                         boolean paused, String message) {}
