package bytewise.app;

import bytewise.data.Corpus;
import bytewise.inspect.LogitLens;
import bytewise.model.Gpt;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.Locale;

/**
 * The Inspector's logit lens: what the model would predict after each block at the chosen offset
 * (layers × top-k, with the expected byte's rank and probability), computed by {@link LogitLens} in
 * the background whenever the model, data, offset, context or k changes. The last row is the
 * model's own prediction. Needs no FX toolkit.
 */
public final class LensViewModel extends InspectorTabViewModel<LensViewModel.Request, LogitLens.Result> {
    /** Columns of candidates shown per layer. */
    public static final int DEFAULT_TOP = 5;

    record Request(Gpt model, Corpus corpus, long offset, int ctx, int top) {}

    public final LongProperty offset = new SimpleLongProperty(this, "offset");
    public final IntegerProperty contextLength = new SimpleIntegerProperty(this, "contextLength", 1);
    public final IntegerProperty top = new SimpleIntegerProperty(this, "top", DEFAULT_TOP);

    private final ReadOnlyObjectWrapper<LogitLens.Result> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ObservableList<LogitLens.Layer> rows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");

    public LensViewModel(TaskExecutor executor) {
        super(executor, "bytewise-lens");
        refreshOn(model, corpus, offset, contextLength, top);
    }

    public ReadOnlyObjectProperty<LogitLens.Result> resultProperty() { return result.getReadOnlyProperty(); }
    /** One row per block, the last one being the model's output. */
    public ObservableList<LogitLens.Layer> rows() { return rows; }
    /** A line on the expected byte and the depth where the model settles on it. */
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }

    @Override
    protected Request request() {
        return new Request(model.get(), corpus.get(), offset.get(), contextLength.get(), Math.max(1, Math.min(256, top.get())));
    }

    @Override
    protected LogitLens.Result compute(Request r) {
        return LogitLens.at(r.model(), r.corpus(), r.offset(), r.ctx(), r.top());
    }

    @Override
    protected void show(LogitLens.Result r) {
        result.set(r);
        if (r == null) {
            rows.clear();
            summary.set("");
            return;
        }
        rows.setAll(r.layers());
        summary.set(summary(r));
    }

    /** "Expected 'e' (0x65): the top choice from block 2 on · p = 0.4120 at the output". */
    static String summary(LogitLens.Result r) {
        var layers = r.layers();
        LogitLens.Layer out = layers.get(layers.size() - 1);
        // the first block from which on the expected byte stays the top choice
        int settled = -1;
        for (int i = layers.size() - 1; i >= 0 && layers.get(i).expectedRank() == 1; i--) settled = i;
        String where = settled < 0 ? "rank " + out.expectedRank() + " of 256"
                : settled == 0 ? "the top choice from the first block on"
                : "the top choice from block " + settled + " on";
        return String.format(Locale.ROOT, "Expected %s: %s · p = %.4f at the output",
                InspectorViewModel.describeByte(r.expected()), where, out.expectedProbability());
    }

    /** Row header: the block, the last one marked as the model's output. */
    static String layerName(LogitLens.Layer l, int layers) {
        return l.layer() == layers - 1 ? "block " + l.layer() + " (output)" : "block " + l.layer();
    }
}
