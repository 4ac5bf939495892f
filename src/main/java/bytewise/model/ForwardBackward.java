package bytewise.model;

import bytewise.BytewiseException;
import bytewise.kernels.Attention;
import bytewise.kernels.Kernels;
import bytewise.kernels.MatMul;
import bytewise.kernels.Vec;
import bytewise.kernels.WorkerPool;

/**
 * Batched forward and backward passes over windows of {@code seqLen} bytes, llm.c style: every
 * activation buffer is allocated once here for the largest batch, each layer's forward and backward
 * sit side by side below, and a step allocates no buffers.
 *
 * <p>Work is split across the {@link WorkerPool} by rows, (batch, head) pairs or channels, never
 * so that two workers add into one float, and every sum runs in a fixed order: results are
 * bit-identical from run to run and whatever the thread count.
 */
public final class ForwardBackward {
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16L;

    private final Gpt model;
    private final ModelConfig cfg;
    private final ParameterLayout lay;
    private final WorkerPool pool;
    private final MatMul mm;
    private final int maxBatch, T, C, L, NH, V;
    private final float[] params;
    private final float[] grads;
    private final boolean training;

    // activations (per layer where stacked: layer l at l * maxBatch * T * width)
    private final float[] encoded, ln1, ln1Mean, ln1Rstd, qkv, atty, att, residual2, ln2, ln2Mean, ln2Rstd;
    private final float[] fch, fchGelu, residual3, lnf, lnfMean, lnfRstd, logits;
    // gradient scratch, reused by every layer
    private final float[] dresidual, dln, datty, dfch, dqkv;
    private final float[][] attScratch;
    private final double[] rowLoss;
    private final int[] inputs, targets;
    private int batch; // windows in the last forward
    private int seq; // bytes per window in the last forward (T except for inference prefill)
    private boolean haveTargets;

    public ForwardBackward(Gpt model, int maxBatch, WorkerPool pool) {
        this(model, maxBatch, pool, true);
    }

    /** With {@code training} false, no gradient buffers are allocated and {@link #backward} is unavailable. */
    public ForwardBackward(Gpt model, int maxBatch, WorkerPool pool, boolean training) {
        this.model = model;
        this.cfg = model.config();
        this.lay = model.layout();
        this.pool = pool;
        this.mm = new MatMul(pool);
        this.maxBatch = maxBatch;
        T = cfg.seqLen();
        C = cfg.dModel();
        L = cfg.nLayer();
        NH = cfg.nHead();
        V = ModelConfig.VOCAB;
        if (maxBatch <= 0) throw new BytewiseException("batch must be positive, got " + maxBatch);
        checkFits(model.config(), maxBatch);
        long BT = (long) maxBatch * T;
        params = model.params();
        this.training = training;
        grads = training ? new float[params.length] : null;
        encoded = alloc(BT * C);
        ln1 = alloc(L * BT * C);
        ln1Mean = alloc(L * BT);
        ln1Rstd = alloc(L * BT);
        qkv = alloc(L * BT * 3 * C);
        atty = alloc(L * BT * C);
        att = alloc((long) L * maxBatch * NH * T * T);
        residual2 = alloc(L * BT * C);
        ln2 = alloc(L * BT * C);
        ln2Mean = alloc(L * BT);
        ln2Rstd = alloc(L * BT);
        fch = alloc(L * BT * 4 * C);
        fchGelu = alloc(L * BT * 4 * C);
        residual3 = alloc(L * BT * C);
        lnf = alloc(BT * C);
        lnfMean = alloc(BT);
        lnfRstd = alloc(BT);
        logits = alloc(BT * V);
        dresidual = training ? alloc(BT * C) : null;
        dln = training ? alloc(BT * C) : null;
        datty = training ? alloc(BT * C) : null;
        dfch = training ? alloc(BT * 4 * C) : null;
        dqkv = training ? alloc(BT * 3 * C) : null;
        attScratch = new float[pool.size()][Attention.scratchSize(T, C, NH)];
        rowLoss = new double[(int) BT];
        inputs = new int[(int) BT];
        targets = new int[(int) BT];
    }

