package bytewise.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The model's elementwise and row-wise kernels, vectorised, each over a range of rows so callers
 * can split work across threads. ReferenceKernels (test sources) holds the plain loops they are tested
 * against. Layouts follow llm.c: activations are (rows, channels) row-major.
 */
public final class Kernels {
    static final VectorSpecies<Float> S = Vec.SPECIES;
    static final int L = S.length();
    public static final float LN_EPS = 1e-5f;
    private static final float GELU_SCALE = (float) Math.sqrt(2.0 / Math.PI);

    private Kernels() {}

    // ---------------------------------------------------------------- LayerNorm
    // Tails use masked vector operations and sums use Vec.sumLanes, so every element follows the
    // same arithmetic wherever ranges split and however warm the JIT is (see Vec).

    public static void layerNormForward(float[] out, int outOff, float[] mean, int meanOff, float[] rstd, int rstdOff,
                                        float[] inp, int inpOff, float[] w, int wOff, float[] b, int bOff,
                                        int r0, int r1, int c) {
        int up = S.loopBound(c);
        VectorMask<Float> tm = Vec.tail(up, c);
        for (int r = r0; r < r1; r++) {
            int x = inpOff + r * c, o = outOff + r * c;
            float m = Vec.sum(inp, x, c) / c;
            FloatVector vm = FloatVector.broadcast(S, m);
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (; i < up; i += L) {
                FloatVector d = FloatVector.fromArray(S, inp, x + i).sub(vm);
                acc = d.fma(d, acc);
            }
            if (i < c) {
                FloatVector d = FloatVector.fromArray(S, inp, x + i, tm).sub(vm).blend(0f, tm.not());
                acc = d.fma(d, acc);
            }
            float var = Vec.sumLanes(acc) / c;
            float s = (float) (1.0 / Math.sqrt(var + LN_EPS));
            FloatVector vs = FloatVector.broadcast(S, s);
            for (i = 0; i < up; i += L) {
                FloatVector n = FloatVector.fromArray(S, inp, x + i).sub(vm).mul(vs);
                n.fma(FloatVector.fromArray(S, w, wOff + i), FloatVector.fromArray(S, b, bOff + i)).intoArray(out, o + i);
            }
            if (i < c) {
                FloatVector n = FloatVector.fromArray(S, inp, x + i, tm).sub(vm).mul(vs);
                n.fma(FloatVector.fromArray(S, w, wOff + i, tm), FloatVector.fromArray(S, b, bOff + i, tm))
                        .intoArray(out, o + i, tm);
            }
            mean[meanOff + r] = m;
            rstd[rstdOff + r] = s;
        }
    }

    /** dinp += ∂loss/∂inp for rows [r0, r1). Weight and bias gradients: {@link #layerNormParamGrads}. */
    public static void layerNormBackwardInput(float[] dinp, int dinpOff, float[] dout, int doutOff,
                                              float[] inp, int inpOff, float[] w, int wOff,
                                              float[] mean, int meanOff, float[] rstd, int rstdOff,
                                              int r0, int r1, int c) {
        // Two small methods per row, not one large one: C1 cannot allocate registers for the whole
        // (598 bytes of vector code, "out of virtual registers"), and when the tiered policy had
        // already installed its tier-2 code it never reached C2, so the backward ran on the Vector
        // API's Java fallback for the whole run: half the training speed in about one run of three.
        float[] sums = new float[2];
        for (int r = r0; r < r1; r++) {
            int x = inpOff + r * c, d = doutOff + r * c;
            float m = mean[meanOff + r], s = rstd[rstdOff + r];
            layerNormGradSums(sums, dout, d, inp, x, w, wOff, m, s, c);
            layerNormGradRow(dinp, dinpOff + r * c, dout, d, inp, x, w, wOff, m, s, sums[0] / c, sums[1] / c, c);
        }
    }

