package bytewise.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Gemm#gemm} (one thread) and {@link MatMul#gemm} (1, 2, 3 workers) against
 * {@link ReferenceKernels#gemm} for the three stride patterns the model uses, on shapes that leave
 * partial row tiles (M % 6 != 0), partial column panels (N % NR != 0) and several K blocks (K > 256),
 * with offsets into every array, a row stride of C wider than N, and accumulation into a nonzero C.
 */
class GemmTest {
    private static final int[] MS = {1, 5, 6, 7, 13};
    private static final int[] NS = {1, 17, 33, 48};
    private static final int[] KS = {1, 7, 300, 513};

    private static WorkerPool pool1, pool2, pool3;
    private static MatMul mm1, mm2, mm3;

    @BeforeAll
    static void pools() {
        pool1 = new WorkerPool(1);
        pool2 = new WorkerPool(2);
        pool3 = new WorkerPool(3);
        mm1 = new MatMul(pool1);
        mm2 = new MatMul(pool2);
        mm3 = new MatMul(pool3);
    }

    @AfterAll
    static void closePools() {
        pool1.close();
        pool2.close();
        pool3.close();
    }

    enum Pattern {
        /** x·Wᵀ: A = x (M×K row-major), B(k, j) = W[j*K + k] with W (N×K). */
        X_WT,
        /** dy·W: A = dy (M×K row-major), B = W (K×N row-major). */
        DY_W,
        /** dyᵀ·x: A(i, k) = dy[k*M + i] with dy (K×M), B = x (K×N row-major). */
        DYT_X
    }

    /** One GEMM problem: operands with leading and trailing padding, and a padded C. */
    private static final class Problem {
        final Pattern pattern;
        final int m, n, k;
        final float[] a, b, c0;
        final int aOff, ars, acs, bOff, brs, bcs, cOff, ldc;

        Problem(Pattern pattern, int m, int n, int k, long seed) {
            this.pattern = pattern;
            this.m = m;
            this.n = n;
            this.k = k;
            SplittableRandom rng = new SplittableRandom(seed);
            aOff = 3 + rng.nextInt(5);
            bOff = 2 + rng.nextInt(5);
            cOff = 1 + rng.nextInt(5);
            ldc = n + rng.nextInt(3); // sometimes wider than n: the extra columns must stay untouched
            switch (pattern) {
                case X_WT -> { ars = k; acs = 1; brs = 1; bcs = k; }
                case DY_W -> { ars = k; acs = 1; brs = n; bcs = 1; }
                default -> { ars = 1; acs = m; brs = n; bcs = 1; }
            }
            a = random(rng, aOff + m * k + 4);
            b = random(rng, bOff + k * n + 4);
            c0 = random(rng, cOff + m * ldc + 4); // nonzero C: the products accumulate into it
        }

        float a(int i, int kk) {
            return a[aOff + i * ars + kk * acs];
        }

        float b(int kk, int j) {
            return b[bOff + kk * brs + j * bcs];
        }

        @Override
        public String toString() {
            return pattern + " M=" + m + " N=" + n + " K=" + k + " aOff=" + aOff + " bOff=" + bOff + " cOff=" + cOff
                    + " ldc=" + ldc;
        }

        float[] reference() {
            float[] c = c0.clone();
            ReferenceKernels.gemm(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc);
            return c;
        }

        float[] gemm() {
            float[] c = c0.clone();
            Gemm.gemm(0, m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, new Gemm.Workspace());
            return c;
        }

        float[] matMul(MatMul mm) {
            float[] c = c0.clone();
            mm.gemm(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc);
            return c;
        }

        /**
         * Compares against the reference: inside the product, |got − ref| ≤ 1e-4·(Σ_k |a||b| + |c0|)
         * (float rounding of both summation orders is far below that); outside it, bit for bit.
         */
        void check(String who, float[] ref, float[] got) {
            assertEquals(ref.length, got.length);
            boolean[] inside = new boolean[ref.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = cOff + i * ldc + j;
                    inside[at] = true;
                    double mag = Math.abs(c0[at]);
                    for (int kk = 0; kk < k; kk++) mag += Math.abs((double) a(i, kk) * b(kk, j));
                    double tol = 1e-4 * mag;
                    if (!(Math.abs(got[at] - ref[at]) <= tol)) {
                        fail(who + " " + this + ": C[" + i + "," + j + "] = " + got[at] + ", reference " + ref[at]
                                + " (tolerance " + tol + ")");
                    }
                }
            }
            for (int at = 0; at < ref.length; at++) {
                if (!inside[at] && Float.floatToRawIntBits(got[at]) != Float.floatToRawIntBits(c0[at])) {
                    fail(who + " " + this + ": wrote outside the product at index " + at);
                }
            }
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    private static List<Problem> problems(Pattern pattern) {
        List<Problem> list = new ArrayList<>();
        long seed = pattern.ordinal() * 1000L;
        for (int m : MS) for (int n : NS) for (int k : KS) list.add(new Problem(pattern, m, n, k, seed++));
        return list;
    }

    private static void checkAll(Pattern pattern) {
        for (Problem p : problems(pattern)) {
            float[] ref = p.reference();
            p.check("Gemm.gemm", ref, p.gemm());
            float[] c1 = p.matMul(mm1), c2 = p.matMul(mm2), c3 = p.matMul(mm3);
            p.check("MatMul.gemm (1 thread)", ref, c1);
            p.check("MatMul.gemm (2 threads)", ref, c2);
            p.check("MatMul.gemm (3 threads)", ref, c3);
            assertArrayEquals(c1, c2, "1 vs 2 threads must be bit-identical: " + p);
            assertArrayEquals(c1, c3, "1 vs 3 threads must be bit-identical: " + p);
        }
    }

    @Test
    void xTimesWTransposed() {
        checkAll(Pattern.X_WT);
    }

    @Test
    void dyTimesW() {
        checkAll(Pattern.DY_W);
    }

    @Test
    void dyTransposedTimesX() {
        checkAll(Pattern.DYT_X);
    }

    /**
     * A with unit stride along k is copied a tile's rows at a time; any other A is packed k-major. The
     * same A stored both ways must give the same bits (partial tiles and panels, several KC slices,
     * a last slice shorter than KC).
     */
    @Test
    void aCopiedByRowsGivesTheSameBitsAsAPackedKMajor() {
        for (int[] s : new int[][]{{37, 40, 600}, {2 * Gemm.MC_TILES * Gemm.MR + 3, 16, 257}, {5, 7, 9}}) {
            int m = s[0], n = s[1], k = s[2];
            Problem rows = new Problem(Pattern.X_WT, m, n, k, 5 + m); // A(i, kk) at i·k + kk: copied by rows
            float[] columns = new float[m * k]; // the same A at kk·m + i: packed k-major
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) columns[kk * m + i] = rows.a(i, kk);
            }
            float[] byRows = rows.gemm();
            float[] packed = rows.c0.clone();
            Gemm.gemm(0, m, n, k, columns, 0, 1, m, rows.b, rows.bOff, rows.brs, rows.bcs, packed, rows.cOff, rows.ldc,
                    new Gemm.Workspace());
            rows.check("A copied by rows", rows.reference(), byRows);
            assertArrayEquals(packed, byRows, "A copied by rows against A packed k-major: " + rows);
        }
    }

    /** Shapes big enough that every worker of 2 and 3 gets several full tiles and the split is uneven. */
    @Test
    void largerShapesBitIdenticalAcrossThreadCounts() {
        int[][] shapes = {{61, 100, 257}, {96, 64, 512}, {37, 130, 600}};
        for (Pattern pattern : Pattern.values()) {
            for (int[] s : shapes) {
                Problem p = new Problem(pattern, s[0], s[1], s[2], 77 + s[0]);
                float[] ref = p.reference();
                float[] c1 = p.matMul(mm1), c2 = p.matMul(mm2), c3 = p.matMul(mm3);
                p.check("MatMul.gemm (1 thread)", ref, c1);
                p.check("MatMul.gemm (3 threads)", ref, c3);
                assertArrayEquals(c1, c2, "1 vs 2 threads must be bit-identical: " + p);
                assertArrayEquals(c1, c3, "1 vs 3 threads must be bit-identical: " + p);
                assertArrayEquals(p.gemm(), c1, "single-threaded Gemm and MatMul with 1 worker agree: " + p);
            }
        }
    }

    /**
     * One worker's rows cut into several packed blocks of {@link Gemm#MC_TILES} tiles, the last one
     * partial, each block going through every KC slice of k: against the reference, and the same
     * bits from one thread as from two and three (whose chunks hold fewer rows than a block).
     */
    @Test
    void rowsSpanningSeveralPackedBlocksAndSlicesOfK() {
        int blockRows = Gemm.MC_TILES * Gemm.MR;
        int[][] shapes = {{2 * blockRows + 7, 40, 600}, {3 * blockRows + Gemm.MR + 1, 33, 300}};
        for (Pattern pattern : Pattern.values()) {
            for (int[] s : shapes) {
                Problem p = new Problem(pattern, s[0], s[1], s[2], 11 + s[0]);
                float[] ref = p.reference();
                float[] single = p.gemm(), c2 = p.matMul(mm2), c3 = p.matMul(mm3);
                p.check("Gemm.gemm over several row blocks", ref, single);
                assertArrayEquals(single, p.matMul(mm1), "Gemm and MatMul with 1 worker agree: " + p);
                assertArrayEquals(single, c2, "1 vs 2 threads must be bit-identical: " + p);
                assertArrayEquals(single, c3, "1 vs 3 threads must be bit-identical: " + p);
            }
        }
    }

    /** A row range [m0, m1) that does not start on a tile boundary updates exactly those rows. */
    @Test
    void rowRangeNotOnTileBoundary() {
        Problem p = new Problem(Pattern.X_WT, 20, 40, 300, 5);
        int m0 = 3, m1 = 17;
        float[] got = p.c0.clone();
        Gemm.gemm(m0, m1, p.n, p.k, p.a, p.aOff, p.ars, p.acs, p.b, p.bOff, p.brs, p.bcs, got, p.cOff, p.ldc,
                new Gemm.Workspace());
        float[] ref = p.c0.clone();
        int rows = m1 - m0;
        ReferenceKernels.gemm(rows, p.n, p.k, p.a, p.aOff + m0 * p.ars, p.ars, p.acs, p.b, p.bOff, p.brs, p.bcs,
                ref, p.cOff + m0 * p.ldc, p.ldc);
        for (int i = 0; i < p.m; i++) {
            for (int j = 0; j < p.ldc; j++) {
                int at = p.cOff + i * p.ldc + j;
                if (i >= m0 && i < m1 && j < p.n) {
                    double mag = Math.abs(p.c0[at]);
                    for (int kk = 0; kk < p.k; kk++) mag += Math.abs((double) p.a(i, kk) * p.b(kk, j));
                    assertEquals(ref[at], got[at], 1e-4 * mag, "row " + i + " col " + j);
                } else {
                    assertEquals(p.c0[at], got[at], 0f, "row " + i + " col " + j + " is outside [m0, m1)");
                }
            }
        }
    }

    /** A workspace reused for a smaller, then larger problem gives the same result as a fresh one. */
    @Test
    void workspaceReuseAcrossShapes() {
        Gemm.Workspace ws = new Gemm.Workspace();
        Problem[] seq = {new Problem(Pattern.DY_W, 13, 48, 513, 1), new Problem(Pattern.X_WT, 7, 17, 300, 2),
                new Problem(Pattern.DYT_X, 5, 100, 20, 3), new Problem(Pattern.DY_W, 13, 48, 513, 1)};
        for (Problem p : seq) {
            float[] reused = p.c0.clone();
            Gemm.gemm(0, p.m, p.n, p.k, p.a, p.aOff, p.ars, p.acs, p.b, p.bOff, p.brs, p.bcs, reused, p.cOff, p.ldc, ws);
            assertArrayEquals(p.gemm(), reused, "reused workspace: " + p);
        }
    }

    @Test
    void emptyProductsLeaveCUntouched() {
        Problem p = new Problem(Pattern.X_WT, 7, 17, 300, 9);
        float[] c = p.c0.clone();
        Gemm.Workspace ws = new Gemm.Workspace();
        Gemm.gemm(4, 4, p.n, p.k, p.a, p.aOff, p.ars, p.acs, p.b, p.bOff, p.brs, p.bcs, c, p.cOff, p.ldc, ws);
        Gemm.gemm(0, p.m, 0, p.k, p.a, p.aOff, p.ars, p.acs, p.b, p.bOff, p.brs, p.bcs, c, p.cOff, p.ldc, ws);
        Gemm.gemm(0, p.m, p.n, 0, p.a, p.aOff, p.ars, p.acs, p.b, p.bOff, p.brs, p.bcs, c, p.cOff, p.ldc, ws);
        mm3.gemm(0, p.n, p.k, p.a, p.aOff, p.ars, p.acs, p.b, p.bOff, p.brs, p.bcs, c, p.cOff, p.ldc);
        assertArrayEquals(p.c0, c);
    }
}