    /**
     * Refuses a model + batch whose buffers cannot exist: a single buffer over Java's array limit,
     * or weights, gradients, optimizer moments and activations larger than the heap can still hold.
     */
    public static void checkFits(ModelConfig cfg, int batch) {
        long BT = (long) batch * cfg.seqLen();
        long att = (long) cfg.nLayer() * batch * cfg.nHead() * cfg.seqLen() * cfg.seqLen();
        long widest = Math.max(att, cfg.nLayer() * BT * 4L * cfg.dModel());
        if (widest > MAX_ARRAY || BT * ModelConfig.VOCAB > MAX_ARRAY)
            throw new BytewiseException("batch " + batch + " × seq_len " + cfg.seqLen() + " needs an activation buffer of "
                    + widest + " floats, over Java's array limit; use a smaller batch, seq_len or model");
        long bytes = Memory.trainingBytes(cfg, batch);
        long available = Memory.freeHeap(bytes);
        if (bytes > available)
            throw new BytewiseException(String.format("model and batch need about %,d MB but only %,d MB of heap is free;"
                    + " use a smaller batch, seq_len or model (or a larger -Xmx)", bytes >> 20, available >> 20));
    }

    private static float[] alloc(long n) {
        return new float[(int) n];
    }

    public Gpt model() {
        return model;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public float[] grads() {
        return grads;
    }

    /**
     * Root mean square of the residual stream after block {@code layer} in the last forward, over
     * every position and channel of its windows: how large the activations the next block reads are.
     */
    public double residualRms(int layer) {
        if (layer < 0 || layer >= L) throw new IllegalArgumentException("layer " + layer + " outside 0.." + (L - 1));
        int rows = batch * seq, off = layer * maxBatch * T * C;
        if (rows == 0) return Double.NaN;
        double s = 0;
        for (int i = off, end = off + rows * C; i < end; i++) s += (double) residual3[i] * residual3[i];
        return Math.sqrt(s / ((double) rows * C));
    }

    public WorkerPool pool() {
        return pool;
    }

    /**
     * Forward over {@code b} windows: {@code x} holds b·T input bytes, {@code y} the b·T next bytes
     * (or null). Returns the mean cross-entropy (NaN without targets). Afterwards
     * {@link #probabilities()} holds the b·T next-byte distributions.
     */
    public float forward(int[] x, int[] y, int b) {
        return forward(x, y, b, T, true);
    }

    /**
     * Inference forward over one window of {@code n} ≤ seq_len bytes, without the final softmax:
     * {@link #logits()} then holds raw logits for positions [0, n). A short window costs only its
     * own length (the layers are causal, so its results equal those of a padded full window).
     */
    public void forwardLogits(int[] x, int n) {
        if (n < 1 || n > T) throw new IllegalArgumentException("window length " + n + " outside 1.." + T);
        forward(x, null, 1, n, false);
    }

    /** Raw logits after {@link #forwardLogits}; row r = window r / T, position r % T. */
    public float[] logits() {
        return logits;
    }

    /**
     * Copies the attention keys and values that layer {@code layer} computed in the last forward for
     * positions [0, n) of window {@code w}: (n, C) each, as a KV cache holds them.
     */
    public void copyKeysValues(int layer, int w, int n, float[] k, int kOff, float[] v, int vOff) {
        int base = layer * maxBatch * T * 3 * C + w * seq * 3 * C;
        for (int t = 0; t < n; t++) {
            System.arraycopy(qkv, base + t * 3 * C + C, k, kOff + t * C, C);
            System.arraycopy(qkv, base + t * 3 * C + 2 * C, v, vOff + t * C, C);
        }
    }

    /** Windows of {@code n} bytes ({@code n} < T only for inference: backward needs full windows). */
    private float forward(int[] x, int[] y, int b, int n, boolean softmax) {
        if (b <= 0 || b > maxBatch) throw new IllegalArgumentException("batch " + b + " outside 1.." + maxBatch);
        batch = b;
        seq = n;
        final int BT = b * n, stride = maxBatch * T;
        System.arraycopy(x, 0, inputs, 0, BT);
        haveTargets = y != null;
        if (haveTargets) System.arraycopy(y, 0, targets, 0, BT);
        for (int i = 0; i < BT; i++) {
            if (inputs[i] < 0 || inputs[i] >= V) throw new IllegalArgumentException("token out of range: " + inputs[i]);
        }

        // token + position embeddings
        pool.forRange(BT, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * C;
                System.arraycopy(params, lay.wte + inputs[r] * C, encoded, o, C);
                Vec.addInPlace(encoded, o, params, lay.wpe + (r % n) * C, C);
            }
        });
        for (int l = 0; l < L; l++) {
            final int li = l;
            final float[] resid = l == 0 ? encoded : residual3;
            final int residOff = l == 0 ? 0 : (l - 1) * stride * C;
            final int lo = l * stride * C, lr = l * stride, lq = l * stride * 3 * C, lf = l * stride * 4 * C;
            final int la = l * maxBatch * NH * T * T;
            pool.forRange(BT, (r0, r1) -> Kernels.layerNormForward(ln1, lo, ln1Mean, lr, ln1Rstd, lr, resid, residOff,
                    params, lay.ln1w(li), params, lay.ln1b(li), r0, r1, C));
            mm.forward(qkv, lq, ln1, lo, params, lay.qkvw(l), params, lay.qkvb(l), BT, C, 3 * C, false);
            pool.forChunks(b * NH, 4 * pool.size(), (p0, p1, w) ->
                    Attention.forward(atty, lo, att, la, qkv, lq, n, C, NH, p0, p1, attScratch[w]));
            pool.forRange(BT, (r0, r1) -> System.arraycopy(resid, residOff + r0 * C, residual2, lo + r0 * C, (r1 - r0) * C));
            mm.forward(residual2, lo, atty, lo, params, lay.attprojw(l), params, lay.attprojb(l), BT, C, C, true);
            pool.forRange(BT, (r0, r1) -> Kernels.layerNormForward(ln2, lo, ln2Mean, lr, ln2Rstd, lr, residual2, lo,
                    params, lay.ln2w(li), params, lay.ln2b(li), r0, r1, C));
            mm.forward(fch, lf, ln2, lo, params, lay.fcw(l), params, lay.fcb(l), BT, C, 4 * C, false);
            pool.forRange(BT, (r0, r1) -> Kernels.geluForward(fchGelu, lf, fch, lf, r0 * 4 * C, r1 * 4 * C));
            pool.forRange(BT, (r0, r1) -> System.arraycopy(residual2, lo + r0 * C, residual3, lo + r0 * C, (r1 - r0) * C));
            mm.forward(residual3, lo, fchGelu, lf, params, lay.fcprojw(l), params, lay.fcprojb(l), BT, 4 * C, C, true);
        }
        final int last = (L - 1) * stride * C;
        pool.forRange(BT, (r0, r1) -> Kernels.layerNormForward(lnf, 0, lnfMean, 0, lnfRstd, 0, residual3, last,
                params, lay.lnfw, params, lay.lnfb, r0, r1, C));
        mm.forward(logits, 0, lnf, 0, params, lay.wte, null, 0, BT, C, V, false);
        if (!softmax) return Float.NaN;
        int[] tg = haveTargets ? targets : null;
        pool.forRange(BT, (r0, r1) -> {
            for (int r = r0; r < r1; r++) rowLoss[r] = Kernels.softmaxCrossEntropy(logits, 0, tg, 0, r, r + 1, V);
        });
        if (!haveTargets) return Float.NaN;
        double sum = 0; // summed in row order, so the loss does not depend on the thread count
        for (int r = 0; r < BT; r++) sum += rowLoss[r];
        return (float) (sum / BT);
    }

    /** The next-byte distributions of the last forward: row r = window r / T, position r % T. */
    public float[] probabilities() {
        return logits;
    }

    public void zeroGrad() {
        if (!training) return;
        pool.forRange(grads.length, (i0, i1) -> java.util.Arrays.fill(grads, i0, i1, 0f));
    }

    /** Accumulates ∂(mean loss)/∂params of the last forward into {@link #grads()}. */
    public void backward() {
        if (!training) throw new IllegalStateException("this pass was built for inference only");
        if (seq != T) throw new IllegalStateException("backward needs full windows of seq_len bytes");
        if (!haveTargets) throw new IllegalStateException("backward needs a forward with targets");
        final int b = batch, BT = b * T, stride = maxBatch * T;
        final float scale = 1f / BT;
        final int last = (L - 1) * stride * C;
        pool.forRange(BT, (r0, r1) -> Kernels.softmaxCrossEntropyBackward(logits, 0, targets, 0, r0, r1, V, scale));
        // classifier (tied to wte) and final LayerNorm
        clear(dln, BT * C);
        mm.backward(dln, 0, grads, lay.wte, null, 0, logits, 0, lnf, 0, params, lay.wte, BT, C, V);
        clear(dresidual, BT * C);
        layerNormBackward(lay.lnfw, lay.lnfb, residual3, last, lnfMean, lnfRstd, 0, BT);

        for (int l = L - 1; l >= 0; l--) {
            final float[] resid = l == 0 ? encoded : residual3;
            final int residOff = l == 0 ? 0 : (l - 1) * stride * C;
            final int lo = l * stride * C, lr = l * stride, lq = l * stride * 3 * C, lf = l * stride * 4 * C;
            final int la = l * maxBatch * NH * T * T;
            // MLP: residual3 = residual2 + gelu(ln2·fcwᵀ + fcb)·fcprojwᵀ + fcprojb
            clear(dfch, BT * 4 * C);
            mm.backward(dfch, 0, grads, lay.fcprojw(l), grads, lay.fcprojb(l), dresidual, 0, fchGelu, lf,
                    params, lay.fcprojw(l), BT, 4 * C, C);
            pool.forRange(BT, (r0, r1) -> Kernels.geluBackward(dfch, 0, fch, lf, dfch, 0, r0 * 4 * C, r1 * 4 * C));
            clear(dln, BT * C);
            mm.backward(dln, 0, grads, lay.fcw(l), grads, lay.fcb(l), dfch, 0, ln2, lo, params, lay.fcw(l), BT, C, 4 * C);
            layerNormBackward(lay.ln2w(l), lay.ln2b(l), residual2, lo, ln2Mean, ln2Rstd, lr, BT);
            // attention: residual2 = resid + attn(ln1)·attprojwᵀ + attprojb
            clear(datty, BT * C);
            mm.backward(datty, 0, grads, lay.attprojw(l), grads, lay.attprojb(l), dresidual, 0, atty, lo,
                    params, lay.attprojw(l), BT, C, C);
            clear(dqkv, BT * 3 * C);
            pool.forChunks(b * NH, 4 * pool.size(), (p0, p1, w) ->
                    Attention.backward(dqkv, 0, datty, 0, att, la, qkv, lq, T, C, NH, p0, p1, attScratch[w]));
            clear(dln, BT * C);
            mm.backward(dln, 0, grads, lay.qkvw(l), grads, lay.qkvb(l), dqkv, 0, ln1, lo, params, lay.qkvw(l), BT, C, 3 * C);
            layerNormBackward(lay.ln1w(l), lay.ln1b(l), resid, residOff, ln1Mean, ln1Rstd, lr, BT);
        }
        // embeddings: split by channel so repeated bytes never race on one wte row
        pool.forRange(C, (c0, c1) -> {
            for (int r = 0; r < BT; r++) {
                Vec.addInPlace(grads, lay.wte + inputs[r] * C + c0, dresidual, r * C + c0, c1 - c0);
                Vec.addInPlace(grads, lay.wpe + (r % T) * C + c0, dresidual, r * C + c0, c1 - c0);
            }
        });
    }

    /** dresidual += LayerNorm backward of dln; the gain and bias gradients go to grads. */
    private void layerNormBackward(int wOff, int bOff, float[] inp, int inpOff, float[] mean, float[] rstd, int statOff, int rows) {
        pool.forRange(rows, (r0, r1) -> Kernels.layerNormBackwardInput(dresidual, 0, dln, 0, inp, inpOff, params, wOff,
                mean, statOff, rstd, statOff, r0, r1, C));
        pool.forRange(C, (c0, c1) -> Kernels.layerNormParamGrads(grads, wOff, grads, bOff, dln, 0, inp, inpOff,
                mean, statOff, rstd, statOff, rows, C, c0, c1));
    }

    private void clear(float[] a, int n) {
        pool.forRange(n, (i0, i1) -> java.util.Arrays.fill(a, i0, i1, 0f));
    }
}
