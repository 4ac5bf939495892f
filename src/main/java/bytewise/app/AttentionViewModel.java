package bytewise.app;

import bytewise.data.Corpus;
import bytewise.inspect.AttentionMaps;
import bytewise.inspect.ForwardTrace;
import bytewise.model.Gpt;
import bytewise.sample.Utf8Stream;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Inspector's attention maps: the causal attention weights of every layer and head over the
 * context at the chosen offset, computed by {@link AttentionMaps} in the background whenever the
 * model, data, offset or context changes (newest request wins). Picking a layer or head only picks
 * among the computed maps. Needs no FX toolkit.
 */
public final class AttentionViewModel extends InspectorTabViewModel<AttentionViewModel.Request, AttentionViewModel.Maps> {
    /** The computed maps of one context: the engine's trace, where the context starts, its bytes shown printably. */
    public record Maps(Gpt model, ForwardTrace trace, long offset, List<String> tokens) {}

    record Request(Gpt model, Corpus corpus, long offset, int ctx) {}

    public final LongProperty offset = new SimpleLongProperty(this, "offset");
    public final IntegerProperty contextLength = new SimpleIntegerProperty(this, "contextLength", 1);
    public final IntegerProperty layer = new SimpleIntegerProperty(this, "layer", 0);
    public final IntegerProperty head = new SimpleIntegerProperty(this, "head", 0);
    /** Show every head of the layer side by side instead of the chosen one. */
    public final BooleanProperty allHeads = new SimpleBooleanProperty(this, "allHeads", false);

    private final ReadOnlyObjectWrapper<Maps> maps = new ReadOnlyObjectWrapper<>(this, "maps");
    private final ReadOnlyObjectWrapper<List<float[][]>> layerMaps = new ReadOnlyObjectWrapper<>(this, "layerMaps", List.of());
    private final ReadOnlyObjectWrapper<float[][]> matrix = new ReadOnlyObjectWrapper<>(this, "matrix");
    private final ReadOnlyIntegerWrapper layers = new ReadOnlyIntegerWrapper(this, "layers", 1);
    private final ReadOnlyIntegerWrapper heads = new ReadOnlyIntegerWrapper(this, "heads", 1);

    public AttentionViewModel(TaskExecutor executor) {
        super(executor, "bytewise-attention");
        model.addListener((o, a, m) -> {
            layers.set(m == null ? 1 : m.config().nLayer());
            heads.set(m == null ? 1 : m.config().nHead());
        });
        refreshOn(model, corpus, offset, contextLength);
        layer.addListener((o, a, b) -> select());
        head.addListener((o, a, b) -> select());
    }

    public ReadOnlyObjectProperty<Maps> mapsProperty() { return maps.getReadOnlyProperty(); }
    /** Every head's map of the chosen layer (index = head). */
    public ReadOnlyObjectProperty<List<float[][]>> layerMapsProperty() { return layerMaps.getReadOnlyProperty(); }
    /** The chosen layer's and head's map: rows = query positions, columns = key positions. */
    public ReadOnlyObjectProperty<float[][]> matrixProperty() { return matrix.getReadOnlyProperty(); }
    public ReadOnlyIntegerProperty layersProperty() { return layers.getReadOnlyProperty(); }
    public ReadOnlyIntegerProperty headsProperty() { return heads.getReadOnlyProperty(); }

    /** What the last context byte attends to in the chosen map (its row), or null. */
    public float[] lastRow() {
        float[][] m = matrix.get();
        return m == null ? null : m[m.length - 1];
    }

    @Override
    protected Request request() {
        return new Request(model.get(), corpus.get(), offset.get(), contextLength.get());
    }

    @Override
    protected Maps compute(Request r) {
        ForwardTrace trace = AttentionMaps.at(r.model(), r.corpus(), r.offset(), r.ctx());
        List<String> tokens = new ArrayList<>(trace.length());
        for (int i = 0; i < trace.length(); i++) tokens.add(Utf8Stream.printable(trace.token(i)));
        return new Maps(r.model(), trace, r.offset(), List.copyOf(tokens));
    }

    @Override
    protected void show(Maps m) {
        maps.set(m);
        select();
    }

    /** Picks the chosen layer's maps (clamping layer and head into range). */
    private void select() {
        Maps m = maps.get();
        if (m == null) {
            layerMaps.set(List.of());
            matrix.set(null);
            return;
        }
        ForwardTrace t = m.trace();
        int l = Math.max(0, Math.min(layer.get(), t.layers() - 1)), h = Math.max(0, Math.min(head.get(), t.heads() - 1));
        if (l != layer.get()) {
            layer.set(l); // re-enters select
            return;
        }
        if (h != head.get()) {
            head.set(h);
            return;
        }
        List<float[][]> all = new ArrayList<>(t.heads());
        for (int i = 0; i < t.heads(); i++) all.add(t.attentionMap(l, i));
        matrix.set(all.get(h)); // first: views redraw when layerMaps changes and read both
        layerMaps.set(List.copyOf(all));
    }

    /** The hover text of one cell: which byte attends to which, and how much. */
    static String describeCell(Maps m, int query, int key, float weight) {
        return String.format(Locale.ROOT, "query byte %d '%s' → key byte %d '%s': weight %.4f",
                m.offset() + query, InspectorBarChart.visible(m.tokens().get(query)),
                m.offset() + key, InspectorBarChart.visible(m.tokens().get(key)), weight);
    }
}
