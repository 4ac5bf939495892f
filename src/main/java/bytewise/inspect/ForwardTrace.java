package bytewise.inspect;

import bytewise.BytewiseException;
import bytewise.kernels.Kernels;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;

/**
 * A plain, position-by-position GPT-2 forward pass over one context that keeps what the fast
 * kernels throw away: each layer's and head's causal attention weights and the residual stream
 * after the embeddings and after every block. It is the same computation as
 * {@code model.ForwardBackward} and {@code sample.Decoder} (learned token + position embeddings,
 * pre-LayerNorm blocks, tanh GELU, final LayerNorm, head tied to the token embeddings), written
 * for reading rather than speed and accumulated in double precision. It costs about one scalar
 * multiply-add per weight per position: fine for one context, not for training.
 */
public final class ForwardTrace {
    private static final double GELU_SCALE = Math.sqrt(2.0 / Math.PI);

    private final ModelConfig cfg;
    private final int n, C, L, NH;
    private final int[] tokens;
    /** attention[layer][head][query * n + key]; zero where key > query. */
    private final float[][][] attention;
    /** residual[k][position * C + channel]: k = 0 after the embeddings, k = l + 1 after block l. */
    private final double[][] residual;
    private final Gpt model;

    private ForwardTrace(Gpt model, int[] tokens) {
        this.model = model;
        this.cfg = model.config();
        this.tokens = tokens;
        this.n = tokens.length;
        this.C = cfg.dModel();
        this.L = cfg.nLayer();
        this.NH = cfg.nHead();
        this.attention = new float[L][NH][n * n];
        this.residual = new double[L + 1][n * C];
    }

