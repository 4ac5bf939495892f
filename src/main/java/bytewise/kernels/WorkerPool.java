package bytewise.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of persistent worker threads that run one task at a time on every worker.
 * The caller is worker 0, so a pool of size 1 runs everything on the calling thread.
 *
 * <p>Workers spin briefly before parking: a training step dispatches dozens of short parallel
 * regions, and waking a parked thread costs more than most of them. Work is always split
 * statically by worker index, so results never depend on timing.
 */
public final class WorkerPool implements AutoCloseable {
    private static final int SPIN_LIMIT = 20_000;

    private final int size;
    private final Thread[] threads;
    private volatile long generation;
    private volatile IntConsumer task;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;
    private final AtomicIntegerArray sleepFlags; // 1 while a worker is parked

    public WorkerPool(int size) {
        if (size < 1) throw new IllegalArgumentException("threads must be at least 1, got " + size);
        this.size = size;
        this.threads = new Thread[size];
        this.sleepFlags = new AtomicIntegerArray(size);
        for (int w = 1; w < size; w++) {
            final int id = w;
            Thread t = new Thread(() -> workerLoop(id), "bytewise-worker-" + w);
            t.setDaemon(true);
            threads[w] = t;
            t.start();
        }
    }

    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public int size() {
        return size;
    }

    /** Runs {@code body.accept(worker)} once on each worker and returns when all are done. */
    public void run(IntConsumer body) {
        if (closed) throw new IllegalStateException("worker pool is closed");
        if (size == 1) {
            body.accept(0);
            return;
        }
        failure = null;
        task = body;
        pending.set(size - 1);
        generation++;
        for (int w = 1; w < size; w++) {
            if (sleepFlags.get(w) != 0) LockSupport.unpark(threads[w]);
        }
        Throwable mine = null;
        try {
            body.accept(0);
        } catch (Throwable t) {
            mine = t;
        }
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < SPIN_LIMIT) Thread.onSpinWait();
            else LockSupport.parkNanos(10_000);
        }
        task = null;
        Throwable other = failure;
        if (mine == null) mine = other;
        if (mine instanceof RuntimeException re) throw re;
        if (mine instanceof Error e) throw e;
        if (mine != null) throw new RuntimeException(mine);
    }

    /** Splits [0, n) into {@link #size()} contiguous ranges and runs {@code body(from, to)} on each. */
    public void forRange(int n, RangeBody body) {
        run(w -> {
            int from = (int) ((long) n * w / size);
            int to = (int) ((long) n * (w + 1) / size);
            if (from < to) body.run(from, to);
        });
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private void workerLoop(int id) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPIN_LIMIT) {
                    Thread.onSpinWait();
                } else {
                    sleepFlags.set(id, 1);
                    if (generation == seen && !closed) LockSupport.park(this);
                    sleepFlags.set(id, 0);
                }
            }
            if (closed) return;
            seen = generation;
            IntConsumer body = task;
            try {
                body.accept(id);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int w = 1; w < size; w++) LockSupport.unpark(threads[w]);
    }
}
