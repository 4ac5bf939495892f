package bytewise.app;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * The studio's one way to run work off the FX thread, in the manner of JabRef's
 * {@code BackgroundTask}: describe the work and what happens around it, then hand it to a
 * {@link TaskExecutor}.
 *
 * <pre>{@code
 * BackgroundTask.wrap(() -> Corpus.open(path))
 *         .onRunning(() -> busy.set(true))
 *         .onSuccess(corpus -> session.corpus.set(corpus))
 *         .onFailure(e -> error.set(e.getMessage()))
 *         .executeWith(executor);
 * }</pre>
 *
 * <p>The work runs on a background thread; it may call {@link #updateProgress}, {@link #updateMessage}
 * and {@link #publish} (batches of published updates), and should poll {@link #isCancelled()}.
 * Everything else, the callbacks and the {@link #progressProperty() progress} and
 * {@link #messageProperty() message} properties, happens on the FX thread, through the executor.
 * Progress, messages and updates are coalesced and delivered at most {@link #deliverAtMost(double)}
 * times a second, so a busy worker never floods the FX thread; whatever is left is delivered before
 * {@code onSuccess} or {@code onFailure}.
 *
 * <p>{@link #cancel()} only asks: the work decides what a cancelled run returns. A value it returns
 * still goes to {@code onSuccess} (say, the trials done before a stop); a {@link CancellationException}
 * it throws goes to {@code onCancelled} instead of {@code onFailure}.
 */
public final class BackgroundTask<V> {
    /** The work, given its task (for progress, updates and cancellation). */
    @FunctionalInterface
    public interface Work<V> {
        V call(BackgroundTask<V> task) throws Exception;
    }

    private final Work<V> work;
    private Runnable onRunning = () -> {};
    private Consumer<V> onSuccess = v -> {};
    private Consumer<Throwable> onFailure = e -> {};
    private Runnable onCancelled = () -> {};
    private Runnable onFinished = () -> {};
    private DoubleConsumer onProgress = p -> {};
    private Consumer<List<Object>> onUpdates = u -> {};
    private long periodNanos = (long) (1e9 / 30);
    private String name;

    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");

    private volatile boolean cancelled;
    private volatile double latestProgress = Double.NaN;
    private volatile String latestMessage;
    private final ConcurrentLinkedQueue<Object> updates = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean deliveryPending = new AtomicBoolean();
    private volatile long lastDelivery = Long.MIN_VALUE / 2;
    private volatile TaskExecutor executor;

    private BackgroundTask(Work<V> work) {
        this.work = work;
    }

    /** Work that needs nothing from its task. */
    public static <V> BackgroundTask<V> wrap(Callable<V> callable) {
        return new BackgroundTask<>(t -> callable.call());
    }

    /** Work that reports progress or updates, or polls for cancellation, through its task. */
    public static <V> BackgroundTask<V> of(Work<V> work) {
        return new BackgroundTask<>(work);
    }

    // ------------------------------------------------------------------ description (FX thread)

    public BackgroundTask<V> onRunning(Runnable r) {
        onRunning = r;
        return this;
    }

    public BackgroundTask<V> onSuccess(Consumer<V> c) {
        onSuccess = c;
        return this;
    }

    public BackgroundTask<V> onFailure(Consumer<Throwable> c) {
        onFailure = c;
        return this;
    }

    /** Runs instead of onSuccess / onFailure when the work gave up with a {@link CancellationException}. */
    public BackgroundTask<V> onCancelled(Runnable r) {
        onCancelled = r;
        return this;
    }

    /** Runs last, however the work ended. */
    public BackgroundTask<V> onFinished(Runnable r) {
        onFinished = r;
        return this;
    }

    /** Receives the fraction done (0..1) on the FX thread whenever it changed. */
    public BackgroundTask<V> withProgress(DoubleConsumer c) {
        onProgress = c;
        return this;
    }

    /** Receives what the work {@link #publish published}, in order, in batches on the FX thread. */
    @SuppressWarnings("unchecked")
    public <U> BackgroundTask<V> onUpdates(Consumer<List<U>> c) {
        onUpdates = (Consumer<List<Object>>) (Consumer<?>) c;
        return this;
    }

    /** At most this many deliveries of progress and updates a second (default 30). */
    public BackgroundTask<V> deliverAtMost(double hz) {
        periodNanos = (long) (1e9 / hz);
        return this;
    }

    /** Names the thread while the work runs (thread dumps and CPU probes tell the work apart by it). */
    public BackgroundTask<V> named(String threadName) {
        name = threadName;
        return this;
    }

    /** The thread name asked for, or null. */
    String name() {
        return name;
    }

    /** Hands this task to {@code executor} and returns it. */
    public BackgroundTask<V> executeWith(TaskExecutor executor) {
        executor.execute(this);
        return this;
    }

    // ------------------------------------------------------------------ state (FX thread)

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** True from the start until the callbacks of the end have run. */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    // ------------------------------------------------------------------ from the work (any thread)

    /** Asks the work to stop; it returns (or throws {@link CancellationException}) when it sees this. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public void updateProgress(double fraction) {
        latestProgress = fraction;
        requestDelivery();
    }

    public void updateMessage(String m) {
        latestMessage = m;
        requestDelivery();
    }

    /** Queues an update for {@link #onUpdates}. */
    public void publish(Object update) {
        updates.add(update);
        requestDelivery();
    }

    private void requestDelivery() {
        TaskExecutor ex = executor;
        if (ex == null || !deliveryPending.compareAndSet(false, true)) return;
        long wait = lastDelivery + periodNanos - System.nanoTime();
        ex.runOnFx(Math.max(0, wait) / 1e9, this::deliver);
    }

    /** Applies the latest progress and message and hands over queued updates (FX thread). */
    private void deliver() {
        deliveryPending.set(false);
        lastDelivery = System.nanoTime();
        double p = latestProgress;
        if (!Double.isNaN(p) && p != progress.get()) {
            progress.set(p);
            onProgress.accept(p);
        }
        String m = latestMessage;
        if (m != null) message.set(m);
        if (updates.isEmpty()) return;
        List<Object> batch = new ArrayList<>();
        for (Object u; (u = updates.poll()) != null; ) batch.add(u);
        onUpdates.accept(batch);
    }

    // ------------------------------------------------------------------ for executors

    /** On the FX thread, before the work starts. */
    void started(TaskExecutor ex) {
        executor = ex;
        running.set(true);
        onRunning.run();
    }

    /** On the worker thread. */
    V call() throws Exception {
        return work.call(this);
    }

    /** On the FX thread, after the work returned. */
    void succeeded(V value) {
        deliver();
        running.set(false);
        onSuccess.accept(value);
        onFinished.run();
    }

    /** On the FX thread, after the work threw. */
    void failed(Throwable error) {
        deliver();
        running.set(false);
        if (error instanceof CancellationException) onCancelled.run();
        else onFailure.accept(error);
        onFinished.run();
    }
}
