package bytewise.sample;

import bytewise.kernels.Attention;
import bytewise.kernels.Kernels;
import bytewise.kernels.PanelMatrix;
import bytewise.kernels.Vec;
import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;

/**
 * Incremental inference for one sequence with a KV cache: each new byte runs the model on that
 * byte only and attends over the cached keys and values, so it costs O(context) rather than a
 * full re-run.
 *
 * <p>When the context reaches {@code seqLen}, the window slides: the newest half is kept at
 * positions 0.. (the positions are learned and absolute, so every kept key and value changes).
 * Rather than recomputing them at each slide, a second "shadow" cache is filled as the bytes
 * arrive: once a byte lands in the half that the next slide keeps, it is also run at its future
 * position against the shadow cache, in the same pass (each weight is read once for both rows,
 * and a byte's pass is bound by streaming the weights). At the slide the two caches swap. The
 * shadow holds exactly what a rebuild from the kept bytes one at a time would hold, at about a
 * tenth of the rebuild's cost. Prompts are prefilled with batched GEMM passes.
 *
 * <p>The mat-vecs read the weights as {@link PanelMatrix} copies taken at construction, so a
 * decoder serves one state of the model: make a new one after the weights change.
 */
public final class Decoder {
    private static final int MAIN = 0; // row 0 of a pass; row 1 is the shadow
    private final Gpt model;
    private final ModelConfig cfg;
    private final ParameterLayout lay;
    private final float[] p;
    private final int T, C, NH, hs, keep;
    // Per layer and head: keys transposed (hs × tp), values as rows (T × hp), zero-padded to whole
    // vectors (the layout Attention.attendCached reads). The shadow always holds
    // history[T - keep, pos) at positions 0..
    private final int tp, hp, keysPerLayer, valuesPerLayer;
    private float[] kCache, vCache, kShadow, vShadow;
    private float[] prefillKeys, prefillValues; // (T, C) each, created on first prefill
    private final int[] history; // tokens currently in the main cache, by position
    private final int[] window; // scratch for batched passes
    private final int[] rowPos = new int[2]; // position of each row of the current pass
    private int pos;
    // per-row activations, row r at offset r * width
    private final float[][] att; // per worker
    private final float[] x, ln, qkv, y, h, hg, logits, probs, mean = new float[2], rstd = new float[2];
    private final WorkerPool pool;
    private final PanelMatrix[] qkvw, attprojw, fcw, fcprojw;
    private final PanelMatrix head; // the tied output embedding
    private final float[][] tail; // per worker, for PanelMatrix
    private ForwardBackward batched; // created on first prefill

    public Decoder(Gpt model) {
        this(model, null);
    }

