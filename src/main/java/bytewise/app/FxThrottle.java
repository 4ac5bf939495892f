package bytewise.app;

import javafx.application.Platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an FX-thread action at most {@code hz} times a second: a request runs it at once when the
 * last run is old enough, otherwise once at the end of the window (so the last request is never
 * lost). The delay is kept by a daemon scheduler, not by an FX animation: an animation keeps the
 * toolkit pulsing 60 times a second, and on a 2-core machine those wake-ups take CPU from training.
 */
final class FxThrottle {
    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bytewise-ui-clock");
        t.setDaemon(true);
        return t;
    });

    private final long periodNanos;
    private final Runnable action;
    private long last = Long.MIN_VALUE / 2;
    private boolean pending;

    FxThrottle(double hz, Runnable action) {
        this.periodNanos = (long) (1e9 / hz);
        this.action = action;
    }

    /** Call on the FX thread. */
    void request() {
        if (pending) return;
        long wait = last + periodNanos - System.nanoTime();
        if (wait <= 0) {
            run();
        } else {
            pending = true;
            CLOCK.schedule(() -> Platform.runLater(() -> {
                pending = false;
                run();
            }), wait, TimeUnit.NANOSECONDS);
        }
    }

    private void run() {
        last = System.nanoTime();
        action.run();
    }

    /** Calls {@code task} every {@code 1/hz} s on the clock thread until the returned handle is cancelled. */
    static ScheduledFuture<?> every(double hz, Runnable task) {
        long period = (long) (1e9 / hz);
        return CLOCK.scheduleAtFixedRate(task, period, period, TimeUnit.NANOSECONDS);
    }
}
