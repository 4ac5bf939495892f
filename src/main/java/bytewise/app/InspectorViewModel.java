package bytewise.app;

import bytewise.data.Corpus;
import bytewise.inspect.ByteProbability;
import bytewise.inspect.SanityCheck;
import bytewise.inspect.SanityResult;
import bytewise.inspect.TrialsResult;
import bytewise.model.Gpt;
import bytewise.sample.Utf8Stream;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * State and engine calls of the Inspector: the next-byte prediction at one offset (recomputed in
 * the background whenever the offset, context, K, model or corpus changes, newest request wins)
 * and seeded random trials (background, with progress and cancel). All properties live on the FX
 * thread; the engine runs on the background executor.
 */
public final class InspectorViewModel {
    public static final String NO_MODEL = "Train or open a checkpoint to inspect predictions";
    public static final String NO_DATA = "Open a dataset to inspect predictions";
    /** Characters of context shown per trial in the table. */
    static final int TRIAL_PREVIEW = 24;

    /**
     * One computed prediction: the engine's result plus the context bytes offset .. offset + ctx (the
     * last one is the expected byte), each shown printably, and their surprisal: {@code surprisal[i]}
     * is −ln p of token i given the tokens before it (NaN for token 0, which has no context).
     */
    public record Prediction(Gpt model, SanityResult result, List<String> tokens, float[] surprisal) {
        public boolean expectedInTop() {
            for (ByteProbability b : result.top()) if (b.value() == result.expected()) return true;
            return false;
        }
    }

    private record Request(long seq, Gpt model, Corpus corpus, long offset, int ctx, int topK) {}

    public final ObjectProperty<Gpt> model = new SimpleObjectProperty<>(this, "model");
    public final ObjectProperty<Corpus> corpus = new SimpleObjectProperty<>(this, "corpus");
    public final LongProperty offset = new SimpleLongProperty(this, "offset", 0);
    /** Context bytes per check, 1..seq_len; follows seq_len while it is at its maximum. */
    public final IntegerProperty contextLength = new SimpleIntegerProperty(this, "contextLength", 1);
    public final IntegerProperty topK = new SimpleIntegerProperty(this, "topK", 10);
    public final IntegerProperty trialCount = new SimpleIntegerProperty(this, "trialCount", 200);
    public final LongProperty trialSeed = new SimpleLongProperty(this, "trialSeed", 1);
    /**
     * Whether the page is on screen. While inactive, changes (e.g. new model snapshots published
     * during training) are noted but not computed; becoming active computes the latest state once.
     */
    public final BooleanProperty active = new SimpleBooleanProperty(this, "active", true);

