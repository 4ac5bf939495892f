package bytewise.train;

import bytewise.kernels.Vec;
import bytewise.model.ModelConfig;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import bytewise.model.ParameterLayout;

import java.util.List;

/**
 * Per-step health figures of a training run, per layer and tensor group: the gradient's L2 norm,
 * the weights' L2 norm, and log10 of the update-to-weight ratio ‖Δw‖ / ‖w‖ (around −3 is the usual
 * healthy value for Adam; much higher means the weights churn, much lower that they are stuck).
 *
 * <p>Rows: for each block, its attention qkv and projection, MLP fc and projection, and its two
 * LayerNorms together; then the token and position embeddings and the final LayerNorm (layer −1).
 * Each row is a matrix and its bias (or gains and biases). Figures are computed in double
 * precision (Vector API) in one pass over the buffers; a call allocates nothing, so it can run every step.
 */
public final class TrainingHealth {
    /** What a row measures. */
    public enum Group {
        ATTENTION_QKV("attn.qkv"), ATTENTION_PROJ("attn.proj"), MLP_FC("mlp.fc"), MLP_PROJ("mlp.proj"),
        LAYERNORM("layernorm"), TOKEN_EMBEDDING("embed.token"), POSITION_EMBEDDING("embed.position"),
        FINAL_LAYERNORM("layernorm.final");

        private final String label;

        Group(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final int rows;
    private final int[] layer;
    private final Group[] group;
    /** Row r covers the flat-buffer ranges [from[r][i], to[r][i]). */
    private final int[][] from, to;
    private final double[] gradSq, weightSq, updateSq;
    private final double[] acc = new double[3];

    public TrainingHealth(ModelConfig cfg) {
        ParameterLayout lay = new ParameterLayout(cfg);
        int c = cfg.dModel(), layers = cfg.nLayer();
        rows = 5 * layers + 3;
        layer = new int[rows];
        group = new Group[rows];
        from = new int[rows][];
        to = new int[rows][];
        int r = 0;
        for (int l = 0; l < layers; l++) {
            r = row(r, l, Group.ATTENTION_QKV, lay.qkvw(l), 3 * c * c, lay.qkvb(l), 3 * c);
            r = row(r, l, Group.ATTENTION_PROJ, lay.attprojw(l), c * c, lay.attprojb(l), c);
            r = row(r, l, Group.MLP_FC, lay.fcw(l), 4 * c * c, lay.fcb(l), 4 * c);
            r = row(r, l, Group.MLP_PROJ, lay.fcprojw(l), 4 * c * c, lay.fcprojb(l), c);
            r = row(r, l, Group.LAYERNORM, lay.ln1w(l), c, lay.ln1b(l), c, lay.ln2w(l), c, lay.ln2b(l), c);
        }
        r = row(r, -1, Group.TOKEN_EMBEDDING, lay.wte, lay.wpe - lay.wte);
        r = row(r, -1, Group.POSITION_EMBEDDING, lay.wpe, lay.ln1w - lay.wpe);
        row(r, -1, Group.FINAL_LAYERNORM, lay.lnfw, c, lay.lnfb, c);
        gradSq = new double[rows];
        weightSq = new double[rows];
        updateSq = new double[rows];
    }

    /** (offset, length) pairs. */
    private int row(int r, int l, Group g, int... ranges) {
        layer[r] = l;
        group[r] = g;
        from[r] = new int[ranges.length / 2];
        to[r] = new int[ranges.length / 2];
        for (int i = 0; i < ranges.length / 2; i++) {
            from[r][i] = ranges[2 * i];
            to[r][i] = ranges[2 * i] + ranges[2 * i + 1];
        }
        return r + 1;
    }

    public int rows() {
        return rows;
    }

    /** The block a row belongs to, or −1 for the embeddings and the final LayerNorm. */
    public int layer(int row) {
        return layer[row];
    }

    public Group group(int row) {
        return group[row];
    }

    /** "layer 2 attn.qkv", "embed.token". */
    public String name(int row) {
        return layer[row] < 0 ? group[row].label() : "layer " + layer[row] + " " + group[row].label();
    }

    /**
     * Measures a step from the weights after it, the gradients it used (after clipping, as the
     * optimizer saw them), and the weights before it (the update is {@code params − previous}).
     * The buffers are read only; call it between steps, e.g. from a training listener.
     */
    public void measure(float[] params, float[] grads, float[] previous) {
        measure(params, grads, previous, true);
    }

    /** As {@link #measure}, with the update itself (Δw, added to the weights) instead of the old weights. */
    public void measureUpdate(float[] params, float[] grads, float[] update) {
        measure(params, grads, update, false);
    }

    private void measure(float[] params, float[] grads, float[] other, boolean isPrevious) {
        for (int r = 0; r < rows; r++) {
            double g = 0, w = 0, u = 0;
            for (int i = 0; i < from[r].length; i++) {
                sums(params, grads, other, isPrevious, from[r][i], to[r][i]);
                g += acc[0];
                w += acc[1];
                u += acc[2];
            }
            gradSq[r] = g;
            weightSq[r] = w;
            updateSq[r] = u;
        }
    }

    /**
     * The engine's float species ({@link Vec#SPECIES}) and doubles of the same shape, so that a float
     * vector's two halves widen to two double vectors. With a second float species (this class read
     * 4 floats at a time), the Vector API's shared call sites saw two vector classes, and C2 once
     * compiled Gemm.packRows with class checks that boxed its vectors (BENCHMARKS.md, "Boxed
     * accumulators"). A fixed 256-bit double species would also be wider than a 128-bit CPU's vectors.
     */
    private static final VectorSpecies<Float> F = Vec.SPECIES;
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());

