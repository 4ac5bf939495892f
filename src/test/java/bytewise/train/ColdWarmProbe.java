package bytewise.train;

import bytewise.kernels.Vec;
import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;

import java.util.SplittableRandom;

/**
 * Run in a fresh JVM by {@link DeterminismTest}: one forward + backward on fixed inputs while the kernels
 * are still interpreted ("cold"), the same again after the JIT has compiled them ("warm"), and prints how
 * many gradient entries differ in their bits.
 */
public final class ColdWarmProbe {
    private ColdWarmProbe() {}

    static float[] gradients(ModelConfig cfg, int B, WorkerPool pool) {
        Gpt model = Gpt.initialize(cfg, 3);
        SplittableRandom rng = new SplittableRandom(4);
        float[] p = model.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) (rng.nextGaussian() * 0.3);
        int[] x = new int[B * cfg.seqLen()], y = new int[B * cfg.seqLen()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(256);
            y[i] = rng.nextInt(256);
        }
        ForwardBackward fb = new ForwardBackward(model, B, pool);
        float loss = fb.forward(x, y, B);
        fb.zeroGrad();
        fb.backward();
        float[] g = fb.grads();
        float[] out = new float[g.length + 1];
        System.arraycopy(g, 0, out, 0, g.length);
        out[g.length] = loss;
        return out;
    }

    private static float[] vecResults(float[] a, float[] b) {
        float[] e = a.clone();
        float sumExp = Vec.expShiftInPlace(e, 0, a.length, 1f);
        float[] r = java.util.Arrays.copyOf(e, a.length + 3);
        r[a.length] = Vec.sum(a, 0, a.length);
        r[a.length + 1] = Vec.dot(a, 0, b, 0, a.length);
        r[a.length + 2] = sumExp;
        return r;
    }

    public static void main(String[] args) {
        // the vector helpers alone: Vec.sum, Vec.dot, Vec.expShiftInPlace on 256 floats
        SplittableRandom data = new SplittableRandom(1);
        float[] a = new float[256], b = new float[256];
        for (int i = 0; i < 256; i++) {
            a[i] = (float) data.nextGaussian();
            b[i] = (float) data.nextGaussian();
        }
        float[] coldVec = vecResults(a, b), warmVec = coldVec;
        for (int rep = 0; rep < 200_000; rep++) warmVec = vecResults(a, b);
        String[] names = {"expShiftInPlace (values)", "sum", "dot", "expShiftInPlace (returned sum)"};
        boolean valuesSame = java.util.Arrays.equals(java.util.Arrays.copyOf(coldVec, 256), java.util.Arrays.copyOf(warmVec, 256));
        System.out.println("VEC " + names[0] + (valuesSame ? " same" : " differ"));
        for (int k = 1; k < 4; k++) {
            float c = coldVec[255 + k], w = warmVec[255 + k];
            System.out.println("VEC " + names[k] + " cold " + c + " warm " + w + (Float.floatToIntBits(c) == Float.floatToIntBits(w) ? " same" : " differ"));
        }
        ModelConfig cfg = new ModelConfig(16, 32, 2, 2);
        try (WorkerPool pool = new WorkerPool(1)) {
            float[] cold = gradients(cfg, 4, pool);
            float[] warm = cold;
            for (int rep = 0; rep < 40; rep++) warm = gradients(cfg, 4, pool);
            int differ = 0;
            for (int i = 0; i < cold.length; i++) if (Float.floatToIntBits(cold[i]) != Float.floatToIntBits(warm[i])) differ++;
            System.out.println("LOSS " + cold[cold.length - 1] + " " + warm[warm.length - 1]);
            System.out.println("DIFFER " + differ + " OF " + cold.length);
        }
    }
}
