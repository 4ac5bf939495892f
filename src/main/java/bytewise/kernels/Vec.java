package bytewise.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small vectorised helpers over float arrays with offsets.
 *
 * <p>Reproducibility rules: tails are processed with masked vector operations (never a scalar loop
 * that rounds differently), lane sums use a fixed butterfly order ({@link #sumLanes}) and exp/tanh
 * are built here from IEEE-exact operations ({@link #exp}). The JDK's own {@code reduceLanes(ADD)},
 * {@code EXP} and {@code TANH} give different bits interpreted and JIT-compiled, which would make
 * results depend on how warm the JIT is.
 */
public final class Vec {
    /**
     * The engine's one float species, read by every kernel: the CPU's preferred, or the width
     * {@code -Dbytewise.vector.bits=128|256|512} names. A width wider than the CPU's runs in the
     * Vector API's Java code, many times slower but with the same arithmetic, so the tests can check
     * the 16-float layout (AVX-512's) on an AVX2 machine.
     */
    public static final VectorSpecies<Float> SPECIES = species(System.getProperty("bytewise.vector.bits"));
    static final VectorSpecies<Float> S = SPECIES;
    static final int L = S.length();
    private static final VectorShuffle<Float>[] BUTTERFLY = butterfly();

    private Vec() {}

    private static VectorSpecies<Float> species(String bits) {
        if (bits == null || bits.isBlank()) return FloatVector.SPECIES_PREFERRED;
        return switch (bits.strip()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("bytewise.vector.bits must be 128, 256 or 512, not " + bits);
        };
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] butterfly() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] s = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) {
            int d = L >> (k + 1);
            s[k] = VectorShuffle.fromOp(S, i -> i ^ d);
        }
        return s;
    }

    /**
     * Sum of the lanes in a fixed pairwise order, identical interpreted and compiled. A loop, not
     * written out: C2 inlines it into kernels that sum several accumulators within its node
     * budget. A vector passed to a call C2 did not inline is boxed on the heap, though; see
     * {@link #sumStoredLanes} for kernels that spend their budget on exp.
     */
    public static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> s : BUTTERFLY) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    /**
     * {@link #sumLanes} of the L floats stored at buf[at..]: the same pairwise order, so the same
     * bits. For kernels where C2 may decline to inline sumLanes (its node budget spent on exp):
     * the caller stores its accumulator with {@code intoArray}, and no vector is passed to a call.
     * Overwrites the L floats.
     */
    public static float sumStoredLanes(float[] buf, int at) {
        for (int d = L / 2; d >= 1; d /= 2) {
            for (int i = 0; i < d; i++) buf[at + i] += buf[at + i + d];
        }
        return buf[at];
    }

    static VectorMask<Float> tail(int i, int n) {
        return S.indexInRange(i, n);
    }

    /** dst[i] += src[i] */
    public static void addInPlace(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            FloatVector.fromArray(S, dst, d + i, m).add(FloatVector.fromArray(S, src, s + i, m)).intoArray(dst, d + i, m);
        }
    }

    /** y[i] += alpha * x[i] */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int up = S.loopBound(n); i < up; i += L) {
            va.fma(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            va.fma(FloatVector.fromArray(S, x, xo + i, m), FloatVector.fromArray(S, y, yo + i, m)).intoArray(y, yo + i, m);
        }
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int up = S.loopBound(n); i < up; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            acc = FloatVector.fromArray(S, a, ao + i, m).fma(FloatVector.fromArray(S, b, bo + i, m), acc);
        }
        return sumLanes(acc);
    }

    /** Σ a[ao, ao + n). Loops call on the fresh vector, not the loop-carried sum (see Attention.softmaxRow). */
    public static float sum(float[] a, int ao, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int up = S.loopBound(n); i < up; i += L) acc = FloatVector.fromArray(S, a, ao + i).add(acc);
        if (i < n) acc = FloatVector.fromArray(S, a, ao + i, tail(i, n)).add(acc);
        return sumLanes(acc);
    }

    public static float max(float[] a, int ao, int n) {
        int i = 0;
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int up = S.loopBound(n); i < up; i += L) acc = FloatVector.fromArray(S, a, ao + i).max(acc);
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            acc = FloatVector.fromArray(S, a, ao + i, m).blend(Float.NEGATIVE_INFINITY, m.not()).max(acc);
        }
        return acc.reduceLanes(VectorOperators.MAX); // max is exact in any order
    }

    /** a[i] = exp(a[i] - shift), returns the sum of the new values. */
    public static float expShiftInPlace(float[] a, int ao, int n, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        FloatVector vs = FloatVector.broadcast(S, shift);
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector e = exp(FloatVector.fromArray(S, a, ao + i).sub(vs));
            e.intoArray(a, ao + i);
            acc = e.add(acc);
        }
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            FloatVector e = exp(FloatVector.fromArray(S, a, ao + i, m).sub(vs)).blend(0f, m.not());
            e.intoArray(a, ao + i, m);
            acc = e.add(acc);
        }
        return sumLanes(acc);
    }

    public static void scaleInPlace(float[] a, int ao, int n, float s) {
        int i = 0;
        FloatVector vs = FloatVector.broadcast(S, s);
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).mul(vs).intoArray(a, ao + i);
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            FloatVector.fromArray(S, a, ao + i, m).mul(vs).intoArray(a, ao + i, m);
        }
    }

    // ---------------------------------------------------------------- exp and tanh from exact operations

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5·2^23: x + ROUND - ROUND rounds x to an integer
    private static final float EXP_LO = -87.0f, EXP_HI = 88.0f;

    /** e^x (Cephes expf polynomial, about 1 ulp), clamped to [e^-87, e^88]. */
    public static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI);
        FloatVector n = x.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector y = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        y = y.mul(r).add(8.3334519073E-3f);
        y = y.mul(r).add(4.1665795894E-2f);
        y = y.mul(r).add(1.6666665459E-1f);
        y = y.mul(r).add(5.0000001201E-1f);
        y = y.mul(r.mul(r)).add(r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(bits.reinterpretAsFloats());
    }

    /** tanh(x) = 1 − 2/(e^{2x} + 1), from {@link #exp}. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.add(x));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }

    /** Scalar e^x with exactly the vector arithmetic (lane 0 of {@link #exp}). */
    public static float exp(float x) {
        return exp(FloatVector.broadcast(S, x)).lane(0);
    }
}
