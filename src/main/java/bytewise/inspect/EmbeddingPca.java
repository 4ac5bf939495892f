package bytewise.inspect;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The embeddings projected to 2-D by principal component analysis: the rows (256 byte
 * embeddings, or the seq_len position embeddings) are centred, and each is projected on the two
 * leading eigenvectors of their covariance. The eigenvectors come from block power iteration
 * with Rayleigh–Ritz, in double precision, from a fixed start, so a plot is the same every time;
 * each axis's sign is chosen so that its largest-magnitude component is positive.
 */
public final class EmbeddingPca {
    private static final int MAX_ITERATIONS = 5000;
    private static final double TOLERANCE = 1e-12;

    /** One projected row: its index (the byte, or the position), its class (null for positions), and its count in the data (-1 without data). */
    public record Point(int index, double x, double y, ByteClass byteClass, long count) {}

    /**
     * The projection: the two axes (unit vectors in embedding space), each one's share of the total
     * variance, and the points in row order.
     */
    public record Result(boolean positions, double[] axis1, double[] axis2, double[] explained, List<Point> points) {}

    private EmbeddingPca() {}

    /** The 256 byte embeddings; with a text, each point also carries its byte's count in it (else -1). */
    public static Result bytes(Gpt model, Corpus counts) {
        ParameterLayout lay = model.layout();
        long[] n = counts == null ? null : count(counts);
        return project(model.params(), lay.wte, ModelConfig.VOCAB, model.config().dModel(), false, n);
    }

    /** The seq_len position embeddings. */
    public static Result positions(Gpt model) {
        return project(model.params(), model.layout().wpe, model.config().seqLen(), model.config().dModel(), true, null);
    }

