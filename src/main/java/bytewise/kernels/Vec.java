package bytewise.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Small vectorised helpers over float arrays with offsets (each has a scalar tail). */
public final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Vec() {}

    /** dst[i] += src[i] */
    public static void addInPlace(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    /** y[i] += alpha * x[i] */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int up = S.loopBound(n); i < up; i += L) {
            va.fma(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int up = S.loopBound(n); i < up; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    public static float sum(float[] a, int ao, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int up = S.loopBound(n); i < up; i += L) acc = acc.add(FloatVector.fromArray(S, a, ao + i));
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[ao + i];
        return sum;
    }

    public static float max(float[] a, int ao, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int up = S.loopBound(n); i < up; i += L) acc = acc.max(FloatVector.fromArray(S, a, ao + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, a[ao + i]);
        return m;
    }

    /** a[i] = exp(a[i] - shift), returns the sum of the new values. */
    public static float expShiftInPlace(float[] a, int ao, int n, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        FloatVector vs = FloatVector.broadcast(S, shift);
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector e = FloatVector.fromArray(S, a, ao + i).sub(vs).lanewise(VectorOperators.EXP);
            e.intoArray(a, ao + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(a[ao + i] - shift);
            a[ao + i] = e;
            sum += e;
        }
        return sum;
    }

    public static void scaleInPlace(float[] a, int ao, int n, float s) {
        int i = 0;
        FloatVector vs = FloatVector.broadcast(S, s);
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).mul(vs).intoArray(a, ao + i);
        for (; i < n; i++) a[ao + i] *= s;
    }

    /**
     * out[o] (+)= bias[o] + w[o, :]·x for o in [0, rows), four rows at a time so each load of x
     * feeds four independent fma chains (a single dot product is latency-bound).
     */
    public static void matvec(float[] out, int outOff, float[] w, int wOff, float[] bias, int biasOff,
                              float[] x, int xOff, int cols, int rows, boolean accumulate) {
        int o = 0;
        int up = S.loopBound(cols);
        for (; o + 4 <= rows; o += 4) {
            int w0 = wOff + o * cols, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            int i = 0;
            for (; i < up; i += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
                a0 = FloatVector.fromArray(S, w, w0 + i).fma(xv, a0);
                a1 = FloatVector.fromArray(S, w, w1 + i).fma(xv, a1);
                a2 = FloatVector.fromArray(S, w, w2 + i).fma(xv, a2);
                a3 = FloatVector.fromArray(S, w, w3 + i).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < cols; i++) {
                float xi = x[xOff + i];
                s0 += w[w0 + i] * xi;
                s1 += w[w1 + i] * xi;
                s2 += w[w2 + i] * xi;
                s3 += w[w3 + i] * xi;
            }
            store(out, outOff + o, s0, bias, biasOff, o, accumulate);
            store(out, outOff + o + 1, s1, bias, biasOff, o + 1, accumulate);
            store(out, outOff + o + 2, s2, bias, biasOff, o + 2, accumulate);
            store(out, outOff + o + 3, s3, bias, biasOff, o + 3, accumulate);
        }
        for (; o < rows; o++) store(out, outOff + o, dot(w, wOff + o * cols, x, xOff, cols), bias, biasOff, o, accumulate);
    }

    private static void store(float[] out, int at, float v, float[] bias, int biasOff, int o, boolean accumulate) {
        if (bias != null) v += bias[biasOff + o];
        out[at] = accumulate ? out[at] + v : v;
    }
}
