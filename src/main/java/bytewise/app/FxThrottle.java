package bytewise.app;

import javafx.application.Platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an FX-thread action at most about {@code hz} times a second: a request runs it at once when
 * the last run is old enough, otherwise once at the end of the window (so the last request is never
 * lost). A request in the last tenth of the window also runs at once: requests that come from
 * another clock (the training drain) then land in that clock's pulse instead of a pulse of their
 * own, and each pulse costs a repaint and a frame upload whatever changed. The delay is kept by a
 * daemon scheduler, not by an FX animation: an animation keeps the toolkit pulsing 60 times a
 * second, and on a 2-core machine those wake-ups take CPU from training.
 */
final class FxThrottle {
    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bytewise-ui-clock");
        t.setDaemon(true);
        return t;
    });

    private final long periodNanos, slackNanos;
    private final Runnable action;
    private long last = Long.MIN_VALUE / 2;
    /** Counts runs; a delayed run scheduled before a later run is stale and does nothing. */
    private long runs;
    private boolean pending;

    FxThrottle(double hz, Runnable action) {
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
            CLOCK.schedule(() -> Platform.runLater(() -> {
                if (runs != scheduledAfter) return;
                run();
            }), wait, TimeUnit.NANOSECONDS);
        }
    }

    private void run() {
        pending = false;
        runs++;
        last = System.nanoTime();
        action.run();
    }
}
