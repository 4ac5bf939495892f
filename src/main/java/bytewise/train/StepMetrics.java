package bytewise.train;

/** What one training step reports. {@code tokensPerSecond} is this step's own rate. */
public record StepMetrics(long step, long totalSteps, long tokens, float loss, double lr, double gradNorm,
                          double tokensPerSecond, double elapsedSeconds) {
}