    /**
     * Runs the model over {@code context[0, n)} (1 ≤ n ≤ seq_len, bytes 0..255) at positions 0..n-1,
     * as the sanity check and the decoder's prefill do.
     */
    public static ForwardTrace run(Gpt model, int[] context, int n) {
        int T = model.config().seqLen();
        if (n < 1 || n > T) throw new BytewiseException("context must be 1.." + T + " bytes (seq_len), got " + n);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            if (context[i] < 0 || context[i] > 255) throw new BytewiseException("byte out of range: " + context[i]);
            tokens[i] = context[i];
        }
        ForwardTrace trace = new ForwardTrace(model, tokens);
        trace.compute();
        return trace;
    }

    private void compute() {
        ParameterLayout lay = model.layout();
        float[] p = model.params();
        int hs = C / NH;
        double scale = 1.0 / Math.sqrt(hs);
        double[] x = residual[0];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < C; c++) x[t * C + c] = (double) p[lay.wte + tokens[t] * C + c] + p[lay.wpe + t * C + c];

        double[] q = new double[n * C], k = new double[n * C], v = new double[n * C];
        double[] y = new double[C], ln = new double[C], h = new double[4 * C], scores = new double[n];
        for (int l = 0; l < L; l++) {
            double[] in = residual[l], out = residual[l + 1];
            System.arraycopy(in, 0, out, 0, n * C);
            // queries, keys and values of every position: qkv = LayerNorm1(x)·Wᵀ + b, split in three
            for (int t = 0; t < n; t++) {
                layerNorm(out, t * C, p, lay.ln1w(l), lay.ln1b(l), ln);
                for (int o = 0; o < C; o++) {
                    q[t * C + o] = linear(p, lay.qkvw(l), lay.qkvb(l), o, ln);
                    k[t * C + o] = linear(p, lay.qkvw(l), lay.qkvb(l), C + o, ln);
                    v[t * C + o] = linear(p, lay.qkvw(l), lay.qkvb(l), 2 * C + o, ln);
                }
            }
            for (int t = 0; t < n; t++) {
                // each head: softmax over keys 0..t of q·k/√hs, then the weighted sum of values
                for (int hd = 0; hd < NH; hd++) {
                    int o = hd * hs;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double s = 0;
                        for (int i = 0; i < hs; i++) s += q[t * C + o + i] * k[u * C + o + i];
                        scores[u] = s * scale;
                        max = Math.max(max, scores[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) sum += scores[u] = Math.exp(scores[u] - max);
                    float[] row = attention[l][hd];
                    for (int i = 0; i < hs; i++) y[o + i] = 0;
                    for (int u = 0; u <= t; u++) {
                        double w = scores[u] / sum;
                        row[t * n + u] = (float) w;
                        for (int i = 0; i < hs; i++) y[o + i] += w * v[u * C + o + i];
                    }
                }
                // x += y·Wprojᵀ + b
                for (int c = 0; c < C; c++) out[t * C + c] += linear(p, lay.attprojw(l), lay.attprojb(l), c, y);
            }
            // x += GELU(LayerNorm2(x)·Wfcᵀ + b)·Wfcprojᵀ + b, position by position
            for (int t = 0; t < n; t++) {
                layerNorm(out, t * C, p, lay.ln2w(l), lay.ln2b(l), ln);
                for (int j = 0; j < 4 * C; j++) h[j] = gelu(linear(p, lay.fcw(l), lay.fcb(l), j, ln));
                for (int c = 0; c < C; c++) out[t * C + c] += linear(p, lay.fcprojw(l), lay.fcprojb(l), c, h);
            }
        }
    }

    /** Row {@code o} of the (out, in) matrix at {@code w} times {@code in}, plus bias {@code b[o]}. */
    private static double linear(float[] p, int w, int b, int o, double[] in) {
        int width = in.length;
        double s = p[b + o];
        int row = w + o * width;
        for (int i = 0; i < width; i++) s += p[row + i] * in[i];
        return s;
    }

    private void layerNorm(double[] x, int off, float[] p, int w, int b, double[] out) {
        double mean = 0;
        for (int c = 0; c < C; c++) mean += x[off + c];
        mean /= C;
        double var = 0;
        for (int c = 0; c < C; c++) var += (x[off + c] - mean) * (x[off + c] - mean);
        var /= C;
        double rstd = 1.0 / Math.sqrt(var + Kernels.LN_EPS);
        for (int c = 0; c < C; c++) out[c] = (x[off + c] - mean) * rstd * p[w + c] + p[b + c];
    }

    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
    }

    public Gpt model() {
        return model;
    }

    /** Bytes in the context. */
    public int length() {
        return n;
    }

    public int layers() {
        return L;
    }

    public int heads() {
        return NH;
    }

    /** The context byte at {@code position}. */
    public int token(int position) {
        return tokens[position];
    }

    /** Attention of query {@code query} on key {@code key} in one layer and head (0 when key > query). */
    public float attention(int layer, int head, int query, int key) {
        return attention[layer][head][query * n + key];
    }

    /** A copy of one layer's and head's weights: rows = queries, columns = keys, each row sums to 1. */
    public float[][] attentionMap(int layer, int head) {
        float[][] m = new float[n][n];
        for (int t = 0; t < n; t++) System.arraycopy(attention[layer][head], t * n, m[t], 0, n);
        return m;
    }

    /**
     * A copy of the residual stream at {@code position}: {@code after} 0 is the embeddings,
     * {@code after} l + 1 is the output of block l (so {@code after} = layers() is the final stream).
     */
    public double[] residual(int after, int position) {
        double[] r = new double[C];
        System.arraycopy(residual[after], position * C, r, 0, C);
        return r;
    }

    /**
     * Next-byte logits read from a residual stream as the model reads its last one: the final
     * LayerNorm, then the head tied to the token embeddings.
     */
    public double[] readOut(int after, int position) {
        ParameterLayout lay = model.layout();
        float[] p = model.params();
        double[] ln = new double[C];
        layerNorm(residual[after], position * C, p, lay.lnfw, lay.lnfb, ln);
        double[] logits = new double[ModelConfig.VOCAB];
        for (int b = 0; b < ModelConfig.VOCAB; b++) {
            double s = 0;
            for (int c = 0; c < C; c++) s += p[lay.wte + b * C + c] * ln[c];
            logits[b] = s;
        }
        return logits;
    }

    /** The model's own next-byte logits after the last context byte. */
    public double[] logits() {
        return readOut(L, n - 1);
    }

    /** Softmax of logits, in double precision. */
    public static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) max = Math.max(max, v);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }
}
