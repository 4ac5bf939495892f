package bytewise.train;

/** How a call to {@link Trainer#run} ended. {@code message} explains DIVERGED. */
public record RunOutcome(Status status, long step, String message) {
    public enum Status { COMPLETED, CANCELLED, DIVERGED }
}
