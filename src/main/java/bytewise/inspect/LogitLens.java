package bytewise.inspect;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.model.Gpt;

import java.util.ArrayList;
import java.util.List;

/**
 * The logit lens: what the model would predict if it stopped after each block. The residual stream
 * at the last context position after block l goes through the final LayerNorm and the tied head,
 * as the real last stream does; so the last layer's row is the model's own prediction.
 */
public final class LogitLens {
    private LogitLens() {}

    /** One block's reading: the {@code top} most likely bytes, and the expected byte's probability and rank (1 = best). */
    public record Layer(int layer, List<ByteProbability> top, float expectedProbability, int expectedRank) {}

    /** All blocks' readings at one offset of a text, with the expected (true next) byte. */
    public record Result(long offset, int contextLength, int expected, List<Layer> layers) {}

    /** The lens over a trace, for the byte that follows its context; one row per block. */
    public static List<Layer> of(ForwardTrace trace, int expected, int topK) {
        if (expected < 0 || expected > 255) throw new BytewiseException("expected byte out of range: " + expected);
        if (topK < 1) throw new BytewiseException("top must be at least 1, got " + topK);
        List<Layer> rows = new ArrayList<>(trace.layers());
        for (int l = 0; l < trace.layers(); l++) {
            double[] p = ForwardTrace.softmax(trace.readOut(l + 1, trace.length() - 1));
            rows.add(new Layer(l, top(p, topK), (float) p[expected], rank(p, expected)));
        }
        return List.copyOf(rows);
    }

    /**
     * The lens at {@code offset} of a text, with the sanity check's convention: the context is
     * bytes [offset, offset + ctx) and the expected byte is the one at offset + ctx; {@code ctx} 0
     * means seq_len.
     */
    public static Result at(Gpt model, Corpus corpus, long offset, int ctx, int topK) {
        int[] context = Contexts.read(model, corpus, offset, ctx);
        ForwardTrace trace = ForwardTrace.run(model, context, context.length);
        int expected = corpus.byteAt(offset + context.length);
        return new Result(offset, context.length, expected, of(trace, expected, topK));
    }

    /** 1 + the number of bytes more likely than {@code b} (ties broken by byte value, as the sanity check does). */
    static int rank(double[] p, int b) {
        int r = 1;
        for (int i = 0; i < p.length; i++) if (p[i] > p[b] || (p[i] == p[b] && i < b)) r++;
        return r;
    }

    static List<ByteProbability> top(double[] p, int k) {
        int n = Math.min(k, p.length);
        List<ByteProbability> out = new ArrayList<>(n);
        boolean[] taken = new boolean[p.length];
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < p.length; i++) if (!taken[i] && (best < 0 || p[i] > p[best])) best = i;
            taken[best] = true;
            out.add(ByteProbability.of(best, (float) p[best]));
        }
        return List.copyOf(out);
    }
}
