package bytewise.inspect;

import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddingPcaTest {

    /** Full eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: {eigenvalues, eigenvectors as rows}, sorted descending. */
    static double[][][] jacobi(double[][] a0) {
        int n = a0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = a0[i].clone();
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) off += a[i][j] * a[i][j];
            if (off < 1e-26) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) continue;
                    // angle that zeroes a[p][q]: tan(2φ) = 2a_pq / (a_qq − a_pp)
                    double phi = 0.5 * Math.atan2(2 * a[p][q], a[q][q] - a[p][p]);
                    double c = Math.cos(phi), s = Math.sin(phi);
                    for (int k = 0; k < n; k++) { // columns p, q
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) { // rows p, q
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[][] values = new double[1][n], vectors = new double[n][n];
        for (int j = 0; j < n; j++) {
            values[0][j] = a[order[j]][order[j]];
            for (int k = 0; k < n; k++) vectors[j][k] = v[k][order[j]];
        }
        return new double[][][]{values, vectors};
    }

    private static double[][] covariance(float[] p, int off, int rows, int width) {
        double[] mean = new double[width];
        for (int r = 0; r < rows; r++) for (int c = 0; c < width; c++) mean[c] += p[off + r * width + c] / (double) rows;
        double[][] cov = new double[width][width];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < width; i++)
                for (int j = 0; j < width; j++)
                    cov[i][j] += (p[off + r * width + i] - mean[i]) * (p[off + r * width + j] - mean[j]) / (rows - 1);
        return cov;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double[] unit(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        double norm = Math.sqrt(dot(v, v));
        for (int i = 0; i < n; i++) v[i] /= norm;
        return v;
    }

    @Test
    void recoversAKnownPlaneUpToSign() {
        ModelConfig cfg = new ModelConfig(8, 24, 1, 2);
        Gpt m = Gpt.initialize(cfg, 1);
        int C = cfg.dModel();
        SplittableRandom rng = new SplittableRandom(42);
        double[] u = unit(rng, C), w = unit(rng, C);
        double d = dot(u, w); // make w orthogonal to u
        for (int i = 0; i < C; i++) w[i] -= d * u[i];
        double wn = Math.sqrt(dot(w, w));
        for (int i = 0; i < C; i++) w[i] /= wn;
        double[] a = new double[256], b = new double[256];
        float[] p = m.params();
        ParameterLayout lay = m.layout();
        for (int r = 0; r < 256; r++) {
            a[r] = 3 * rng.nextGaussian();
            b[r] = rng.nextGaussian();
        }
        // centred and uncorrelated over the 256 rows, so u and w are exactly the sample's principal axes
        double am = java.util.Arrays.stream(a).average().orElseThrow(), bm = java.util.Arrays.stream(b).average().orElseThrow();
        for (int r = 0; r < 256; r++) {
            a[r] -= am;
            b[r] -= bm;
        }
        double ab = dot(a, b) / dot(a, a);
        for (int r = 0; r < 256; r++) b[r] -= ab * a[r];
        for (int r = 0; r < 256; r++) {
            for (int c = 0; c < C; c++)
                p[lay.wte + r * C + c] = (float) (0.7 + a[r] * u[c] + b[r] * w[c] + 1e-4 * rng.nextGaussian());
        }
        double ma = java.util.Arrays.stream(a).average().orElseThrow(), mb = java.util.Arrays.stream(b).average().orElseThrow();
        EmbeddingPca.Result res = EmbeddingPca.bytes(m, null);
        assertEquals(1, Math.abs(dot(res.axis1(), u)), 1e-5);
        assertEquals(1, Math.abs(dot(res.axis2(), w)), 1e-5);
        double s1 = Math.signum(dot(res.axis1(), u)), s2 = Math.signum(dot(res.axis2(), w));
        assertEquals(256, res.points().size());
        for (int r = 0; r < 256; r++) {
            EmbeddingPca.Point pt = res.points().get(r);
            assertEquals(r, pt.index());
            assertEquals(s1 * (a[r] - ma), pt.x(), 1e-3, "x of " + r);
            assertEquals(s2 * (b[r] - mb), pt.y(), 1e-3, "y of " + r);
            assertEquals(-1, pt.count());
            assertEquals(ByteClass.of(r), pt.byteClass());
        }
        // nearly all variance lies in the plane, about 9:1 between its axes
        assertTrue(res.explained()[0] + res.explained()[1] > 0.9999);
        assertEquals(0.9, res.explained()[0], 0.03);
        // signs are fixed: each axis's largest-magnitude component is positive
        for (double[] axis : new double[][]{res.axis1(), res.axis2()}) {
            int big = 0;
            for (int i = 1; i < C; i++) if (Math.abs(axis[i]) > Math.abs(axis[big])) big = i;
            assertTrue(axis[big] > 0);
            assertEquals(1, dot(axis, axis), 1e-9);
        }
        assertEquals(0, dot(res.axis1(), res.axis2()), 1e-9);
    }

    @Test
    void explainedVarianceMatchesAFullEigenDecomposition() {
        for (long seed : new long[]{3, 4}) {
            ModelConfig cfg = new ModelConfig(40, 32, 1, 2);
            Gpt m = Gpt.initialize(cfg, seed); // random N(0, 0.02) rows: close eigenvalues, a hard case
            ParameterLayout lay = m.layout();
            for (boolean positions : new boolean[]{false, true}) {
                int rows = positions ? cfg.seqLen() : 256;
                int off = positions ? lay.wpe : lay.wte;
                double[][][] eig = jacobi(covariance(m.params(), off, rows, cfg.dModel()));
                double trace = java.util.Arrays.stream(eig[0][0]).sum();
                EmbeddingPca.Result res = positions ? EmbeddingPca.positions(m) : EmbeddingPca.bytes(m, null);
                assertEquals(rows, res.points().size());
                assertEquals(eig[0][0][0] / trace, res.explained()[0], 1e-9, "seed " + seed + " positions " + positions);
                assertEquals(eig[0][0][1] / trace, res.explained()[1], 1e-9);
                assertTrue(eig[0][0][0] > eig[0][0][1] * 1.001, "distinct leading eigenvalues, so axes are defined");
                assertEquals(1, Math.abs(dot(res.axis1(), eig[1][0])), 1e-6);
                assertEquals(1, Math.abs(dot(res.axis2(), eig[1][1])), 1e-6);
                if (positions) assertNull(res.points().get(0).byteClass());
            }
        }
    }

    @Test
    void pointsCarryByteCountsFromTheData() {
        Gpt m = Gpt.initialize(new ModelConfig(8, 16, 1, 2), 2);
        Corpus c = Corpus.of("c.txt", "aab\n\u00e9".getBytes(StandardCharsets.UTF_8)); // é = C3 A9
        EmbeddingPca.Result res = EmbeddingPca.bytes(m, c);
        assertEquals(2, res.points().get('a').count());
        assertEquals(1, res.points().get('b').count());
        assertEquals(1, res.points().get('\n').count());
        assertEquals(1, res.points().get(0xC3).count());
        assertEquals(1, res.points().get(0xA9).count());
        assertEquals(0, res.points().get('z').count());
        assertEquals(6, res.points().stream().mapToLong(EmbeddingPca.Point::count).sum());
    }

    @Test
    void byteClasses() {
        assertEquals(ByteClass.LOWER, ByteClass.of('a'));
        assertEquals(ByteClass.LOWER, ByteClass.of('z'));
        assertEquals(ByteClass.UPPER, ByteClass.of('A'));
        assertEquals(ByteClass.UPPER, ByteClass.of('Z'));
        assertEquals(ByteClass.DIGIT, ByteClass.of('0'));
        assertEquals(ByteClass.DIGIT, ByteClass.of('9'));
        for (int b : new int[]{' ', '\t', '\n', '\r', 0x0B, 0x0C}) assertEquals(ByteClass.WHITESPACE, ByteClass.of(b), "" + b);
        for (int b : new int[]{'!', '/', ':', '@', '[', '`', '{', '~', '.', ','}) assertEquals(ByteClass.PUNCTUATION, ByteClass.of(b));
        for (int b : new int[]{0, 8, 0x0E, 0x1F, 0x7F}) assertEquals(ByteClass.CONTROL, ByteClass.of(b), "" + b);
        for (int b : new int[]{0x80, 0xA9, 0xBF}) assertEquals(ByteClass.UTF8_CONTINUATION, ByteClass.of(b));
        for (int b : new int[]{0xC2, 0xC3, 0xE2, 0xF0, 0xF4}) assertEquals(ByteClass.UTF8_LEAD, ByteClass.of(b));
        for (int b : new int[]{0xC0, 0xC1, 0xF5, 0xFF}) assertEquals(ByteClass.OTHER, ByteClass.of(b));
        int[] perClass = new int[ByteClass.values().length];
        for (int b = 0; b < 256; b++) perClass[ByteClass.of(b).ordinal()]++;
        assertArrayEquals(new int[]{26, 26, 10, 6, 32, 28, 51, 64, 13}, perClass);
    }
}
