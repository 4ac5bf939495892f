package bytewise.model;

/**
 * An independent, deliberately plain GPT-2 forward pass in double precision, written from the
 * definition (not from the production code), used as ground truth for losses and for
 * finite-difference gradients.
 */
final class DoubleGpt {
    private DoubleGpt() {}

    static double loss(ModelConfig cfg, double[] p, int[] x, int[] y, int B) {
        ParameterLayout lay = new ParameterLayout(cfg);
        int T = cfg.seqLen(), C = cfg.dModel(), NH = cfg.nHead(), hs = C / NH, V = 256;
        double total = 0;
        for (int b = 0; b < B; b++) {
            double[][] h = new double[T][C];
            for (int t = 0; t < T; t++)
                for (int c = 0; c < C; c++) h[t][c] = p[lay.wte + x[b * T + t] * C + c] + p[lay.wpe + t * C + c];
            for (int l = 0; l < cfg.nLayer(); l++) {
                double[][] a = layerNorm(h, p, lay.ln1w(l), lay.ln1b(l));
                double[][] qkv = linear(a, p, lay.qkvw(l), lay.qkvb(l), 3 * C);
                double[][] y1 = new double[T][C];
                for (int hd = 0; hd < NH; hd++) {
                    for (int t = 0; t < T; t++) {
                        double[] s = new double[t + 1];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int u = 0; u <= t; u++) {
                            double d = 0;
                            for (int i = 0; i < hs; i++) d += qkv[t][hd * hs + i] * qkv[u][C + hd * hs + i];
                            s[u] = d / Math.sqrt(hs);
                            max = Math.max(max, s[u]);
                        }
                        double z = 0;
                        for (int u = 0; u <= t; u++) z += (s[u] = Math.exp(s[u] - max));
                        for (int u = 0; u <= t; u++)
                            for (int i = 0; i < hs; i++) y1[t][hd * hs + i] += s[u] / z * qkv[u][2 * C + hd * hs + i];
                    }
                }
                double[][] proj = linear(y1, p, lay.attprojw(l), lay.attprojb(l), C);
                for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) h[t][c] += proj[t][c];
                double[][] m = linear(layerNorm(h, p, lay.ln2w(l), lay.ln2b(l)), p, lay.fcw(l), lay.fcb(l), 4 * C);
                for (double[] row : m)
                    for (int i = 0; i < row.length; i++)
                        row[i] = 0.5 * row[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (row[i] + 0.044715 * Math.pow(row[i], 3))));
                double[][] out = linear(m, p, lay.fcprojw(l), lay.fcprojb(l), C);
                for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) h[t][c] += out[t][c];
            }
            double[][] f = layerNorm(h, p, lay.lnfw, lay.lnfb);
            for (int t = 0; t < T; t++) {
                double[] logit = new double[V];
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < V; v++) {
                    for (int c = 0; c < C; c++) logit[v] += f[t][c] * p[lay.wte + v * C + c];
                    max = Math.max(max, logit[v]);
                }
                double z = 0;
                for (int v = 0; v < V; v++) z += Math.exp(logit[v] - max);
                total += -(logit[y[b * T + t]] - max - Math.log(z));
            }
        }
        return total / (B * T);
    }

    private static double[][] layerNorm(double[][] h, double[] p, int w, int bias) {
        int C = h[0].length;
        double[][] out = new double[h.length][C];
        for (int t = 0; t < h.length; t++) {
            double mean = 0, var = 0;
            for (double v : h[t]) mean += v;
            mean /= C;
            for (double v : h[t]) var += (v - mean) * (v - mean);
            var /= C;
            for (int c = 0; c < C; c++) out[t][c] = (h[t][c] - mean) / Math.sqrt(var + 1e-5) * p[w + c] + p[bias + c];
        }
        return out;
    }

    private static double[][] linear(double[][] in, double[] p, int w, int b, int outC) {
        int C = in[0].length;
        double[][] out = new double[in.length][outC];
        for (int t = 0; t < in.length; t++)
            for (int o = 0; o < outC; o++) {
                double s = p[b + o];
                for (int c = 0; c < C; c++) s += in[t][c] * p[w + o * C + c];
                out[t][o] = s;
            }
        return out;
    }
}
