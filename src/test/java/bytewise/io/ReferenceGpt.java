package bytewise.io;

import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;

/**
 * A plain GPT-2 forward pass in double precision, written from the definition, that gives the
 * next-byte probabilities after every prefix of a byte sequence. With {@code ggmlGelu} its GELU is
 * the one llama.cpp's CPU backend computes: a lookup table indexed by the input rounded to F16,
 * holding F16 values ({@code ggml_vec_gelu_f32} with {@code GGML_GELU_FP16}).
 */
final class ReferenceGpt {
    private ReferenceGpt() {}

    static double gelu(double x, boolean ggml) {
        if (!ggml) return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        if (x <= -10) return 0;
        if (x >= 10) return x;
        float h = Float.float16ToFloat(Float.floatToFloat16((float) x));
        float g = (float) (0.5 * h * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * h * (1 + 0.044715 * h * h))));
        return Float.float16ToFloat(Float.floatToFloat16(g));
    }

    /** probs[t][v]: the probability of byte v after tokens[0..t]. */
    static double[][] probabilities(Gpt model, int[] tokens, boolean ggmlGelu) {
        ModelConfig cfg = model.config();
        ParameterLayout lay = model.layout();
        float[] p = model.params();
        int T = tokens.length, C = cfg.dModel(), NH = cfg.nHead(), hs = C / NH;
        double[][] h = new double[T][C];
        for (int t = 0; t < T; t++)
            for (int c = 0; c < C; c++) h[t][c] = p[lay.wte + tokens[t] * C + c] + p[lay.wpe + t * C + c];
        for (int l = 0; l < cfg.nLayer(); l++) {
            double[][] qkv = linear(layerNorm(h, p, lay.ln1w(l), lay.ln1b(l)), p, lay.qkvw(l), lay.qkvb(l), 3 * C);
            double[][] y = new double[T][C];
            for (int hd = 0; hd < NH; hd++) {
                for (int t = 0; t < T; t++) {
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY, z = 0;
                    for (int u = 0; u <= t; u++) {
                        for (int i = 0; i < hs; i++) s[u] += qkv[t][hd * hs + i] * qkv[u][C + hd * hs + i];
                        s[u] /= Math.sqrt(hs);
                        max = Math.max(max, s[u]);
                    }
                    for (int u = 0; u <= t; u++) z += (s[u] = Math.exp(s[u] - max));
                    for (int u = 0; u <= t; u++)
                        for (int i = 0; i < hs; i++) y[t][hd * hs + i] += s[u] / z * qkv[u][2 * C + hd * hs + i];
                }
            }
            add(h, linear(y, p, lay.attprojw(l), lay.attprojb(l), C));
            double[][] m = linear(layerNorm(h, p, lay.ln2w(l), lay.ln2b(l)), p, lay.fcw(l), lay.fcb(l), 4 * C);
            for (double[] row : m) for (int i = 0; i < row.length; i++) row[i] = gelu(row[i], ggmlGelu);
            add(h, linear(m, p, lay.fcprojw(l), lay.fcprojb(l), C));
        }
        double[][] f = layerNorm(h, p, lay.lnfw, lay.lnfb);
        double[][] out = new double[T][256];
        for (int t = 0; t < T; t++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int v = 0; v < 256; v++) {
                for (int c = 0; c < C; c++) out[t][v] += f[t][c] * p[lay.wte + v * C + c];
                max = Math.max(max, out[t][v]);
            }
            for (int v = 0; v < 256; v++) z += (out[t][v] = Math.exp(out[t][v] - max));
            for (int v = 0; v < 256; v++) out[t][v] /= z;
        }
        return out;
    }

    private static void add(double[][] h, double[][] d) {
        for (int t = 0; t < h.length; t++) for (int c = 0; c < h[t].length; c++) h[t][c] += d[t][c];
    }

    private static double[][] layerNorm(double[][] h, float[] p, int w, int b) {
        int C = h[0].length;
        double[][] out = new double[h.length][C];
        for (int t = 0; t < h.length; t++) {
            double mean = 0, var = 0;
            for (double v : h[t]) mean += v;
            mean /= C;
            for (double v : h[t]) var += (v - mean) * (v - mean);
            var /= C;
            double inv = 1 / Math.sqrt(var + 1e-5);
            for (int c = 0; c < C; c++) out[t][c] = (h[t][c] - mean) * inv * p[w + c] + p[b + c];
        }
        return out;
    }

    /** x W^T + b with W stored (out, in). */
    private static double[][] linear(double[][] x, float[] p, int w, int b, int outC) {
        int in = x[0].length;
        double[][] out = new double[x.length][outC];
        for (int t = 0; t < x.length; t++)
            for (int o = 0; o < outC; o++) {
                double s = p[b + o];
                for (int i = 0; i < in; i++) s += x[t][i] * p[w + o * in + i];
                out[t][o] = s;
            }
        return out;
    }
}