    /** PCA of {@code rows} rows of width {@code width} stored row-major at {@code off}. */
    public static Result project(float[] data, int off, int rows, int width, boolean positions, long[] counts) {
        if (rows < 2) throw new BytewiseException("PCA needs at least 2 rows, got " + rows);
        double[] mean = new double[width];
        for (int r = 0; r < rows; r++) for (int c = 0; c < width; c++) mean[c] += data[off + r * width + c];
        for (int c = 0; c < width; c++) mean[c] /= rows;
        double[][] x = new double[rows][width];
        for (int r = 0; r < rows; r++) for (int c = 0; c < width; c++) x[r][c] = data[off + r * width + c] - mean[c];
        double[][] cov = new double[width][width];
        for (double[] row : x)
            for (int i = 0; i < width; i++) {
                double xi = row[i];
                if (xi == 0) continue;
                for (int j = i; j < width; j++) cov[i][j] += xi * row[j];
            }
        double trace = 0;
        for (int i = 0; i < width; i++) {
            for (int j = i; j < width; j++) cov[j][i] = cov[i][j] /= (rows - 1);
            trace += cov[i][i];
        }
        double[][] axes = leadingEigenvectors(cov, Math.min(2, width));
        double[] a1 = axes[0], a2 = axes.length > 1 ? axes[1] : new double[width];
        double l1 = quadratic(cov, a1), l2 = axes.length > 1 ? quadratic(cov, a2) : 0;
        double[] explained = trace > 0 ? new double[]{l1 / trace, l2 / trace} : new double[]{0, 0};
        List<Point> points = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            points.add(new Point(r, dot(x[r], a1), dot(x[r], a2), positions ? null : ByteClass.of(r),
                    counts == null ? -1 : counts[r]));
        }
        return new Result(positions, a1, a2, explained, List.copyOf(points));
    }

    /** How often each byte value occurs in the text. */
    public static long[] count(Corpus corpus) {
        long[] n = new long[256];
        for (long i = 0; i < corpus.size(); i++) n[corpus.byteAt(i)]++;
        return n;
    }

    /**
     * The {@code k} leading eigenvectors of a symmetric positive semi-definite matrix: power
     * iteration on a block of a few more vectors than asked (so the convergence rate is set by the
     * gap to the eigenvalues past the block), re-orthonormalized each step, then rotated within the
     * block to the eigenvectors of the block's projected matrix (Rayleigh–Ritz).
     */
    static double[][] leadingEigenvectors(double[][] a, int k) {
        int n = a.length, m = Math.min(n, k + 4);
        double[][] q = new double[m][n];
        SplittableRandom rng = new SplittableRandom(0x5eedL);
        for (double[] v : q) for (int i = 0; i < n; i++) v[i] = rng.nextDouble() - 0.5;
        orthonormalize(q);
        double[][] z = new double[m][n];
        double[] previous = new double[k];
        java.util.Arrays.fill(previous, Double.NaN);
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, a[i][i]);
        if (scale > 0) {
            for (int it = 0; it < MAX_ITERATIONS; it++) {
                for (int j = 0; j < m; j++) multiply(a, q[j], z[j]);
                double[][] swap = q;
                q = z;
                z = swap;
                orthonormalize(q);
                rayleighRitz(a, q, z);
                double change = 0;
                for (int j = 0; j < k; j++) {
                    double lambda = quadratic(a, q[j]);
                    change = Math.max(change, Math.abs(lambda - previous[j]));
                    previous[j] = lambda;
                }
                if (change <= TOLERANCE * scale && residual(a, q, k) <= 1e-9 * scale) break;
            }
        }
        double[][] out = new double[k][];
        for (int j = 0; j < k; j++) {
            double[] v = q[j].clone();
            int big = 0;
            for (int i = 1; i < n; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
            if (v[big] < 0) for (int i = 0; i < n; i++) v[i] = -v[i];
            out[j] = v;
        }
        return out;
    }

    /** Largest ‖A·q_j − λ_j·q_j‖ over the first k vectors. */
    private static double residual(double[][] a, double[][] q, int k) {
        int n = a.length;
        double worst = 0;
        double[] av = new double[n];
        for (int j = 0; j < k; j++) {
            multiply(a, q[j], av);
            double lambda = dot(q[j], av), s = 0;
            for (int i = 0; i < n; i++) s += (av[i] - lambda * q[j][i]) * (av[i] - lambda * q[j][i]);
            worst = Math.max(worst, Math.sqrt(s));
        }
        return worst;
    }

    /**
     * Rotates the orthonormal block q to the Ritz vectors of A in its span, sorted by decreasing
     * Ritz value: H = Qᵀ A Q is small (m × m) and diagonalized by cyclic Jacobi rotations.
     */
    private static void rayleighRitz(double[][] a, double[][] q, double[][] scratch) {
        int m = q.length, n = a.length;
        double[][] h = new double[m][m];
        for (int j = 0; j < m; j++) {
            multiply(a, q[j], scratch[j]);
            for (int i = 0; i <= j; i++) h[i][j] = h[j][i] = dot(q[i], scratch[j]);
        }
        double[][] w = new double[m][m];
        for (int i = 0; i < m; i++) w[i][i] = 1;
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = 0;
            for (int i = 0; i < m; i++) for (int j = i + 1; j < m; j++) off += h[i][j] * h[i][j];
            if (off < 1e-30) break;
            for (int p = 0; p < m; p++) {
                for (int r = p + 1; r < m; r++) {
                    if (h[p][r] == 0) continue;
                    double theta = (h[r][r] - h[p][p]) / (2 * h[p][r]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int i = 0; i < m; i++) {
                        double hp = h[i][p], hr = h[i][r];
                        h[i][p] = c * hp - s * hr;
                        h[i][r] = s * hp + c * hr;
                    }
                    for (int i = 0; i < m; i++) {
                        double hp = h[p][i], hr = h[r][i];
                        h[p][i] = c * hp - s * hr;
                        h[r][i] = s * hp + c * hr;
                    }
                    for (int i = 0; i < m; i++) {
                        double wp = w[i][p], wr = w[i][r];
                        w[i][p] = c * wp - s * wr;
                        w[i][r] = s * wp + c * wr;
                    }
                }
            }
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(h[y][y], h[x][x]));
        for (int j = 0; j < m; j++) {
            double[] v = scratch[j];
            java.util.Arrays.fill(v, 0);
            for (int i = 0; i < m; i++) {
                double c = w[i][order[j]];
                for (int e = 0; e < n; e++) v[e] += c * q[i][e];
            }
        }
        for (int j = 0; j < m; j++) System.arraycopy(scratch[j], 0, q[j], 0, n);
        orthonormalize(q);
    }

    /** Modified Gram–Schmidt; a vector that vanishes is replaced by a fresh unit vector orthogonal to the rest. */
    private static void orthonormalize(double[][] q) {
        int n = q[0].length;
        for (int j = 0; j < q.length; j++) {
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i < j; i++) {
                    double d = dot(q[i], q[j]);
                    for (int e = 0; e < n; e++) q[j][e] -= d * q[i][e];
                }
            double norm = Math.sqrt(dot(q[j], q[j]));
            for (int e = 0; norm < 1e-150 && e < n; e++) {
                // A maps this direction to nothing (a rank-deficient matrix): any unit vector
                // orthogonal to the others does, try the axes in turn
                java.util.Arrays.fill(q[j], 0);
                q[j][e] = 1;
                for (int pass = 0; pass < 2; pass++)
                    for (int i = 0; i < j; i++) {
                        double d = dot(q[i], q[j]);
                        for (int c = 0; c < n; c++) q[j][c] -= d * q[i][c];
                    }
                norm = Math.sqrt(dot(q[j], q[j]));
                if (norm < 1e-6) norm = 0;
            }
            for (int e = 0; e < n; e++) q[j][e] /= norm;
        }
    }

    private static void multiply(double[][] a, double[] v, double[] out) {
        for (int i = 0; i < a.length; i++) out[i] = dot(a[i], v);
    }

    private static double quadratic(double[][] a, double[] v) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += v[i] * dot(a[i], v);
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
