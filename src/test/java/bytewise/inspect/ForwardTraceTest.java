package bytewise.inspect;

import bytewise.BytewiseException;
import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import bytewise.sample.Decoder;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ForwardTraceTest {
    private static final ModelConfig CFG = new ModelConfig(16, 32, 2, 4);
    private static final Corpus TEXT = Corpus.of("t.txt", TestData.prose(3000, 7));

    /** An initialised model with every weight nudged (biases and LayerNorm gains too), so all of them matter. */
    static Gpt perturbed(ModelConfig cfg, long seed) {
        Gpt m = Gpt.initialize(cfg, seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) (rng.nextGaussian() * 0.05);
        return m;
    }

    private static int[] context(long offset, int n) {
        int[] c = new int[n];
        TEXT.read(offset, c, 0, n);
        return c;
    }

    @Test
    void finalLogitsAreTheModelsOwn() {
        Gpt m = perturbed(CFG, 3);
        for (int n : new int[]{1, 5, 16}) {
            int[] ctx = context(200, n);
            ForwardTrace tr = ForwardTrace.run(m, ctx, n);
            double[] mine = tr.logits();
            // the decoder's batched prefill (ForwardBackward's kernels) and its one-byte-at-a-time path
            float[] prefill = new Decoder(m).prefill(ctx, n).clone();
            Decoder d = new Decoder(m);
            float[] pushed = null;
            for (int i = 0; i < n; i++) pushed = d.push(ctx[i]);
            double spread = 0;
            for (int b = 0; b < 256; b++) {
                assertEquals(prefill[b], mine[b], 1e-4, "prefill logit " + b + " n=" + n);
                assertEquals(pushed[b], mine[b], 1e-4, "decoder logit " + b + " n=" + n);
                spread = Math.max(spread, Math.abs(mine[b] - mine[0]));
            }
            assertTrue(spread > 0.1, "logits differ between bytes, so the comparison means something: " + spread);
        }
    }

    @Test
    void attentionRowsAreCausalDistributions() {
        ForwardTrace tr = ForwardTrace.run(perturbed(CFG, 5), context(40, 16), 16);
        assertEquals(2, tr.layers());
        assertEquals(4, tr.heads());
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 4; h++) {
                float[][] w = tr.attentionMap(l, h);
                assertEquals(16, w.length);
                for (int q = 0; q < 16; q++) {
                    double sum = 0;
                    for (int k = 0; k < 16; k++) {
                        if (k > q) assertEquals(0f, w[q][k], "causal: query " + q + " key " + k);
                        else assertTrue(w[q][k] > 0 && w[q][k] <= 1);
                        sum += w[q][k];
                    }
                    assertEquals(1.0, sum, 1e-5);
                }
                assertEquals(1f, w[0][0], 1e-6);
            }
    }

    /** Softmax over keys 0..t of (LN1(x_t)·Wq + bq)·(LN1(x_u)·Wk + bk)/√hs for one head, from residual inputs. */
    private static double[] headRow(Gpt m, int layer, int head, double[][] x, int t) {
        ParameterLayout lay = m.layout();
        float[] p = m.params();
        int C = m.config().dModel(), hs = C / m.config().nHead();
        double[] q = project(p, lay, layer, norm(p, lay.ln1w(layer), lay.ln1b(layer), x[t]), head * hs, hs);
        double[] s = new double[t + 1];
        double z = 0;
        for (int u = 0; u <= t; u++) {
            double[] k = project(p, lay, layer, norm(p, lay.ln1w(layer), lay.ln1b(layer), x[u]), C + head * hs, hs);
            double dot = 0;
            for (int i = 0; i < hs; i++) dot += q[i] * k[i];
            s[u] = Math.exp(dot / Math.sqrt(hs));
            z += s[u];
        }
        for (int u = 0; u <= t; u++) s[u] /= z;
        return s;
    }

    private static double[] norm(float[] p, int w, int b, double[] x) {
        int C = x.length;
        double mean = java.util.Arrays.stream(x).average().orElseThrow();
        double var = java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / C;
        double[] out = new double[C];
        for (int c = 0; c < C; c++) out[c] = (x[c] - mean) / Math.sqrt(var + 1e-5) * p[w + c] + p[b + c];
        return out;
    }

    /** Rows [from, from + count) of layer's qkv weight times v, plus bias. */
    private static double[] project(float[] p, ParameterLayout lay, int layer, double[] v, int from, int count) {
        int C = v.length;
        double[] out = new double[count];
        for (int o = 0; o < count; o++) {
            double s = p[lay.qkvb(layer) + from + o];
            for (int i = 0; i < C; i++) s += p[lay.qkvw(layer) + (from + o) * C + i] * v[i];
            out[o] = s;
        }
        return out;
    }

    @Test
    void oneHeadRecomputedIndependently() {
        Gpt m = perturbed(CFG, 11);
        int n = 12;
        int[] ctx = context(77, n);
        ForwardTrace tr = ForwardTrace.run(m, ctx, n);
        ParameterLayout lay = m.layout();
        float[] p = m.params();
        int C = CFG.dModel();
        // layer 0 straight from the embeddings
        double[][] x = new double[n][C];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < C; c++) x[t][c] = p[lay.wte + ctx[t] * C + c] + p[lay.wpe + t * C + c];
        for (int t = 0; t < n; t++) {
            double[] row = headRow(m, 0, 2, x, t);
            for (int u = 0; u <= t; u++) assertEquals(row[u], tr.attention(0, 2, t, u), 1e-6, "layer 0 t=" + t + " u=" + u);
        }
        // layer 1 from the stream block 0 wrote (itself checked by the final logits above)
        double[][] x1 = new double[n][];
        for (int t = 0; t < n; t++) x1[t] = tr.residual(1, t);
        for (int t = 0; t < n; t++) {
            double[] row = headRow(m, 1, 3, x1, t);
            for (int u = 0; u <= t; u++) assertEquals(row[u], tr.attention(1, 3, t, u), 1e-6, "layer 1 t=" + t + " u=" + u);
        }
        // the embeddings stream is what it says
        assertArrayEquals(x[5], tr.residual(0, 5), 1e-7);
    }

    @Test
    void attentionAtAnOffsetTakesTheSanityChecksContext() {
        Gpt m = perturbed(CFG, 2);
        ForwardTrace tr = AttentionMaps.at(m, TEXT, 300, 10);
        assertEquals(10, tr.length());
        for (int i = 0; i < 10; i++) assertEquals(TEXT.byteAt(300 + i), tr.token(i));
        assertEquals(16, AttentionMaps.at(m, TEXT, 0, 0).length());
        assertThrows(BytewiseException.class, () -> AttentionMaps.at(m, TEXT, -1, 0));
        assertThrows(BytewiseException.class, () -> AttentionMaps.at(m, TEXT, TEXT.size() - 16, 0));
        assertDoesNotThrow(() -> AttentionMaps.at(m, TEXT, TEXT.size() - 17, 0));
        assertThrows(BytewiseException.class, () -> AttentionMaps.at(m, TEXT, 0, 17));
        assertThrows(BytewiseException.class, () -> ForwardTrace.run(m, new int[]{1, 300}, 2));
    }

    /** The training health's activation RMS (ForwardBackward's residual stream) equals the trace's, block by block. */
    @Test
    void residualRmsOfTheTrainingForwardMatchesTheTrace() {
        Gpt m = perturbed(CFG, 9);
        int T = CFG.seqLen();
        int[] x = context(100, T), y = context(101, T);
        try (bytewise.kernels.WorkerPool pool = new bytewise.kernels.WorkerPool(1)) {
            bytewise.model.ForwardBackward fb = new bytewise.model.ForwardBackward(m, 1, pool);
            fb.forward(x, y, 1);
            ForwardTrace tr = ForwardTrace.run(m, x, T);
            for (int l = 0; l < CFG.nLayer(); l++) {
                double s = 0;
                for (int t = 0; t < T; t++) for (double v : tr.residual(l + 1, t)) s += v * v;
                double rms = Math.sqrt(s / (T * CFG.dModel()));
                assertEquals(rms, fb.residualRms(l), 1e-5 * rms, "block " + l);
            }
            assertNotEquals(fb.residualRms(0), fb.residualRms(1), "each block has its own figure");
        }
    }
}
