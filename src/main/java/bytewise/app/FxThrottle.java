package bytewise.app;

/**
 * Runs an FX-thread action at most about {@code hz} times a second: a request runs it at once when
 * the last run is old enough, otherwise once at the end of the window (so the last request is never
 * lost). A request in the last tenth of the window also runs at once: requests that come from
 * another clock (the training drain) then land in that clock's pulse instead of a pulse of their
 * own, and each pulse costs a repaint and a frame upload whatever changed. The delay is kept by the
 * {@link TaskExecutor}'s scheduler ({@link FxTaskExecutor}: a daemon thread), not by an FX animation:
 * an animation keeps the toolkit pulsing 60 times a second, and on a 2-core machine those wake-ups
 * take CPU from training.
 */
final class FxThrottle {
    private final TaskExecutor executor;
    private final long periodNanos, slackNanos;
    private final Runnable action;
    private long last = Long.MIN_VALUE / 2;
    /** Counts runs; a delayed run scheduled before a later run is stale and does nothing. */
    private long runs;
    private boolean pending;

    FxThrottle(TaskExecutor executor, double hz, Runnable action) {
        this.executor = executor;
        this.periodNanos = (long) (1e9 / hz);
        this.slackNanos = periodNanos / 10;
        this.action = action;
    }

    /** Call on the FX thread. */
    void request() {
        long wait = last + periodNanos - System.nanoTime();
        if (wait <= slackNanos) {
            run(); // also stands in for a pending delayed run, which then finds itself stale
        } else if (!pending) {
            pending = true;
            long scheduledAfter = runs;
            executor.runOnFx(wait / 1e9, () -> {
                if (runs != scheduledAfter) return;
                run();
            });
        }
    }

    private void run() {
        pending = false;
        runs++;
        last = System.nanoTime();
        action.run();
    }
}