    /**
     * Σg², Σw², Σu² over [from, to) into acc, in double: a vector of floats at a time, its halves
     * widened to doubles (exact), one partial sum per half and figure.
     */
    private void sums(float[] params, float[] grads, float[] other, boolean isPrevious, int from, int to) {
        DoubleVector g0 = DoubleVector.zero(D), g1 = g0, w0 = g0, w1 = g0, u0 = g0, u1 = g0;
        int j = from, step = F.length();
        for (; j + step <= to; j += step) {
            FloatVector p = FloatVector.fromArray(F, params, j), a = FloatVector.fromArray(F, grads, j);
            FloatVector o = FloatVector.fromArray(F, other, j);
            DoubleVector p0 = widen(p, 0), p1 = widen(p, 1), a0 = widen(a, 0), a1 = widen(a, 1);
            DoubleVector d0 = widen(o, 0), d1 = widen(o, 1);
            if (isPrevious) {
                d0 = p0.sub(d0);
                d1 = p1.sub(d1);
            }
            g0 = a0.fma(a0, g0);
            g1 = a1.fma(a1, g1);
            w0 = p0.fma(p0, w0);
            w1 = p1.fma(p1, w1);
            u0 = d0.fma(d0, u0);
            u1 = d1.fma(d1, u1);
        }
        double g = g0.add(g1).reduceLanes(VectorOperators.ADD), w = w0.add(w1).reduceLanes(VectorOperators.ADD);
        double u = u0.add(u1).reduceLanes(VectorOperators.ADD);
        for (; j < to; j++) {
            double p = params[j], a = grads[j], d = isPrevious ? p - other[j] : other[j];
            g += a * a;
            w += p * p;
            u += d * d;
        }
        acc[0] = g;
        acc[1] = w;
        acc[2] = u;
    }

    /** Half {@code part} (0 or 1) of {@code v}, widened to doubles. */
    private static DoubleVector widen(FloatVector v, int part) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, part);
    }

    public double gradNorm(int row) {
        return Math.sqrt(gradSq[row]);
    }

    public double weightNorm(int row) {
        return Math.sqrt(weightSq[row]);
    }

    public double updateNorm(int row) {
        return Math.sqrt(updateSq[row]);
    }

    /**
     * log10(‖Δw‖ / ‖w‖) of the last measured step: −∞ when nothing moved, +∞ when weights of norm 0
     * moved, NaN when both are 0.
     */
    public double updateRatioLog10(int row) {
        return 0.5 * Math.log10(updateSq[row] / weightSq[row]);
    }

    /** One row of a {@link Report}: a tensor group's figures at the report's step. */
    public record Row(String name, int layer, Group group, double gradNorm, double weightNorm, double updateRatioLog10) {}

    /**
     * An immutable copy of the last measured step, for other threads: the rows, the RMS of the
     * residual stream after each block ({@code activationRms[l]}, over the step's batch), and how
     * many of the {@code windowSteps} steps since the previous report had their gradient clipped.
     */
    public record Report(long step, List<Row> rows, double[] activationRms, int clippedSteps, int windowSteps) {
        public Report {
            rows = List.copyOf(rows);
            activationRms = activationRms.clone();
        }

        /** Share of the window's steps whose gradient norm was over the clip threshold (0 for an empty window). */
        public double clippedShare() {
            return windowSteps == 0 ? 0 : (double) clippedSteps / windowSteps;
        }
    }

    /** The last measured step as a {@link Report}. */
    public Report report(long step, double[] activationRms, int clippedSteps, int windowSteps) {
        List<Row> out = new java.util.ArrayList<>(rows);
        for (int r = 0; r < rows; r++)
            out.add(new Row(name(r), layer[r], group[r], gradNorm(r), weightNorm(r), updateRatioLog10(r)));
        return new Report(step, out, activationRms, clippedSteps, windowSteps);
    }
}
