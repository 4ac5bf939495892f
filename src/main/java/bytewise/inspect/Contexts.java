package bytewise.inspect;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.model.Gpt;

/** Contexts taken from a text the way {@link SanityCheck} takes them. */
final class Contexts {
    private Contexts() {}

    /**
     * Bytes [offset, offset + ctx) of the text, refusing offsets whose expected byte (at
     * offset + ctx) is outside it; {@code ctx} 0 means seq_len.
     */
    static int[] read(Gpt model, Corpus corpus, long offset, int ctx) {
        int T = model.config().seqLen();
        if (ctx < 0 || ctx > T) throw new BytewiseException("context must be in 1.." + T + " (seq_len), got " + ctx);
        int n = ctx == 0 ? T : ctx;
        long max = corpus.size() - n - 1;
        if (max < 0)
            throw new BytewiseException("data file " + corpus.name() + " has " + corpus.size() + " bytes, fewer than"
                    + " context " + n + " + 1");
        if (offset < 0 || offset > max)
            throw new BytewiseException("offset must be in 0.." + max + " for context " + n + ", got " + offset);
        int[] context = new int[n];
        corpus.read(offset, context, 0, n);
        return context;
    }
}
