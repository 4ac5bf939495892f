package bytewise.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The vectorised {@link Kernels} against the scalar {@link ReferenceKernels}, and every backward against
 * central finite differences of a double-precision forward written here.
 */
class KernelsTest {
    private static final double GELU_K = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_C = 0.044715;

    private static float[] uniform(SplittableRandom rng, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return x;
    }

    private static float[] gaussian(SplittableRandom rng, int n, double mean, double sd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (mean + sd * rng.nextGaussian());
        return x;
    }

    private static float[] pad(float[] x, int before, int after, float fill) {
        float[] p = new float[before + x.length + after];
        Arrays.fill(p, fill);
        System.arraycopy(x, 0, p, before, x.length);
        return p;
    }

    private static void assertNear(String what, double expected, double actual, double tol) {
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": expected " + expected + ", got " + actual + " (tolerance " + tol + ")");
        }
    }

    @Test
    void storedLaneSumHasTheBitsOfTheVectorLaneSum() {
        SplittableRandom rng = new SplittableRandom(7);
        int L = bytewise.kernels.Vec.SPECIES.length();
        for (int trial = 0; trial < 200; trial++) {
            // magnitudes spread over many binades, so a different order would round differently
            float[] lanes = new float[L];
            for (int i = 0; i < L; i++) lanes[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4)));
            float vector = Vec.sumLanes(jdk.incubator.vector.FloatVector.fromArray(
                    bytewise.kernels.Vec.SPECIES, lanes, 0));
            float[] buf = new float[L + 3];
            System.arraycopy(lanes, 0, buf, 3, L);
            assertEquals(Float.floatToRawIntBits(vector), Float.floatToRawIntBits(Vec.sumStoredLanes(buf, 3)),
                    "trial " + trial);
        }
    }

    // ================================================================ LayerNorm

    private static final int[] LN_CHANNELS = {7, 16, 48, 128};

    @Test
    void layerNormForwardMatchesReference() {
        int rows = 5;
        for (int c : LN_CHANNELS) {
            SplittableRandom rng = new SplittableRandom(c);
            float[] inp = gaussian(rng, rows * c, 0.3, 1.5), w = gaussian(rng, c, 1, 0.5), b = gaussian(rng, c, 0, 0.5);
            float[] ref = new float[rows * c], refMean = new float[rows], refRstd = new float[rows];
            ReferenceKernels.layerNormForward(ref, refMean, refRstd, inp, w, b, rows, c);

            int outOff = 3, meanOff = 2, rstdOff = 4, inpOff = 5, wOff = 1, bOff = 6;
            float[] out = new float[outOff + rows * c + 3], mean = new float[meanOff + rows + 1],
                    rstd = new float[rstdOff + rows + 1];
            Arrays.fill(out, -7f);
            Arrays.fill(mean, -7f);
            Arrays.fill(rstd, -7f);
            Kernels.layerNormForward(out, outOff, mean, meanOff, rstd, rstdOff, pad(inp, inpOff, 2, 9f), inpOff,
                    pad(w, wOff, 2, 9f), wOff, pad(b, bOff, 2, 9f), bOff, 0, rows, c);
            for (int r = 0; r < rows; r++) {
                String at = "C=" + c + " row " + r;
                assertNear(at + " mean", refMean[r], mean[meanOff + r], 1e-6 * (1 + Math.abs(refMean[r])));
                assertNear(at + " rstd", refRstd[r], rstd[rstdOff + r], 1e-5 * refRstd[r]);
                for (int i = 0; i < c; i++) {
                    float e = ref[r * c + i];
                    assertNear(at + " out[" + i + "]", e, out[outOff + r * c + i], 1e-5 * (1 + Math.abs(e)));
                }
            }
            for (int i = 0; i < outOff; i++) assertEquals(-7f, out[i], "C=" + c + " before the output");
            for (int i = outOff + rows * c; i < out.length; i++) assertEquals(-7f, out[i], "C=" + c + " after the output");

            // a row range writes only its rows
            float[] part = new float[rows * c], pm = new float[rows], ps = new float[rows];
            Arrays.fill(part, -7f);
            Kernels.layerNormForward(part, 0, pm, 0, ps, 0, inp, 0, w, 0, b, 0, 1, 3, c);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < c; i++) {
                    if (r == 1 || r == 2) {
                        assertEquals(out[outOff + r * c + i], part[r * c + i], 0f, "C=" + c + " row range, row " + r);
                    } else {
                        assertEquals(-7f, part[r * c + i], "C=" + c + " row " + r + " is outside [1, 3)");
                    }
                }
            }
        }
    }

    @Test
    void layerNormBackwardMatchesReference() {
        int rows = 6;
        for (int c : LN_CHANNELS) {
            SplittableRandom rng = new SplittableRandom(100 + c);
            float[] inp = gaussian(rng, rows * c, -0.2, 1.3), w = gaussian(rng, c, 1, 0.5), b = gaussian(rng, c, 0, 0.5);
            float[] dout = gaussian(rng, rows * c, 0, 1);
            float[] out = new float[rows * c], mean = new float[rows], rstd = new float[rows];
            ReferenceKernels.layerNormForward(out, mean, rstd, inp, w, b, rows, c);
            // nonzero starting gradients: both accumulate
            float[] dinp0 = gaussian(rng, rows * c, 0, 1), dw0 = gaussian(rng, c, 0, 1), db0 = gaussian(rng, c, 0, 1);

            float[] refDinp = dinp0.clone(), refDw = dw0.clone(), refDb = db0.clone();
            ReferenceKernels.layerNormBackward(refDinp, refDw, refDb, dout, inp, w, mean, rstd, rows, c);

            int dinpOff = 3, doutOff = 2, inpOff = 5, wOff = 4, statOff = 1, dwOff = 2, dbOff = 7;
            float[] dinp = pad(dinp0, dinpOff, 3, 5f);
            float[] dw = pad(dw0, dwOff, 3, 5f), db = pad(db0, dbOff, 3, 5f);
            float[] pMean = pad(mean, statOff, 1, 0f), pRstd = pad(rstd, statOff, 1, 0f);
            float[] pDout = pad(dout, doutOff, 1, 0f), pInp = pad(inp, inpOff, 1, 0f), pW = pad(w, wOff, 1, 0f);
            Kernels.layerNormBackwardInput(dinp, dinpOff, pDout, doutOff, pInp, inpOff, pW, wOff, pMean, statOff,
                    pRstd, statOff, 0, rows, c);
            Kernels.layerNormParamGrads(dw, dwOff, db, dbOff, pDout, doutOff, pInp, inpOff, pMean, statOff, pRstd,
                    statOff, rows, c, 0, c);

            // magnitudes of the terms each gradient sums, for the rounding tolerance
            double[] magInp = new double[rows * c], magW = new double[c], magB = new double[c];
            for (int r = 0; r < rows; r++) {
                double meanAbsDnorm = 0, meanAbsDnormNorm = 0;
                for (int i = 0; i < c; i++) {
                    double norm = (inp[r * c + i] - mean[r]) * rstd[r], dnorm = w[i] * dout[r * c + i];
                    meanAbsDnorm += Math.abs(dnorm) / c;
                    meanAbsDnormNorm += Math.abs(dnorm * norm) / c;
                    magW[i] += Math.abs(norm * dout[r * c + i]);
                    magB[i] += Math.abs(dout[r * c + i]);
                }
                for (int i = 0; i < c; i++) {
                    double norm = (inp[r * c + i] - mean[r]) * rstd[r], dnorm = w[i] * dout[r * c + i];
                    magInp[r * c + i] = Math.abs(dinp0[r * c + i])
                            + rstd[r] * (Math.abs(dnorm) + meanAbsDnorm + Math.abs(norm) * meanAbsDnormNorm);
                }
            }
            for (int i = 0; i < c; i++) {
                magW[i] += Math.abs(dw0[i]);
                magB[i] += Math.abs(db0[i]);
            }
            for (int i = 0; i < rows * c; i++) {
                assertNear("C=" + c + " dinp[" + i + "]", refDinp[i], dinp[dinpOff + i], 1e-5 * magInp[i]);
            }
            for (int j = 0; j < c; j++) {
                assertNear("C=" + c + " dw[" + j + "]", refDw[j], dw[dwOff + j], 1e-5 * magW[j]);
                assertNear("C=" + c + " db[" + j + "]", refDb[j], db[dbOff + j], 1e-5 * magB[j]);
            }
            for (int i = 0; i < dinpOff; i++) assertEquals(5f, dinp[i]);
            for (int i = dinpOff + rows * c; i < dinp.length; i++) assertEquals(5f, dinp[i]);
            for (int i = 0; i < dwOff; i++) assertEquals(5f, dw[i]);
            for (int i = dwOff + c; i < dw.length; i++) assertEquals(5f, dw[i]);
            for (int i = 0; i < dbOff; i++) assertEquals(5f, db[i]);
            for (int i = dbOff + c; i < db.length; i++) assertEquals(5f, db[i]);

            // the parameter gradients split into channel ranges cover each channel once
            float[] dwSplit = dw0.clone(), dbSplit = db0.clone();
            int cut1 = c / 3, cut2 = 2 * c / 3 + 1;
            Kernels.layerNormParamGrads(dwSplit, 0, dbSplit, 0, dout, 0, inp, 0, mean, 0, rstd, 0, rows, c, 0, cut1);
            Kernels.layerNormParamGrads(dwSplit, 0, dbSplit, 0, dout, 0, inp, 0, mean, 0, rstd, 0, rows, c, cut1, cut2);
            Kernels.layerNormParamGrads(dwSplit, 0, dbSplit, 0, dout, 0, inp, 0, mean, 0, rstd, 0, rows, c, cut2, c);
            for (int j = 0; j < c; j++) {
                assertNear("C=" + c + " split dw[" + j + "]", refDw[j], dwSplit[j], 1e-5 * magW[j]);
                assertNear("C=" + c + " split db[" + j + "]", refDb[j], dbSplit[j], 1e-5 * magB[j]);
            }
        }
    }

    /** The channel ranges {@link WorkerPool#forRange} gives each of {@code threads} workers over [0, n). */
    private static int[][] poolRanges(int n, int threads) {
        int[][] r = new int[threads][];
        for (int w = 0; w < threads; w++) r[w] = new int[]{(int) ((long) n * w / threads), (int) ((long) n * (w + 1) / threads)};
        return r;
    }

    /**
     * The model splits layerNormParamGrads by channel across workers ("so the sum over rows runs in one fixed
     * order whatever the thread count") and promises bit-identical training across thread counts. The bits of
     * each channel must therefore not depend on where the channel ranges start and end.
     */
    @Test
    void layerNormParamGradsSameBitsWhateverTheChannelSplit() {
        int rows = 8;
        for (int c : new int[]{32, 48, 128}) {
            SplittableRandom rng = new SplittableRandom(300 + c);
            float[] inp = gaussian(rng, rows * c, 0.1, 1.1), w = gaussian(rng, c, 1, 0.3), b = gaussian(rng, c, 0, 0.3);
            float[] dout = gaussian(rng, rows * c, 0, 1e-2);
            float[] out = new float[rows * c], mean = new float[rows], rstd = new float[rows];
            Kernels.layerNormForward(out, 0, mean, 0, rstd, 0, inp, 0, w, 0, b, 0, 0, rows, c);
            float[] dw0 = gaussian(rng, c, 0, 1e-2), db0 = gaussian(rng, c, 0, 1e-2);
            float[][] dws = new float[3][], dbs = new float[3][];
            for (int threads = 1; threads <= 3; threads++) {
                float[] dw = dw0.clone(), db = db0.clone();
                for (int[] range : poolRanges(c, threads)) {
                    Kernels.layerNormParamGrads(dw, 0, db, 0, dout, 0, inp, 0, mean, 0, rstd, 0, rows, c, range[0], range[1]);
                }
                dws[threads - 1] = dw;
                dbs[threads - 1] = db;
            }
            for (int t = 1; t < 3; t++) {
                assertArrayEquals(dbs[0], dbs[t], "C=" + c + " db with 1 vs " + (t + 1) + " workers");
                assertArrayEquals(dws[0], dws[t], "C=" + c + " dw with 1 vs " + (t + 1) + " workers");
            }
        }
    }

    /** Double-precision LayerNorm, L = Σ out·G. */
    private static double layerNormLoss(double[] inp, double[] w, double[] b, double[] g, int rows, int c) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double m = 0;
            for (int i = 0; i < c; i++) m += inp[r * c + i];
            m /= c;
            double v = 0;
            for (int i = 0; i < c; i++) v += (inp[r * c + i] - m) * (inp[r * c + i] - m);
            v /= c;
            double s = 1 / Math.sqrt(v + Kernels.LN_EPS);
            for (int i = 0; i < c; i++) loss += g[r * c + i] * ((inp[r * c + i] - m) * s * w[i] + b[i]);
        }
        return loss;
    }

    @Test
    void layerNormBackwardMatchesFiniteDifferences() {
        int rows = 3;
        for (int c : new int[]{7, 48}) {
            SplittableRandom rng = new SplittableRandom(200 + c);
            float[] inp = gaussian(rng, rows * c, 0.4, 1.2), w = gaussian(rng, c, 1, 0.5), b = gaussian(rng, c, 0, 0.5);
            float[] g = gaussian(rng, rows * c, 0, 1);
            float[] out = new float[rows * c], mean = new float[rows], rstd = new float[rows];
            Kernels.layerNormForward(out, 0, mean, 0, rstd, 0, inp, 0, w, 0, b, 0, 0, rows, c);
            float[] dinp = new float[rows * c], dw = new float[c], db = new float[c];
            Kernels.layerNormBackwardInput(dinp, 0, g, 0, inp, 0, w, 0, mean, 0, rstd, 0, 0, rows, c);
            Kernels.layerNormParamGrads(dw, 0, db, 0, g, 0, inp, 0, mean, 0, rstd, 0, rows, c, 0, c);

            double[] inpD = GradCheck.toDouble(inp), wD = GradCheck.toDouble(w), bD = GradCheck.toDouble(b),
                    gD = GradCheck.toDouble(g);
            GradCheck.check("C=" + c + " layernorm dinp", dinp, inpD, () -> layerNormLoss(inpD, wD, bD, gD, rows, c));
            GradCheck.check("C=" + c + " layernorm dw", dw, wD, () -> layerNormLoss(inpD, wD, bD, gD, rows, c));
            GradCheck.check("C=" + c + " layernorm db", db, bD, () -> layerNormLoss(inpD, wD, bD, gD, rows, c));
        }
    }

    // ================================================================ GELU

    /** Inputs over [-12, 12] plus ±10, ±0 and tiny values, in shuffled order. */
    private static float[] geluInputs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = uniform(rng, n, -12, 12);
        float[] special = {10f, -10f, 0f, -0f, 1e-7f, -1e-7f, 3f, -3f, 5.5f, -5.5f, 12f, -12f};
        for (int i = 0; i < special.length && i < n; i++) x[rng.nextInt(n)] = special[i];
        return x;
    }

    /** ‖1 ± tanh‖ is computed in float: its rounding (a few ulps of 1) is scaled by the factors around it. */
    private static double geluForwardTol(float x) {
        return 1e-6 * (1 + Math.abs(x));
    }

    private static double geluGradTol(float x, float dout) {
        double coef = 1 + 0.5 * Math.abs(x) * GELU_K * (1 + 3 * GELU_C * x * x);
        return 1e-6 * coef * Math.abs(dout);
    }

    private static final int[][] GELU_RANGES = {{0, 100}, {3, 40}, {5, 6}, {17, 50}, {1, 98}, {31, 64}};

    @Test
    void geluForwardMatchesReference() {
        float[] x = geluInputs(100, 1);
        for (int[] range : GELU_RANGES) {
            int from = range[0], to = range[1];
            int inpOff = 3, outOff = 5;
            float[] inp = pad(x, inpOff, 4, 0f);
            float[] out = new float[outOff + x.length + 4];
            Arrays.fill(out, -3f);
            Kernels.geluForward(out, outOff, inp, inpOff, from, to);
            for (int i = 0; i < out.length; i++) {
                int e = i - outOff;
                if (e >= from && e < to) {
                    assertNear("gelu(" + x[e] + ") in [" + from + ", " + to + ")", ReferenceKernels.gelu(x[e]), out[i],
                            geluForwardTol(x[e]));
                } else {
                    assertEquals(-3f, out[i], "index " + i + " is outside [" + from + ", " + to + ")");
                }
            }
        }
        // large |x|: the identity and zero, as the definition says
        float[] big = {10f, -10f, 12f, -12f, 30f, -30f};
        float[] out = new float[big.length];
        Kernels.geluForward(out, 0, big, 0, 0, big.length);
        for (int i = 0; i < big.length; i++) {
            assertNear("gelu(" + big[i] + ")", big[i] > 0 ? big[i] : 0.0, out[i], 1e-6 * Math.abs(big[i]));
        }
    }

    @Test
    void geluBackwardMatchesReference() {
        float[] x = geluInputs(100, 2);
        float[] dout = gaussian(new SplittableRandom(3), 100, 0, 1);
        for (int[] range : GELU_RANGES) {
            int from = range[0], to = range[1];
            int inpOff = 2, doutOff = 6, dinpOff = 1;
            float[] dinp = new float[dinpOff + x.length + 3];
            Arrays.fill(dinp, -3f);
            Kernels.geluBackward(dinp, dinpOff, pad(x, inpOff, 1, 0f), inpOff, pad(dout, doutOff, 1, 0f), doutOff, from, to);
            for (int i = 0; i < dinp.length; i++) {
                int e = i - dinpOff;
                if (e >= from && e < to) {
                    double ref = (double) ReferenceKernels.geluGrad(x[e]) * dout[e];
                    assertNear("gelu'(" + x[e] + ")·" + dout[e], ref, dinp[i], geluGradTol(x[e], dout[e]));
                } else {
                    assertEquals(-3f, dinp[i], "index " + i + " is outside [" + from + ", " + to + ")");
                }
            }
            // in place (dinp == dout), as the model calls it
            float[] inPlace = pad(dout, doutOff, 1, 0f);
            Kernels.geluBackward(inPlace, doutOff, pad(x, inpOff, 1, 0f), inpOff, inPlace, doutOff, from, to);
            for (int e = 0; e < x.length; e++) {
                float expected = e >= from && e < to ? dinp[dinpOff + e] : dout[e];
                assertEquals(expected, inPlace[doutOff + e], 0f, "in place, element " + e);
            }
        }
        float[] big = {10f, -10f, 12f, -12f};
        float[] ones = {1f, 1f, 1f, 1f}, g = new float[4];
        Kernels.geluBackward(g, 0, big, 0, ones, 0, 0, 4);
        for (int i = 0; i < 4; i++) assertNear("gelu'(" + big[i] + ")", big[i] > 0 ? 1.0 : 0.0, g[i], 1e-6);
    }

    /**
     * The model runs GELU over rows [r0, r1) of 4C values per worker, so with 4C not a multiple of the vector
     * length the range ends move with the thread count; the bits of each element must not.
     */
    @Test
    void geluSameBitsWhateverTheRangeSplit() {
        int rows = 12;
        for (int c : new int[]{3, 5, 6, 32}) {
            int n = rows * 4 * c;
            float[] x = geluInputs(n, 10 + c);
            for (int i = 0; i < n; i++) x[i] *= 0.4f; // mostly the interesting range |x| < 5
            float[] dout = gaussian(new SplittableRandom(20 + c), n, 0, 1);
            float[][] fwd = new float[3][], bwd = new float[3][];
            for (int threads = 1; threads <= 3; threads++) {
                float[] out = new float[n], dinp = new float[n];
                for (int[] r : poolRanges(rows, threads)) {
                    Kernels.geluForward(out, 0, x, 0, r[0] * 4 * c, r[1] * 4 * c);
                    Kernels.geluBackward(dinp, 0, x, 0, dout, 0, r[0] * 4 * c, r[1] * 4 * c);
                }
                fwd[threads - 1] = out;
                bwd[threads - 1] = dinp;
            }
            for (int t = 1; t < 3; t++) {
                assertArrayEquals(fwd[0], fwd[t], "C=" + c + " gelu forward with 1 vs " + (t + 1) + " workers");
                assertArrayEquals(bwd[0], bwd[t], "C=" + c + " gelu backward with 1 vs " + (t + 1) + " workers");
            }
        }
    }

    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_C * x * x * x)));
    }

    @Test
    void geluBackwardMatchesFiniteDifferences() {
        float[] x = geluInputs(61, 4);
        float[] g = gaussian(new SplittableRandom(5), 61, 0, 1);
        float[] dinp = new float[61];
        Kernels.geluBackward(dinp, 0, x, 0, g, 0, 0, 61);
        double[] xD = GradCheck.toDouble(x), gD = GradCheck.toDouble(g);
        GradCheck.check("gelu dinp", dinp, xD, () -> {
            double l = 0;
            for (int i = 0; i < xD.length; i++) l += gD[i] * gelu(xD[i]);
            return l;
        });
    }

    // ================================================================ softmax + cross-entropy

    private static final int V = 256;

    @Test
    void softmaxCrossEntropyMatchesReference() {
        int rows = 6;
        SplittableRandom rng = new SplittableRandom(7);
        float[] logits = gaussian(rng, rows * V, 0, 3);
        logits[2 * V + 17] = 40f; // one very confident row
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = rng.nextInt(V);
        float[] refProbs = new float[rows * V];
        double refLoss = ReferenceKernels.softmaxCrossEntropy(refProbs, logits, targets, rows, V);

        int off = 9, tOff = 2;
        float[] probs = pad(logits, off, 5, 1.5f);
        int[] tg = new int[tOff + rows];
        System.arraycopy(targets, 0, tg, tOff, rows);
        double loss = Kernels.softmaxCrossEntropy(probs, off, tg, tOff, 0, rows, V);
        assertNear("loss", refLoss, loss, 2e-5 * rows + 1e-6 * Math.abs(refLoss));
        for (int i = 0; i < rows * V; i++) {
            // a sum of 256 positive floats is good to 256 ulps at worst
            assertNear("prob[" + i + "]", refProbs[i], probs[off + i], 2e-5 * refProbs[i] + 1e-30);
        }
        for (int i = 0; i < off; i++) assertEquals(1.5f, probs[i]);
        for (int i = off + rows * V; i < probs.length; i++) assertEquals(1.5f, probs[i]);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int i = 0; i < V; i++) sum += probs[off + r * V + i];
            assertNear("row " + r + " sums to 1", 1.0, sum, 1e-5);
        }

        // rows [2, 5) only: the loss of those rows, other rows untouched
        float[] part = logits.clone();
        double partLoss = Kernels.softmaxCrossEntropy(part, 0, targets, 0, 2, 5, V);
        double expected = 0;
        for (int r = 2; r < 5; r++) expected -= Math.log(refProbs[r * V + targets[r]]);
        assertNear("loss of rows [2, 5)", expected, partLoss, 2e-5 * 3);
        for (int i = 0; i < rows * V; i++) {
            int r = i / V;
            if (r < 2 || r >= 5) assertEquals(logits[i], part[i], 0f, "row " + r + " is outside [2, 5)");
        }

        // no targets: probabilities only, loss 0
        float[] noTargets = logits.clone();
        assertEquals(0.0, Kernels.softmaxCrossEntropy(noTargets, 0, null, 0, 0, rows, V));
        for (int i = 0; i < rows * V; i++) assertEquals(probs[off + i], noTargets[i], 0f);
    }

    @Test
    void softmaxCrossEntropyBackwardIsProbabilitiesMinusOneHotTimesScale() {
        int rows = 5;
        SplittableRandom rng = new SplittableRandom(8);
        float[] logits = gaussian(rng, rows * V, 0, 2);
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = rng.nextInt(V);
        float[] probs = logits.clone();
        Kernels.softmaxCrossEntropy(probs, 0, targets, 0, 0, rows, V);
        float scale = 1f / 7;
        int off = 3, tOff = 1;
        float[] d = pad(probs, off, 2, 4f);
        int[] tg = new int[tOff + rows];
        System.arraycopy(targets, 0, tg, tOff, rows);
        Kernels.softmaxCrossEntropyBackward(d, off, tg, tOff, 0, rows, V, scale);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < V; i++) {
                double p = probs[r * V + i];
                double expected = (p - (i == targets[r] ? 1 : 0)) * scale;
                assertNear("row " + r + " index " + i, expected, d[off + r * V + i], 1e-7 * scale);
            }
        }
        for (int i = 0; i < off; i++) assertEquals(4f, d[i]);
        for (int i = off + rows * V; i < d.length; i++) assertEquals(4f, d[i]);
    }

    /** L = scale · Σ_r −ln softmax(z_r)[t_r] in double. */
    private static double crossEntropyLoss(double[] z, int[] targets, int rows, int v, double scale) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < v; i++) max = Math.max(max, z[r * v + i]);
            double sum = 0;
            for (int i = 0; i < v; i++) sum += Math.exp(z[r * v + i] - max);
            loss += -(z[r * v + targets[r]] - max - Math.log(sum));
        }
        return loss * scale;
    }

    @Test
    void softmaxCrossEntropyBackwardMatchesFiniteDifferences() {
        int rows = 4;
        SplittableRandom rng = new SplittableRandom(9);
        float[] logits = gaussian(rng, rows * V, 0, 2);
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = rng.nextInt(V);
        float scale = 1f / rows;
        float[] d = logits.clone();
        Kernels.softmaxCrossEntropy(d, 0, targets, 0, 0, rows, V);
        Kernels.softmaxCrossEntropyBackward(d, 0, targets, 0, 0, rows, V, scale);
        double[] z = GradCheck.toDouble(logits);
        GradCheck.check("dlogits", d, z, () -> crossEntropyLoss(z, targets, rows, V, scale));
        // the loss itself, as the float kernel returns it
        float[] p = logits.clone();
        double loss = Kernels.softmaxCrossEntropy(p, 0, targets, 0, 0, rows, V);
        assertNear("loss", crossEntropyLoss(z, targets, rows, V, 1.0), loss, 1e-5 * rows);
    }

    // ================================================================ attention

    /**
     * (T, C, NH): one position, short, longer than a vector, whole vectors; head sizes 16, 16, 10 and
     * 40 (padded to whole vectors in the scratch) and 32 (the small preset's).
     */
    private static final int[][] ATT_SHAPES = {
            {1, 32, 2}, {5, 32, 2}, {33, 32, 2}, {1, 48, 3}, {5, 48, 3}, {33, 48, 3}, {5, 20, 2}, {33, 20, 2},
            {17, 80, 2}, {64, 64, 2}, {7, 50, 2}, {22, 36, 9}};

    @Test
    void softmaxRowMatchesReferenceAndZeroesTheRestOfItsLastVector() {
        int L = bytewise.kernels.Vec.SPECIES.length();
        SplittableRandom rng = new SplittableRandom(11);
        for (int n = 1; n <= 3 * L + 1; n++) {
            int ro = 3, end = ro + (n + L - 1) / L * L, room = ro + Attention.rowRoom(n);
            float[] row = new float[room + 5];
            Arrays.fill(row, Float.NaN); // stale floats past n must not matter
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                row[ro + j] = (float) (rng.nextGaussian() * 4);
                max = Math.max(max, row[ro + j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.exp(row[ro + j] - max);
            float[] in = row.clone();
            Attention.softmaxRow(row, ro, n);
            for (int j = 0; j < n; j++) {
                double want = Math.exp(in[ro + j] - max) / sum;
                assertNear("n=" + n + " p[" + j + "]", want, row[ro + j], 1e-6 * (want + 1e-3));
            }
            for (int j = ro + n; j < end; j++) assertEquals(0f, row[j], "n=" + n + " zero past the row at " + j);
            for (int j = 0; j < ro; j++) assertTrue(Float.isNaN(row[j]), "n=" + n + " untouched before the row");
            for (int j = room; j < room + 5; j++) assertTrue(Float.isNaN(row[j]), "n=" + n + " untouched after its room");
        }
    }

    /** Scratch full of NaN: every float the kernels read from it must be written first. */
    private static float[] staleScratch(int T, int C, int nh) {
        float[] s = new float[Attention.scratchSize(T, C, nh)];
        Arrays.fill(s, Float.NaN);
        return s;
    }
    private static final int B = 2;

    @Test
    void attentionForwardMatchesReference() {
        for (int[] s : ATT_SHAPES) {
            int T = s[0], C = s[1], nh = s[2];
            String shape = "T=" + T + " C=" + C + " NH=" + nh;
            SplittableRandom rng = new SplittableRandom(T * 1000L + C);
            float[] qkv = gaussian(rng, B * T * 3 * C, 0, 1.2);
            float[] refOut = new float[B * T * C], refAtt = new float[B * nh * T * T];
            ReferenceKernels.attentionForward(refOut, refAtt, qkv, B, T, C, nh);

            int outOff = 3, attOff = 5, qkvOff = 2;
            float[] out = new float[outOff + B * T * C + 2], att = new float[attOff + B * nh * T * T + 2];
            Arrays.fill(out, 9f);
            Arrays.fill(att, 9f);
            Attention.forward(out, outOff, att, attOff, pad(qkv, qkvOff, 3, 0f), qkvOff, T, C, nh, 0, B * nh, new float[Attention.scratchSize(T, C, nh)]);
            for (int i = 0; i < B * T * C; i++) {
                assertNear(shape + " out[" + i + "]", refOut[i], out[outOff + i], 1e-5 * (1 + Math.abs(refOut[i])));
            }
            for (int p = 0; p < B * nh; p++) {
                for (int t = 0; t < T; t++) {
                    double rowSum = 0;
                    for (int t2 = 0; t2 < T; t2++) {
                        int at = (p * T + t) * T + t2;
                        if (t2 <= t) {
                            assertNear(shape + " att[" + p + "," + t + "," + t2 + "]", refAtt[at], att[attOff + at],
                                    1e-5 * (refAtt[at] + 1e-2));
                            rowSum += att[attOff + at];
                        } else {
                            assertEquals(9f, att[attOff + at], shape + " the causal mask's upper triangle is not written");
                        }
                    }
                    assertNear(shape + " attention row sums to 1", 1.0, rowSum, 1e-5);
                }
            }
            for (int i = 0; i < outOff; i++) assertEquals(9f, out[i]);
            for (int i = outOff + B * T * C; i < out.length; i++) assertEquals(9f, out[i]);

            // pairs split as the worker pool splits them, one half on a stale scratch: the same bits
            float[] out2 = new float[B * T * C], att2 = new float[B * nh * T * T];
            int cut = 1 + (B * nh) / 3;
            Attention.forward(out2, 0, att2, 0, qkv, 0, T, C, nh, cut, B * nh, staleScratch(T, C, nh));
            Attention.forward(out2, 0, att2, 0, qkv, 0, T, C, nh, 0, cut, new float[Attention.scratchSize(T, C, nh)]);
            for (int i = 0; i < B * T * C; i++) assertEquals(out[outOff + i], out2[i], 0f, shape + " split pairs, out " + i);
        }
    }

    @Test
    void attentionBackwardMatchesReference() {
        for (int[] s : ATT_SHAPES) {
            int T = s[0], C = s[1], nh = s[2];
            String shape = "T=" + T + " C=" + C + " NH=" + nh;
            SplittableRandom rng = new SplittableRandom(T * 1000L + C + 1);
            float[] qkv = gaussian(rng, B * T * 3 * C, 0, 1.2);
            float[] out = new float[B * T * C], att = new float[B * nh * T * T];
            ReferenceKernels.attentionForward(out, att, qkv, B, T, C, nh);
            float[] dout = gaussian(rng, B * T * C, 0, 1);
            float[] dqkv0 = gaussian(rng, B * T * 3 * C, 0, 1); // accumulates into a nonzero gradient

            float[] ref = dqkv0.clone();
            ReferenceKernels.attentionBackward(ref, dout, att, qkv, B, T, C, nh);
            // forward never writes the causal mask's upper triangle, so backward must not read it
            for (int p = 0; p < B * nh; p++) {
                for (int t = 0; t < T; t++) Arrays.fill(att, (p * T + t) * T + t + 1, (p * T + t + 1) * T, Float.NaN);
            }

            int dqkvOff = 4, doutOff = 3, attOff = 2, qkvOff = 5;
            float[] dqkv = pad(dqkv0, dqkvOff, 3, 7f);
            Attention.backward(dqkv, dqkvOff, pad(dout, doutOff, 1, 0f), doutOff, pad(att, attOff, 1, 0f),
                    attOff, pad(qkv, qkvOff, 1, 0f), qkvOff, T, C, nh, 0, B * nh, new float[Attention.scratchSize(T, C, nh)]);
            for (int i = 0; i < ref.length; i++) {
                assertNear(shape + " dqkv[" + i + "]", ref[i], dqkv[dqkvOff + i], 1e-5 * (1 + Math.abs(ref[i])));
            }
            for (int i = 0; i < dqkvOff; i++) assertEquals(7f, dqkv[i]);
            for (int i = dqkvOff + ref.length; i < dqkv.length; i++) assertEquals(7f, dqkv[i]);

            // pairs in two ranges with their own scratch, one stale: the same bits
            float[] split = dqkv0.clone();
            int cut = (B * nh) / 2;
            Attention.backward(split, 0, dout, 0, att, 0, qkv, 0, T, C, nh, cut, B * nh, staleScratch(T, C, nh));
            Attention.backward(split, 0, dout, 0, att, 0, qkv, 0, T, C, nh, 0, cut, new float[Attention.scratchSize(T, C, nh)]);
            for (int i = 0; i < ref.length; i++) assertEquals(dqkv[dqkvOff + i], split[i], 0f, shape + " split pairs " + i);
        }
    }

    /** Double-precision causal attention, L = Σ out·G. */
    private static double attentionLoss(double[] qkv, double[] g, int B, int T, int C, int nh) {
        int hs = C / nh;
        double scale = 1 / Math.sqrt(hs), loss = 0;
        double[] a = new double[T];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < nh; h++) {
                for (int t = 0; t < T; t++) {
                    int q = (b * T + t) * 3 * C + h * hs;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t2 = 0; t2 <= t; t2++) {
                        int k = (b * T + t2) * 3 * C + C + h * hs;
                        double dot = 0;
                        for (int i = 0; i < hs; i++) dot += qkv[q + i] * qkv[k + i];
                        a[t2] = dot * scale;
                        max = Math.max(max, a[t2]);
                    }
                    double sum = 0;
                    for (int t2 = 0; t2 <= t; t2++) {
                        a[t2] = Math.exp(a[t2] - max);
                        sum += a[t2];
                    }
                    for (int i = 0; i < hs; i++) {
                        double o = 0;
                        for (int t2 = 0; t2 <= t; t2++) o += a[t2] / sum * qkv[(b * T + t2) * 3 * C + 2 * C + h * hs + i];
                        loss += g[(b * T + t) * C + h * hs + i] * o;
                    }
                }
            }
        }
        return loss;
    }

    @Test
    void attentionBackwardMatchesFiniteDifferences() {
        int[][] shapes = {{5, 32, 2, 1}, {9, 48, 3, 1}, {33, 20, 2, 5}}; // T, C, NH, check every n-th entry
        for (int[] s : shapes) {
            int T = s[0], C = s[1], nh = s[2], every = s[3];
            SplittableRandom rng = new SplittableRandom(T * 31L + C);
            float[] qkv = gaussian(rng, B * T * 3 * C, 0, 1.2);
            float[] g = gaussian(rng, B * T * C, 0, 1);
            float[] out = new float[B * T * C], att = new float[B * nh * T * T];
            Attention.forward(out, 0, att, 0, qkv, 0, T, C, nh, 0, B * nh, new float[Attention.scratchSize(T, C, nh)]);
            float[] dqkv = new float[qkv.length];
            Attention.backward(dqkv, 0, g, 0, att, 0, qkv, 0, T, C, nh, 0, B * nh, new float[Attention.scratchSize(T, C, nh)]);
            double[] x = GradCheck.toDouble(qkv), gD = GradCheck.toDouble(g);
            GradCheck.check("T=" + T + " C=" + C + " NH=" + nh + " attention dqkv", dqkv, 0, x, every,
                    () -> attentionLoss(x, gD, B, T, C, nh));
        }
    }
}
