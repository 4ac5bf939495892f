package bytewise.cli;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.inspect.AttentionMaps;
import bytewise.inspect.ByteProbability;
import bytewise.inspect.EmbeddingPca;
import bytewise.inspect.ForwardTrace;
import bytewise.inspect.LogitLens;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "see inside the model" views of the command line: attention maps, the logit lens and the
 * embeddings' PCA, each printed as JSON lines (whether or not --json is given).
 */
final class InspectCommands {
    private InspectCommands() {}

    /** Refuses, before any training, what cannot be shown: a view that needs text without --data, a bad offset. */
    static void check(Cli cli, Corpus corpus, ModelConfig cfg) {
        if (cli.embeddingsPca != null && !cli.embeddingsPca.equals("bytes") && !cli.embeddingsPca.equals("positions"))
            throw new BytewiseException("--embeddings-pca takes bytes or positions, got " + cli.embeddingsPca);
        if (cli.attentionOffset == null && cli.lensOffset == null) return;
        String flag = cli.attentionOffset != null ? "--attention-offset" : "--lens-offset";
        if (corpus == null) throw new BytewiseException(flag + " needs --data (the text to take the context from)");
        int T = cfg.seqLen();
        if (cli.sanityCtx < 0 || cli.sanityCtx > T)
            throw new BytewiseException("--sanity-ctx must be in 0.." + T + " (0 = seq_len), got " + cli.sanityCtx);
        int ctx = cli.sanityCtx == 0 ? T : cli.sanityCtx;
        long max = corpus.size() - ctx - 1;
        for (Long off : new Long[]{cli.attentionOffset, cli.lensOffset}) {
            if (off != null && (off < 0 || off > max))
                throw new BytewiseException("offset " + off + " is outside the data: with context " + ctx + " it must be in 0.."
                        + max + " (" + corpus.name() + " has " + corpus.size() + " bytes)");
        }
    }

    static void run(Cli cli, Gpt model, Corpus corpus) {
        if (cli.attentionOffset != null) attention(cli, AttentionMaps.at(model, corpus, cli.attentionOffset, cli.sanityCtx));
        if (cli.lensOffset != null) lens(cli, LogitLens.at(model, corpus, cli.lensOffset, cli.sanityCtx, cli.sanityTop));
        if (cli.embeddingsPca != null) {
            boolean positions = cli.embeddingsPca.equals("positions");
            embeddings(cli, positions ? EmbeddingPca.positions(model) : EmbeddingPca.bytes(model, corpus));
        }
    }

    private static void attention(Cli cli, ForwardTrace trace) {
        for (int l = 0; l < trace.layers(); l++) {
            for (int h = 0; h < trace.heads(); h++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("type", "attention");
                e.put("offset", cli.attentionOffset);
                e.put("layer", l);
                e.put("head", h);
                e.put("weights", trace.attentionMap(l, h));
                cli.emit(e);
            }
        }
    }

    private static void lens(Cli cli, LogitLens.Result r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "lens");
        e.put("offset", r.offset());
        e.put("ctx", r.contextLength());
        e.put("expected", r.expected());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LogitLens.Layer l : r.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.layer());
            List<Map<String, Object>> top = new ArrayList<>();
            for (ByteProbability b : l.top()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("byte", b.value());
                t.put("prob", b.probability());
                top.add(t);
            }
            m.put("top", top);
            m.put("expected_prob", l.expectedProbability());
            m.put("expected_rank", l.expectedRank());
            layers.add(m);
        }
        e.put("layers", layers);
        cli.emit(e);
    }

    private static void embeddings(Cli cli, EmbeddingPca.Result r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "embeddings");
        e.put("of", r.positions() ? "positions" : "bytes");
        e.put("explained", r.explained());
        List<Map<String, Object>> points = new ArrayList<>();
        for (EmbeddingPca.Point p : r.points()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(r.positions() ? "position" : "byte", p.index());
            m.put("x", p.x());
            m.put("y", p.y());
            if (p.byteClass() != null) m.put("class", p.byteClass().label());
            if (p.count() >= 0) m.put("count", p.count());
            points.add(m);
        }
        e.put("points", points);
        cli.emit(e);
    }
}