    private final ReadOnlyIntegerWrapper maxContext = new ReadOnlyIntegerWrapper(this, "maxContext", 1);
    private final ReadOnlyLongWrapper maxOffset = new ReadOnlyLongWrapper(this, "maxOffset", 0);
    private final ReadOnlyObjectWrapper<Prediction> prediction = new ReadOnlyObjectWrapper<>(this, "prediction");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", NO_MODEL);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");

    private final ObservableList<SanityResult> trials = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper trialsRunning = new ReadOnlyBooleanWrapper(this, "trialsRunning");
    private final ReadOnlyDoubleWrapper trialsProgress = new ReadOnlyDoubleWrapper(this, "trialsProgress", 0);
    private final ReadOnlyStringWrapper trialsSummary = new ReadOnlyStringWrapper(this, "trialsSummary", "");
    private final ReadOnlyObjectWrapper<TrialsResult> trialsResult = new ReadOnlyObjectWrapper<>(this, "trialsResult");
    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper(this, "ready");

    private final TaskExecutor executor;

    // newest-request-wins machinery: one computation in flight, later requests replace the pending one
    private final AtomicReference<Request> pending = new AtomicReference<>();
    private final AtomicBoolean workerActive = new AtomicBoolean();
    private long latestSeq;
    private SanityCheck cachedCheck; // used by the worker only (one computation at a time)
    private Gpt cachedModel;
    private Corpus cachedCorpus;
    private int cachedCtx;

    private boolean stale;
    private long pendingPick = -1;
    private final ReadOnlyLongWrapper picked = new ReadOnlyLongWrapper(this, "picked", -1);
    private BackgroundTask<TrialsResult> trialsTask;
    private long trialsGeneration;

    /** Background work and deliveries through {@code executor} (tests: a {@link CurrentThreadTaskExecutor}). */
    public InspectorViewModel(TaskExecutor executor) {
        this.executor = executor;
        model.addListener((o, a, m) -> {
            int old = maxContext.get();
            int seq = m == null ? 1 : m.config().seqLen();
            maxContext.set(seq);
            if (contextLength.get() >= old || contextLength.get() > seq || a == null) contextLength.set(seq);
            markTrialsOutdated();
            refresh();
        });
        corpus.addListener((o, a, b) -> {
            markTrialsOutdated();
            refresh();
        });
        contextLength.addListener((o, a, b) -> refresh());
        topK.addListener((o, a, b) -> refresh());
        offset.addListener((o, a, b) -> refresh());
        active.addListener((o, a, on) -> {
            if (on && stale) refresh();
        });
    }

    public ReadOnlyIntegerProperty maxContextProperty() { return maxContext.getReadOnlyProperty(); }
    public ReadOnlyLongProperty maxOffsetProperty() { return maxOffset.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Prediction> predictionProperty() { return prediction.getReadOnlyProperty(); }
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }
    public ObservableList<SanityResult> trials() { return trials; }
    public ReadOnlyBooleanProperty trialsRunningProperty() { return trialsRunning.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty trialsProgressProperty() { return trialsProgress.getReadOnlyProperty(); }
    public ReadOnlyStringProperty trialsSummaryProperty() { return trialsSummary.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<TrialsResult> trialsResultProperty() { return trialsResult.getReadOnlyProperty(); }
    /** True when there is a model and a corpus large enough for the context. */
    public ReadOnlyBooleanProperty readyProperty() { return ready.getReadOnlyProperty(); }

    /**
     * Sets the offset, clamped to 0..maxOffset. Before there is anything to inspect (no model yet)
     * the value is kept as given and clamped once the bound is known.
     */
    public void setOffset(long value) {
        long v = Math.max(0, value);
        offset.set(ready.get() ? Math.min(v, maxOffset.get()) : v);
    }

    /**
     * Shows the prediction of byte {@code position} (e.g. picked in the dataset preview): the context
     * is the {@code contextLength} bytes before it. Near the start, where fewer bytes precede it, the
     * offset is 0. Before anything can be inspected the pick is remembered and applied later.
     */
    public void pickByte(long position) {
        picked.set(position);
        if (ready.get()) setOffset(position - contextLength.get());
        else pendingPick = position;
    }

    /** The byte last picked with {@link #pickByte} (-1 if none), marked in the surprisal strip. */
    public ReadOnlyLongProperty pickedProperty() { return picked.getReadOnlyProperty(); }

    public void step(long delta) {
        setOffset(offset.get() + delta);
    }

    private void refresh() {
        Gpt m = model.get();
        Corpus c = corpus.get();
        int ctx = contextLength.get();
        if (m == null) {
            fail(NO_MODEL);
            return;
        }
        if (c == null) {
            fail(NO_DATA);
            return;
        }
        if (ctx < 1 || ctx > m.config().seqLen()) {
            fail("Context must be in 1.." + m.config().seqLen() + " (the model's seq_len), got " + ctx);
            return;
        }
        if (c.size() < ctx + 1L) {
            fail("The dataset " + c.name() + " has " + c.size() + " bytes, fewer than context " + ctx + " + 1");
            return;
        }
        // the same bound SanityCheck.maxOffset() enforces: the expected byte must exist
        maxOffset.set(c.size() - ctx - 1);
        ready.set(true);
        if (pendingPick >= 0) {
            long pick = pendingPick;
            pendingPick = -1;
            long target = Math.max(0, Math.min(pick - ctx, maxOffset.get()));
            if (target != offset.get()) {
                offset.set(target); // re-enters refresh through the offset listener
                return;
            }
        }
        if (offset.get() > maxOffset.get() || offset.get() < 0) {
            setOffset(offset.get()); // re-enters refresh through the offset listener
            return;
        }
        int k = Math.max(1, Math.min(256, topK.get()));
        if (!active.get()) {
            stale = true;
            return;
        }
        stale = false;
        request(new Request(++latestSeq, m, c, offset.get(), ctx, k));
    }

    private void fail(String why) {
        latestSeq++;
        ready.set(false);
        prediction.set(null);
        busy.set(false);
        message.set(why);
    }

    private record Delivery(Request request, Prediction prediction, String error) {}

    private void request(Request r) {
        busy.set(true);
        pending.set(r);
        if (!workerActive.compareAndSet(false, true)) return; // the running worker picks it up
        BackgroundTask.<Void>of(task -> {
            do {
                Request q;
                while ((q = pending.getAndSet(null)) != null) {
                    Prediction p = null;
                    String error = null;
                    try {
                        p = compute(q.model(), q.corpus(), q.offset(), q.ctx(), q.topK());
                    } catch (RuntimeException e) {
                        error = e.getMessage() == null ? e.toString() : e.getMessage();
                    }
                    if (pending.get() != null) continue; // a newer request supersedes this one
                    task.publish(new Delivery(q, p, error));
                }
                workerActive.set(false);
            } while (pending.get() != null && workerActive.compareAndSet(false, true));
            return null;
        }).deliverAtMost(60).<Delivery>onUpdates(ds -> {
            for (Delivery d : ds) deliver(d.request(), d.prediction(), d.error());
        }).executeWith(executor);
    }

    private void deliver(Request r, Prediction p, String error) {
        if (r.seq() != latestSeq) return; // stale
        busy.set(false);
        if (error != null) {
            prediction.set(null);
            message.set(error);
        } else {
            message.set("");
            prediction.set(p);
        }
    }

    /** Computes a prediction synchronously (on the calling thread) through the engine. */
    Prediction compute(Gpt m, Corpus c, long off, int ctx, int k) {
        SanityCheck check = checkFor(m, c, ctx);
        SanityResult r = check.at(off, k, ctx);
        float[] s = check.surprisal(off, ctx + 1);
        byte[] bytes = c.slice(off, ctx + 1);
        List<String> tokens = new ArrayList<>(bytes.length);
        for (byte b : bytes) tokens.add(Utf8Stream.printable(b & 0xFF));
        float[] aligned = new float[bytes.length];
        aligned[0] = Float.NaN;
        System.arraycopy(s, 0, aligned, 1, s.length);
        return new Prediction(m, r, List.copyOf(tokens), aligned);
    }

    private synchronized SanityCheck checkFor(Gpt m, Corpus c, int ctx) {
        if (cachedCheck == null || cachedModel != m || cachedCorpus != c || cachedCtx != ctx) {
            cachedCheck = new SanityCheck(m, c, ctx);
            cachedModel = m;
            cachedCorpus = c;
            cachedCtx = ctx;
        }
        return cachedCheck;
    }

    // ---------------------------------------------------------------------------------- trials

    /** Starts {@link #trialCount} seeded random trials on a background thread (replacing any running ones). */
    public void runTrials() {
        Gpt m = model.get();
        Corpus c = corpus.get();
        if (m == null || c == null || !ready.get()) {
            trialsSummary.set(m == null ? NO_MODEL : NO_DATA);
            return;
        }
        cancelTrials();
        int n = Math.max(1, trialCount.get());
        long seed = trialSeed.get();
        int ctx = contextLength.get();
        long gen = ++trialsGeneration;
        trialsRunning.set(true);
        trialsProgress.set(0);
        trials.clear();
        trialsSummary.set("Running " + n + " trials…");
        BackgroundTask<TrialsResult> t = BackgroundTask.of(task -> {
            SanityCheck check = new SanityCheck(m, c, ctx);
            AtomicInteger polls = new AtomicInteger();
            // randomTrials polls the cancel flag once before each trial: that count is the progress
            return check.randomTrials(n, seed, 1, TRIAL_PREVIEW, () -> {
                task.updateProgress(polls.getAndIncrement() / (double) n);
                return task.isCancelled();
            });
        });
        trialsTask = t;
        t.named("bytewise-inspector-trials").withProgress(p -> {
            if (gen == trialsGeneration) trialsProgress.set(p);
        }).onSuccess(r -> finishTrials(gen, r, null, t.isCancelled(), n))
                .onFailure(e -> finishTrials(gen, null, e.getMessage() == null ? e.toString() : e.getMessage(),
                        t.isCancelled(), n))
                .executeWith(executor);
    }

    private void finishTrials(long gen, TrialsResult r, String error, boolean cancelled, int n) {
        if (gen != trialsGeneration) return;
        trialsRunning.set(false);
        trialsProgress.set(1);
        if (error != null) {
            trialsSummary.set("Trials failed: " + error);
            return;
        }
        trialsResult.set(r);
        trials.setAll(r.trials());
        trialsSummary.set(summary(r, cancelled, n));
    }

    static String summary(TrialsResult r, boolean cancelled, int n) {
        int done = r.trials().size();
        String s = String.format(Locale.ROOT, "Top-1 accuracy %.1f%% · mean p(expected) %.3f · %d trials",
                r.top1Accuracy() * 100, r.meanExpectedProbability(), done);
        if (done == 0) s = "No trials ran";
        return cancelled && done < n ? s + " (cancelled after " + done + " of " + n + ")" : s;
    }

    /** The table's trials were run on an earlier model or dataset: say so next to the summary. */
    private void markTrialsOutdated() {
        if (trialsRunning.get() || trials.isEmpty() || trialsSummary.get().endsWith(OUTDATED)) return;
        trialsSummary.set(trialsSummary.get() + OUTDATED);
    }

    static final String OUTDATED = " (earlier model or data: run again to update)";

    public void cancelTrials() {
        if (trialsTask != null) trialsTask.cancel();
    }

    // ---------------------------------------------------------------------------------- formatting

    /** A page subtitle naming the model snapshot (and dataset), e.g. "… the model at step 1200 on prose.txt". */
    static javafx.beans.binding.StringBinding describeModel(ObjectProperty<Gpt> model,
                                                            javafx.beans.value.ObservableLongValue step,
                                                            ObjectProperty<Corpus> corpus, String what) {
        javafx.beans.Observable[] deps = corpus == null
                ? new javafx.beans.Observable[]{model, step}
                : new javafx.beans.Observable[]{model, step, corpus};
        return javafx.beans.binding.Bindings.createStringBinding(() -> {
            Gpt m = model.get();
            if (m == null) return "no model yet";
            var c = m.config();
            String s = what + "the model at step " + step.get() + String.format(Locale.ROOT,
                    " (seq_len %d, d_model %d, %d layer%s)", c.seqLen(), c.dModel(), c.nLayer(), c.nLayer() == 1 ? "" : "s");
            Corpus data = corpus == null ? null : corpus.get();
            return data == null ? s : s + " on " + data.name();
        }, deps);
    }

    static String describeByte(int b) {
        return "'" + InspectorBarChart.visible(Utf8Stream.printable(b)) + "'  (0x" + String.format("%02X", b) + ")";
    }

    static String rankText(SanityResult r) {
        return String.format(Locale.ROOT, "Expected byte: rank %d of 256 · p = %.4f", r.expectedRank(),
                r.expectedProbability()) + (r.ok() ? "" : " · model's top choice " + describeByte(r.argmax()));
    }

    /** Bars for the top-K list, with the expected byte highlighted (added as an extra bar if outside the top K). */
    static List<InspectorBarChart.Bar> bars(Prediction p) {
        SanityResult r = p.result();
        List<InspectorBarChart.Bar> out = new ArrayList<>();
        for (ByteProbability b : r.top())
            out.add(new InspectorBarChart.Bar(b.printable(), b.probability(), b.value() == r.expected()));
        if (!p.expectedInTop())
            out.add(new InspectorBarChart.Bar(Utf8Stream.printable(r.expected()), r.expectedProbability(), true,
                    "… expected byte, rank " + r.expectedRank() + ":"));
        return out;
    }
}
