package bytewise.train;

import bytewise.kernels.WorkerPool;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** AdamW's moments and step against worked numbers and a double-precision PyTorch-style reference. */
class AdamWTest {
    /** 1,284 parameters in 16 tensors, decayed and not. */
    private static final ParameterLayout TINY = new ParameterLayout(new ModelConfig(2, 4, 1, 1));
    /** 33,920 parameters: several 4,096-float chunks for the gradient norm. */
    private static final ParameterLayout SMALL = new ParameterLayout(new ModelConfig(8, 32, 2, 2));

    private static float[] gaussian(long seed, int n, double sd) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextGaussian() * sd);
        return x;
    }

    // ---------------------------------------------------------------- worked numbers

    /**
     * β1 = 0.85, β2 = 0.99; gradient 1.0 then 0.5: m = 0.15 then 0.85·0.15 + 0.15·0.5 = 0.2025,
     * v = 0.01 then 0.99·0.01 + 0.01·0.25 = 0.0124. One element (scalar path) and 37 (vector path + tail).
     */
    @Test
    void momentsWorkedExample() {
        for (int n : new int[]{1, 37}) {
            float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
            Arrays.fill(p, 1f);
            float b1 = 0.85f, b2 = 0.99f;
            Arrays.fill(g, 1.0f);
            AdamW.update(p, g, m, v, 0, n, 0.1f, b1, b2, (float) (1 - 0.85), (float) (1 - 0.99), 1e-8f, 1f);
            for (int i = 0; i < n; i++) {
                assertEquals(0.15, m[i], 1e-6, "m after gradient 1.0, element " + i);
                assertEquals(0.01, v[i], 1e-7, "v after gradient 1.0, element " + i);
                // bias-corrected: m̂ = 1, v̂ = 1, so the step is lr·1/(1+eps)
                assertEquals(0.9, p[i], 1e-6, "p after the first step, element " + i);
            }
            Arrays.fill(g, 0.5f);
            AdamW.update(p, g, m, v, 0, n, 0.1f, b1, b2, (float) (1 - 0.85 * 0.85), (float) (1 - 0.99 * 0.99), 1e-8f, 1f);
            double mhat = 0.2025 / (1 - 0.85 * 0.85), vhat = 0.0124 / (1 - 0.99 * 0.99);
            for (int i = 0; i < n; i++) {
                assertEquals(0.2025, m[i], 1e-6, "m after gradient 0.5, element " + i);
                assertEquals(0.0124, v[i], 1e-7, "v after gradient 0.5, element " + i);
                assertEquals(0.9 - 0.1 * mhat / Math.sqrt(vhat), p[i], 1e-6, "p after the second step, element " + i);
            }
        }
    }

    /** The same worked numbers through the public step on a real layout, every element. */
    @Test
    void momentsWorkedExampleThroughStep() {
        AdamW adam = new AdamW(TINY);
        float[] p = new float[TINY.total], g = new float[TINY.total];
        try (WorkerPool pool = new WorkerPool(2)) {
            Arrays.fill(g, 1f);
            adam.step(p, g, 1e-3, 0.85, 0.99, 1e-8, 0.0, 1, pool);
            Arrays.fill(g, 0.5f);
            adam.step(p, g, 1e-3, 0.85, 0.99, 1e-8, 0.0, 2, pool);
        }
        for (int i = 0; i < TINY.total; i++) {
            assertEquals(0.2025, adam.firstMoment()[i], 1e-6, "m[" + i + "]");
            assertEquals(0.0124, adam.secondMoment()[i], 1e-7, "v[" + i + "]");
        }
    }

    // ---------------------------------------------------------------- against a double-precision AdamW

    /** PyTorch's AdamW: p ← p·(1 − lr·wd) − lr·m̂/(√v̂ + eps), decay on decayed tensors only. */
    private static void referenceStep(ParameterLayout layout, double[] p, float[] g, double[] m, double[] v, double lr,
                                      double b1, double b2, double eps, double wd, long t) {
        for (ParameterLayout.Tensor tensor : layout.tensors()) {
            for (int i = tensor.offset(); i < tensor.offset() + tensor.size(); i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mhat = m[i] / (1 - Math.pow(b1, t)), vhat = v[i] / (1 - Math.pow(b2, t));
                if (tensor.decayed()) p[i] *= 1 - lr * wd;
                p[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
            }
        }
    }

    @Test
    void stepsMatchDoublePrecisionReference() {
        int n = TINY.total, steps = 6;
        double b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1;
        float[] p = gaussian(1, n, 1.0);
        double[] pd = new double[n], md = new double[n], vd = new double[n];
        double[] mMag = new double[n]; // Σ of |terms| in m, which may cancel
        for (int i = 0; i < n; i++) pd[i] = p[i];
        AdamW adam = new AdamW(TINY);
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int t = 1; t <= steps; t++) {
                double lr = 1e-2 * t; // a changing learning rate, as a schedule gives
                float[] g = gaussian(100 + t, n, 0.5);
                for (int i = 0; i < n; i += 97) g[i] = 0f; // some zero gradients
                adam.step(p, g, lr, b1, b2, eps, wd, t, pool);
                referenceStep(TINY, pd, g, md, vd, lr, b1, b2, eps, wd, t);
                for (int i = 0; i < n; i++) mMag[i] = b1 * mMag[i] + (1 - b1) * Math.abs(g[i]);
                for (int i = 0; i < n; i++) {
                    String at = "step " + t + " element " + i;
                    // float rounding: a few ulps per step of |p| and of the update (at most about lr)
                    assertEquals(pd[i], p[i], 1e-6 * t * (Math.abs(pd[i]) + lr), at + " p");
                    assertEquals(md[i], adam.firstMoment()[i], 1e-6 * mMag[i], at + " m");
                    assertEquals(vd[i], adam.secondMoment()[i], 1e-5 * vd[i] + 1e-12, at + " v");
                }
            }
        }
    }

    /** With zero gradients and zero moments, one step is pure weight decay: only decayed tensors shrink. */
    @Test
    void weightDecayOnlyOnDecayedTensors() {
        int n = TINY.total;
        float[] p = gaussian(2, n, 1.0), before = p.clone(), g = new float[n];
        double lr = 0.05, wd = 0.3;
        AdamW adam = new AdamW(TINY);
        try (WorkerPool pool = new WorkerPool(2)) {
            adam.step(p, g, lr, 0.9, 0.999, 1e-8, wd, 1, pool);
        }
        int decayed = 0, kept = 0;
        for (ParameterLayout.Tensor t : TINY.tensors()) {
            for (int i = t.offset(); i < t.offset() + t.size(); i++) {
                if (t.decayed()) {
                    assertEquals(before[i] * (1 - lr * wd), p[i], 1e-6 * Math.abs(before[i]), t.name() + " decays");
                    decayed++;
                } else {
                    assertEquals(before[i], p[i], 0f, t.name() + " (bias or LayerNorm) must not decay");
                    kept++;
                }
            }
        }
        assertTrue(decayed > 0 && kept > 0);
        // and which tensors those are: the weight matrices and embeddings, never biases or gains
        for (ParameterLayout.Tensor t : TINY.tensors()) {
            boolean matrix = t.name().equals("wte") || t.name().equals("wpe") || t.name().equals("qkvw")
                    || t.name().equals("attprojw") || t.name().equals("fcw") || t.name().equals("fcprojw");
            assertEquals(matrix, t.decayed(), t.name());
        }
    }

    @Test
    void stepBitIdenticalAcrossThreadCounts() {
        int n = SMALL.total;
        float[][] results = new float[3][];
        for (int threads = 1; threads <= 3; threads++) {
            float[] p = gaussian(3, n, 1.0);
            AdamW adam = new AdamW(SMALL);
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int t = 1; t <= 3; t++) adam.step(p, gaussian(10 + t, n, 0.3), 3e-3, 0.9, 0.99, 1e-8, 0.1, t, pool);
            }
            float[] all = new float[3 * n];
            System.arraycopy(p, 0, all, 0, n);
            System.arraycopy(adam.firstMoment(), 0, all, n, n);
            System.arraycopy(adam.secondMoment(), 0, all, 2 * n, n);
            results[threads - 1] = all;
        }
        assertArrayEquals(results[0], results[1], "1 vs 2 threads");
        assertArrayEquals(results[0], results[2], "1 vs 3 threads");
    }

    @Test
    void momentsOfTheWrongSizeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AdamW(TINY, new float[TINY.total - 1], new float[TINY.total]));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(TINY, new float[TINY.total], new float[TINY.total + 1]));
    }

    // ---------------------------------------------------------------- gradient clipping

    private static double norm(float[] g) {
        double s = 0;
        for (float x : g) s += (double) x * x;
        return Math.sqrt(s);
    }

    @Test
    void clipReturnsTheNormAndScalesDownToTheClip() {
        float[] g = gaussian(4, SMALL.total, 0.05);
        double expected = norm(g);
        assertTrue(expected > 5, "the test needs a norm above the clip, got " + expected);
        float[] before = g.clone();
        double returned;
        try (WorkerPool pool = new WorkerPool(2)) {
            returned = new AdamW(SMALL).clipGradients(g, 1.0, pool);
        }
        assertEquals(expected, returned, 1e-12 * expected, "returns the norm before clipping");
        assertEquals(1.0, norm(g), 1e-6, "norm after clipping");
        double scale = 1.0 / expected;
        for (int i = 0; i < g.length; i++) {
            assertEquals(before[i] * scale, g[i], 1e-6 * Math.abs(before[i] * scale) + 1e-30, "element " + i);
        }
    }

    @Test
    void clipLeavesSmallGradientsUntouched() {
        float[] g = gaussian(5, SMALL.total, 0.001);
        double expected = norm(g);
        assertTrue(expected < 1.0);
        float[] before = g.clone();
        try (WorkerPool pool = new WorkerPool(2)) {
            AdamW adam = new AdamW(SMALL);
            assertEquals(expected, adam.clipGradients(g, 1.0, pool), 1e-12 * expected);
            assertArrayEquals(before, g, "below the clip");
            // clip 0 means off: even a large norm is returned but left alone
            float[] big = gaussian(6, SMALL.total, 1.0);
            float[] bigBefore = big.clone();
            assertEquals(norm(big), adam.clipGradients(big, 0.0, pool), 1e-12 * norm(big));
            assertArrayEquals(bigBefore, big, "clip 0 is off");
        }
    }

    @Test
    void clipBitIdenticalAcrossThreadCounts() {
        float[][] out = new float[2][];
        double[] norms = new double[2];
        for (int threads = 1; threads <= 2; threads++) {
            float[] g = gaussian(7, SMALL.total, 0.05);
            try (WorkerPool pool = new WorkerPool(threads)) {
                norms[threads - 1] = new AdamW(SMALL).clipGradients(g, 0.5, pool);
            }
            out[threads - 1] = g;
        }
        assertEquals(norms[0], norms[1], 0.0, "norm with 1 vs 2 threads");
        assertArrayEquals(out[0], out[1], "clipped gradients with 1 vs 2 threads");
    }
}
