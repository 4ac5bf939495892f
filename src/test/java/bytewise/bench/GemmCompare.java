package bytewise.bench;

import bytewise.kernels.Gemm;
import bytewise.kernels.MatMul;
import bytewise.kernels.Vec;
import bytewise.kernels.WorkerPool;

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
                Vec.SPECIES.length(), Gemm.MR, Gemm.NR);
        try (WorkerPool pool = new WorkerPool(threads)) {
            MatMul mm = new MatMul(pool);
            for (String shape : args[1].split(",")) {
                LayerProducts layer = LayerProducts.of(mm, shape);
                for (LayerProducts.Product product : layer.products()) {
                    for (int i = 0; i < 50; i++) product.run().run();
                    long best = Long.MAX_VALUE, end = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        product.run().run();
                        best = Math.min(best, System.nanoTime() - t0);
                    }
                    System.out.printf("{\"type\":\"gemm\",\"shape\":\"%s\",\"product\":\"%s\",\"gflops\":%.1f,\"threads\":%d}%n",
                            shape, product.name(), layer.flops() / best, threads);
                }
            }
        }
    }
}
