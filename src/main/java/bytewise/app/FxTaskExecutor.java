package bytewise.app;

import javafx.application.Platform;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The studio's {@link TaskExecutor}: work on daemon threads (they never keep the application
 * alive), callbacks on the FX thread through {@link Platform#runLater}, delays kept by a daemon
 * scheduler rather than an FX animation (an animation keeps the toolkit pulsing 60 times a second,
 * and on a 2-core machine those wake-ups take CPU from training).
 */
public final class FxTaskExecutor implements TaskExecutor {
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bytewise-background-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bytewise-fx-clock");
        t.setDaemon(true);
        return t;
    });

    @Override
    public <V> void execute(BackgroundTask<V> task) {
        task.started(this);
        workers.execute(() -> {
            Thread self = Thread.currentThread();
            String pooled = self.getName();
            if (task.name() != null) self.setName(task.name());
            V value;
            try {
                value = task.call();
            } catch (Throwable e) {
                Platform.runLater(() -> task.failed(e));
                return;
            } finally {
                self.setName(pooled);
            }
            Platform.runLater(() -> task.succeeded(value));
        });
    }

    @Override
    public void runOnFx(double seconds, Runnable action) {
        if (seconds <= 0) Platform.runLater(action);
        else clock.schedule(() -> Platform.runLater(action), (long) (seconds * 1e9), TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        clock.shutdownNow();
        workers.shutdownNow();
    }
}
