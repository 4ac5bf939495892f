package bytewise.sample;

import bytewise.AllocationSites;
import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Run in a fresh JVM by {@link SteadyStateAllocationTest}: for each shape, repeats a training step
 * (forward and backward) and a decode until one allocates under its bound on the threads doing the
 * work, and prints a line per shape: {@code OK} with the bytes, or {@code FAIL} with the bytes and
 * where they were allocated.
 */
public final class SteadyStateProbe {
    static final long STEP_BOUND = 512 * 1024, BYTE_BOUND = 2 * 1024;
    private static final long DEADLINE_NS = 60_000_000_000L;

    private SteadyStateProbe() {}

    /** Bytes allocated so far by this thread and the engine workers alive now. */
    private static LongSupplier allocatedByWorkers() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t == Thread.currentThread() || t.getName().startsWith("bytewise-worker-"))
                .mapToLong(Thread::threadId).toArray();
        return () -> {
            long sum = 0;
            for (long b : threads.getThreadAllocatedBytes(ids)) sum += Math.max(0, b);
            return sum;
        };
    }

    /** Runs {@code work} until one call allocates less than {@code bound}; returns that call's bytes, or the last one's. */
    private static long settle(LongSupplier allocated, Runnable work, long bound) {
        long bytes = Long.MAX_VALUE, deadline = System.nanoTime() + DEADLINE_NS;
        while (bytes >= bound && System.nanoTime() < deadline) {
            long before = allocated.getAsLong();
            work.run();
            bytes = allocated.getAsLong() - before;
        }
        return bytes;
    }

    private static void report(String what, long bytes, long bound, Runnable work) {
        if (bytes < bound) System.out.println("OK " + what + ": " + bytes + " bytes");
        else System.out.println("FAIL " + what + ": " + bytes + " bytes; " + AllocationSites.of(work, 20));
    }

    public static void main(String[] args) {
        // widths that are multiples of every vector length, and ones that are not (head sizes 25, 9)
        ModelConfig[] shapes = {new ModelConfig(64, 64, 2, 4), new ModelConfig(48, 100, 2, 4), new ModelConfig(32, 36, 2, 4)};
        try (WorkerPool pool = new WorkerPool(2)) {
            LongSupplier allocated = allocatedByWorkers();
            for (ModelConfig cfg : shapes) {
                int batch = 4;
                Gpt model = Gpt.initialize(cfg, 3);
                SplittableRandom rng = new SplittableRandom(4);
                int[] x = new int[batch * cfg.seqLen()], y = new int[batch * cfg.seqLen()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rng.nextInt(256);
                    y[i] = rng.nextInt(256);
                }
                ForwardBackward fb = new ForwardBackward(model, batch, pool);
                Runnable step = () -> {
                    fb.forward(x, y, batch);
                    fb.zeroGrad();
                    fb.backward();
                };
                report(cfg + " training step", settle(allocated, step, STEP_BOUND), STEP_BOUND, step);

                Decoder decoder = new Decoder(model, pool);
                int n = cfg.seqLen();
                Runnable decode = () -> {
                    decoder.reset();
                    for (int t = 0; t < n; t++) decoder.push(x[t]);
                };
                report(cfg + " decoding " + n + " bytes", settle(allocated, decode, BYTE_BOUND * n), BYTE_BOUND * n, decode);
            }
        }
    }
}
