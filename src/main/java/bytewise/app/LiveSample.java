package bytewise.app;

import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.function.LongSupplier;

/**
 * The Training page's sample of the model, refreshed at each evaluation and when a run ends: its own
 * class because it queues its own background work (one generation at a time, the newest weights
 * waiting) apart from the run's. Needs no FX toolkit.
 */
public final class LiveSample {
    public static final int SAMPLE_BYTES = 120;

    private final TaskExecutor executor;
    private final LongSupplier seed;
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", "");
    private final ReadOnlyLongWrapper step = new ReadOnlyLongWrapper(this, "step", -1);
    private boolean sampling;
    private Gpt pending;
    private long pendingStep;

    /** {@code seed}: the run's seed (read at each generation, which adds the step to it). */
    LiveSample(TaskExecutor executor, LongSupplier seed) {
        this.executor = executor;
        this.seed = seed;
    }

    /** A short sample of the model ("" before the first). */
    public ReadOnlyStringProperty text() { return text.getReadOnlyProperty(); }
    /** The step of the weights {@link #text} came from (-1 before the first). */
    public ReadOnlyLongProperty step() { return step.getReadOnlyProperty(); }

    /** Generates a short sample from {@code model} in the background (one at a time; the newest wins). */
    void request(Gpt model, long at) {
        if (sampling) {
            pending = model;
            pendingStep = at;
            return;
        }
        sampling = true;
        long s = seed.getAsLong();
        BackgroundTask.<String>of(t -> {
            SamplingSettings settings = new SamplingSettings(0.8, 0, 1.0, false, s + at, SAMPLE_BYTES, null);
            return new Generator(model).generate(new byte[]{'\n'}, settings, null, t::isCancelled).text();
        }).onSuccess(sample -> {
            text.set(sample);
            step.set(at);
        }).onFinished(this::done).executeWith(executor);
    }

    private void done() {
        sampling = false;
        if (pending != null) {
            Gpt m = pending;
            pending = null;
            request(m, pendingStep);
        }
    }
}
