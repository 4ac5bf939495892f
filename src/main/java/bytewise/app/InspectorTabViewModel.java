package bytewise.app;

import bytewise.data.Corpus;
import bytewise.model.Gpt;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;

/**
 * What the Inspector's inside-the-model tabs (attention, logit lens, embeddings) share, so the
 * recompute rules live once: the model and data in, one computation in the background at a time
 * over {@link LatestOnly} (newest request wins), nothing computed while the tab is hidden (done when
 * it shows again), a message saying why there is nothing to show, and busy while computing.
 * Needs no FX toolkit.
 *
 * @param <Q> a request: the inputs of one computation, read on the FX thread
 * @param <R> what the engine computed from it
 */
abstract class InspectorTabViewModel<Q, R> {
    public final ObjectProperty<Gpt> model = new SimpleObjectProperty<>(this, "model");
    public final ObjectProperty<Corpus> corpus = new SimpleObjectProperty<>(this, "corpus");
    /** Whether the tab is on screen: changes while hidden are computed when it shows again. */
    public final BooleanProperty active = new SimpleBooleanProperty(this, "active", true);

    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", InspectorViewModel.NO_MODEL);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final LatestOnly<Q, R> worker;
    private boolean stale;

    InspectorTabViewModel(TaskExecutor executor, String threadName) {
        worker = new LatestOnly<>(executor, threadName, this::compute, this::deliver);
        active.addListener((o, a, on) -> {
            if (on && stale) refresh();
        });
    }

    /** Why there is nothing to show ("" when there is). */
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    /** Recomputes whenever one of {@code inputs} changes (subclasses name theirs, in the order they want). */
    protected final void refreshOn(ObservableValue<?>... inputs) {
        for (ObservableValue<?> in : inputs) in.addListener((o, a, b) -> refresh());
    }

    /** Why nothing can be computed now, or null when it can: by default both a model and data are needed. */
    protected String missing() {
        return model.get() == null ? InspectorViewModel.NO_MODEL : corpus.get() == null ? InspectorViewModel.NO_DATA : null;
    }

    /** The request for the current inputs (FX thread; only called when nothing is {@link #missing}). */
    protected abstract Q request();

    /** Runs the engine (background thread, one request at a time). */
    protected abstract R compute(Q request);

    /** Shows a computed result, or nothing (null) (FX thread). */
    protected abstract void show(R result);

    protected final void refresh() {
        String why = missing();
        if (why != null) {
            worker.discard();
            busy.set(false);
            show(null);
            message.set(why);
            return;
        }
        if (!active.get()) {
            stale = true;
            return;
        }
        stale = false;
        busy.set(true);
        worker.submit(request());
    }

    private void deliver(LatestOnly.Outcome<Q, R> o) {
        busy.set(false);
        message.set(o.error() == null ? "" : o.error());
        show(o.error() == null ? o.result() : null);
    }
}
