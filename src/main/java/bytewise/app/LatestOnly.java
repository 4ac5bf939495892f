package bytewise.app;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Background computations where only the newest request matters (a view recomputed as the user
 * drags a slider or training publishes weights): one {@link BackgroundTask} at a time works through
 * the requests, a request submitted while one is computing replaces the one waiting, and only the
 * result of the newest request is delivered (on the FX thread, through the executor).
 *
 * @param <Q> a request (immutable)
 * @param <R> its result
 */
final class LatestOnly<Q, R> {
    /** A finished request: its result, or the error's message. */
    record Outcome<Q, R>(Q request, R result, String error) {}

    private final TaskExecutor executor;
    private final String threadName;
    private final Function<Q, R> compute;
    private final Consumer<Outcome<Q, R>> deliver;
    private final AtomicReference<Ticket<Q>> pending = new AtomicReference<>();
    private final AtomicBoolean workerActive = new AtomicBoolean();
    private long latest; // FX thread

    private record Ticket<Q>(long seq, Q request) {}

    private record Done<Q, R>(long seq, Outcome<Q, R> outcome) {}

    /** {@code compute} runs on a background thread; {@code deliver} gets the newest request's outcome on the FX thread. */
    LatestOnly(TaskExecutor executor, String threadName, Function<Q, R> compute, Consumer<Outcome<Q, R>> deliver) {
        this.executor = executor;
        this.threadName = threadName;
        this.compute = compute;
        this.deliver = deliver;
    }

    /** Computes {@code request} (FX thread), superseding every earlier one. */
    void submit(Q request) {
        pending.set(new Ticket<>(++latest, request));
        if (!workerActive.compareAndSet(false, true)) return; // the running worker picks it up
        BackgroundTask.<Void>of(task -> {
            do {
                Ticket<Q> t;
                while ((t = pending.getAndSet(null)) != null) {
                    R result = null;
                    String error = null;
                    try {
                        result = compute.apply(t.request());
                    } catch (RuntimeException e) {
                        error = e.getMessage() == null ? e.toString() : e.getMessage();
                    }
                    if (pending.get() != null) continue; // a newer request supersedes this one
                    task.publish(new Done<>(t.seq(), new Outcome<>(t.request(), result, error)));
                }
                workerActive.set(false);
            } while (pending.get() != null && workerActive.compareAndSet(false, true));
            return null;
        }).named(threadName).deliverAtMost(60).<Done<Q, R>>onUpdates(ds -> {
            for (Done<Q, R> d : ds) if (d.seq() == latest) deliver.accept(d.outcome());
        }).executeWith(executor);
    }

    /** Forgets the pending request and drops the delivery of the one computing (FX thread). */
    void discard() {
        latest++;
        pending.set(null);
    }
}
