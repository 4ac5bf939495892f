package bytewise.inspect;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.sample.Decoder;
import bytewise.sample.Utf8Stream;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Next-byte sanity checks on a corpus: does the model, given a context from the text, put its
 * probability on the byte that really follows? Probabilities are at temperature 1.
 */
public final class SanityCheck {
    private final Decoder decoder;
    private final Corpus corpus;
    private final int ctx;
    private final int[] context;

    /** {@code ctx} context bytes per check; 0 means the model's seq_len. */
    public SanityCheck(Gpt model, Corpus corpus, int ctx) {
        int T = model.config().seqLen();
        if (ctx < 0 || ctx > T) throw new BytewiseException("context must be in 1.." + T + " (seq_len), got " + ctx);
        this.ctx = ctx == 0 ? T : ctx;
        if (corpus.size() < this.ctx + 1L)
            throw new BytewiseException("data file " + corpus.name() + " has " + corpus.size() + " bytes, fewer than"
                    + " context " + this.ctx + " + 1");
        this.decoder = new Decoder(model);
        this.corpus = corpus;
        this.context = new int[this.ctx];
    }

    public int contextLength() {
        return ctx;
    }

    /** Largest valid offset: the expected byte must exist. */
    public long maxOffset() {
        return corpus.size() - ctx - 1;
    }

    public SanityResult at(long offset, int topK, int preview) {
        if (offset < 0 || offset > maxOffset())
            throw new BytewiseException("offset must be in 0.." + maxOffset() + " for context " + ctx + ", got " + offset);
        if (topK < 1) throw new BytewiseException("top must be at least 1, got " + topK);
        corpus.read(offset, context, 0, ctx);
        decoder.prefill(context, ctx);
        float[] p = decoder.probabilities();
        int expected = corpus.byteAt(offset + ctx);
        int argmax = 0, rank = 1;
        for (int i = 0; i < 256; i++) {
            if (p[i] > p[argmax]) argmax = i;
            if (p[i] > p[expected] || (p[i] == p[expected] && i < expected)) rank++;
        }
        List<ByteProbability> top = ByteProbability.top(p, Math.min(topK, 256));
        int pv = Math.max(0, Math.min(preview, ctx));
        String shown = Utf8Stream.printable(corpus.slice(offset + ctx - pv, pv));
        return new SanityResult(offset, ctx, shown, expected, argmax, rank, p[expected], top);
    }

    /** {@code n} checks at seeded random offsets; stops early (returning what it has) if cancelled. */
    public TrialsResult randomTrials(int n, long seed, int topK, int preview, BooleanSupplier cancelled) {
        if (n < 1) throw new BytewiseException("trials must be at least 1, got " + n);
        SplittableRandom rng = new SplittableRandom(seed);
        List<SanityResult> results = new ArrayList<>(n);
        int correct = 0;
        double probSum = 0;
        for (int i = 0; i < n; i++) {
            if (cancelled != null && cancelled.getAsBoolean()) break;
            SanityResult r = at(rng.nextLong(maxOffset() + 1), topK, preview);
            results.add(r);
            if (r.ok()) correct++;
            probSum += r.expectedProbability();
        }
        int done = Math.max(1, results.size());
        return new TrialsResult(List.copyOf(results), (double) correct / done, probSum / done);
    }

    /**
     * Surprisal −ln p of each byte in [offset + 1, offset + length) given the bytes before it from
     * {@code offset} on (element 0 is for the byte at offset + 1). The window slides past seq_len.
     */
    public float[] surprisal(long offset, int length) {
        if (offset < 0 || length < 2 || offset + length > corpus.size())
            throw new BytewiseException("surprisal range " + offset + "+" + length + " is outside the data");
        decoder.reset();
        float[] out = new float[length - 1];
        for (int i = 0; i < length - 1; i++) {
            decoder.push(corpus.byteAt(offset + i));
            float[] p = decoder.probabilities();
            out[i] = (float) -Math.log(Math.max(p[corpus.byteAt(offset + i + 1)], 1e-30f));
        }
        return out;
    }
}
