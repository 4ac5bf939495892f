package bytewise.train;

/**
 * How a call to {@link Trainer#run} ended. {@code message} explains DIVERGED and FAILED (an
 * exception ended the run; {@link Trainer#run} rethrows it after reporting this outcome).
 */
public record RunOutcome(Status status, long step, String message) {
    public enum Status { COMPLETED, CANCELLED, DIVERGED, FAILED }
}
