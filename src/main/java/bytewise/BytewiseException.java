package bytewise;

/**
 * A problem the user can fix (bad file, impossible setting, corrupt checkpoint). Its message is
 * shown as is, in one line, by the CLI and the studio, so it must name the problem.
 */
public class BytewiseException extends RuntimeException {
    public BytewiseException(String message) {
        super(message);
    }

    public BytewiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
