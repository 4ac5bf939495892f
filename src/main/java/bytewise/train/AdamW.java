package bytewise.train;

import bytewise.kernels.WorkerPool;
import bytewise.kernels.Vec;
import bytewise.model.ParameterLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * AdamW as PyTorch defines it: decoupled weight decay p -= lr·wd·p, applied to the 2-D weight
 * matrices only (never biases or LayerNorm gains), then the bias-corrected Adam step.
 */
public final class AdamW {
    private static final VectorSpecies<Float> S = Vec.SPECIES;
    private static final int NORM_CHUNK = 4096;

    private final float[] m, v;
    private final double[] chunkSquares;
    private final ParameterLayout layout;

    public AdamW(ParameterLayout layout) {
        this(layout, new float[layout.total], new float[layout.total]);
    }

    public AdamW(ParameterLayout layout, float[] m, float[] v) {
        if (m.length != layout.total || v.length != layout.total) throw new IllegalArgumentException("moment size mismatch");
        this.layout = layout;
        this.m = m;
        this.v = v;
        this.chunkSquares = new double[(layout.total + NORM_CHUNK - 1) / NORM_CHUNK];
    }

    public float[] firstMoment() {
        return m;
    }

    public float[] secondMoment() {
        return v;
    }

    /**
     * Global L2 norm of the gradients, summed in fixed chunks and a fixed order so it does not
     * depend on the thread count; if {@code clip} > 0 and the norm exceeds it, scales the
     * gradients down to norm {@code clip}. Returns the norm before clipping.
     */
    public double clipGradients(float[] grads, double clip, WorkerPool pool) {
        int chunks = chunkSquares.length;
        pool.forRange(chunks, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = c * NORM_CHUNK, to = Math.min(grads.length, from + NORM_CHUNK);
                double s = 0;
                for (int i = from; i < to; i++) s += (double) grads[i] * grads[i];
                chunkSquares[c] = s;
            }
        });
        double sum = 0;
        for (double s : chunkSquares) sum += s;
        double norm = Math.sqrt(sum);
        if (clip > 0 && norm > clip && Double.isFinite(norm)) {
            float scale = (float) (clip / norm);
            pool.forRange(grads.length, (i0, i1) -> {
                for (int i = i0; i < i1; i++) grads[i] *= scale;
            });
        }
        return norm;
    }

    /** One update with 1-based step count {@code t} (for bias correction). */
    public void step(float[] params, float[] grads, double lr, double beta1, double beta2, double eps,
                     double weightDecay, long t, WorkerPool pool) {
        float b1 = (float) beta1, b2 = (float) beta2;
        float c1 = (float) (1 - Math.pow(beta1, t)), c2 = (float) (1 - Math.pow(beta2, t));
        float lrf = (float) lr, epsf = (float) eps;
        for (ParameterLayout.Tensor tensor : layout.tensors()) {
            float decay = tensor.decayed() ? (float) (1 - lr * weightDecay) : 1f;
            int off = tensor.offset();
            pool.forRange(tensor.size(), (i0, i1) ->
                    update(params, grads, m, v, off + i0, off + i1, lrf, b1, b2, c1, c2, epsf, decay));
        }
    }

    static void update(float[] p, float[] g, float[] m, float[] v, int from, int to, float lr, float b1, float b2,
                       float c1, float c2, float eps, float decay) {
        int i = from;
        FloatVector vb1 = FloatVector.broadcast(S, b1), vb2 = FloatVector.broadcast(S, b2);
        FloatVector va1 = FloatVector.broadcast(S, 1 - b1), va2 = FloatVector.broadcast(S, 1 - b2);
        FloatVector vc1 = FloatVector.broadcast(S, 1 / c1), vc2 = FloatVector.broadcast(S, 1 / c2);
        FloatVector veps = FloatVector.broadcast(S, eps), vlr = FloatVector.broadcast(S, lr);
        FloatVector vdecay = FloatVector.broadcast(S, decay);
        for (int up = from + S.loopBound(to - from); i < up; i += S.length()) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(vb1).add(gi.mul(va1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(vb2).add(gi.mul(gi).mul(va2));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector upd = mi.mul(vc1).div(vi.mul(vc2).lanewise(VectorOperators.SQRT).add(veps));
            FloatVector.fromArray(S, p, i).mul(vdecay).sub(upd.mul(vlr)).intoArray(p, i);
        }
        // the tail repeats the vector arithmetic exactly, so results do not depend on where ranges split
        float a1 = 1 - b1, a2 = 1 - b2, ic1 = 1 / c1, ic2 = 1 / c2;
        for (; i < to; i++) {
            float gi = g[i];
            float mi = m[i] * b1 + gi * a1;
            float vi = v[i] * b2 + gi * gi * a2;
            m[i] = mi;
            v[i] = vi;
            float upd = mi * ic1 / ((float) Math.sqrt(vi * ic2) + eps);
            p[i] = p[i] * decay - upd * lr;
        }
    }
}
