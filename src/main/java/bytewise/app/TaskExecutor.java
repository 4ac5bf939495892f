package bytewise.app;

/**
 * Runs {@link BackgroundTask}s (in the manner of JabRef's {@code TaskExecutor}). The studio uses
 * {@link FxTaskExecutor}; view-model tests use {@link CurrentThreadTaskExecutor}, which runs the
 * work and every callback at once on the calling thread, without the FX toolkit.
 */
public interface TaskExecutor {
    /** Starts {@code task} (call on the FX thread): its onRunning now, the work in the background. */
    <V> void execute(BackgroundTask<V> task);

    /** Runs {@code action} on the FX thread after {@code seconds} (0: as soon as it can). */
    void runOnFx(double seconds, Runnable action);

    /** Stops the background threads (application exit); running work is interrupted. */
    void shutdown();
}
