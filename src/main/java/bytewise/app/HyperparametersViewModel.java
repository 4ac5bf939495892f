package bytewise.app;

import bytewise.io.Presets;
import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.model.ForwardBackward;
import bytewise.model.Memory;
import bytewise.model.ModelConfig;
import bytewise.train.LearningRates;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters screen state, usable without the FX toolkit: one text property per engine
 * setting, the preset choice, validation (per-field parse errors, then the engine's own checks:
 * {@link ModelConfig}, {@link TrainConfig}, the data split and {@link ForwardBackward#checkFits}),
 * derived figures, and {@link #valid} / {@link #reason} for the Train button. Every valid
 * combination is written to {@link Session#settings}.
 */
public final class HyperparametersViewModel {
    public static final String CUSTOM = "custom";

    /** One editable setting: key, label, whether it is a whole number, and its tooltip. */
    public record Field(String key, String label, boolean integer, String help) {
        /** Typical range, shown beside the field. */
        public String range() {
            return RANGES.getOrDefault(key, "");
        }
    }

    static final Map<String, String> RANGES = Map.ofEntries(
            Map.entry("seq_len", "32 – 512"), Map.entry("d_model", "32 – 512"), Map.entry("layers", "1 – 12"),
            Map.entry("heads", "1 – 16"), Map.entry("batch", "4 – 64"), Map.entry("steps", "10 – 100,000"),
            Map.entry("lr", "1e-4 – 3e-3"), Map.entry("min_lr", "0 – learning rate"), Map.entry("warmup", "0 – 10% of steps"),
            Map.entry("weight_decay", "0 – 0.1"), Map.entry("beta1", "0.8 – 0.95"), Map.entry("beta2", "0.95 – 0.999"),
            Map.entry("clip", "0 (off) – 5"), Map.entry("eval_every", "0 (end only) – steps"),
            Map.entry("threads", "0 = all cores"), Map.entry("seed", "any whole number"));

    private static final Map<String, Preset> BUILT_INS = new LinkedHashMap<>();

    static synchronized Preset builtIn(String name) {
        return BUILT_INS.computeIfAbsent(name, Presets::named);
    }

    public static final List<Field> MODEL_FIELDS = List.of(
            new Field("seq_len", "Context length (seq_len)", true,
                    "How many previous bytes the model sees when predicting the next one. Longer costs memory and time"
                            + " (attention grows with its square). Typical 32–512."),
            new Field("d_model", "Width (d_model)", true,
                    "Size of each byte's vector inside the model. Must be divisible by heads. Typical 32–512."),
            new Field("layers", "Layers", true, "Number of transformer blocks stacked. Typical 1–12."),
            new Field("heads", "Attention heads", true,
                    "Attention heads per layer; d_model must be divisible by it. Typical 1–16."));
    public static final List<Field> TRAIN_FIELDS = List.of(
            new Field("batch", "Batch size", true,
                    "Windows of seq_len bytes per step. Larger is smoother but slower per step and needs more memory. Typical 4–64."),
            new Field("steps", "Steps", true, "Total optimizer steps of the run (a resumed run continues up to this). 10–100,000."),
            new Field("lr", "Learning rate", false, "Peak step size of AdamW, in (0, 10]. Typical 1e-4 – 3e-3, less for wider"
                    + " models; a rate outside the usual range for d_model is warned about, and too high diverges."),
            new Field("min_lr", "Minimum learning rate", false,
                    "The cosine schedule decays to this at the last step; between 0 and the learning rate."),
            new Field("warmup", "Warmup steps", true, "Steps over which the learning rate ramps up linearly from 0. Typical 0–10% of steps."),
            new Field("weight_decay", "Weight decay", false, "AdamW decoupled weight decay on matrices, in [0, 10). Typical 0–0.1."),
            new Field("beta1", "Adam β1", false, "Momentum of the gradient average, in [0, 1). Typical 0.9."),
            new Field("beta2", "Adam β2", false, "Decay of the squared-gradient average, in [0, 1). Typical 0.95–0.999."),
            new Field("clip", "Gradient clip", false, "Largest gradient norm before rescaling; 0 turns clipping off. Typical 1.0."),
            new Field("eval_every", "Eval interval (steps)", true,
                    "Measure validation loss every this many steps (0 = only at the end). Each evaluation costs time."),
            new Field("threads", "Threads", true, "CPU threads for the math; 0 uses every core."),
            new Field("seed", "Seed", true, "Random seed for initial weights and batch order; same seed, same run."));

    private final Session session;
    public final Map<String, StringProperty> values = new LinkedHashMap<>();
    public final Map<String, StringProperty> errors = new LinkedHashMap<>();
    /** "tiny", "small", "medium" or {@link #CUSTOM}. */
    public final StringProperty preset = new SimpleStringProperty(this, "preset", "tiny");
    /** Why these settings cannot be trained ("" when they can). */
    public final StringProperty reason = new SimpleStringProperty(this, "reason", "");
    public final BooleanBinding valid = Bindings.createBooleanBinding(() -> reason.get().isEmpty(), reason);
    public final StringProperty paramsText = new SimpleStringProperty("—");
    public final StringProperty memoryText = new SimpleStringProperty("—");
    public final StringProperty flopsText = new SimpleStringProperty("—");
    public final StringProperty timeText = new SimpleStringProperty("—");
    public final StringProperty description = new SimpleStringProperty("");
    /** Settings that train but look unwise (a learning rate outside the usual range for the width); "" when none. */
    public final StringProperty warning = new SimpleStringProperty(this, "warning", "");
    /** The usual learning rates for the width in the form, shown beside the field. */
    public final StringProperty lrRange = new SimpleStringProperty(this, "lrRange", RANGES.get("lr"));

    private Preset base = builtIn("tiny");
    private boolean applying, writing;

    public HyperparametersViewModel(Session session) {
        this.session = session;
        for (Field f : allFields()) {
            StringProperty v = new SimpleStringProperty(this, f.key(), "");
            values.put(f.key(), v);
            errors.put(f.key(), new SimpleStringProperty(this, f.key() + "Error", ""));
            v.addListener((o, a, b) -> {
                if (!applying) {
                    preset.set(matchingPreset());
                    validate();
                }
            });
        }
        preset.addListener((o, a, name) -> {
            if (!applying && name != null && Preset.BUILT_IN.contains(name)) apply(builtIn(name));
        });
        session.corpus.addListener((o, a, b) -> validate());
        session.valFraction.addListener((o, a, b) -> validate());
        // set at every drain while a run trains: only the time estimate depends on it
        session.lastTokensPerSecond.addListener((o, a, b) -> timeText.set(timeEstimate(estimated)));
        session.settings.addListener((o, a, p) -> {
            if (!writing && p != null) apply(p);
        });
        apply(session.settings.get() != null ? session.settings.get() : base);
    }


    public static List<Field> allFields() {
        return java.util.stream.Stream.concat(MODEL_FIELDS.stream(), TRAIN_FIELDS.stream()).toList();
    }

    /** Fills every field from {@code p} (a built-in, a loaded preset file or a checkpoint's settings). */
    public void apply(Preset p) {
        base = p;
        applying = true;
        try {
            ModelConfig m = p.model();
            TrainConfig t = p.training();
            set("seq_len", m.seqLen());
            set("d_model", m.dModel());
            set("layers", m.nLayer());
            set("heads", m.nHead());
            set("batch", t.batch());
            set("steps", t.steps());
            set("lr", t.lr());
            set("min_lr", t.minLr());
            set("warmup", t.warmup());
            set("weight_decay", t.weightDecay());
            set("beta1", t.beta1());
            set("beta2", t.beta2());
            set("clip", t.gradClip());
            set("eval_every", t.evalEvery());
            set("threads", t.threads());
            set("seed", t.seed());
            preset.set(matchingPreset());
            description.set(p.description() == null ? "" : p.description());
        } finally {
            applying = false;
        }
        validate();
    }

    private void set(String key, Number n) {
        String s = n instanceof Double d ? fmt(d) : n.toString();
        values.get(key).set(s);
    }

    private static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e6) return Long.toString((long) d) + (d == 0 ? "" : ".0");
        String s = Double.toString(d);
        return s.contains("E") ? String.format(Locale.ROOT, "%.0e", d).replace("e-0", "e-") : s;
    }

    /** The built-in preset these values equal, else {@link #CUSTOM}. */
    private String matchingPreset() {
        Preset current = build(false);
        if (current == null) return CUSTOM;
        for (String name : Preset.BUILT_IN) {
            Preset p = builtIn(name);
            if (p.model().equals(current.model()) && sameTraining(p.training(), current.training())) return name;
        }
        return CUSTOM;
    }

    private static boolean sameTraining(TrainConfig a, TrainConfig b) {
        return a.batch() == b.batch() && a.steps() == b.steps() && a.lr() == b.lr() && a.minLr() == b.minLr()
                && a.warmup() == b.warmup() && a.weightDecay() == b.weightDecay() && a.beta1() == b.beta1()
                && a.beta2() == b.beta2() && a.gradClip() == b.gradClip() && a.evalEvery() == b.evalEvery()
                && a.threads() == b.threads() && a.seed() == b.seed();
    }

    /** Parses all fields into a Preset, or null (setting per-field errors when {@code report}). */
    private Preset build(boolean report) {
        Map<String, Number> n = new LinkedHashMap<>();
        boolean ok = true;
        for (Field f : allFields()) {
            String text = values.get(f.key()).get();
            text = text == null ? "" : text.trim().replace("_", "").replace(",", "");
            String err = "";
            try {
                if (text.isEmpty()) err = "required";
                else if (f.integer()) n.put(f.key(), Long.parseLong(text));
                else {
                    double d = Double.parseDouble(text);
                    if (!Double.isFinite(d)) err = "must be a finite number";
                    else n.put(f.key(), d);
                }
            } catch (NumberFormatException e) {
                err = "'" + values.get(f.key()).get() + "' is not " + (f.integer() ? "a whole number" : "a number");
            }
            if (err.isEmpty() && f.integer() && !f.key().equals("seed")) {
                long v = n.get(f.key()).longValue();
                if (v < 0 || v > Integer.MAX_VALUE) err = "out of range";
            }
            if (report) errors.get(f.key()).set(err);
            if (!err.isEmpty()) ok = false;
        }
        if (!ok) return null;
        try {
            ModelConfig m = new ModelConfig(i(n, "seq_len"), i(n, "d_model"), i(n, "layers"), i(n, "heads"));
            TrainConfig t = base.training().toBuilder().batch(i(n, "batch")).steps(i(n, "steps")).lr(d(n, "lr"))
                    .minLr(d(n, "min_lr")).warmup(i(n, "warmup")).weightDecay(d(n, "weight_decay"))
                    .beta1(d(n, "beta1")).beta2(d(n, "beta2")).gradClip(d(n, "clip")).evalEvery(i(n, "eval_every"))
                    .threads(i(n, "threads")).seed(n.get("seed").longValue()).valFraction(session.valFraction.get())
                    // a restarted schedule (Train more steps) is kept, unless Steps now ends before it
                    .scheduleStart(Math.min(base.training().scheduleStart(), i(n, "steps"))).build();
            String name = Objects.requireNonNullElse(preset.get(), CUSTOM);
            return new Preset(name, base.description(), m, t);
        } catch (BytewiseException e) {
            if (report) lastEngineError = e.getMessage();
            return null;
        }
    }

    private String lastEngineError;

    private static int i(Map<String, Number> n, String k) {
        return n.get(k).intValue();
    }

    private static double d(Map<String, Number> n, String k) {
        return n.get(k).doubleValue();
    }

    /** Re-checks everything and, when valid, writes the settings to the session. */
    public void validate() {
        lastEngineError = null;
        Preset p = build(true);
        estimated = p;
        String why = "";
        if (p == null) {
            if (lastEngineError != null) why = lastEngineError;
            else {
                for (Field f : allFields()) {
                    String e = errors.get(f.key()).get();
                    if (!e.isEmpty()) {
                        why = f.label() + ": " + e;
                        break;
                    }
                }
            }
            paramsText.set("—");
            memoryText.set("—");
            flopsText.set("—");
            timeText.set("—");
        } else {
            ModelConfig m = p.model();
            TrainConfig t = p.training();
            paramsText.set(String.format(Locale.ROOT, "%,d", m.parameterCount()));
            memoryText.set(Format.bytes(Memory.trainingBytes(m, t.batch())));
            double flopsStep = m.flopsPerToken() * t.batch() * m.seqLen();
            flopsText.set(Format.flops(flopsStep));
            timeText.set(timeEstimate(p));
            try {
                if (t.warmup() > t.scheduleSteps())
                    throw new BytewiseException(t.scheduleStart() == 0
                            ? "warmup (" + t.warmup() + ") is longer than the run (" + t.steps() + " steps)"
                            : String.format(Locale.ROOT, "warmup (%d) is longer than the restarted schedule (%,d steps from"
                                    + " step %,d)", t.warmup(), t.scheduleSteps(), t.scheduleStart()));
                Corpus c = session.corpus.get();
                if (c != null) Split.of(c, session.valFraction.get()).requireWindows(m.seqLen());
                ForwardBackward.checkFits(m, t.batch());
            } catch (BytewiseException e) {
                why = e.getMessage();
            }
        }
        reason.set(why);
        warning.set(p == null ? "" : LearningRates.warning(p.training().lr(), p.model()));
        if (p != null) lrRange.set(LearningRates.show(LearningRates.usualLow(p.model())) + " – "
                + LearningRates.show(LearningRates.usualHigh(p.model())));
        if (why.isEmpty() && p != null && !p.equals(session.settings.get())) {
            writing = true;
            try {
                session.settings.set(p);
            } finally {
                writing = false;
            }
        }
    }

    private Preset estimated; // the settings the derived figures were computed for, null when invalid

    private String timeEstimate(Preset p) {
        if (p == null) return "—";
        double tps = session.lastTokensPerSecond.get();
        TrainConfig t = p.training();
        return Double.isFinite(tps) && tps > 0
                ? Format.duration((double) t.steps() * t.batch() * p.model().seqLen() / tps)
                + String.format(Locale.ROOT, " at %,.0f tok/s (last run)", tps)
                : "— (train once to measure speed)";
    }

    public void savePreset(Path file) {
        Preset p = session.settings.get();
        if (!reason.get().isEmpty() || p == null) throw new BytewiseException("fix the settings first: " + reason.get());
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        Presets.save(new Preset(name, p.description(), p.model(), p.training()), file);
    }

    public void loadPreset(Path file) {
        apply(Presets.load(file));
    }
}
