package bytewise.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal multi-head self-attention, one (batch, head) pair at a time, as small dense products.
 *
 * <p>Each pair's keys, values and queries are first copied into a per-worker scratch: keys (and,
 * backward, values) transposed to (head size × T), so that a row of scores is a broadcast-and-fma
 * over whole vectors of key positions; the rest as (T × head size) rows padded to whole vectors.
 * Every sum over positions then runs in registers across the positions (no dot product per pair
 * of positions, no reduction per score, no read-modify-write of the output per position), and every
 * load and store on the scratch is a full, unmasked vector. A causal row's last partial block of
 * positions is zeroed by multiplying with {@link #KEEP} instead of masks.
 *
 * <p>Results depend only on the pair, never on which worker ran it or how pairs were split.
 * ReferenceKernels.attentionForward and attentionBackward (test sources) are the plain loops these
 * are tested against.
 */
public final class Attention {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** L ones then L zeros: the L floats from {@code L - k} are k ones, then zeros. */
    private static final float[] KEEP = new float[2 * L];

    static {
        java.util.Arrays.fill(KEEP, 0, L, 1f);
    }

    private Attention() {}

    /** Floats of scratch one worker needs for {@link #forward} and {@link #backward} at this shape. */
    public static int scratchSize(int T, int C, int nh) {
        int hs = C / nh, tp = Gemm.roundUp(T, L), hp = Gemm.roundUp(hs, L);
        int forward = hs * tp + T * hp + rowRoom(T) + hp;
        int backward = hs * tp + 6 * T * hp + T * tp + tp + L;
        return Math.max(forward, backward);
    }

    /**
     * For each (batch, head) pair in [p0, p1): att = softmax(q·kᵀ/√hs) with a causal mask and
     * out = att·v. {@code qkv} is (B, T, 3C) with q, k, v side by side; {@code att} is
     * (B, NH, T, T), of which only t2 ≤ t is written. {@code scratch} holds {@link #scratchSize}.
     */
    public static void forward(float[] out, int outOff, float[] att, int attOff, float[] qkv, int qkvOff,
                               int T, int C, int nh, int p0, int p1, float[] scratch) {
        int hs = C / nh, C3 = 3 * C, tp = Gemm.roundUp(T, L), hp = Gemm.roundUp(hs, L);
        float scale = (float) (1.0 / Math.sqrt(hs));
        int kt = 0, vs = kt + hs * tp, row = vs + T * hp, orow = row + rowRoom(T);
        for (int p = p0; p < p1; p++) {
            int b = p / nh, h = p % nh;
            int base = qkvOff + b * T * C3 + h * hs;
            transpose(qkv, base + C, C3, T, hs, scratch, kt, tp);
            gatherRows(qkv, base + 2 * C, C3, T, hs, scratch, vs, hp);
            for (int t = 0; t < T; t++) {
                int n = t + 1;
                scores(qkv, base + t * C3, scratch, kt, tp, hs, n, scale, scratch, row);
                softmaxRow(scratch, row, n);
                System.arraycopy(scratch, row, att, attOff + (p * T + t) * T, n);
                weightedRows(scratch, row, n, scratch, vs, hp, scratch, orow);
                System.arraycopy(scratch, orow, out, outOff + (b * T + t) * C + h * hs, hs);
            }
        }
    }

    /**
     * Backward of {@link #forward} for pairs [p0, p1); accumulates into dqkv. {@code scratch} holds
     * {@link #scratchSize}.
     */
    public static void backward(float[] dqkv, int dqkvOff, float[] dout, int doutOff, float[] att, int attOff,
                                float[] qkv, int qkvOff, int T, int C, int nh, int p0, int p1, float[] scratch) {
        int hs = C / nh, C3 = 3 * C, tp = Gemm.roundUp(T, L), hp = Gemm.roundUp(hs, L);
        float scale = (float) (1.0 / Math.sqrt(hs));
        int vt = 0, qs = vt + hs * tp, ks = qs + T * hp, dys = ks + T * hp;
        int dq = dys + T * hp, dk = dq + T * hp, dv = dk + T * hp, dpre = dv + T * hp, prow = dpre + T * tp;
        int red = prow + tp;
        for (int p = p0; p < p1; p++) {
            int b = p / nh, h = p % nh;
            int base = qkvOff + b * T * C3 + h * hs;
            int a0 = attOff + p * T * T;
            transpose(qkv, base + 2 * C, C3, T, hs, scratch, vt, tp);
            gatherRows(qkv, base, C3, T, hs, scratch, qs, hp);
            gatherRows(qkv, base + C, C3, T, hs, scratch, ks, hp);
            gatherRows(dout, doutOff + b * T * C + h * hs, C, T, hs, scratch, dys, hp);
            for (int t = 0; t < T; t++) {
                int n = t + 1, nb = Gemm.roundUp(n, L);
                // the row's probabilities, zero past the causal end
                System.arraycopy(att, a0 + t * T, scratch, prow, n);
                java.util.Arrays.fill(scratch, prow + n, prow + nb, 0f);
                // ∂att[t2] = dy·v[t2]; then through the softmax: ∂s[t2] = p[t2]·(∂att[t2] − Σ p·∂att)·scale
                int dr = dpre + t * tp;
                scores(scratch, dys + t * hp, scratch, vt, tp, hs, n, 1f, scratch, dr);
                softmaxBackward(scratch, prow, scratch, dr, nb, scale, scratch, red);
                // ∂q[t] = Σ_t2 ∂s[t2]·k[t2]
                weightedRows(scratch, dr, n, scratch, ks, hp, scratch, dq + t * hp);
            }
            // ∂k[t2] = Σ_{t ≥ t2} ∂s[t, t2]·q[t],  ∂v[t2] = Σ_{t ≥ t2} p[t, t2]·dy[t]
            for (int t2 = 0; t2 < T; t2++) {
                columnRows(scratch, dpre + t2, tp, t2, T, scratch, qs, hp, scratch, dk + t2 * hp);
                columnRows(att, a0 + t2, T, t2, T, scratch, dys, hp, scratch, dv + t2 * hp);
            }
            int db = dqkvOff + b * T * C3 + h * hs;
            for (int t = 0; t < T; t++) {
                Vec.addInPlace(dqkv, db + t * C3, scratch, dq + t * hp, hs);
                Vec.addInPlace(dqkv, db + t * C3 + C, scratch, dk + t * hp, hs);
                Vec.addInPlace(dqkv, db + t * C3 + 2 * C, scratch, dv + t * hp, hs);
            }
        }
    }

    /** n rounded up to whole vectors: the padded stride of cached keys (positions) and values (head size). */
    public static int padded(int n) {
        return Gemm.roundUp(n, L);
    }

    /** Floats of scratch {@link #attendCached} needs at context length T and head size hs. */
    public static int cachedScratchSize(int T, int hs) {
        return rowRoom(T) + padded(hs);
    }

    /**
     * One query against a cache (the decoder's step): out[oo, oo + hs) = softmax(q·kᵀ/√hs)·v over the
     * first n cached positions. Keys are stored transposed, k[d][t] at kOff + d·padded(T) + t, and
     * values as rows, v[t][d] at vOff + t·padded(hs) + d, with zero padding; so this is the same
     * arithmetic, in the same order, as {@link #forward} computes for that query's row.
     */
    public static void attendCached(float[] q, int qo, float[] keysT, int kOff, float[] valueRows, int vOff,
                                    int n, int T, int hs, float[] scratch, float[] out, int oo) {
        int tp = padded(T), hp = padded(hs), row = 0, orow = rowRoom(T);
        float scale = (float) (1.0 / Math.sqrt(hs));
        scores(q, qo, keysT, kOff, tp, hs, n, scale, scratch, row);
        softmaxRow(scratch, row, n);
        weightedRows(scratch, row, n, valueRows, vOff, hp, scratch, orow);
        System.arraycopy(scratch, orow, out, oo, hs);
    }

    // ---------------------------------------------------------------- pieces

    /** dst[d·ld + t] = src[off + t·stride + d] for d < hs, t < T; columns [T, ld) are zeroed. */
    private static void transpose(float[] src, int off, int stride, int T, int hs, float[] dst, int at, int ld) {
        for (int d = 0; d < hs; d++) {
            int o = at + d * ld;
            for (int t = 0, s = off + d; t < T; t++, s += stride) dst[o + t] = src[s];
            java.util.Arrays.fill(dst, o + T, o + ld, 0f);
        }
    }

    /** dst[t·ld + d] = src[off + t·stride + d] for d < hs, t < T; each row zero-padded to ld. */
    private static void gatherRows(float[] src, int off, int stride, int T, int hs, float[] dst, int at, int ld) {
        for (int t = 0; t < T; t++) {
            System.arraycopy(src, off + t * stride, dst, at + t * ld, hs);
            java.util.Arrays.fill(dst, at + t * ld + hs, at + (t + 1) * ld, 0f);
        }
    }

    /**
     * out[j] = scale · Σ_d x[xo + d] · mt[mo + d·ld + j] for j in whole vectors up to n: one row of
     * x·M with M given transposed. Lanes past n hold products with padding or later positions.
     */
    private static void scores(float[] x, int xo, float[] mt, int mo, int ld, int hs, int n, float scale,
                               float[] out, int oo) {
        int j = 0, end = Gemm.roundUp(n, L);
        // four vectors of positions at once: each sum over d is a chain of dependent fmas
        for (; j + 4 * L <= end; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            for (int d = 0, m = mo + j; d < hs; d++, m += ld) {
                FloatVector xd = FloatVector.broadcast(S, x[xo + d]);
                a0 = xd.fma(FloatVector.fromArray(S, mt, m), a0);
                a1 = xd.fma(FloatVector.fromArray(S, mt, m + L), a1);
                a2 = xd.fma(FloatVector.fromArray(S, mt, m + 2 * L), a2);
                a3 = xd.fma(FloatVector.fromArray(S, mt, m + 3 * L), a3);
            }
            a0.mul(scale).intoArray(out, oo + j);
            a1.mul(scale).intoArray(out, oo + j + L);
            a2.mul(scale).intoArray(out, oo + j + 2 * L);
            a3.mul(scale).intoArray(out, oo + j + 3 * L);
        }
        for (; j < n; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int d = 0, m = mo + j; d < hs; d++, m += ld) {
                acc = FloatVector.broadcast(S, x[xo + d]).fma(FloatVector.fromArray(S, mt, m), acc);
            }
            acc.mul(scale).intoArray(out, oo + j);
        }
    }

    /** Floats {@link #softmaxRow} uses from its row's start: the row in whole vectors, then L for its lane sum. */
    public static int rowRoom(int n) {
        return Gemm.roundUp(n, L) + L;
    }

    /**
     * row[ro, ro + n) → its softmax, in place. The rest of the row's last vector becomes 0 and the
     * L floats after it hold the lane sum ({@link Vec#sumStoredLanes}): the row needs
     * {@link #rowRoom}(n) floats.
     */
    public static void softmaxRow(float[] row, int ro, int n) {
        int end = ro + Gemm.roundUp(n, L);
        // zeros past n (stale floats, even NaN, must not reach the sum: 0 · NaN is NaN)
        java.util.Arrays.fill(row, ro + n, end, 0f);
        int full = n / L * L;
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < full; j += L) vmax = vmax.max(FloatVector.fromArray(S, row, ro + j));
        float max = vmax.reduceLanes(VectorOperators.MAX); // max is exact in any order
        for (int j = full; j < n; j++) max = Math.max(max, row[ro + j]);
        FloatVector shift = FloatVector.broadcast(S, max), acc = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            FloatVector keep = FloatVector.fromArray(S, KEEP, Math.max(0, L - (n - j)));
            FloatVector e = Vec.exp(FloatVector.fromArray(S, row, ro + j).sub(shift)).mul(keep);
            e.intoArray(row, ro + j);
            acc = acc.add(e);
        }
        acc.intoArray(row, end);
        FloatVector inv = FloatVector.broadcast(S, 1f / Vec.sumStoredLanes(row, end));
        for (int j = 0; j < n; j += L) FloatVector.fromArray(S, row, ro + j).mul(inv).intoArray(row, ro + j);
    }

    /** g[j] ← p[j]·(g[j] − Σ p·g)·scale over nb floats (p is zero past the causal end). */
    private static void softmaxBackward(float[] p, int po, float[] g, int go, int nb, float scale, float[] red, int at) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < nb; j += L) {
            acc = FloatVector.fromArray(S, p, po + j).fma(FloatVector.fromArray(S, g, go + j), acc);
        }
        acc.intoArray(red, at);
        FloatVector dot = FloatVector.broadcast(S, Vec.sumStoredLanes(red, at));
        for (int j = 0; j < nb; j += L) {
            FloatVector pj = FloatVector.fromArray(S, p, po + j);
            pj.mul(FloatVector.fromArray(S, g, go + j).sub(dot)).mul(scale).intoArray(g, go + j);
        }
    }

    /** out[c] = Σ_{t < n} w[wo + t] · rows[ro + t·ld + c] for c in [0, ld), summed in registers. */
    private static void weightedRows(float[] w, int wo, int n, float[] rows, int ro, int ld, float[] out, int oo) {
        int c = 0;
        // four vectors of columns at once: each sum over t is a chain of dependent fmas
        for (; c + 4 * L <= ld; c += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            for (int t = 0, r = ro + c; t < n; t++, r += ld) {
                FloatVector wt = FloatVector.broadcast(S, w[wo + t]);
                a0 = wt.fma(FloatVector.fromArray(S, rows, r), a0);
                a1 = wt.fma(FloatVector.fromArray(S, rows, r + L), a1);
                a2 = wt.fma(FloatVector.fromArray(S, rows, r + 2 * L), a2);
                a3 = wt.fma(FloatVector.fromArray(S, rows, r + 3 * L), a3);
            }
            a0.intoArray(out, oo + c);
            a1.intoArray(out, oo + c + L);
            a2.intoArray(out, oo + c + 2 * L);
            a3.intoArray(out, oo + c + 3 * L);
        }
        for (; c < ld; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0, r = ro + c; t < n; t++, r += ld) {
                acc = FloatVector.broadcast(S, w[wo + t]).fma(FloatVector.fromArray(S, rows, r), acc);
            }
            acc.intoArray(out, oo + c);
        }
    }

    /** out[c] = Σ_{t in [t0, T)} w[wo + t·ws] · rows[ro + t·ld + c]: a column of w against rows. */
    private static void columnRows(float[] w, int wo, int ws, int t0, int T, float[] rows, int ro, int ld,
                                   float[] out, int oo) {
        for (int c = 0; c < ld; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = t0, r = ro + t0 * ld + c; t < T; t++, r += ld) {
                acc = FloatVector.broadcast(S, w[wo + t * ws]).fma(FloatVector.fromArray(S, rows, r), acc);
            }
            acc.intoArray(out, oo + c);
        }
    }
}
