package bytewise.train;

/**
 * Everything beyond the weights that a resumed run needs to continue the same curve: steps done,
 * tokens seen and the AdamW moments (null when a checkpoint was saved without them).
 */
public record TrainingState(long step, long tokens, float[] m, float[] v) {
    public boolean hasOptimizerState() {
        return m != null && v != null;
    }
}
