package bytewise.kernels;

import jdk.incubator.vector.VectorSpecies;

/**
 * The linear layers' products, split across a {@link WorkerPool} by output rows in multiples of
 * the GEMM tile (chunks of whole tiles, claimed dynamically). Every output element is summed in the same order whatever the thread count, so
 * results are bit-identical across thread counts.
 */
public final class MatMul {
    private static final VectorSpecies<Float> S = Vec.SPECIES;

    /**
     * Packed B above this many floats (8 MB; `medium`'s MLP-projection weight gradient, 2,048 rows
     * by 1,536 inputs, is 12.6 MB) does not stay cached from one A block to the next, so such
     * products go a KC slice at a time (BENCHMARKS.md, "A slice at a time").
     */
    static final long SLICE_OUTER_FLOATS = Long.getLong("bytewise.gemm.sliceOuterFloats", 2L << 20);

    private final WorkerPool pool;
    private final long sliceOuterFloats;
    private final Gemm.Workspace[] workspaces;
    private float[][] packedB = new float[0][]; // B of the current product, packed once for all workers

    public MatMul(WorkerPool pool) {
        this(pool, SLICE_OUTER_FLOATS);
    }

    /** With packed B above {@code sliceOuterFloats}, products go one KC slice of k at a time. */
    MatMul(WorkerPool pool, long sliceOuterFloats) {
        this.pool = pool;
        this.sliceOuterFloats = sliceOuterFloats;
        this.workspaces = new Gemm.Workspace[pool.size()];
        for (int i = 0; i < workspaces.length; i++) workspaces[i] = new Gemm.Workspace();
    }

    public WorkerPool pool() {
        return pool;
    }

    /** C[m, n] += A(m, k) · B(k, n) on all workers (see {@link Gemm#gemm}). */
    public void gemm(int m, int n, int k,
                     float[] a, int aOff, int ars, int acs,
                     float[] b, int bOff, int brs, int bcs,
                     float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0 || k == 0) return;
        if (k > Gemm.KC && (long) k * n > sliceOuterFloats) {
            // B too large to stay cached while every A block passes over it: one KC slice of k at a
            // time, packed just before use. Each C element still sums its k in the same order.
            for (int k0 = 0; k0 < k; k0 += Gemm.KC) {
                gemm(m, n, Math.min(Gemm.KC, k - k0), a, aOff + k0 * acs, ars, acs, b, bOff + k0 * brs, brs, bcs, c, cOff, ldc);
            }
            return;
        }
        float[][] bp = packedB = Gemm.growPanels(packedB, k, n);
        pool.forChunks(Gemm.packUnits(k, n, bcs), pool.size() * 4, (u0, u1, w) -> Gemm.packB(b, bOff, brs, bcs, k, n, bp, u0, u1));
        int tiles = (m + Gemm.MR - 1) / Gemm.MR;
        pool.forChunks(tiles, 4 * pool.size(), (t0, t1, w) -> {
            int m0 = t0 * Gemm.MR, m1 = Math.min(m, t1 * Gemm.MR);
            Gemm.gemmPacked(m0, m1, n, k, a, aOff, ars, acs, bp, c, cOff, ldc, workspaces[w]);
        });
    }

    /**
     * out[r, o] = (accumulate ? out[r, o] : 0) + bias[o] + sum_c inp[r, c] · w[o, c].
     * With {@code accumulate} the residual stream is added in place, saving a buffer and a pass.
     */
    public void forward(float[] out, int outOff, float[] inp, int inpOff, float[] w, int wOff,
                        float[] bias, int biasOff, int rows, int in, int outC, boolean accumulate) {
        pool.forRange(rows, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = outOff + r * outC;
                if (accumulate) {
                    if (bias != null) Vec.addInPlace(out, o, bias, biasOff, outC);
                } else if (bias != null) {
                    System.arraycopy(bias, biasOff, out, o, outC);
                } else {
                    java.util.Arrays.fill(out, o, o + outC, 0f);
                }
            }
        });
        gemm(rows, outC, in, inp, inpOff, in, 1, w, wOff, 1, in, out, outOff, outC);
    }

    /**
     * Backward of {@link #forward}: dinp += dout · w, dw += doutᵀ · inp, dbias += column sums of dout.
     * {@code dinp} may be null when the input needs no gradient.
     */
    public void backward(float[] dinp, int dinpOff, float[] dw, int dwOff, float[] dbias, int dbiasOff,
                         float[] dout, int doutOff, float[] inp, int inpOff, float[] w, int wOff,
                         int rows, int in, int outC) {
        if (dinp != null) gemm(rows, in, outC, dout, doutOff, outC, 1, w, wOff, in, 1, dinp, dinpOff, in);
        gemm(outC, in, rows, dout, doutOff, 1, outC, inp, inpOff, in, 1, dw, dwOff, in);
        if (dbias != null) {
            int vecs = (outC + S.length() - 1) / S.length();
            pool.forRange(vecs, (v0, v1) -> {
                int o0 = v0 * S.length(), o1 = Math.min(outC, v1 * S.length());
                for (int r = 0; r < rows; r++) Vec.addInPlace(dbias, dbiasOff + o0, dout, doutOff + r * outC + o0, o1 - o0);
            });
        }
    }
}
