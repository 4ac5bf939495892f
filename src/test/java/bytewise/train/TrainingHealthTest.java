package bytewise.train;

import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TrainingHealthTest {
    private static final ModelConfig CFG = new ModelConfig(8, 16, 3, 2);

    private static float[] random(int n, long seed, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    /** Σ x² over the named tensors' slices for one layer (or the whole tensor for layer −1), straight from the shapes. */
    private static double sumSq(ParameterLayout lay, float[] x, float[] minus, int layer, String... names) {
        double s = 0;
        for (String name : names) {
            ParameterLayout.Tensor t = lay.tensor(name);
            int per = layer < 0 ? t.size() : t.size() / t.shape()[0];
            int start = t.offset() + Math.max(layer, 0) * per;
            for (int i = start; i < start + per; i++) {
                double v = minus == null ? x[i] : (double) x[i] - minus[i];
                s += v * v;
            }
        }
        return s;
    }

    @Test
    void figuresEqualADirectRecomputation() {
        ParameterLayout lay = new ParameterLayout(CFG);
        float[] params = random(lay.total, 1, 0.1), grads = random(lay.total, 2, 0.01);
        float[] previous = params.clone();
        SplittableRandom rng = new SplittableRandom(3);
        // updates of a different size per tensor, so mixing rows up shows
        for (ParameterLayout.Tensor t : lay.tensors()) {
            double step = Math.pow(10, -1 - rng.nextInt(4));
            for (int i = t.offset(); i < t.offset() + t.size(); i++) previous[i] -= (float) (rng.nextGaussian() * step);
        }
        TrainingHealth h = new TrainingHealth(CFG);
        h.measure(params, grads, previous);
        assertEquals(3 * 5 + 3, h.rows());
        Set<String> names = new HashSet<>();
        int checked = 0;
        for (int r = 0; r < h.rows(); r++) {
            assertTrue(names.add(h.name(r)), "unique row names: " + h.name(r));
            int l = h.layer(r);
            String[] tensors = switch (h.group(r)) {
                case ATTENTION_QKV -> new String[]{"qkvw", "qkvb"};
                case ATTENTION_PROJ -> new String[]{"attprojw", "attprojb"};
                case MLP_FC -> new String[]{"fcw", "fcb"};
                case MLP_PROJ -> new String[]{"fcprojw", "fcprojb"};
                case LAYERNORM -> new String[]{"ln1w", "ln1b", "ln2w", "ln2b"};
                case TOKEN_EMBEDDING -> new String[]{"wte"};
                case POSITION_EMBEDDING -> new String[]{"wpe"};
                case FINAL_LAYERNORM -> new String[]{"lnfw", "lnfb"};
            };
            boolean global = h.group(r) == TrainingHealth.Group.TOKEN_EMBEDDING
                    || h.group(r) == TrainingHealth.Group.POSITION_EMBEDDING || h.group(r) == TrainingHealth.Group.FINAL_LAYERNORM;
            assertEquals(global, l < 0, h.name(r));
            double g = Math.sqrt(sumSq(lay, grads, null, l, tensors));
            double w = Math.sqrt(sumSq(lay, params, null, l, tensors));
            double u = Math.sqrt(sumSq(lay, params, previous, l, tensors));
            assertEquals(g, h.gradNorm(r), 1e-12 * g, h.name(r));
            assertEquals(w, h.weightNorm(r), 1e-12 * w, h.name(r));
            assertEquals(u, h.updateNorm(r), 1e-9 * u, h.name(r));
            assertEquals(Math.log10(u / w), h.updateRatioLog10(r), 1e-9, h.name(r));
            checked++;
        }
        assertEquals(18, checked);
        // every parameter is in exactly one row
        double all = 0, rows = 0;
        for (float p : params) all += (double) p * p;
        for (int r = 0; r < h.rows(); r++) rows += h.weightNorm(r) * h.weightNorm(r);
        assertEquals(all, rows, 1e-9 * all);

        // given the update itself instead of the previous weights: the same figures
        float[] update = new float[lay.total];
        for (int i = 0; i < update.length; i++) update[i] = params[i] - previous[i];
        TrainingHealth h2 = new TrainingHealth(CFG);
        h2.measureUpdate(params, grads, update);
        for (int r = 0; r < h.rows(); r++) {
            assertEquals(h.updateRatioLog10(r), h2.updateRatioLog10(r), 1e-6);
            assertEquals(h.gradNorm(r), h2.gradNorm(r), 0);
        }
    }

    @Test
    void ratioEdgeCases() {
        ParameterLayout lay = new ParameterLayout(CFG);
        float[] params = random(lay.total, 4, 0.1);
        TrainingHealth h = new TrainingHealth(CFG);
        h.measure(params, new float[lay.total], params);
        assertEquals(Double.NEGATIVE_INFINITY, h.updateRatioLog10(0));
        assertEquals(0, h.gradNorm(0));
        h.measureUpdate(new float[lay.total], params, params);
        assertEquals(Double.POSITIVE_INFINITY, h.updateRatioLog10(0));
        h.measureUpdate(new float[lay.total], params, new float[lay.total]);
        assertTrue(Double.isNaN(h.updateRatioLog10(0)));
    }
}
