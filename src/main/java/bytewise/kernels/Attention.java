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
    static final VectorSpecies<Float> S = Vec.SPECIES;
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
        int forward = hs * tp + T * hp + ROWS * (rowRoom(T) + hp);
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
        int rr = rowRoom(T), kt = 0, vs = kt + hs * tp, row = vs + T * hp, orow = row + ROWS * rr;
        for (int p = p0; p < p1; p++) {
            int b = p / nh, h = p % nh;
            int base = qkvOff + b * T * C3 + h * hs;
            transpose(qkv, base + C, C3, T, hs, scratch, kt, tp);
            gatherRows(qkv, base + 2 * C, C3, T, hs, scratch, vs, hp);
            int t = 0;
            // four query rows at a time share every load of the keys and values
            for (; t + ROWS <= T; t += ROWS) {
                scoresFour(qkv, base + t * C3, C3, scratch, kt, tp, hs, Gemm.roundUp(t + ROWS, L), scale, scratch, row, rr);
                for (int i = 0; i < ROWS; i++) {
                    softmaxRow(scratch, row + i * rr, t + i + 1);
                    System.arraycopy(scratch, row + i * rr, att, attOff + (p * T + t + i) * T, t + i + 1);
                }
                weightedFour(scratch, row, rr, t + 1, scratch, vs, hp, scratch, orow, hp);
                for (int i = 0; i < ROWS; i++) {
                    System.arraycopy(scratch, orow + i * hp, out, outOff + (b * T + t + i) * C + h * hs, hs);
                }
            }
            for (; t < T; t++) {
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
            int t = 0;
            for (; t + ROWS <= T; t += ROWS) {
                // ∂att[t2] = dy·v[t2], four rows at a time
                scoresFour(scratch, dys + t * hp, hp, scratch, vt, tp, hs, Gemm.roundUp(t + ROWS, L), 1f, scratch, dpre + t * tp, tp);
                for (int i = 0; i < ROWS; i++) softmaxBackwardRow(att, a0, T, t + i, scratch, prow, dpre + (t + i) * tp, scale, red);
                // ∂q[t] = Σ_t2 ∂s[t2]·k[t2]
                weightedFour(scratch, dpre + t * tp, tp, t + 1, scratch, ks, hp, scratch, dq + t * hp, hp);
            }
            for (; t < T; t++) {
                int n = t + 1, dr = dpre + t * tp;
                scores(scratch, dys + t * hp, scratch, vt, tp, hs, n, 1f, scratch, dr);
                softmaxBackwardRow(att, a0, T, t, scratch, prow, dr, scale, red);
                weightedRows(scratch, dr, n, scratch, ks, hp, scratch, dq + t * hp);
            }
            // ∂k[t2] = Σ_{t ≥ t2} ∂s[t, t2]·q[t],  ∂v[t2] = Σ_{t ≥ t2} p[t, t2]·dy[t]
            causalColumnsTimesRows(scratch, dpre, tp, T, scratch, qs, hp, scratch, dk);
            causalColumnsTimesRows(att, a0, T, T, scratch, dys, hp, scratch, dv);
            int db = dqkvOff + b * T * C3 + h * hs;
            for (int r = 0; r < T; r++) {
                Vec.addInPlace(dqkv, db + r * C3, scratch, dq + r * hp, hs);
                Vec.addInPlace(dqkv, db + r * C3 + C, scratch, dk + r * hp, hs);
                Vec.addInPlace(dqkv, db + r * C3 + 2 * C, scratch, dv + r * hp, hs);
            }
        }
    }

    /**
     * Row t of ∂att (at scratch[dr ..], t + 1 causal entries) through the softmax, in place:
     * ∂s[t2] = p[t2]·(∂att[t2] − Σ p·∂att)·scale, zero past the causal end up to a whole vector.
     */
    private static void softmaxBackwardRow(float[] att, int a0, int T, int t, float[] scratch, int prow, int dr,
                                           float scale, int red) {
        int n = t + 1, nb = Gemm.roundUp(n, L);
        // the row's probabilities, zero past the causal end
        System.arraycopy(att, a0 + t * T, scratch, prow, n);
        java.util.Arrays.fill(scratch, prow + n, prow + nb, 0f);
        softmaxBackward(scratch, prow, scratch, dr, nb, scale, scratch, red);
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
        // The fresh vector is the receiver, the loop-carried one the argument: C2 binds a call on a
        // loop-carried vector only from a type profile, which some compiles lack, and then boxed it
        // and ran the max in plain Java (SteadyStateAllocationTest).
        for (int j = 0; j < full; j += L) vmax = FloatVector.fromArray(S, row, ro + j).max(vmax);
        float max = vmax.reduceLanes(VectorOperators.MAX); // max is exact in any order
        for (int j = full; j < n; j++) max = Math.max(max, row[ro + j]);
        FloatVector shift = FloatVector.broadcast(S, max), acc = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            FloatVector keep = FloatVector.fromArray(S, KEEP, Math.max(0, L - (n - j)));
            FloatVector e = Vec.exp(FloatVector.fromArray(S, row, ro + j).sub(shift)).mul(keep);
            e.intoArray(row, ro + j);
            acc = e.add(acc);
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

    /** Query rows a tile of {@link #scoresFour} and {@link #weightedFour} takes at once. */
    private static final int ROWS = 4;

    /**
     * {@link #scores} for four rows of x at once (row i at xo + i·xs, its scores at oo + i·os), over
     * positions [0, end) in whole vectors: a tile of four rows × two vectors of positions, eight
     * independent fma chains sharing each load of M. Each score sums its d in the same order as
     * {@link #scores}, so the bits are the same.
     */
    private static void scoresFour(float[] x, int xo, int xs, float[] mt, int mo, int ld, int hs, int end, float scale,
                                   float[] out, int oo, int os) {
        int j = 0;
        for (; j + 2 * L <= end; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int d = 0, m = mo + j; d < hs; d++, m += ld) {
                FloatVector m0 = FloatVector.fromArray(S, mt, m), m1 = FloatVector.fromArray(S, mt, m + L);
                FloatVector a = FloatVector.broadcast(S, x[xo + d]);
                c00 = a.fma(m0, c00);
                c01 = a.fma(m1, c01);
                a = FloatVector.broadcast(S, x[xo + xs + d]);
                c10 = a.fma(m0, c10);
                c11 = a.fma(m1, c11);
                a = FloatVector.broadcast(S, x[xo + 2 * xs + d]);
                c20 = a.fma(m0, c20);
                c21 = a.fma(m1, c21);
                a = FloatVector.broadcast(S, x[xo + 3 * xs + d]);
                c30 = a.fma(m0, c30);
                c31 = a.fma(m1, c31);
            }
            int o = oo + j;
            c00.mul(scale).intoArray(out, o);
            c01.mul(scale).intoArray(out, o + L);
            c10.mul(scale).intoArray(out, o + os);
            c11.mul(scale).intoArray(out, o + os + L);
            c20.mul(scale).intoArray(out, o + 2 * os);
            c21.mul(scale).intoArray(out, o + 2 * os + L);
            c30.mul(scale).intoArray(out, o + 3 * os);
            c31.mul(scale).intoArray(out, o + 3 * os + L);
        }
        for (; j < end; j += L) {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
            for (int d = 0, m = mo + j; d < hs; d++, m += ld) {
                FloatVector m0 = FloatVector.fromArray(S, mt, m);
                c0 = FloatVector.broadcast(S, x[xo + d]).fma(m0, c0);
                c1 = FloatVector.broadcast(S, x[xo + xs + d]).fma(m0, c1);
                c2 = FloatVector.broadcast(S, x[xo + 2 * xs + d]).fma(m0, c2);
                c3 = FloatVector.broadcast(S, x[xo + 3 * xs + d]).fma(m0, c3);
            }
            int o = oo + j;
            c0.mul(scale).intoArray(out, o);
            c1.mul(scale).intoArray(out, o + os);
            c2.mul(scale).intoArray(out, o + 2 * os);
            c3.mul(scale).intoArray(out, o + 3 * os);
        }
    }

    /**
     * {@link #weightedRows} for four rows of w at once (row i at wo + i·ws, summing its first n + i
     * entries, output at oo + i·os): four rows × two vectors of columns. Row i reads nothing past
     * its own n + i entries, and each output sums its t in the same order as {@link #weightedRows}.
     */
    private static void weightedFour(float[] w, int wo, int ws, int n, float[] rows, int ro, int ld,
                                     float[] out, int oo, int os) {
        int w1 = wo + ws, w2 = wo + 2 * ws, w3 = wo + 3 * ws;
        int c = 0;
        for (; c + 2 * L <= ld; c += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            int r = ro + c;
            for (int t = 0; t < n; t++, r += ld) {
                FloatVector r0 = FloatVector.fromArray(S, rows, r), r1 = FloatVector.fromArray(S, rows, r + L);
                FloatVector a = FloatVector.broadcast(S, w[wo + t]);
                c00 = a.fma(r0, c00);
                c01 = a.fma(r1, c01);
                a = FloatVector.broadcast(S, w[w1 + t]);
                c10 = a.fma(r0, c10);
                c11 = a.fma(r1, c11);
                a = FloatVector.broadcast(S, w[w2 + t]);
                c20 = a.fma(r0, c20);
                c21 = a.fma(r1, c21);
                a = FloatVector.broadcast(S, w[w3 + t]);
                c30 = a.fma(r0, c30);
                c31 = a.fma(r1, c31);
            }
            // the causal edge: rows 1, 2 and 3 go one, two and three positions further
            FloatVector r0 = FloatVector.fromArray(S, rows, r), r1 = FloatVector.fromArray(S, rows, r + L);
            FloatVector a = FloatVector.broadcast(S, w[w1 + n]);
            c10 = a.fma(r0, c10);
            c11 = a.fma(r1, c11);
            a = FloatVector.broadcast(S, w[w2 + n]);
            c20 = a.fma(r0, c20);
            c21 = a.fma(r1, c21);
            a = FloatVector.broadcast(S, w[w3 + n]);
            c30 = a.fma(r0, c30);
            c31 = a.fma(r1, c31);
            r += ld;
            r0 = FloatVector.fromArray(S, rows, r);
            r1 = FloatVector.fromArray(S, rows, r + L);
            a = FloatVector.broadcast(S, w[w2 + n + 1]);
            c20 = a.fma(r0, c20);
            c21 = a.fma(r1, c21);
            a = FloatVector.broadcast(S, w[w3 + n + 1]);
            c30 = a.fma(r0, c30);
            c31 = a.fma(r1, c31);
            r += ld;
            r0 = FloatVector.fromArray(S, rows, r);
            r1 = FloatVector.fromArray(S, rows, r + L);
            a = FloatVector.broadcast(S, w[w3 + n + 2]);
            c30 = a.fma(r0, c30);
            c31 = a.fma(r1, c31);
            int o = oo + c;
            c00.intoArray(out, o);
            c01.intoArray(out, o + L);
            c10.intoArray(out, o + os);
            c11.intoArray(out, o + os + L);
            c20.intoArray(out, o + 2 * os);
            c21.intoArray(out, o + 2 * os + L);
            c30.intoArray(out, o + 3 * os);
            c31.intoArray(out, o + 3 * os + L);
        }
        for (; c < ld; c += L) {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
            int r = ro + c;
            for (int t = 0; t < n; t++, r += ld) {
                FloatVector r0 = FloatVector.fromArray(S, rows, r);
                c0 = FloatVector.broadcast(S, w[wo + t]).fma(r0, c0);
                c1 = FloatVector.broadcast(S, w[w1 + t]).fma(r0, c1);
                c2 = FloatVector.broadcast(S, w[w2 + t]).fma(r0, c2);
                c3 = FloatVector.broadcast(S, w[w3 + t]).fma(r0, c3);
            }
            FloatVector r0 = FloatVector.fromArray(S, rows, r);
            c1 = FloatVector.broadcast(S, w[w1 + n]).fma(r0, c1);
            c2 = FloatVector.broadcast(S, w[w2 + n]).fma(r0, c2);
            c3 = FloatVector.broadcast(S, w[w3 + n]).fma(r0, c3);
            r0 = FloatVector.fromArray(S, rows, r + ld);
            c2 = FloatVector.broadcast(S, w[w2 + n + 1]).fma(r0, c2);
            c3 = FloatVector.broadcast(S, w[w3 + n + 1]).fma(r0, c3);
            c3 = FloatVector.broadcast(S, w[w3 + n + 2]).fma(FloatVector.fromArray(S, rows, r + 2 * ld), c3);
            int o = oo + c;
            c0.intoArray(out, o);
            c1.intoArray(out, o + os);
            c2.intoArray(out, o + 2 * os);
            c3.intoArray(out, o + 3 * os);
        }
    }

    /**
     * out[oo + t2·ld + c] = Σ_{t in [t2, T)} w[wo + t·ws + t2] · rows[ro + t·ld + c] for every t2 < T and
     * c < ld: wᵀ·rows with w lower triangular, reading only w's causal part (t2 ≤ t).
     *
     * <p>Four columns of w by two vectors of c at a time: eight independent chains of fmas that share
     * each row's loads (one column alone was a single chain, bound by the fma's latency, that reread
     * w down a column for every vector of c). Each output still sums its t in increasing order from
     * t2, so the bits do not depend on the tiling.
     */
    private static void causalColumnsTimesRows(float[] w, int wo, int ws, int T, float[] rows, int ro, int ld,
                                               float[] out, int oo) {
        int t2 = 0;
        for (; t2 + 4 <= T; t2 += 4) {
            int c = 0;
            for (; c + 2 * L <= ld; c += 2 * L) fourColumnsTwoVectors(w, wo, ws, t2, T, rows, ro + c, ld, out, oo + c);
            for (; c < ld; c += L) fourColumnsOneVector(w, wo, ws, t2, T, rows, ro + c, ld, out, oo + c);
        }
        for (; t2 < T; t2++) {
            for (int c = 0; c < ld; c += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int t = t2, r = ro + t2 * ld + c; t < T; t++, r += ld) {
                    acc = FloatVector.broadcast(S, w[wo + t * ws + t2]).fma(FloatVector.fromArray(S, rows, r), acc);
                }
                acc.intoArray(out, oo + t2 * ld + c);
            }
        }
    }

    /** w's entry (t, t2 + j) where it is causal, else 0: an exact zero added to a sum that has not started. */
    private static float causal(float[] w, int wo, int ws, int t, int t2, int j) {
        return t >= t2 + j ? w[wo + t * ws + t2 + j] : 0f;
    }

    private static void fourColumnsTwoVectors(float[] w, int wo, int ws, int t2, int T, float[] rows, int ro, int ld,
                                              float[] out, int oo) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        // the triangle's edge: row t2 + i reaches columns t2 .. t2 + i only
        for (int t = t2; t < t2 + 3; t++) {
            int r = ro + t * ld;
            FloatVector r0 = FloatVector.fromArray(S, rows, r), r1 = FloatVector.fromArray(S, rows, r + L);
            FloatVector a = FloatVector.broadcast(S, causal(w, wo, ws, t, t2, 0));
            c00 = a.fma(r0, c00);
            c01 = a.fma(r1, c01);
            a = FloatVector.broadcast(S, causal(w, wo, ws, t, t2, 1));
            c10 = a.fma(r0, c10);
            c11 = a.fma(r1, c11);
            a = FloatVector.broadcast(S, causal(w, wo, ws, t, t2, 2));
            c20 = a.fma(r0, c20);
            c21 = a.fma(r1, c21);
        }
        for (int t = t2 + 3, r = ro + t * ld, wr = wo + t * ws + t2; t < T; t++, r += ld, wr += ws) {
            FloatVector r0 = FloatVector.fromArray(S, rows, r), r1 = FloatVector.fromArray(S, rows, r + L);
            FloatVector a = FloatVector.broadcast(S, w[wr]);
            c00 = a.fma(r0, c00);
            c01 = a.fma(r1, c01);
            a = FloatVector.broadcast(S, w[wr + 1]);
            c10 = a.fma(r0, c10);
            c11 = a.fma(r1, c11);
            a = FloatVector.broadcast(S, w[wr + 2]);
            c20 = a.fma(r0, c20);
            c21 = a.fma(r1, c21);
            a = FloatVector.broadcast(S, w[wr + 3]);
            c30 = a.fma(r0, c30);
            c31 = a.fma(r1, c31);
        }
        int o = oo + t2 * ld;
        c00.intoArray(out, o);
        c01.intoArray(out, o + L);
        c10.intoArray(out, o + ld);
        c11.intoArray(out, o + ld + L);
        c20.intoArray(out, o + 2 * ld);
        c21.intoArray(out, o + 2 * ld + L);
        c30.intoArray(out, o + 3 * ld);
        c31.intoArray(out, o + 3 * ld + L);
    }

    private static void fourColumnsOneVector(float[] w, int wo, int ws, int t2, int T, float[] rows, int ro, int ld,
                                             float[] out, int oo) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        for (int t = t2; t < t2 + 3; t++) {
            FloatVector r0 = FloatVector.fromArray(S, rows, ro + t * ld);
            c0 = FloatVector.broadcast(S, causal(w, wo, ws, t, t2, 0)).fma(r0, c0);
            c1 = FloatVector.broadcast(S, causal(w, wo, ws, t, t2, 1)).fma(r0, c1);
            c2 = FloatVector.broadcast(S, causal(w, wo, ws, t, t2, 2)).fma(r0, c2);
        }
        for (int t = t2 + 3, r = ro + t * ld, wr = wo + t * ws + t2; t < T; t++, r += ld, wr += ws) {
            FloatVector r0 = FloatVector.fromArray(S, rows, r);
            c0 = FloatVector.broadcast(S, w[wr]).fma(r0, c0);
            c1 = FloatVector.broadcast(S, w[wr + 1]).fma(r0, c1);
            c2 = FloatVector.broadcast(S, w[wr + 2]).fma(r0, c2);
            c3 = FloatVector.broadcast(S, w[wr + 3]).fma(r0, c3);
        }
        int o = oo + t2 * ld;
        c0.intoArray(out, o);
        c1.intoArray(out, o + ld);
        c2.intoArray(out, o + 2 * ld);
        c3.intoArray(out, o + 3 * ld);
    }
}
