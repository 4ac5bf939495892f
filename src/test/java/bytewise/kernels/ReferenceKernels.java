package bytewise.kernels;

/**
 * Plain scalar versions of every fast kernel, written as llm.c writes them. They are the
 * specification the vectorised kernels are tested against, and the baseline in the benchmarks.
 */
public final class ReferenceKernels {
    private static final double GELU_SCALE = Math.sqrt(2.0 / Math.PI);

    private ReferenceKernels() {}

    /** C[i, j] += Σ_k A(i, k)·B(k, j) with strided views, as {@link Gemm#gemm}. */
    public static void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                            float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int kk = 0; kk < k; kk++) sum += a[aOff + i * ars + kk * acs] * b[bOff + kk * brs + j * bcs];
                c[cOff + i * ldc + j] += sum;
            }
        }
    }

    /** out = inp·wᵀ + bias, inp (rows, in), w (out, in). */
    public static void matmulForward(float[] out, float[] inp, float[] w, float[] bias, int rows, int in, int outC) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outC; o++) {
                float v = bias == null ? 0f : bias[o];
                for (int i = 0; i < in; i++) v += inp[r * in + i] * w[o * in + i];
                out[r * outC + o] = v;
            }
        }
    }

    public static void matmulBackward(float[] dinp, float[] dw, float[] dbias, float[] dout, float[] inp, float[] w,
                                      int rows, int in, int outC) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outC; o++) {
                float d = dout[r * outC + o];
                if (dbias != null) dbias[o] += d;
                for (int i = 0; i < in; i++) {
                    dinp[r * in + i] += w[o * in + i] * d;
                    dw[o * in + i] += inp[r * in + i] * d;
                }
            }
        }
    }

    public static void layerNormForward(float[] out, float[] mean, float[] rstd, float[] inp, float[] w, float[] b,
                                        int rows, int c) {
        for (int r = 0; r < rows; r++) {
            float m = 0f;
            for (int i = 0; i < c; i++) m += inp[r * c + i];
            m /= c;
            float v = 0f;
            for (int i = 0; i < c; i++) {
                float d = inp[r * c + i] - m;
                v += d * d;
            }
            v /= c;
            float s = (float) (1.0 / Math.sqrt(v + Kernels.LN_EPS));
            for (int i = 0; i < c; i++) out[r * c + i] = (inp[r * c + i] - m) * s * w[i] + b[i];
            mean[r] = m;
            rstd[r] = s;
        }
    }

    public static void layerNormBackward(float[] dinp, float[] dw, float[] db, float[] dout, float[] inp, float[] w,
                                         float[] mean, float[] rstd, int rows, int c) {
        for (int r = 0; r < rows; r++) {
            float m = mean[r], s = rstd[r];
            float dMean = 0f, dNormMean = 0f;
            for (int i = 0; i < c; i++) {
                float norm = (inp[r * c + i] - m) * s;
                float dnorm = w[i] * dout[r * c + i];
                dMean += dnorm;
                dNormMean += dnorm * norm;
            }
            dMean /= c;
            dNormMean /= c;
            for (int i = 0; i < c; i++) {
                float norm = (inp[r * c + i] - m) * s;
                float dnorm = w[i] * dout[r * c + i];
                db[i] += dout[r * c + i];
                dw[i] += norm * dout[r * c + i];
                dinp[r * c + i] += (dnorm - dMean - norm * dNormMean) * s;
            }
        }
    }

    public static float gelu(float x) {
        return (float) (0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x))));
    }

    public static float geluGrad(float x) {
        double u = GELU_SCALE * (x + 0.044715 * x * x * x);
        double th = Math.tanh(u);
        return (float) (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * GELU_SCALE * (1 + 3 * 0.044715 * x * x));
    }

    /** probs[r] = softmax(logits[r]); returns Σ −ln probs[r][target]. */
    public static double softmaxCrossEntropy(float[] probs, float[] logits, int[] targets, int rows, int v) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < v; i++) max = Math.max(max, logits[r * v + i]);
            float sum = 0f;
            for (int i = 0; i < v; i++) {
                probs[r * v + i] = (float) Math.exp(logits[r * v + i] - max);
                sum += probs[r * v + i];
            }
            for (int i = 0; i < v; i++) probs[r * v + i] /= sum;
            if (targets != null) loss -= Math.log(probs[r * v + targets[r]]);
        }
        return loss;
    }

    public static void attentionForward(float[] out, float[] att, float[] qkv, int B, int T, int C, int nh) {
        int hs = C / nh;
        float scale = (float) (1.0 / Math.sqrt(hs));
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < nh; h++) {
                    int q = (b * T + t) * 3 * C + h * hs;
                    int a = ((b * nh + h) * T + t) * T;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int t2 = 0; t2 <= t; t2++) {
                        int k = (b * T + t2) * 3 * C + C + h * hs;
                        float v = 0f;
                        for (int i = 0; i < hs; i++) v += qkv[q + i] * qkv[k + i];
                        v *= scale;
                        att[a + t2] = v;
                        max = Math.max(max, v);
                    }
                    float sum = 0f;
                    for (int t2 = 0; t2 <= t; t2++) {
                        att[a + t2] = (float) Math.exp(att[a + t2] - max);
                        sum += att[a + t2];
                    }
                    for (int t2 = 0; t2 <= t; t2++) att[a + t2] /= sum;
                    int o = (b * T + t) * C + h * hs;
                    for (int i = 0; i < hs; i++) out[o + i] = 0f;
                    for (int t2 = 0; t2 <= t; t2++) {
                        int v = (b * T + t2) * 3 * C + 2 * C + h * hs;
                        for (int i = 0; i < hs; i++) out[o + i] += att[a + t2] * qkv[v + i];
                    }
                }
            }
        }
    }

    public static void attentionBackward(float[] dqkv, float[] dout, float[] att, float[] qkv, int B, int T, int C, int nh) {
        int hs = C / nh;
        float scale = (float) (1.0 / Math.sqrt(hs));
        float[] datt = new float[T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < nh; h++) {
                    int a = ((b * nh + h) * T + t) * T;
                    int dy = (b * T + t) * C + h * hs;
                    for (int t2 = 0; t2 <= t; t2++) {
                        int v = (b * T + t2) * 3 * C + 2 * C + h * hs;
                        datt[t2] = 0f;
                        for (int i = 0; i < hs; i++) {
                            datt[t2] += dout[dy + i] * qkv[v + i];
                            dqkv[v + i] += att[a + t2] * dout[dy + i];
                        }
                    }
                    for (int t2 = 0; t2 <= t; t2++) {
                        float dpre = 0f;
                        for (int t3 = 0; t3 <= t; t3++) {
                            float local = att[a + t2] * ((t2 == t3 ? 1f : 0f) - att[a + t3]);
                            dpre += local * datt[t3];
                        }
                        int q = (b * T + t) * 3 * C + h * hs;
                        int k = (b * T + t2) * 3 * C + C + h * hs;
                        for (int i = 0; i < hs; i++) {
                            dqkv[q + i] += qkv[k + i] * dpre * scale;
                            dqkv[k + i] += qkv[q + i] * dpre * scale;
                        }
                    }
                }
            }
        }
    }
}
