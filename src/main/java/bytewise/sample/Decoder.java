package bytewise.sample;

import bytewise.kernels.Kernels;
import bytewise.kernels.Vec;
import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;

/**
 * Incremental inference for one sequence with a KV cache: each new byte runs the model on that
 * byte only and attends over the cached keys and values, so it costs O(context) rather than a
 * full re-run. When the context reaches {@code seqLen}, the window slides: the newest half is kept
 * and the cache rebuilt from it in one batched pass (GEMMs read the weights once for all kept
 * positions, where single-byte passes would stream them from memory once per position). Prompts
 * are prefilled the same way.
 */
public final class Decoder {
    private final Gpt model;
    private final ModelConfig cfg;
    private final ParameterLayout lay;
    private final float[] p;
    private final int T, C, NH, hs;
    private final float[] kCache, vCache; // (L, T, C)
    private final int[] history; // tokens currently in the cache, by position
    private int pos;
    private final float[] x, ln, qkv, att, y, h, hg, logits, probs, mean = new float[1], rstd = new float[1];
    private final WorkerPool pool;
    private ForwardBackward batched; // created on first prefill

    public Decoder(Gpt model) {
        this(model, null);
    }

    /**
     * With a pool, each large mat-vec is split by rows across its workers: one byte's pass streams
     * every weight from memory, so two cores roughly double the bytes per second.
     */
    public Decoder(Gpt model, WorkerPool pool) {
        this.pool = pool == null ? SINGLE_THREAD : pool;
        this.model = model;
        this.cfg = model.config();
        this.lay = model.layout();
        this.p = model.params();
        T = cfg.seqLen();
        C = cfg.dModel();
        NH = cfg.nHead();
        hs = C / NH;
        kCache = new float[cfg.nLayer() * T * C];
        vCache = new float[cfg.nLayer() * T * C];
        history = new int[T];
        x = new float[C];
        ln = new float[C];
        qkv = new float[3 * C];
        att = new float[T];
        y = new float[C];
        h = new float[4 * C];
        hg = new float[4 * C];
        logits = new float[ModelConfig.VOCAB];
        probs = new float[ModelConfig.VOCAB];
    }

    public Gpt model() {
        return model;
    }

    /** Forgets the context. */
    public void reset() {
        pos = 0;
    }

    /** Bytes currently in the context window. */
    public int contextLength() {
        return pos;
    }

    /**
     * Appends one byte to the context and returns the logits for the byte after it. The array
     * is reused by the next call.
     */
    public float[] push(int token) {
        if (token < 0 || token > 255) throw new IllegalArgumentException("byte out of range: " + token);
        if (pos == T) slide();
        history[pos] = token;
        forward(token, pos);
        pos++;
        return logits;
    }

    /** Softmax of the last logits at temperature 1 (reused buffer). */
    public float[] probabilities() {
        System.arraycopy(logits, 0, probs, 0, logits.length);
        Kernels.softmaxCrossEntropy(probs, 0, null, 0, 0, 1, probs.length);
        return probs;
    }

    /**
     * Replaces the context with the last min(n, seq_len) of {@code tokens} in one batched pass and
     * returns the logits for the byte after them (reused buffer).
     */
    public float[] prefill(int[] tokens, int n) {
        if (n < 1) throw new IllegalArgumentException("prefill needs at least one byte");
        int keep = Math.min(n, T);
        for (int i = 0; i < keep; i++) {
            int t = tokens[n - keep + i];
            if (t < 0 || t > 255) throw new IllegalArgumentException("byte out of range: " + t);
            history[i] = t;
        }
        rebuild(keep);
        System.arraycopy(batched.logits(), (keep - 1) * ModelConfig.VOCAB, logits, 0, ModelConfig.VOCAB);
        return logits;
    }

    private void slide() {
        int keep = Math.max(1, T / 2);
        System.arraycopy(history, T - keep, history, 0, keep);
        rebuild(keep);
    }

