package bytewise.bench;

import bytewise.kernels.Gemm;
import bytewise.kernels.MatMul;
import bytewise.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;

import java.util.SplittableRandom;

/**
 * GFLOP/s of a linear layer's three products (forward x·Wᵀ, input gradient dy·W, weight gradient
 * dyᵀ·x) through {@link MatMul}, one JSON object per line, in the form of
 * {@code src/test/python/torch_reference.py --gemm}, so {@code bin/bench-vs-torch} can set the two
 * side by side. Best time over about a second per product, after warm-up.
 * Usage: GemmCompare THREADS SHAPE[,SHAPE...] with SHAPE = rows x in x out.
 */
public final class GemmCompare {
    private GemmCompare() {}

    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        System.out.printf("{\"type\":\"vector\",\"floats\":%d,\"tile_rows\":%d,\"tile_cols\":%d}%n",
                FloatVector.SPECIES_PREFERRED.length(), Gemm.MR, Gemm.NR);
        try (WorkerPool pool = new WorkerPool(threads)) {
            MatMul mm = new MatMul(pool);
            for (String shape : args[1].split(",")) {
                String[] p = shape.split("x");
                int rows = Integer.parseInt(p[0]), in = Integer.parseInt(p[1]), out = Integer.parseInt(p[2]);
                SplittableRandom r = new SplittableRandom(1);
                float[] x = random(r, rows * in), w = random(r, out * in), dy = random(r, rows * out);
                float[] y = new float[rows * out], dx = new float[rows * in], dw = new float[out * in];
                Runnable[] products = {
                        () -> mm.gemm(rows, out, in, x, 0, in, 1, w, 0, 1, in, y, 0, out),
                        () -> mm.gemm(rows, in, out, dy, 0, out, 1, w, 0, in, 1, dx, 0, in),
                        () -> mm.gemm(out, in, rows, dy, 0, 1, out, x, 0, in, 1, dw, 0, in)};
                String[] names = {"forward", "input_gradient", "weight_gradient"};
                for (int q = 0; q < 3; q++) {
                    for (int i = 0; i < 50; i++) products[q].run();
                    long best = Long.MAX_VALUE, end = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        products[q].run();
                        best = Math.min(best, System.nanoTime() - t0);
                    }
                    System.out.printf("{\"type\":\"gemm\",\"shape\":\"%s\",\"product\":\"%s\",\"gflops\":%.1f,\"threads\":%d}%n",
                            shape, names[q], 2.0 * rows * in * out / best, threads);
                }
            }
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
