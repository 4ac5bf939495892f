package bytewise.bench;

import bytewise.kernels.MatMul;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A linear layer's three matrix products for a shape "rows x in x out", on random operands, as
 * {@link GemmCompare} and {@link TakeTurns} time them (and {@code torch_reference.py} on its side):
 * forward x·Wᵀ, input gradient dy·W, weight gradient dyᵀ·x.
 */
record LayerProducts(String shape, double flops, List<Product> products) {
    record Product(String name, Runnable run) {}

    static LayerProducts of(MatMul mm, String shape) {
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]), in = Integer.parseInt(p[1]), out = Integer.parseInt(p[2]);
        SplittableRandom r = new SplittableRandom(1);
        float[] x = random(r, rows * in), w = random(r, out * in), dy = random(r, rows * out);
        float[] y = new float[rows * out], dx = new float[rows * in], dw = new float[out * in];
        return new LayerProducts(shape, 2.0 * rows * in * out, List.of(
                new Product("forward", () -> mm.gemm(rows, out, in, x, 0, in, 1, w, 0, 1, in, y, 0, out)),
                new Product("input_gradient", () -> mm.gemm(rows, in, out, dy, 0, out, 1, w, 0, in, 1, dx, 0, in)),
                new Product("weight_gradient", () -> mm.gemm(out, in, rows, dy, 0, 1, out, x, 0, in, 1, dw, 0, in))));
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
