package bytewise.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * What the host gives this machine's cores from one moment to the next: GFLOP/s of ten
 * independent fma chains held in registers (no memory traffic, no Bytewise code), per 200 ms
 * window, on each of THREADS threads at once. On a dedicated core the figure is flat at the
 * core's fma peak; where it moves, every other figure measured in that minute moves with it.
 * Run by hand: {@code bin/bench-main bytewise.bench.CoreSpeed [SECONDS] [THREADS]}.
 */
public final class CoreSpeed {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final long WINDOW_NS = 200_000_000L;
    /**
     * About 20 ms a call, so the window loop around it runs a few hundred times and C2 never
     * compiles it: with short calls it did (an OSR compile with {@code chains} inlined), and that
     * code ran at half the speed of {@code chains} compiled alone, which first read as the host
     * halving the core's speed one second into every run.
     */
    private static final int CALL_ITERATIONS = 10_000_000;

    private CoreSpeed() {}

    public static void main(String[] args) throws InterruptedException {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        for (int i = 0; i < 200; i++) chains(10_000); // compiled before the clock starts
        int windows = seconds * 5;
        double[][] gflops = new double[threads][windows];
        CountDownLatch done = new CountDownLatch(threads);
        long start = System.nanoTime() + 50_000_000L; // windows aligned across threads
        DoubleAdder sink = new DoubleAdder();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                while (System.nanoTime() < start) Thread.onSpinWait();
                for (int w = 0; w < windows; w++) {
                    long end = start + (w + 1) * WINDOW_NS, flops = 0, t0 = System.nanoTime();
                    while (System.nanoTime() < end) {
                        flops += (long) CALL_ITERATIONS * 10 * S.length() * 2;
                        sink.add(chains(CALL_ITERATIONS));
                    }
                    gflops[id][w] = flops / (double) (System.nanoTime() - t0);
                }
                done.countDown();
            });
            th.start();
        }
        done.await();
        System.out.printf(Locale.ROOT, "%d-float vectors, %d thread(s), %d windows of 200 ms (checksum %.1f)%n",
                S.length(), threads, windows, sink.sum() == 0 ? 0.0 : 1.0);
        for (int t = 0; t < threads; t++) {
            List<Double> sorted = new ArrayList<>();
            for (double g : gflops[t]) sorted.add(g);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "thread %d GFLOP/s: min %.1f, 10th %.1f, median %.1f, 90th %.1f, max %.1f%n", t,
                    sorted.get(0), sorted.get(windows / 10), sorted.get(windows / 2), sorted.get(windows * 9 / 10),
                    sorted.get(windows - 1));
        }
        StringBuilder line = new StringBuilder("per second (thread 0):");
        for (int s = 0; s < seconds; s++) {
            double sum = 0;
            for (int w = 0; w < 5; w++) sum += gflops[0][s * 5 + w];
            line.append(String.format(Locale.ROOT, " %.0f", sum / 5));
        }
        System.out.println(line);
    }

    /** Ten independent fma chains: enough in flight to cover the fma latency on two pipes. */
    private static double chains(int iterations) {
        FloatVector a = FloatVector.broadcast(S, 1.0000001f), b = FloatVector.broadcast(S, 0.9999999f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
        for (int i = 0; i < iterations; i++) {
            c0 = a.fma(c0, b);
            c1 = a.fma(c1, b);
            c2 = a.fma(c2, b);
            c3 = a.fma(c3, b);
            c4 = a.fma(c4, b);
            c5 = a.fma(c5, b);
            c6 = a.fma(c6, b);
            c7 = a.fma(c7, b);
            c8 = a.fma(c8, b);
            c9 = a.fma(c9, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9)
                .reduceLanes(VectorOperators.ADD);
    }
}
