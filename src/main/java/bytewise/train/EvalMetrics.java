package bytewise.train;

/** A validation pass over the fixed validation windows; perplexity = exp(loss). */
public record EvalMetrics(long step, long tokens, float valLoss, double elapsedSeconds) {
    public double valPerplexity() {
        return Math.exp(valLoss);
    }
}
