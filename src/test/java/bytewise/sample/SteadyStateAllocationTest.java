package bytewise.sample;

import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Once C2 has compiled the engine, a training step (forward and backward) and decoding allocate next
 * to nothing: every vector stays in registers. A vector C2 cannot keep unboxed is allocated on the
 * heap at each use, and the Vector API then runs that operation in plain Java: a helper taking
 * vectors that was left a call (the six-row GEMM kernels, 1.1 to 46 MB a step), or a call on a
 * loop-carried vector that C2 could not bind without a type profile (the softmax's max in about one
 * JVM in five, 1.1 MB a step and 5.8 KB a decoded byte on the first shape here). Which compile a JVM
 * gets varies from run to run, so each shape's bound must hold in every run at every vector width.
 *
 * <p>Each shape repeats until one step allocates under the bound on the threads doing the work, and
 * fails if none does within a minute. The bounds leave room for what the engine allocates by design,
 * a task object per parallel loop: 14–35 KB a step and under 0.7 KB a decoded byte on these shapes.
 */
class SteadyStateAllocationTest {
    private static final long STEP_BOUND = 512 * 1024, BYTE_BOUND = 2 * 1024;
    private static final long DEADLINE_NS = 60_000_000_000L;

    /** Bytes allocated so far by this thread and the engine workers alive now (a pool's, once it started). */
    private static LongSupplier allocatedByWorkers() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported());
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

    /** Runs {@code work} until one call allocates less than {@code bound}; returns the last call's bytes. */
    private static long settle(LongSupplier allocated, Runnable work, long bound) {
        long bytes = Long.MAX_VALUE, deadline = System.nanoTime() + DEADLINE_NS;
        while (bytes >= bound && System.nanoTime() < deadline) {
            long before = allocated.getAsLong();
            work.run();
            bytes = allocated.getAsLong() - before;
        }
        return bytes;
    }

    @Test
    void trainingStepsAndDecodingAllocateNextToNothing() {
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
                long step = settle(allocated, () -> {
                    fb.forward(x, y, batch);
                    fb.zeroGrad();
                    fb.backward();
                }, STEP_BOUND);
                assertTrue(step < STEP_BOUND, cfg + ": a compiled training step allocated " + step + " bytes");

                Decoder decoder = new Decoder(model, pool);
                int n = cfg.seqLen();
                long decode = settle(allocated, () -> {
                    decoder.reset();
                    for (int t = 0; t < n; t++) decoder.push(x[t]);
                }, BYTE_BOUND * n);
                assertTrue(decode < BYTE_BOUND * n, cfg + ": decoding " + n + " bytes allocated " + decode + " bytes");
            }
        }
    }
}