    /** sums[0] = Σ dnorm, sums[1] = Σ dnorm·norm over one row, where dnorm = w·dout. */
    private static void layerNormGradSums(float[] sums, float[] dout, int d, float[] inp, int x, float[] w, int wOff,
                                          float m, float s, int c) {
        int up = S.loopBound(c);
        FloatVector vm = FloatVector.broadcast(S, m), vs = FloatVector.broadcast(S, s);
        FloatVector accMean = FloatVector.zero(S), accNorm = FloatVector.zero(S);
        int i = 0;
        for (; i < up; i += L) {
            FloatVector norm = FloatVector.fromArray(S, inp, x + i).sub(vm).mul(vs);
            FloatVector dnorm = FloatVector.fromArray(S, w, wOff + i).mul(FloatVector.fromArray(S, dout, d + i));
            accMean = dnorm.add(accMean);
            accNorm = dnorm.fma(norm, accNorm);
        }
        if (i < c) {
            VectorMask<Float> tm = Vec.tail(up, c);
            FloatVector norm = FloatVector.fromArray(S, inp, x + i, tm).sub(vm).mul(vs).blend(0f, tm.not());
            FloatVector dnorm = FloatVector.fromArray(S, w, wOff + i, tm).mul(FloatVector.fromArray(S, dout, d + i, tm));
            accMean = dnorm.add(accMean);
            accNorm = dnorm.fma(norm, accNorm);
        }
        sums[0] = Vec.sumLanes(accMean);
        sums[1] = Vec.sumLanes(accNorm);
    }

    /** dinp += (dnorm − mean(dnorm) − norm·mean(dnorm·norm))·rstd over one row. */
    private static void layerNormGradRow(float[] dinp, int di, float[] dout, int d, float[] inp, int x, float[] w, int wOff,
                                         float m, float s, float meanDnorm, float meanDnormNorm, int c) {
        int up = S.loopBound(c);
        FloatVector vm = FloatVector.broadcast(S, m), vs = FloatVector.broadcast(S, s);
        FloatVector vdm = FloatVector.broadcast(S, meanDnorm), vdn = FloatVector.broadcast(S, meanDnormNorm);
        int i = 0;
        for (; i < up; i += L) {
            FloatVector norm = FloatVector.fromArray(S, inp, x + i).sub(vm).mul(vs);
            FloatVector dnorm = FloatVector.fromArray(S, w, wOff + i).mul(FloatVector.fromArray(S, dout, d + i));
            FloatVector g = dnorm.sub(vdm).sub(norm.mul(vdn)).mul(vs);
            FloatVector.fromArray(S, dinp, di + i).add(g).intoArray(dinp, di + i);
        }
        if (i < c) {
            VectorMask<Float> tm = Vec.tail(up, c);
            FloatVector norm = FloatVector.fromArray(S, inp, x + i, tm).sub(vm).mul(vs);
            FloatVector dnorm = FloatVector.fromArray(S, w, wOff + i, tm).mul(FloatVector.fromArray(S, dout, d + i, tm));
            FloatVector g = dnorm.sub(vdm).sub(norm.mul(vdn)).mul(vs);
            FloatVector.fromArray(S, dinp, di + i, tm).add(g).intoArray(dinp, di + i, tm);
        }
    }

    /**
     * dw[j] += Σ_rows norm·dout, db[j] += Σ_rows dout for channels [c0, c1): split by channel so the
     * sum over rows runs in one fixed order whatever the thread count.
     */
    public static void layerNormParamGrads(float[] dw, int dwOff, float[] db, int dbOff, float[] dout, int doutOff,
                                           float[] inp, int inpOff, float[] mean, int meanOff, float[] rstd, int rstdOff,
                                           int rows, int c, int c0, int c1) {
        for (int r = 0; r < rows; r++) {
            int x = inpOff + r * c, d = doutOff + r * c;
            FloatVector vm = FloatVector.broadcast(S, mean[meanOff + r]), vs = FloatVector.broadcast(S, rstd[rstdOff + r]);
            int j = c0;
            for (int up = c0 + S.loopBound(c1 - c0); j < up; j += L) {
                FloatVector g = FloatVector.fromArray(S, dout, d + j);
                FloatVector norm = FloatVector.fromArray(S, inp, x + j).sub(vm).mul(vs);
                norm.fma(g, FloatVector.fromArray(S, dw, dwOff + j)).intoArray(dw, dwOff + j);
                FloatVector.fromArray(S, db, dbOff + j).add(g).intoArray(db, dbOff + j);
            }
            if (j < c1) {
                VectorMask<Float> m = Vec.tail(j - c0, c1 - c0);
                FloatVector g = FloatVector.fromArray(S, dout, d + j, m);
                FloatVector norm = FloatVector.fromArray(S, inp, x + j, m).sub(vm).mul(vs);
                norm.fma(g, FloatVector.fromArray(S, dw, dwOff + j, m)).intoArray(dw, dwOff + j, m);
                FloatVector.fromArray(S, db, dbOff + j, m).add(g).intoArray(db, dbOff + j, m);
            }
        }
    }

