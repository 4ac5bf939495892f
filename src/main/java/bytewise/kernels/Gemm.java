package bytewise.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded packed GEMM: {@code C[i, j] += sum_k A(i, k) * B(k, j)} for rows {@code [m0, m1)}.
 *
 * <p>A and B are strided views, {@code A(i, k) = a[aOff + i*ars + k*acs]}, so one kernel serves
 * {@code x·Wᵀ}, {@code dy·W} and {@code dyᵀ·x} with no transposed copies: the packing does the
 * transposes. B is packed in slices of {@link #KC} along k, each panel into an array of its own; so
 * is A: a tile at a time, k-major where A is transposed ({@code dyᵀ} in the weight gradient), and
 * row by row where its rows run along k ({@link #copyRows}, {@link #kernelRows}). A register-blocked
 * tile of {@link #MR} rows × two vectors ({@link #NR} columns) accumulates with broadcast + fma (C2
 * does not vectorise the plain loops). In either layout each element's sum runs in the same order.
 *
 * <p>The tile's height follows the register file ({@link #MR}): a tile whose accumulators, B vectors
 * and broadcast do not fit in registers makes C2 spill, and box a vector on the heap, in every
 * iteration of the k loop (measured: the 6-row tile ran at 35 GFLOP/s with 8-float vectors on a
 * 16-register AVX2 core and the 4-row tile at 80; BENCHMARKS.md, "Every width").
 *
 * <p>Every index the k loop touches is linear in its counter and the packed buffers hold whole
 * tiles (KC steps of {@link #A_STRIDE} floats, or MR rows of KC), so the Vector API's bounds checks
 * stay on and C2 hoists them out of the loop.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = Vec.SPECIES;
    static final int L = S.length();
    /**
     * Vector registers C2 can allocate: 32 with AVX-512 (the only x86 that prefers 16-float vectors)
     * and on AArch64; 16 on AVX/AVX2 x86, and on an AVX-512 CPU run with a narrower vector cap.
     */
    static final int VECTOR_REGISTERS =
            L >= 16 || System.getProperty("os.arch", "").equals("aarch64") ? 32 : 16;
    /**
     * Tile rows: 6 rows × 2 vectors need 12 accumulators + 2 B vectors + 1 broadcast = 15 registers,
     * but C2 loads all six broadcasts at the top of the packed kernel's loop and, with 16, keeps two
     * accumulators on the stack (weight gradients at 0.59–0.66 of four rows' speed on an AVX2 Zen 3;
     * BENCHMARKS.md, "Boxed accumulators"). Four rows fit even so: 8 + 2 + 4.
     * {@code -Dbytewise.gemm.rows=4|6} overrides the choice, for benchmarks.
     */
    public static final int MR = tileRows(Integer.getInteger("bytewise.gemm.rows", VECTOR_REGISTERS >= 32 ? 6 : 4));
    public static final int NR = 2 * L;
    public static final int KC = 256;
    /**
     * Floats between a packed A tile's values at one k and the next: a vector length (the tile's rows
     * fill it at 4 floats, half of it at 8), so that the B row at the same k sits at {@link #B_STEP} times the A offset
     * and one counter from 0 addresses both. With an offset into a shared buffer per operand, C2's
     * k loop ran 21 instructions per 8 fmas, 7 of them on indices; now 18, 4 of them (a `medium`
     * step 6–9% faster; BENCHMARKS.md, "One counter for both operands"). Where the vector is
     * shorter than a tile the stride is the whole panel width, and B's offset is A's.
     */
    static final int A_STRIDE = L >= MR ? L : NR;
    static final int B_STEP = NR / A_STRIDE;
    /**
     * Floats {@link #packA} copies per k from a transposed A: the whole vectors that hold a tile's
     * MR values. Two where a vector is shorter than the tile (4 floats and 6 rows: NEON); with one,
     * that tile's last two rows were never packed.
     */
    static final int A_COPY = L >= MR ? L : 2 * L;

    /**
     * Tiles of A packed and reused together: as many as fill 64 KB (MC_TILES × KC × {@link #A_STRIDE}
     * floats: 8 tiles with 8-float vectors, 16 with 4), so the block stays in a 512 KB L2 beside B's
     * panels and C's rows. With 8-float vectors, 128 KB blocks ran most of `medium`'s products
     * slower, by up to a quarter on one thread (BENCHMARKS.md, "One counter for both operands").
     */
    static final int MC_TILES = Integer.getInteger("bytewise.gemm.mc", Math.max(1, 16 * 1024 / (KC * A_STRIDE)));

    private static int tileRows(int rows) {
        if (rows != 4 && rows != 6) throw new IllegalArgumentException("bytewise.gemm.rows must be 4 or 6, not " + rows);
        return rows;
    }

    /**
     * Per-thread packing buffers, reused from call to call (B's panels grown on first use). Each A
     * tile is its own array, as each B panel is, so the kernel indexes both from 0 with one counter.
     * A tile holds KC k-major steps of A_STRIDE floats, or MR rows of KC ({@code A_STRIDE >= MR}).
     */
    public static final class Workspace {
        final float[][] aTiles = new float[MC_TILES][KC * A_STRIDE];
        float[][] b = new float[0][];
        final float[] tile = new float[MR * NR];

        float[][] bFor(int k, int n) {
            b = growPanels(b, k, n);
            return b;
        }
    }

    private Gemm() {}

    /** n rounded up to a multiple of m. */
    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    /** Column panels of B: NR columns each, the last zero-padded. */
    public static int panels(int n) {
        return (n + NR - 1) / NR;
    }

    /** Slices of {@link #KC} along k. */
    static int slices(int k) {
        return (k + KC - 1) / KC;
    }

    /**
     * Arrays enough for {@link #packB} of a k × n operand: one per KC slice and column panel, each
     * KC × NR floats. Returns {@code panels} itself when it has enough, else a longer array that
     * keeps the ones it had.
     */
    public static float[][] growPanels(float[][] panels, int k, int n) {
        int need = slices(k) * panels(n);
        if (panels.length >= need) return panels;
        float[][] grown = java.util.Arrays.copyOf(panels, need);
        for (int i = panels.length; i < need; i++) grown[i] = new float[KC * NR];
        return grown;
    }

    /** Single-threaded: packs B into the workspace, then {@link #gemmPacked}. */
    public static void gemm(int m0, int m1, int n, int k,
                            float[] a, int aOff, int ars, int acs,
                            float[] b, int bOff, int brs, int bcs,
                            float[] c, int cOff, int ldc, Workspace ws) {
        if (m0 >= m1 || n == 0 || k == 0) return;
        float[][] bp = ws.bFor(k, n);
        packB(b, bOff, brs, bcs, k, n, bp, 0, packUnits(k, n, bcs));
        gemmPacked(m0, m1, n, k, a, aOff, ars, acs, bp, c, cOff, ldc, ws);
    }

    /**
     * {@code C[i, j] += sum_k A(i, k) * B(k, j)} for rows [m0, m1), with B already packed by
     * {@link #packB}: several threads share one packed B instead of each packing its own.
     */
    public static void gemmPacked(int m0, int m1, int n, int k,
                                  float[] a, int aOff, int ars, int acs, float[][] bp,
                                  float[] c, int cOff, int ldc, Workspace ws) {
        if (m0 >= m1 || n == 0 || k == 0) return;
        int tiles = (m1 - m0 + MR - 1) / MR;
        float[][] ap = ws.aTiles;
        // A whose rows run along k (x in the forward, dy in the input gradient): whole tiles are
        // copied row by row, an arraycopy each, where packing them k-major was a transpose of scalar
        // moves (3-19% of those products' time). Read in place instead, at ars apart, the k loop
        // spent 7 of its 25 instructions on the four rows' indices (BENCHMARKS.md, "A tile's rows
        // at fixed offsets").
        boolean byRows = acs == 1;
        int panels = panels(n);
        // Rows in blocks of MC_TILES tiles; for each block, every KC slice of k in order (so each
        // C element sums its k in the same order as without blocks). The block's A slice (packed
        // once) stays in L2 while every B panel passes over it, and its C rows stay in L2 across
        // the slices: with the whole chunk at once (2,048 rows), A was 2 MB and C up to 3 MB.
        for (int tb = 0; tb < tiles; tb += MC_TILES) {
            int te = Math.min(tiles, tb + MC_TILES);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kb = Math.min(KC, k - k0);
                for (int t = tb; t < te; t++) {
                    int i0 = m0 + t * MR;
                    if (byRows && m1 - i0 >= MR) copyRows(a, aOff + i0 * ars + k0, ars, kb, ap[t - tb]);
                    else packA(a, aOff, ars, acs, i0, Math.min(MR, m1 - i0), k0, kb, ap[t - tb]);
                }
                // BLIS order: one B micro-panel (kb × NR, in L1) against every A tile of the block
                for (int p = 0; p < panels; p++) {
                    int n0 = p * NR;
                    int nr = Math.min(NR, n - n0);
                    float[] panel = bp[k0 / KC * panels + p];
                    for (int t = tb; t < te; t++) {
                        int i0 = m0 + t * MR;
                        int mr = Math.min(MR, m1 - i0);
                        int cAt = cOff + i0 * ldc + n0;
                        boolean rowTile = byRows && mr == MR;
                        if (nr < NR || mr < MR) edge(kb, ap[t - tb], rowTile, panel, c, cAt, ldc, mr, nr, ws.tile);
                        else if (rowTile) kernelRows(kb, ap[t - tb], panel, c, cAt, ldc);
                        else kernel(kb, ap[t - tb], panel, c, cAt, ldc);
                    }
                }
            }
        }
    }

    /**
     * Copies MR rows of A's slice, kb floats each from {@code a[at]}, {@code ars} apart, into one
     * tile, row r at {@code r * KC}: the layout {@link #kernelRows} reads.
     */
    private static void copyRows(float[] a, int at, int ars, int kb, float[] tile) {
        for (int r = 0; r < MR; r++, at += ars) System.arraycopy(a, at, tile, r * KC, kb);
    }

    /** Packs rows [i0, i0 + mr) × slice [k0, k0 + kb) of A into one tile, A_STRIDE floats per k, zero past mr. */
    private static void packA(float[] a, int aOff, int ars, int acs, int i0, int mr, int k0, int kb, float[] tile) {
        if (ars == 1 && mr == MR) {
            // A is a transposed view (the weight gradient's doutᵀ): a tile's MR values at one k are
            // adjacent, so read them together instead of walking each row down a column. Whole
            // vectors per k where the last one stays inside the array: lanes past MR land in the
            // stride's unused lanes (768 × 128 × 384 weight gradient 4–13% faster than with a
            // 4-float System.arraycopy per k; BENCHMARKS.md, "A slice at a time").
            int src = aOff + i0 + k0 * acs;
            if (src + (long) (kb - 1) * acs + A_COPY <= a.length) {
                for (int kk = 0, dst = 0; kk < kb; kk++, src += acs, dst += A_STRIDE) {
                    FloatVector.fromArray(S, a, src).intoArray(tile, dst);
                    if (A_COPY > L) FloatVector.fromArray(S, a, src + L).intoArray(tile, dst + L);
                }
            } else {
                for (int kk = 0; kk < kb; kk++, src += acs) System.arraycopy(a, src, tile, kk * A_STRIDE, MR);
            }
            return;
        }
        for (int r = 0; r < MR; r++) {
            if (r < mr) {
                int src = aOff + (i0 + r) * ars + k0 * acs;
                for (int kk = 0; kk < kb; kk++, src += acs) tile[kk * A_STRIDE + r] = a[src];
            } else {
                for (int kk = 0; kk < kb; kk++) tile[kk * A_STRIDE + r] = 0f;
            }
        }
    }

    /**
     * Units {@link #packB} splits B's packing into, for threads to share: B's rows where they are
     * contiguous ({@code bcs == 1}), else its column panels.
     */
    public static int packUnits(int k, int n, int bcs) {
        return bcs == 1 ? k : panels(n);
    }

    /**
     * Packs units [u0, u1) ({@link #packUnits}) of the k × n operand
     * {@code B(kk, j) = b[bOff + kk*brs + j*bcs]} into {@code bp} (sized by {@link #growPanels}):
     * the panel of KC slice s and columns [p·NR, p·NR + NR) is {@code bp[s * panels(n) + p]}, kb rows
     * of NR floats, zero-padded past column n. Units are disjoint, so threads can pack disjoint ranges.
     */
    public static void packB(float[] b, int bOff, int brs, int bcs, int k, int n, float[][] bp, int u0, int u1) {
        if (bcs == 1) packRows(b, bOff, brs, n, bp, u0, u1);
        else packColumns(b, bOff, brs, bcs, k, n, bp, u0, u1);
    }

    /**
     * Rows [r0, r1) of a B whose rows are contiguous (x in the weight gradient, W in the input
     * gradient), each read once, across the panels, two vectors per whole panel. Split by panels
     * instead, each thread walked all of B's rows taking 64 bytes from each, and packing took
     * 18–26% of the weight gradients' time on two threads (BENCHMARKS.md, "Packing B by rows").
     */
    private static void packRows(float[] b, int bOff, int brs, int n, float[][] bp, int r0, int r1) {
        int panels = panels(n), whole = n / NR, tail = n - whole * NR;
        for (int kk = r0; kk < r1; kk++) {
            int src = bOff + kk * brs, slice = kk / KC * panels, dst = kk % KC * NR;
            for (int p = 0; p < whole; p++, src += NR) {
                float[] panel = bp[slice + p];
                FloatVector.fromArray(S, b, src).intoArray(panel, dst);
                FloatVector.fromArray(S, b, src + L).intoArray(panel, dst + L);
            }
            if (tail > 0) {
                float[] panel = bp[slice + whole];
                System.arraycopy(b, src, panel, dst, tail);
                java.util.Arrays.fill(panel, dst + tail, dst + NR, 0f);
            }
        }
    }

    /** Column panels [p0, p1) of any B, a column at a time (a transposed B: W in the forward). */
    private static void packColumns(float[] b, int bOff, int brs, int bcs, int k, int n, float[][] bp, int p0, int p1) {
        int panels = panels(n);
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kb = Math.min(KC, k - k0), slice = k0 / KC * panels;
            for (int p = p0; p < p1; p++) {
                int n0 = p * NR;
                int nw = Math.min(NR, n - n0);
                float[] panel = bp[slice + p];
                for (int j = 0; j < NR; j++) {
                    if (j < nw) {
                        int src = bOff + k0 * brs + (n0 + j) * bcs;
                        for (int kk = 0; kk < kb; kk++, src += brs) panel[kk * NR + j] = b[src];
                    } else {
                        for (int kk = 0; kk < kb; kk++) panel[kk * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * A part-filled tile: rows [0, mr) × columns [0, nr), summed into a scratch tile first. A is
     * {@code aTile}, copied by rows ({@link #copyRows}) when {@code byRows}, else packed k-major.
     */
    private static void edge(int kb, float[] aTile, boolean byRows, float[] panel, float[] c, int cAt, int ldc,
                             int mr, int nr, float[] tile) {
        java.util.Arrays.fill(tile, 0f);
        if (byRows) kernelRows(kb, aTile, panel, tile, 0, NR);
        else kernel(kb, aTile, panel, tile, 0, NR);
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) c[cAt + r * ldc + j] += tile[r * NR + j];
        }
    }

    /**
     * The MR × 2-vector register tile: its accumulators stay in registers across the k loop. Each
     * kernel adds its tile to C itself, with Vector API calls only: those are always inlined, where
     * a helper method taking the accumulators was left a call wherever C2 reached its node limit for
     * inlining (the six-row kernels; the four-row one when inlined into gemmPacked), and its vectors
     * were then boxed on the heap at every k (six-row products 1.3 to 3.6 times slower, 151 MB of
     * garbage a training step at d_model 100; BENCHMARKS.md, "Boxed accumulators").
     */
    private static void kernel(int kb, float[] aTile, float[] panel, float[] c, int cAt, int ldc) {
        if (MR == 6) kernel6(kb, aTile, panel, c, cAt, ldc); // MR is a constant: C2 folds the branch
        else kernel4(kb, aTile, panel, c, cAt, ldc);
    }

    private static void kernel6(int kb, float[] ap, float[] bp, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // indices linear in one counter: C2 hoists the range checks out of the loop
        for (int ak = 0, end = kb * A_STRIDE; ak < end; ak += A_STRIDE) {
            int bk = B_STEP * ak;
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
        FloatVector.fromArray(S, c, cAt).add(c00).intoArray(c, cAt);
        FloatVector.fromArray(S, c, cAt + L).add(c01).intoArray(c, cAt + L);
        FloatVector.fromArray(S, c, cAt + ldc).add(c10).intoArray(c, cAt + ldc);
        FloatVector.fromArray(S, c, cAt + ldc + L).add(c11).intoArray(c, cAt + ldc + L);
        FloatVector.fromArray(S, c, cAt + 2 * ldc).add(c20).intoArray(c, cAt + 2 * ldc);
        FloatVector.fromArray(S, c, cAt + 2 * ldc + L).add(c21).intoArray(c, cAt + 2 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 3 * ldc).add(c30).intoArray(c, cAt + 3 * ldc);
        FloatVector.fromArray(S, c, cAt + 3 * ldc + L).add(c31).intoArray(c, cAt + 3 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 4 * ldc).add(c40).intoArray(c, cAt + 4 * ldc);
        FloatVector.fromArray(S, c, cAt + 4 * ldc + L).add(c41).intoArray(c, cAt + 4 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 5 * ldc).add(c50).intoArray(c, cAt + 5 * ldc);
        FloatVector.fromArray(S, c, cAt + 5 * ldc + L).add(c51).intoArray(c, cAt + 5 * ldc + L);
    }

    private static void kernel4(int kb, float[] ap, float[] bp, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int ak = 0, end = kb * A_STRIDE; ak < end; ak += A_STRIDE) {
            int bk = B_STEP * ak;
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
        }
        FloatVector.fromArray(S, c, cAt).add(c00).intoArray(c, cAt);
        FloatVector.fromArray(S, c, cAt + L).add(c01).intoArray(c, cAt + L);
        FloatVector.fromArray(S, c, cAt + ldc).add(c10).intoArray(c, cAt + ldc);
        FloatVector.fromArray(S, c, cAt + ldc + L).add(c11).intoArray(c, cAt + ldc + L);
        FloatVector.fromArray(S, c, cAt + 2 * ldc).add(c20).intoArray(c, cAt + 2 * ldc);
        FloatVector.fromArray(S, c, cAt + 2 * ldc + L).add(c21).intoArray(c, cAt + 2 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 3 * ldc).add(c30).intoArray(c, cAt + 3 * ldc);
        FloatVector.fromArray(S, c, cAt + 3 * ldc + L).add(c31).intoArray(c, cAt + 3 * ldc + L);
    }

    /**
     * The register tile with A's MR rows copied by rows ({@link #copyRows}), where {@link #kernel}
     * reads a k-major tile. Same sums in the same order. The rows' fixed offsets (multiples of KC)
     * fold into the loads' addresses, so one index serves every row.
     */
    private static void kernelRows(int kb, float[] aRows, float[] panel, float[] c, int cAt, int ldc) {
        if (MR == 6) kernel6Rows(kb, aRows, panel, c, cAt, ldc);
        else kernel4Rows(kb, aRows, panel, c, cAt, ldc);
    }

    private static void kernel6Rows(int kb, float[] a, float[] bp, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int kk = 0; kk < kb; kk++) {
            int bk = kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk);
            FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
            FloatVector av = FloatVector.broadcast(S, a[kk]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[KC + kk]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[2 * KC + kk]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[3 * KC + kk]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[4 * KC + kk]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[5 * KC + kk]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        FloatVector.fromArray(S, c, cAt).add(c00).intoArray(c, cAt);
        FloatVector.fromArray(S, c, cAt + L).add(c01).intoArray(c, cAt + L);
        FloatVector.fromArray(S, c, cAt + ldc).add(c10).intoArray(c, cAt + ldc);
        FloatVector.fromArray(S, c, cAt + ldc + L).add(c11).intoArray(c, cAt + ldc + L);
        FloatVector.fromArray(S, c, cAt + 2 * ldc).add(c20).intoArray(c, cAt + 2 * ldc);
        FloatVector.fromArray(S, c, cAt + 2 * ldc + L).add(c21).intoArray(c, cAt + 2 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 3 * ldc).add(c30).intoArray(c, cAt + 3 * ldc);
        FloatVector.fromArray(S, c, cAt + 3 * ldc + L).add(c31).intoArray(c, cAt + 3 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 4 * ldc).add(c40).intoArray(c, cAt + 4 * ldc);
        FloatVector.fromArray(S, c, cAt + 4 * ldc + L).add(c41).intoArray(c, cAt + 4 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 5 * ldc).add(c50).intoArray(c, cAt + 5 * ldc);
        FloatVector.fromArray(S, c, cAt + 5 * ldc + L).add(c51).intoArray(c, cAt + 5 * ldc + L);
    }

    private static void kernel4Rows(int kb, float[] a, float[] bp, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int kk = 0; kk < kb; kk++) {
            int bk = kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk);
            FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
            FloatVector av = FloatVector.broadcast(S, a[kk]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[KC + kk]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[2 * KC + kk]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[3 * KC + kk]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        FloatVector.fromArray(S, c, cAt).add(c00).intoArray(c, cAt);
        FloatVector.fromArray(S, c, cAt + L).add(c01).intoArray(c, cAt + L);
        FloatVector.fromArray(S, c, cAt + ldc).add(c10).intoArray(c, cAt + ldc);
        FloatVector.fromArray(S, c, cAt + ldc + L).add(c11).intoArray(c, cAt + ldc + L);
        FloatVector.fromArray(S, c, cAt + 2 * ldc).add(c20).intoArray(c, cAt + 2 * ldc);
        FloatVector.fromArray(S, c, cAt + 2 * ldc + L).add(c21).intoArray(c, cAt + 2 * ldc + L);
        FloatVector.fromArray(S, c, cAt + 3 * ldc).add(c30).intoArray(c, cAt + 3 * ldc);
        FloatVector.fromArray(S, c, cAt + 3 * ldc + L).add(c31).intoArray(c, cAt + 3 * ldc + L);
    }
}