    /**
     * With a pool, each large mat-vec is split by rows across its workers: one byte's pass streams
     * every weight from memory, and two cores each stream half.
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
        keep = Math.max(1, T / 2);
        tp = Attention.padded(T);
        hp = Attention.padded(hs);
        keysPerLayer = NH * hs * tp;
        valuesPerLayer = NH * T * hp;
        kCache = new float[cfg.nLayer() * keysPerLayer];
        vCache = new float[cfg.nLayer() * valuesPerLayer];
        kShadow = new float[cfg.nLayer() * keysPerLayer];
        vShadow = new float[cfg.nLayer() * valuesPerLayer];
        history = new int[T];
        window = new int[T];
        x = new float[2 * C];
        ln = new float[2 * C];
        qkv = new float[2 * 3 * C];
        att = new float[this.pool.size()][Attention.cachedScratchSize(T, hs)];
        y = new float[2 * C];
        h = new float[2 * 4 * C];
        hg = new float[2 * 4 * C];
        logits = new float[ModelConfig.VOCAB];
        probs = new float[ModelConfig.VOCAB];
        int layers = cfg.nLayer();
        qkvw = new PanelMatrix[layers];
        attprojw = new PanelMatrix[layers];
        fcw = new PanelMatrix[layers];
        fcprojw = new PanelMatrix[layers];
        for (int l = 0; l < layers; l++) {
            qkvw[l] = PanelMatrix.of(p, lay.qkvw(l), 3 * C, C);
            attprojw[l] = PanelMatrix.of(p, lay.attprojw(l), C, C);
            fcw[l] = PanelMatrix.of(p, lay.fcw(l), 4 * C, C);
            fcprojw[l] = PanelMatrix.of(p, lay.fcprojw(l), C, 4 * C);
        }
        head = PanelMatrix.of(p, lay.wte, ModelConfig.VOCAB, C);
        tail = new float[this.pool.size()][2 * PanelMatrix.PW];
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
        int shadowPos = pos - (T - keep);
        forward(token, pos, shadowPos);
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
        int count = Math.min(n, T);
        for (int i = 0; i < count; i++) {
            int t = tokens[n - count + i];
            if (t < 0 || t > 255) throw new IllegalArgumentException("byte out of range: " + t);
            history[i] = t;
        }
        fill(kCache, vCache, 0, count);
        System.arraycopy(batched.logits(), (count - 1) * ModelConfig.VOCAB, logits, 0, ModelConfig.VOCAB);
        pos = count;
        // the bytes the next slide keeps, at the positions they will then have
        if (count > T - keep) fill(kShadow, vShadow, T - keep, count - (T - keep));
        return logits;
    }

    private void slide() {
        System.arraycopy(history, T - keep, history, 0, keep);
        float[] k = kCache, v = vCache;
        kCache = kShadow;
        vCache = vShadow;
        kShadow = k; // empty again: filled from position T - keep on
        vShadow = v;
        pos = keep;
    }

    /** Fills caches with history[from, from + count) at positions 0.. in one batched forward. */
    private void fill(float[] kc, float[] vc, int from, int count) {
        if (batched == null) {
            batched = new ForwardBackward(model, 1, pool, false);
            prefillKeys = new float[T * C];
            prefillValues = new float[T * C];
        }
        System.arraycopy(history, from, window, 0, count);
        batched.forwardLogits(window, count);
        for (int l = 0; l < cfg.nLayer(); l++) {
            batched.copyKeysValues(l, 0, count, prefillKeys, 0, prefillValues, 0);
            for (int t = 0; t < count; t++) store(kc, vc, l, t, prefillKeys, t * C, prefillValues, t * C);
        }
    }

    /** Caches layer l's key k[ko, ko + C) and value v[vo, vo + C) at position t, in the cache's layout. */
    private void store(float[] kc, float[] vc, int l, int t, float[] k, int ko, float[] v, int vo) {
        storeHeads(kc, vc, l, t, k, ko, v, vo, 0, NH);
    }

    /** {@link #store} for heads [h0, h1) only. */
    private void storeHeads(float[] kc, float[] vc, int l, int t, float[] k, int ko, float[] v, int vo, int h0, int h1) {
        for (int hd = h0; hd < h1; hd++) {
            int kt = l * keysPerLayer + hd * hs * tp + t, src = ko + hd * hs;
            for (int d = 0; d < hs; d++) kc[kt + d * tp] = k[src + d];
            System.arraycopy(v, vo + hd * hs, vc, l * valuesPerLayer + (hd * T + t) * hp, hs);
        }
    }

    private static final WorkerPool SINGLE_THREAD = new WorkerPool(1);

    /**
     * One byte through the model at position t of the main cache and, when shadowPos >= 0, at
     * shadowPos of the shadow cache. Logits are computed for the main row only.
     */
    private void forward(int token, int t, int shadowPos) {
        rowPos[MAIN] = t;
        rowPos[1] = shadowPos;
        // With a pool, both rows go through each split product together: each core streams half of
        // every weight once for both rows. One row per core instead (one dispatch per byte) made
        // each core stream all the weights, and a pass is bound by that stream (BENCHMARKS.md).
        forwardRows(token, shadowPos >= 0 ? 2 : 1, pool.size() > 1);
    }