    // ---------------------------------------------------------------- GELU (tanh form)

    // Element-wise kernels run unmasked over whole vectors and mask only the tail: a mask built
    // in every iteration is not compiled to vector code (JFR: indexInRange and lanewise on the
    // slow path), and each element's value is the same either way. The tail is a method of its
    // own, so the loop holds the only call of gelu (or geluGrad): C2 gives up inlining a second
    // copy of these long chains ("NodeCountInliningCutoff", -XX:+PrintInlining), and a vector
    // passed to a call that is not inlined is boxed, which made GELU twice as slow.

    public static void geluForward(float[] out, int outOff, float[] inp, int inpOff, int from, int to) {
        int i = from;
        for (int up = from + S.loopBound(to - from); i < up; i += L) {
            gelu(FloatVector.fromArray(S, inp, inpOff + i)).intoArray(out, outOff + i);
        }
        if (i < to) geluForwardTail(out, outOff, inp, inpOff, i, from, to);
    }

    private static void geluForwardTail(float[] out, int outOff, float[] inp, int inpOff, int i, int from, int to) {
        VectorMask<Float> m = Vec.tail(i - from, to - from);
        gelu(FloatVector.fromArray(S, inp, inpOff + i, m)).intoArray(out, outOff + i, m);
    }

    private static FloatVector gelu(FloatVector x) {
        FloatVector u = x.mul(0.044715f).mul(x).mul(x).add(x).mul(GELU_SCALE);
        return x.mul(0.5f).mul(Vec.tanh(u).add(1f));
    }

    /** dinp = gelu'(inp) · dout; {@code dinp} may be {@code dout} (in place). */
    public static void geluBackward(float[] dinp, int dinpOff, float[] inp, int inpOff, float[] dout, int doutOff,
                                    int from, int to) {
        int i = from;
        for (int up = from + S.loopBound(to - from); i < up; i += L) {
            FloatVector g = geluGrad(FloatVector.fromArray(S, inp, inpOff + i));
            g.mul(FloatVector.fromArray(S, dout, doutOff + i)).intoArray(dinp, dinpOff + i);
        }
        if (i < to) geluBackwardTail(dinp, dinpOff, inp, inpOff, dout, doutOff, i, from, to);
    }

    private static void geluBackwardTail(float[] dinp, int dinpOff, float[] inp, int inpOff, float[] dout, int doutOff,
                                         int i, int from, int to) {
        VectorMask<Float> m = Vec.tail(i - from, to - from);
        FloatVector g = geluGrad(FloatVector.fromArray(S, inp, inpOff + i, m));
        g.mul(FloatVector.fromArray(S, dout, doutOff + i, m)).intoArray(dinp, dinpOff + i, m);
    }

    private static FloatVector geluGrad(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector u = x2.mul(0.044715f).mul(x).add(x).mul(GELU_SCALE);
        FloatVector th = Vec.tanh(u);
        FloatVector sech2 = FloatVector.broadcast(S, 1f).sub(th.mul(th));
        FloatVector dudx = x2.mul(3f * 0.044715f).add(1f);
        return th.add(1f).mul(0.5f).add(x.mul(0.5f).mul(sech2).mul(GELU_SCALE).mul(dudx));
    }

    // ---------------------------------------------------------------- softmax + cross-entropy

    /**
     * Turns each row of logits into probabilities in place and returns the sum of −ln p[target]
     * over rows [r0, r1) (targets may be null for inference).
     */
    public static double softmaxCrossEntropy(float[] logits, int off, int[] targets, int tOff, int r0, int r1, int v) {
        double loss = 0;
        for (int r = r0; r < r1; r++) {
            int o = off + r * v;
            float max = Vec.max(logits, o, v);
            float sum = Vec.expShiftInPlace(logits, o, v, max);
            Vec.scaleInPlace(logits, o, v, 1f / sum);
            if (targets != null) loss -= Math.log(Math.max(logits[o + targets[tOff + r]], 1e-30f));
        }
        return loss;
    }

    /** probs → dlogits in place: (p − onehot(target)) · scale. */
    public static void softmaxCrossEntropyBackward(float[] probs, int off, int[] targets, int tOff, int r0, int r1,
                                                   int v, float scale) {
        for (int r = r0; r < r1; r++) {
            int o = off + r * v;
            Vec.scaleInPlace(probs, o, v, scale);
            probs[o + targets[tOff + r]] -= scale;
        }
    }
}
