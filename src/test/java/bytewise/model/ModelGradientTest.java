package bytewise.model;

import bytewise.kernels.WorkerPool;
import org.junit.jupiter.api.Test;


import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The whole model's loss and every gradient against a double-precision reference. */
class ModelGradientTest {

    private static Gpt perturbedModel(ModelConfig cfg, long seed) {
        Gpt model = Gpt.initialize(cfg, seed);
        // GPT-2's 0.02 init makes most gradients tiny; larger weights give a sharper check
        SplittableRandom rng = new SplittableRandom(seed + 1);
        float[] p = model.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) (rng.nextGaussian() * 0.3);
        return model;
    }

    private static int[] randomBytes(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextInt(256);
        return a;
    }

    @Test
    void smallShapeEveryParameter() {
        check(new ModelConfig(5, 8, 2, 2), 2, 1);
    }

    /** Wide enough for the vector main loops and GEMM full tiles; rows (21) leave edge tiles too. */
    @Test
    void vectorWidthShapeSampledParameters() {
        check(new ModelConfig(7, 48, 1, 3), 3, 5);
    }

    private static void check(ModelConfig cfg, int B, int every) {
        int T = cfg.seqLen();
        Gpt model = perturbedModel(cfg, 7);
        int[] x = randomBytes(B * T, 11), y = randomBytes(B * T, 12);
        double[] pd = new double[model.params().length];
        for (int i = 0; i < pd.length; i++) pd[i] = model.params()[i];

        try (WorkerPool pool = new WorkerPool(2)) {
            ForwardBackward fb = new ForwardBackward(model, B, pool);
            float loss = fb.forward(x, y, B);
            double ref = DoubleGpt.loss(cfg, pd, x, y, B);
            assertEquals(ref, loss, 1e-4 * Math.abs(ref), "loss");
            fb.zeroGrad();
            fb.backward();
            float[] g = fb.grads();

            double h = 1e-5, worst = 0;
            String worstAt = "";
            int nonZero = 0;
            for (int i = 0; i < pd.length; i += every) {
                double keep = pd[i];
                pd[i] = keep + h;
                double up = DoubleGpt.loss(cfg, pd, x, y, B);
                pd[i] = keep - h;
                double down = DoubleGpt.loss(cfg, pd, x, y, B);
                pd[i] = keep;
                double fd = (up - down) / (2 * h);
                if (Math.abs(fd) > 1e-6) nonZero++;
                double err = Math.abs(g[i] - fd) / (1e-3 + Math.abs(fd));
                if (err > worst) {
                    worst = err;
                    worstAt = "param " + i + " analytic " + g[i] + " numeric " + fd;
                }
            }
            assertTrue(nonZero > pd.length / every / 10, "the check must exercise real gradients, got " + nonZero);
            assertTrue(worst < 1e-2, "worst relative gradient error " + worst + " at " + worstAt);
        }
    }
}