    /**
     * Rows [0, n) through the model (each row's results depend only on that row); logits for row 0.
     * With {@code split}, large mat-vecs and the heads are split across the pool's workers.
     */
    private void forwardRows(int token, int n, boolean split) {
        for (int r = 0; r < n; r++) {
            System.arraycopy(p, lay.wte + token * C, x, r * C, C);
            Vec.addInPlace(x, r * C, p, lay.wpe + rowPos[r] * C, C);
        }
        for (int l = 0; l < cfg.nLayer(); l++) {
            final int layer = l;
            for (int r = 0; r < n; r++) layerNorm(r, lay.ln1w(l), lay.ln1b(l));
            rows(qkv, 3 * C, qkvw[l], lay.qkvb(l), ln, C, C, 3 * C, n, false, null, split);
            // heads are independent: split them across workers, both rows in each chunk (balanced)
            if (split) pool.forChunks(NH, pool.size(), (h0, h1, w) -> attention(layer, n, h0, h1, w));
            else attention(layer, n, 0, NH, 0);
            rows(x, C, attprojw[l], lay.attprojb(l), y, C, C, C, n, true, null, split);
            for (int r = 0; r < n; r++) layerNorm(r, lay.ln2w(l), lay.ln2b(l));
            rows(h, 4 * C, fcw[l], lay.fcb(l), ln, C, C, 4 * C, n, false, hg, split);
            rows(x, C, fcprojw[l], lay.fcprojb(l), hg, 4 * C, 4 * C, C, n, true, null, split);
        }
        Kernels.layerNormForward(ln, 0, mean, 0, rstd, 0, x, 0, p, lay.lnfw, p, lay.lnfb, 0, 1, C);
        rows(logits, 0, head, -1, ln, 0, C, ModelConfig.VOCAB, 1, false, null, split);
    }

    /**
     * Layer l for heads [h0, h1) and rows [0, n): caches each row's key and value, then attends
     * with its query over its cache.
     */
    private void attention(int l, int n, int h0, int h1, int worker) {
        for (int r = 0; r < n; r++) {
            float[] kc = keys(r), vc = values(r);
            storeHeads(kc, vc, l, rowPos[r], qkv, r * 3 * C + C, qkv, r * 3 * C + 2 * C, h0, h1);
            for (int hd = h0; hd < h1; hd++) {
                int o = hd * hs;
                Attention.attendCached(qkv, r * 3 * C + o, kc, l * keysPerLayer + hd * hs * tp,
                        vc, l * valuesPerLayer + hd * T * hp, rowPos[r] + 1, T, hs, att[worker], y, r * C + o);
            }
        }
    }

    private float[] keys(int row) {
        return row == MAIN ? kCache : kShadow;
    }

    private float[] values(int row) {
        return row == MAIN ? vCache : vShadow;
    }

    private void layerNorm(int r, int wOff, int bOff) {
        Kernels.layerNormForward(ln, r * C, mean, r, rstd, r, x, r * C, p, wOff, p, bOff, 0, 1, C);
    }

    /** Below this many multiply-adds a dispatch to the pool costs more than it saves. */
    private static final int PARALLEL_MIN = 1 << 15;

    /**
     * out[r * outStride + o] (+)= W·in[r * inStride ..] + b for rows r in [0, n) (n 1 or 2),
     * W (outC, inC), bias at bOff (none when negative). With {@code gelu} non-null, also
     * gelu[r * outStride + o] = GELU(out[..]) for each output, in the same chunk (one dispatch).
     */
    private void rows(float[] out, int outStride, PanelMatrix w, int bOff, float[] in, int inStride, int inC, int outC,
                      int n, boolean acc, float[] gelu, boolean split) {
        float[] bias = bOff < 0 ? null : p;
        // row r's output starts at r * outStride and its input at r * inStride
        if (!split || (long) n * inC * outC < PARALLEL_MIN) {
            w.multiply(out, 0, outStride, bias, bOff, in, 0, inStride, n, acc, 0, w.panels(), tail[0]);
            if (gelu != null) Kernels.geluForward(gelu, 0, out, 0, 0, n * outStride);
            return;
        }
        // One chunk per worker: a mat-vec takes a few microseconds, and finer chunks cost more in
        // cross-core claiming than they gain in balance.
        pool.forChunks(w.panels(), pool.size(), (p0, p1, wk) -> {
            w.multiply(out, 0, outStride, bias, bOff, in, 0, inStride, n, acc, p0, p1, tail[wk]);
            if (gelu != null) {
                int o0 = p0 * PanelMatrix.PW, o1 = Math.min(p1 * PanelMatrix.PW, outC);
                for (int r = 0; r < n; r++) Kernels.geluForward(gelu, 0, out, 0, r * outStride + o0, r * outStride + o1);
            }
        });
    }
}
