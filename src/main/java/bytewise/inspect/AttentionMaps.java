package bytewise.inspect;

import bytewise.data.Corpus;
import bytewise.model.Gpt;

/** Causal attention weights of every layer and head over a context taken from a text. */
public final class AttentionMaps {
    private AttentionMaps() {}

    /**
     * The trace of the context at {@code offset} (bytes [offset, offset + ctx), as the sanity check
     * takes it; {@code ctx} 0 means seq_len). Its {@link ForwardTrace#attentionMap} gives each map.
     */
    public static ForwardTrace at(Gpt model, Corpus corpus, long offset, int ctx) {
        int[] context = Contexts.read(model, corpus, offset, ctx);
        return ForwardTrace.run(model, context, context.length);
    }
}
