package bytewise.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of persistent worker threads. Work is cut into fixed chunks that whichever thread
 * is running claims next; the caller is worker 0 and takes chunks too. So a worker the OS has
 * descheduled (the studio's UI thread, another program) delays nothing: the others take its share.
 * Chunk boundaries never depend on timing, and every kernel computes each output element within
 * one chunk, so results do not depend on which thread ran what.
 *
 * <p>Workers spin briefly before parking: a training step dispatches dozens of short parallel
 * regions, and waking a parked thread costs more than most of them.
 */
public final class WorkerPool implements AutoCloseable {
    private static final int SPIN_LIMIT = 20_000;
    /** Chunks per worker for row-wise work: enough slack to rebalance, few enough to stay cheap. */
    private static final int CHUNKS_PER_WORKER = 4;

    private final int size;
    private final Thread[] threads;
    private final AtomicIntegerArray sleeping; // 1 while a worker is parked
    private volatile Job job;
    private volatile boolean closed;

    /** One dispatch: chunks [0, chunks) of [0, n), claimed through {@code next}. */
    private static final class Job {
        final int n, chunks;
        final ChunkBody body;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable failure;

        Job(int n, int chunks, ChunkBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        void work(int worker) {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) body.run(bound(c), bound(c + 1), worker);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        int bound(int c) {
            return (int) ((long) n * c / chunks);
        }
    }

    /** A body over [from, to), told which worker runs it (for per-worker scratch buffers). */
    @FunctionalInterface
    public interface ChunkBody {
        void run(int from, int to, int worker);
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    public WorkerPool(int size) {
        if (size < 1) throw new IllegalArgumentException("threads must be at least 1, got " + size);
        this.size = size;
        this.threads = new Thread[size];
        this.sleeping = new AtomicIntegerArray(size);
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

    /** Splits [0, n) into a few chunks per worker and runs {@code body(from, to)} on each. */
    public void forRange(int n, RangeBody body) {
        forChunks(n, size * CHUNKS_PER_WORKER, (from, to, w) -> body.run(from, to));
    }

    /**
     * Runs {@code body} over [0, n) cut into {@code chunks} fixed, contiguous chunks, on all workers,
     * and returns when every chunk is done.
     */
    public void forChunks(int n, int chunks, ChunkBody body) {
        if (closed) throw new IllegalStateException("worker pool is closed");
        if (n <= 0) return;
        chunks = Math.max(1, Math.min(chunks, n));
        if (size == 1 || chunks == 1) {
            body.run(0, n, 0);
            return;
        }
        Job j = new Job(n, chunks, body);
        job = j;
        for (int w = 1; w < size; w++) {
            if (sleeping.get(w) != 0) LockSupport.unpark(threads[w]);
        }
        j.work(0);
        int spins = 0;
        while (j.done.get() < chunks) {
            if (++spins < SPIN_LIMIT) Thread.onSpinWait();
            else LockSupport.parkNanos(10_000);
        }
        Throwable t = j.failure;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        if (t != null) throw new RuntimeException(t);
    }

    private void workerLoop(int id) {
        Job seen = null;
        while (!closed) {
            int spins = 0;
            Job j;
            while ((j = job) == seen && !closed) {
                if (++spins < SPIN_LIMIT) {
                    Thread.onSpinWait();
                } else {
                    sleeping.set(id, 1);
                    if (job == seen && !closed) LockSupport.park(this);
                    sleeping.set(id, 0);
                }
            }
            if (closed) return;
            seen = j;
            j.work(id);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int w = 1; w < size; w++) LockSupport.unpark(threads[w]);
    }
}
