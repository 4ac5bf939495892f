package bytewise.app;

import bytewise.data.Corpus;
import bytewise.inspect.EmbeddingPca;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.Utf8Stream;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.util.Locale;

/**
 * The byte-embedding map: the 256 token embeddings projected to 2-D by {@link EmbeddingPca}, each
 * with its byte's count in the loaded data. Recomputed in the background from the weights
 * snapshot whenever it changes (during training: at each evaluation and every few seconds), so the
 * byte classes can be watched separating. Needs no FX toolkit.
 */
public final class EmbeddingViewModel {
    /** A projection and the model step it shows. */
    public record Map(EmbeddingPca.Result pca, long step) {}

    private record Request(Gpt model, Corpus corpus) {}

    public final ObjectProperty<Gpt> model = new SimpleObjectProperty<>(this, "model");
    /** Training step of {@link #model}, shown with the map. */
    public final LongProperty modelStep = new SimpleLongProperty(this, "modelStep");
    public final ObjectProperty<Corpus> corpus = new SimpleObjectProperty<>(this, "corpus");
    public final BooleanProperty active = new SimpleBooleanProperty(this, "active", true);

    private final ReadOnlyObjectWrapper<Map> map = new ReadOnlyObjectWrapper<>(this, "map");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", InspectorViewModel.NO_MODEL);
    private final ReadOnlyStringWrapper caption = new ReadOnlyStringWrapper(this, "caption", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");

    private final LatestOnly<Request, Map> worker;
    private boolean stale;
    // byte counts of the last corpus, used by the worker only (one computation at a time)
    private Corpus countedCorpus;
    private long[] counts;

    public EmbeddingViewModel(TaskExecutor executor) {
        worker = new LatestOnly<>(executor, "bytewise-embeddings", this::compute, this::deliver);
        model.addListener((o, a, b) -> refresh());
        corpus.addListener((o, a, b) -> refresh());
        // the studio sets the step just after the model: relabel the map, no recomputation
        modelStep.addListener((o, a, b) -> {
            Map m = map.get();
            if (m != null) show(new Map(m.pca(), b.longValue()));
        });
        active.addListener((o, a, on) -> {
            if (on && stale) refresh();
        });
    }

    public ReadOnlyObjectProperty<Map> mapProperty() { return map.getReadOnlyProperty(); }
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }
    /** The axes' explained-variance shares and the step, e.g. "PC1 41.2% · PC2 17.9% of the variance · step 200". */
    public ReadOnlyStringProperty captionProperty() { return caption.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    private void refresh() {
        Gpt m = model.get();
        if (m == null) {
            worker.discard();
            busy.set(false);
            map.set(null);
            caption.set("");
            message.set(InspectorViewModel.NO_MODEL);
            return;
        }
        if (!active.get()) {
            stale = true;
            return;
        }
        stale = false;
        busy.set(true);
        worker.submit(new Request(m, corpus.get()));
    }

    /** Runs the engine (background thread, one at a time). */
    private Map compute(Request r) {
        long[] n = null;
        if (r.corpus() != null) {
            if (countedCorpus != r.corpus()) {
                counts = EmbeddingPca.count(r.corpus());
                countedCorpus = r.corpus();
            }
            n = counts;
        }
        Gpt m = r.model();
        return new Map(EmbeddingPca.project(m.params(), m.layout().wte, ModelConfig.VOCAB, m.config().dModel(), false, n),
                -1);
    }

    private void deliver(LatestOnly.Outcome<Request, Map> o) {
        busy.set(false);
        if (o.error() != null) {
            map.set(null);
            caption.set("");
            message.set(o.error());
            return;
        }
        message.set("");
        show(new Map(o.result().pca(), modelStep.get()));
    }

    private void show(Map m) {
        map.set(m);
        caption.set(caption(m));
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
