package bytewise.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded packed GEMM: {@code C[i, j] += sum_k A(i, k) * B(k, j)} for rows {@code [m0, m1)}.
 *
 * <p>A and B are strided views, {@code A(i, k) = a[aOff + i*ars + k*acs]}, so one kernel serves
 * {@code x·Wᵀ}, {@code dy·W} and {@code dyᵀ·x} with no transposed copies: the packing does the
 * transposes. Both operands are packed into contiguous blocks of {@link #KC} along k, then a
 * register-blocked tile of {@link #MR} rows × two vectors ({@link #NR} columns) accumulates with
 * broadcast + fma (C2 does not vectorise the plain loops; see {@link ReferenceKernels#gemm}).
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    public static final int MR = 6;
    public static final int NR = 2 * L;
    public static final int KC = 256;

    /** Per-thread packing buffers, grown on first use and then reused (no allocation per call). */
    public static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] aFor(int tiles) {
            int need = tiles * MR * KC;
            if (a.length < need) a = new float[need];
            return a;
        }

        float[] bFor(int n) {
            int need = KC * roundUp(n, NR);
            if (b.length < need) b = new float[need];
            return b;
        }
    }

    private Gemm() {}

    /** n rounded up to a multiple of m. */
    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    public static void gemm(int m0, int m1, int n, int k,
                            float[] a, int aOff, int ars, int acs,
                            float[] b, int bOff, int brs, int bcs,
                            float[] c, int cOff, int ldc, Workspace ws) {
        if (m0 >= m1 || n == 0 || k == 0) return;
        int tiles = (m1 - m0 + MR - 1) / MR;
        float[] bp = ws.bFor(n);
        float[] ap = ws.aFor(tiles);
        int panels = (n + NR - 1) / NR;
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kb = Math.min(KC, k - k0);
            packB(b, bOff, brs, bcs, k0, kb, n, bp);
            for (int t = 0; t < tiles; t++) {
                int i0 = m0 + t * MR;
                packA(a, aOff, ars, acs, i0, Math.min(MR, m1 - i0), k0, kb, ap, t * MR * kb);
            }
            // BLIS order: one B micro-panel (kb × NR, in L1) against every A tile (in L2)
            for (int p = 0; p < panels; p++) {
                int n0 = p * NR;
                int nr = Math.min(NR, n - n0);
                int bo = p * kb * NR;
                for (int t = 0; t < tiles; t++) {
                    int i0 = m0 + t * MR;
                    int mr = Math.min(MR, m1 - i0);
                    int cAt = cOff + i0 * ldc + n0;
                    if (mr == MR && nr == NR) {
                        kernel(kb, ap, t * MR * kb, bp, bo, c, cAt, ldc);
                    } else {
                        edge(kb, ap, t * MR * kb, bp, bo, c, cAt, ldc, mr, nr, ws.tile);
                    }
                }
            }
        }
    }

    private static void packA(float[] a, int aOff, int ars, int acs, int i0, int mr, int k0, int kb, float[] ap, int at) {
        for (int r = 0; r < MR; r++) {
            if (r < mr) {
                int src = aOff + (i0 + r) * ars + k0 * acs;
                for (int kk = 0; kk < kb; kk++, src += acs) ap[at + kk * MR + r] = a[src];
            } else {
                for (int kk = 0; kk < kb; kk++) ap[at + kk * MR + r] = 0f;
            }
        }
    }

    private static void packB(float[] b, int bOff, int brs, int bcs, int k0, int kb, int n, float[] bp) {
        for (int n0 = 0, base = 0; n0 < n; n0 += NR, base += kb * NR) {
            int nw = Math.min(NR, n - n0);
            if (bcs == 1 && nw == NR) {
                for (int kk = 0; kk < kb; kk++) {
                    System.arraycopy(b, bOff + (k0 + kk) * brs + n0, bp, base + kk * NR, NR);
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j < nw) {
                        int src = bOff + k0 * brs + (n0 + j) * bcs;
                        for (int kk = 0; kk < kb; kk++, src += brs) bp[base + kk * NR + j] = b[src];
                    } else {
                        for (int kk = 0; kk < kb; kk++) bp[base + kk * NR + j] = 0f;
                    }
                }
            }
        }
    }

    private static void edge(int kb, float[] ap, int ao, float[] bp, int bo, float[] c, int cAt, int ldc,
                             int mr, int nr, float[] tile) {
        java.util.Arrays.fill(tile, 0f);
        kernel(kb, ap, ao, bp, bo, tile, 0, NR);
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) c[cAt + r * ldc + j] += tile[r * NR + j];
        }
    }

    /** The 6×2-vector register tile; 12 accumulators stay in registers across the k loop. */
    private static void kernel(int kb, float[] ap, int ao, float[] bp, int bo, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // indices linear in kk let C2 hoist the range checks out of the loop
        for (int kk = 0; kk < kb; kk++) {
            int ak = ao + kk * MR, bk = bo + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk);
            FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
            FloatVector a = FloatVector.broadcast(S, ap[ak]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ak + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ak + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ak + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ak + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ak + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        addRow(c, cAt, c00, c01);
        addRow(c, cAt + ldc, c10, c11);
        addRow(c, cAt + 2 * ldc, c20, c21);
        addRow(c, cAt + 3 * ldc, c30, c31);
        addRow(c, cAt + 4 * ldc, c40, c41);
        addRow(c, cAt + 5 * ldc, c50, c51);
    }

    private static void addRow(float[] c, int at, FloatVector v0, FloatVector v1) {
        FloatVector.fromArray(S, c, at).add(v0).intoArray(c, at);
        FloatVector.fromArray(S, c, at + L).add(v1).intoArray(c, at + L);
    }
}