    /** Fills the cache for history[0, keep) with one batched forward over those positions. */
    private void rebuild(int keep) {
        if (batched == null) batched = new ForwardBackward(model, 1, pool, false);
        batched.forwardLogits(history, keep);
        for (int l = 0; l < cfg.nLayer(); l++) batched.copyKeysValues(l, 0, keep, kCache, l * T * C, vCache, l * T * C);
        pos = keep;
    }

    private static final WorkerPool SINGLE_THREAD = new WorkerPool(1);

    private void forward(int token, int t) {
        System.arraycopy(p, lay.wte + token * C, x, 0, C);
        Vec.addInPlace(x, 0, p, lay.wpe + t * C, C);
        float scale = (float) (1.0 / Math.sqrt(hs));
        for (int l = 0; l < cfg.nLayer(); l++) {
            int cache = l * T * C;
            Kernels.layerNormForward(ln, 0, mean, 0, rstd, 0, x, 0, p, lay.ln1w(l), p, lay.ln1b(l), 0, 1, C);
            matvec(qkv, ln, lay.qkvw(l), lay.qkvb(l), C, 3 * C);
            System.arraycopy(qkv, C, kCache, cache + t * C, C);
            System.arraycopy(qkv, 2 * C, vCache, cache + t * C, C);
            for (int hd = 0; hd < NH; hd++) {
                int o = hd * hs;
                for (int u = 0; u <= t; u++) att[u] = Vec.dot(qkv, o, kCache, cache + u * C + o, hs) * scale;
                float max = Vec.max(att, 0, t + 1);
                float sum = Vec.expShiftInPlace(att, 0, t + 1, max);
                java.util.Arrays.fill(y, o, o + hs, 0f);
                for (int u = 0; u <= t; u++) Vec.axpy(att[u] / sum, vCache, cache + u * C + o, y, o, hs);
            }
            matvecAdd(x, y, lay.attprojw(l), lay.attprojb(l), C, C);
            Kernels.layerNormForward(ln, 0, mean, 0, rstd, 0, x, 0, p, lay.ln2w(l), p, lay.ln2b(l), 0, 1, C);
            matvec(h, ln, lay.fcw(l), lay.fcb(l), C, 4 * C);
            Kernels.geluForward(hg, 0, h, 0, 0, 4 * C);
            matvecAdd(x, hg, lay.fcprojw(l), lay.fcprojb(l), 4 * C, C);
        }
        Kernels.layerNormForward(ln, 0, mean, 0, rstd, 0, x, 0, p, lay.lnfw, p, lay.lnfb, 0, 1, C);
        rows(logits, 0, lay.wte, -1, ln, C, ModelConfig.VOCAB, false);
    }

    /** out = W·in + b for W (outC, in) at wOff. */
    private void matvec(float[] out, float[] in, int wOff, int bOff, int inC, int outC) {
        rows(out, 0, wOff, bOff, in, inC, outC, false);
    }

    private void matvecAdd(float[] out, float[] in, int wOff, int bOff, int inC, int outC) {
        rows(out, 0, wOff, bOff, in, inC, outC, true);
    }

    /** Below this many multiply-adds a dispatch to the pool costs more than it saves. */
    private static final int PARALLEL_MIN = 1 << 15;

    private void rows(float[] out, int outOff, int wOff, int bOff, float[] in, int inC, int outC, boolean acc) {
        float[] bias = bOff < 0 ? null : p;
        if (pool.size() == 1 || (long) inC * outC < PARALLEL_MIN) {
            Vec.matvec(out, outOff, p, wOff, bias, bOff, in, 0, inC, outC, acc);
            return;
        }
        int blocks = (outC + 3) / 4; // split on multiples of 4 rows, the kernel's unroll
        pool.forRange(blocks, (b0, b1) -> {
            int o0 = b0 * 4, o1 = Math.min(outC, b1 * 4);
            Vec.matvec(out, outOff + o0, p, wOff + o0 * inC, bias, bOff + o0, in, 0, inC, o1 - o0, acc);
        });
    }
}
