package bytewise.app;

import bytewise.data.Corpus;
import bytewise.inspect.EmbeddingPca;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.Utf8Stream;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleLongProperty;

import java.util.Locale;

/**
 * The byte-embedding map: the 256 token embeddings projected to 2-D by {@link EmbeddingPca}, each
 * with its byte's count in the loaded data. Recomputed in the background from the weights
 * snapshot whenever it changes (during training: at each evaluation and every few seconds), so the
 * byte classes can be watched separating. Needs no FX toolkit.
 */
public final class EmbeddingViewModel extends InspectorTabViewModel<EmbeddingViewModel.Request, EmbeddingPca.Result> {
    /** A projection and the model step it shows. */
    public record Map(EmbeddingPca.Result pca, long step) {}

    record Request(Gpt model, Corpus corpus) {}

    /** Training step of {@link #model}, shown with the map. */
    public final LongProperty modelStep = new SimpleLongProperty(this, "modelStep");

    private final ReadOnlyObjectWrapper<Map> map = new ReadOnlyObjectWrapper<>(this, "map");
    private final ReadOnlyStringWrapper caption = new ReadOnlyStringWrapper(this, "caption", "");
    // byte counts of the last corpus, used by the worker only (one computation at a time)
    private Corpus countedCorpus;
    private long[] counts;

    public EmbeddingViewModel(TaskExecutor executor) {
        super(executor, "bytewise-embeddings");
        refreshOn(model, corpus);
        // the studio sets the step just after the model: relabel the map, no recomputation
        modelStep.addListener((o, a, b) -> {
            Map m = map.get();
            if (m != null) show(m.pca());
        });
    }

    public ReadOnlyObjectProperty<Map> mapProperty() { return map.getReadOnlyProperty(); }
    /** The axes' explained-variance shares and the step, e.g. "PC1 41.2% · PC2 17.9% of the variance · step 200". */
    public ReadOnlyStringProperty captionProperty() { return caption.getReadOnlyProperty(); }

    /** The map needs a model only: without data its points are not weighted by their counts. */
    @Override
    protected String missing() {
        return model.get() == null ? InspectorViewModel.NO_MODEL : null;
    }

    @Override
    protected Request request() {
        return new Request(model.get(), corpus.get());
    }

    @Override
    protected EmbeddingPca.Result compute(Request r) {
        long[] n = null;
        if (r.corpus() != null) {
            if (countedCorpus != r.corpus()) {
                counts = EmbeddingPca.count(r.corpus());
                countedCorpus = r.corpus();
            }
            n = counts;
        }
        Gpt m = r.model();
        return EmbeddingPca.project(m.params(), m.layout().wte, ModelConfig.VOCAB, m.config().dModel(), false, n);
    }

    /** Shows {@code pca} labelled with the current {@link #modelStep}. */
    @Override
    protected void show(EmbeddingPca.Result pca) {
        Map m = pca == null ? null : new Map(pca, modelStep.get());
        map.set(m);
        caption.set(m == null ? "" : caption(m));
    }

    static String caption(Map m) {
        double[] e = m.pca().explained();
        return String.format(Locale.ROOT, "x: PC1, %.1f%% of the variance · y: PC2, %.1f%% · model at step %d",
                e[0] * 100, e[1] * 100, m.step());
    }

    /** A point's label on the map: the character for printable ASCII, else its hex value. */
    static String label(int b) {
        if (b > ' ' && b < 127) return String.valueOf((char) b);
        if (b == ' ') return "␣";
        String p = Utf8Stream.printable(b);
        return p.startsWith("\\") && p.length() == 2 ? p : String.format("%02X", b);
    }

    /** The hover text of a point. */
    static String describe(EmbeddingPca.Point p) {
        String s = String.format(Locale.ROOT, "byte 0x%02X %s (%s) at (%.3f, %.3f)", p.index(),
                "'" + InspectorBarChart.visible(Utf8Stream.printable(p.index())) + "'", p.byteClass().label(), p.x(), p.y());
        return p.count() >= 0 ? s + String.format(Locale.ROOT, " · %,d times in the data", p.count()) : s;
    }
}
