package bytewise.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link MatMul#forward} and {@link MatMul#backward} against {@link ReferenceKernels}, and the backward
 * against central finite differences of a double-precision forward.
 */
class MatMulTest {
    /** (rows, in, out): partial tiles, partial panels, widths above and below the vector length, K > 256. */
    private static final int[][] SHAPES = {{1, 1, 1}, {5, 7, 17}, {7, 48, 33}, {13, 300, 48}, {12, 64, 256}, {6, 513, 20}};

    private static WorkerPool pool1, pool3;

    @BeforeAll
    static void pools() {
        pool1 = new WorkerPool(1);
        pool3 = new WorkerPool(3);
    }

    @AfterAll
    static void closePools() {
        pool1.close();
        pool3.close();
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    /** |got − ref| ≤ 1e-4 · magnitude, per element, with a message naming the element. */
    private static void assertClose(String what, float[] ref, float[] got, double[] mag, int refOff, int gotOff, int n) {
        for (int i = 0; i < n; i++) {
            double tol = 1e-4 * mag[i];
            if (!(Math.abs(got[gotOff + i] - ref[refOff + i]) <= tol)) {
                fail(what + "[" + i + "] = " + got[gotOff + i] + ", reference " + ref[refOff + i] + " (tolerance " + tol + ")");
            }
        }
    }

    @Test
    void forwardMatchesReference() {
        long seed = 1;
        for (int[] s : SHAPES) {
            int rows = s[0], in = s[1], outC = s[2];
            for (boolean withBias : new boolean[]{false, true}) {
                for (boolean accumulate : new boolean[]{false, true}) {
                    for (WorkerPool pool : new WorkerPool[]{pool1, pool3}) {
                        SplittableRandom rng = new SplittableRandom(seed++);
                        int outOff = 3, inpOff = 5, wOff = 2, biasOff = 7;
                        float[] inp = random(rng, inpOff + rows * in + 3);
                        float[] w = random(rng, wOff + outC * in + 3);
                        float[] bias = random(rng, biasOff + outC + 3);
                        float[] out0 = random(rng, outOff + rows * outC + 3);

                        float[] out = out0.clone();
                        new MatMul(pool).forward(out, outOff, inp, inpOff, w, wOff, withBias ? bias : null, biasOff,
                                rows, in, outC, accumulate);

                        float[] inpR = java.util.Arrays.copyOfRange(inp, inpOff, inpOff + rows * in);
                        float[] wR = java.util.Arrays.copyOfRange(w, wOff, wOff + outC * in);
                        float[] bR = withBias ? java.util.Arrays.copyOfRange(bias, biasOff, biasOff + outC) : null;
                        float[] ref = new float[rows * outC];
                        ReferenceKernels.matmulForward(ref, inpR, wR, bR, rows, in, outC);
                        double[] mag = new double[rows * outC];
                        for (int r = 0; r < rows; r++) {
                            for (int o = 0; o < outC; o++) {
                                double m = withBias ? Math.abs(bR[o]) : 0;
                                if (accumulate) {
                                    m += Math.abs(out0[outOff + r * outC + o]);
                                    ref[r * outC + o] += out0[outOff + r * outC + o];
                                }
                                for (int i = 0; i < in; i++) m += Math.abs(inpR[r * in + i] * wR[o * in + i]);
                                mag[r * outC + o] = m;
                            }
                        }
                        String what = "forward rows=" + rows + " in=" + in + " out=" + outC + " bias=" + withBias
                                + " accumulate=" + accumulate + " threads=" + pool.size() + ": out";
                        assertClose(what, ref, out, mag, 0, outOff, rows * outC);
                        for (int i = 0; i < outOff; i++) assertEquals(out0[i], out[i], 0f, what + " before offset");
                        for (int i = outOff + rows * outC; i < out.length; i++)
                            assertEquals(out0[i], out[i], 0f, what + " after the end");
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesReference() {
        long seed = 100;
        for (int[] s : SHAPES) {
            int rows = s[0], in = s[1], outC = s[2];
            for (WorkerPool pool : new WorkerPool[]{pool1, pool3}) {
                SplittableRandom rng = new SplittableRandom(seed++);
                int dinpOff = 4, dwOff = 1, dbOff = 6, doutOff = 2, inpOff = 3, wOff = 5;
                float[] inp = random(rng, inpOff + rows * in);
                float[] w = random(rng, wOff + outC * in);
                float[] dout = random(rng, doutOff + rows * outC);
                // nonzero starting gradients: backward accumulates
                float[] dinp0 = random(rng, dinpOff + rows * in + 2);
                float[] dw0 = random(rng, dwOff + outC * in + 2);
                float[] db0 = random(rng, dbOff + outC + 2);

                float[] dinp = dinp0.clone(), dw = dw0.clone(), db = db0.clone();
                new MatMul(pool).backward(dinp, dinpOff, dw, dwOff, db, dbOff, dout, doutOff, inp, inpOff, w, wOff,
                        rows, in, outC);

                float[] inpR = java.util.Arrays.copyOfRange(inp, inpOff, inpOff + rows * in);
                float[] wR = java.util.Arrays.copyOfRange(w, wOff, wOff + outC * in);
                float[] doutR = java.util.Arrays.copyOfRange(dout, doutOff, doutOff + rows * outC);
                float[] dinpR = java.util.Arrays.copyOfRange(dinp0, dinpOff, dinpOff + rows * in);
                float[] dwR = java.util.Arrays.copyOfRange(dw0, dwOff, dwOff + outC * in);
                float[] dbR = java.util.Arrays.copyOfRange(db0, dbOff, dbOff + outC);
                ReferenceKernels.matmulBackward(dinpR, dwR, dbR, doutR, inpR, wR, rows, in, outC);

                double[] magInp = new double[rows * in], magW = new double[outC * in], magB = new double[outC];
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < outC; o++) {
                        double d = Math.abs(doutR[r * outC + o]);
                        magB[o] += d;
                        for (int i = 0; i < in; i++) {
                            magInp[r * in + i] += d * Math.abs(wR[o * in + i]);
                            magW[o * in + i] += d * Math.abs(inpR[r * in + i]);
                        }
                    }
                }
                for (int i = 0; i < rows * in; i++) magInp[i] += Math.abs(dinp0[dinpOff + i]);
                for (int i = 0; i < outC * in; i++) magW[i] += Math.abs(dw0[dwOff + i]);
                for (int i = 0; i < outC; i++) magB[i] += Math.abs(db0[dbOff + i]);

                String what = "backward rows=" + rows + " in=" + in + " out=" + outC + " threads=" + pool.size() + ": ";
                assertClose(what + "dinp", dinpR, dinp, magInp, 0, dinpOff, rows * in);
                assertClose(what + "dw", dwR, dw, magW, 0, dwOff, outC * in);
                assertClose(what + "dbias", dbR, db, magB, 0, dbOff, outC);
                assertUntouchedOutside(what + "dinp", dinp0, dinp, dinpOff, rows * in);
                assertUntouchedOutside(what + "dw", dw0, dw, dwOff, outC * in);
                assertUntouchedOutside(what + "dbias", db0, db, dbOff, outC);

                // without an input gradient (dinp null) the weight gradients are the same
                float[] dw2 = dw0.clone(), db2 = db0.clone();
                new MatMul(pool).backward(null, 0, dw2, dwOff, db2, dbOff, dout, doutOff, inp, inpOff, w, wOff,
                        rows, in, outC);
                assertArrayEquals(dw, dw2, what + "dw with dinp == null");
                assertArrayEquals(db, db2, what + "dbias with dinp == null");
                // and without a bias gradient
                float[] dinp3 = dinp0.clone(), dw3 = dw0.clone();
                new MatMul(pool).backward(dinp3, dinpOff, dw3, dwOff, null, 0, dout, doutOff, inp, inpOff, w, wOff,
                        rows, in, outC);
                assertArrayEquals(dinp, dinp3, what + "dinp with dbias == null");
                assertArrayEquals(dw, dw3, what + "dw with dbias == null");
            }
        }
    }

    private static void assertUntouchedOutside(String what, float[] before, float[] after, int off, int n) {
        for (int i = 0; i < before.length; i++) {
            if (i < off || i >= off + n) assertEquals(before[i], after[i], 0f, what + " index " + i + " outside the tensor");
        }
    }

    @Test
    void backwardBitIdenticalAcrossThreadCounts() {
        int rows = 37, in = 96, outC = 130;
        SplittableRandom rng = new SplittableRandom(9);
        float[] inp = random(rng, rows * in), w = random(rng, outC * in), dout = random(rng, rows * outC);
        float[][] results = new float[3][];
        int idx = 0;
        for (int threads : new int[]{1, 2, 3}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                float[] dinp = new float[rows * in], dw = new float[outC * in], db = new float[outC];
                new MatMul(pool).backward(dinp, 0, dw, 0, db, 0, dout, 0, inp, 0, w, 0, rows, in, outC);
                float[] out = new float[rows * outC];
                new MatMul(pool).forward(out, 0, inp, 0, w, 0, db, 0, rows, in, outC, false);
                float[] all = new float[dinp.length + dw.length + db.length + out.length];
                System.arraycopy(dinp, 0, all, 0, dinp.length);
                System.arraycopy(dw, 0, all, dinp.length, dw.length);
                System.arraycopy(db, 0, all, dinp.length + dw.length, db.length);
                System.arraycopy(out, 0, all, dinp.length + dw.length + db.length, out.length);
                results[idx++] = all;
            }
        }
        assertArrayEquals(results[0], results[1], "1 vs 2 threads");
        assertArrayEquals(results[0], results[2], "1 vs 3 threads");
    }

    /**
     * Products whose packed B is large go one KC slice of k at a time; each element must sum its k
     * in the same order as the whole product does, so the results are the same bit for bit.
     */
    @Test
    void slicingLongProductsChangesNoBit() {
        int rows = 2 * Gemm.KC + 77, in = Gemm.KC + 30, outC = 45; // k: 3 slices (backward), 2 (forward)
        SplittableRandom rng = new SplittableRandom(11);
        float[] inp = random(rng, rows * in), w = random(rng, outC * in), dout = random(rng, rows * outC), bias = random(rng, outC);
        for (WorkerPool pool : new WorkerPool[]{pool1, pool3}) {
            float[][] results = new float[2][];
            for (int sliced = 0; sliced < 2; sliced++) {
                MatMul mm = new MatMul(pool, sliced == 1 ? 0 : Long.MAX_VALUE);
                float[] out = new float[rows * outC], dinp = new float[rows * in], dw = new float[outC * in];
                mm.forward(out, 0, inp, 0, w, 0, bias, 0, rows, in, outC, false);
                mm.backward(dinp, 0, dw, 0, null, 0, dout, 0, inp, 0, w, 0, rows, in, outC);
                float[] all = new float[out.length + dinp.length + dw.length];
                System.arraycopy(out, 0, all, 0, out.length);
                System.arraycopy(dinp, 0, all, out.length, dinp.length);
                System.arraycopy(dw, 0, all, out.length + dinp.length, dw.length);
                results[sliced] = all;
            }
            assertArrayEquals(results[0], results[1], pool.size() + " thread(s): sliced against whole");
        }
    }

    // ---------------------------------------------------------------- finite differences in double

    /** L = Σ_{r,o} G[r,o] · (bias[o] + Σ_i inp[r,i]·w[o,i]), all in double. */
    private static double loss(double[] inp, double[] w, double[] bias, double[] g, int rows, int in, int outC) {
        double l = 0;
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outC; o++) {
                double v = bias[o];
                for (int i = 0; i < in; i++) v += inp[r * in + i] * w[o * in + i];
                l += g[r * outC + o] * v;
            }
        }
        return l;
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        int[][] shapes = {{5, 7, 17}, {7, 40, 33}, {13, 20, 9}};
        long seed = 500;
        for (int[] s : shapes) {
            int rows = s[0], in = s[1], outC = s[2];
            SplittableRandom rng = new SplittableRandom(seed++);
            float[] inp = random(rng, rows * in), w = random(rng, outC * in), bias = random(rng, outC);
            float[] g = random(rng, rows * outC);
            float[] dinp = new float[rows * in], dw = new float[outC * in], db = new float[outC];
            new MatMul(pool3).backward(dinp, 0, dw, 0, db, 0, g, 0, inp, 0, w, 0, rows, in, outC);

            double[] inpD = GradCheck.toDouble(inp), wD = GradCheck.toDouble(w), bD = GradCheck.toDouble(bias), gD = GradCheck.toDouble(g);
            String what = "rows=" + rows + " in=" + in + " out=" + outC + " ";
            GradCheck.check(what + "dinp", dinp, inpD, () -> loss(inpD, wD, bD, gD, rows, in, outC));
            GradCheck.check(what + "dw", dw, wD, () -> loss(inpD, wD, bD, gD, rows, in, outC));
            GradCheck.check(what + "dbias", db, bD, () -> loss(inpD, wD, bD, gD, rows, in, outC));
        }
    }
}
