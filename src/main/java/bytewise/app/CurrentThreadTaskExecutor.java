package bytewise.app;

/**
 * For tests: runs the work, the deliveries and the callbacks of a task synchronously on the calling
 * thread, and {@link #runOnFx} at once, whatever the delay. Needs no FX toolkit.
 */
public class CurrentThreadTaskExecutor implements TaskExecutor {
    @Override
    public <V> void execute(BackgroundTask<V> task) {
        task.started(this);
        V value;
        try {
            value = task.call();
        } catch (Throwable e) {
            task.failed(e);
            return;
        }
        task.succeeded(value);
    }

    @Override
    public void runOnFx(double seconds, Runnable action) {
        action.run();
    }

    @Override
    public void shutdown() {
    }
}
