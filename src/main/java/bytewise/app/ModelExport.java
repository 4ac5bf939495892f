package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.io.Gguf;
import bytewise.io.HfFolder;
import bytewise.io.LlmcFormat;
import bytewise.io.RunFolder;
import bytewise.io.Safetensors;
import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.TrainConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * File ▸ Export ▸ the model in another format, with the command line's writers: llm.c's float32
 * {@code .bin}, safetensors (Hugging Face GPT-2 names), GGUF for llama.cpp (F32 or F16) and a
 * Hugging Face folder with tokenizer and model card. Runs as a background task; every file is
 * written under a temporary name and renamed into place, so an existing file is never replaced by
 * a half-written one.
 */
public final class ModelExport {
    /** Bytes of the greedy sample in a Hugging Face model card (as the command line writes it). */
    static final int CARD_SAMPLE_BYTES = 200;

    /** What File ▸ Export offers for the model. */
    public enum Kind {
        LLMC("llm.c checkpoint (.bin)", "bin", false),
        SAFETENSORS("safetensors (Hugging Face GPT-2 names)", "safetensors", false),
        GGUF_F32("GGUF for llama.cpp, F32", "gguf", false),
        GGUF_F16("GGUF for llama.cpp, F16 (half size)", "gguf", false),
        HF_FOLDER("Hugging Face folder (config, tokenizer, model card)", null, true);

        public final String title;
        /** The file name extension, null for a folder. */
        public final String extension;
        public final boolean folder;

        Kind(String title, String extension, boolean folder) {
            this.title = title;
            this.extension = extension;
            this.folder = folder;
        }
    }

    private final Session session;
    private final TaskExecutor executor;
    private final TrainingViewModel training;
    private final javafx.beans.property.ReadOnlyDoubleWrapper progress =
            new javafx.beans.property.ReadOnlyDoubleWrapper(this, "progress", 0);
    private final javafx.beans.property.ReadOnlyBooleanWrapper busy =
            new javafx.beans.property.ReadOnlyBooleanWrapper(this, "busy", false);

    /** Whether an export is being written (the status bar shows its progress). */
    public javafx.beans.property.ReadOnlyBooleanProperty busy() {
        return busy.getReadOnlyProperty();
    }

    /** The running export's progress, 0 … 1. */
    public javafx.beans.property.ReadOnlyDoubleProperty progress() {
        return progress.getReadOnlyProperty();
    }

    ModelExport(Session session, TaskExecutor executor, TrainingViewModel training) {
        this.session = session;
        this.executor = executor;
        this.training = training;
    }

    /** A file name to suggest: the data's name and the step, with the kind's extension. */
    public String suggestedName(Kind kind) {
        Corpus c = session.corpus.get();
        String base = (c == null ? "model" : c.name().replaceAll("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9._-]", "_"))
                + "-step" + session.modelStep.get();
        return kind.folder ? base + "-hf" : base + "." + kind.extension;
    }

    /**
     * Writes the session's model (the latest weights the studio shows) to {@code target} in the
     * background; {@code onDone} gets the path. With no model yet, says so and returns null.
     */
    public BackgroundTask<Path> export(Kind kind, Path target, Consumer<Path> onDone) {
        Gpt model = session.model.get();
        if (model == null) {
            session.message.set("Nothing to export yet: train a model or open a checkpoint first");
            return null;
        }
        Corpus corpus = session.corpus.get();
        TrainConfig tc = training.runConfig();
        long step = session.modelStep.get();
        Path runDir = training.runFolder().get();
        session.message.set("Exporting " + kind.title + " to " + target + "…");
        busy.set(true);
        progress.set(0);
        return BackgroundTask.<Path>of(task -> {
            task.updateMessage("Exporting " + kind.title);
            task.updateProgress(0.1);
            switch (kind) {
                case LLMC -> LlmcFormat.export(model, target);
                case SAFETENSORS -> Safetensors.export(model, target);
                case GGUF_F32 -> Gguf.export(model, target, Gguf.Precision.F32);
                case GGUF_F16 -> Gguf.export(model, target, Gguf.Precision.F16);
                case HF_FOLDER -> {
                    task.updateProgress(0.2);
                    HfFolder.Card card = card(model, corpus, tc, step, runDir);
                    task.updateProgress(0.5);
                    HfFolder.export(model, target, card);
                }
            }
            task.updateProgress(1);
            return target;
        }).named("bytewise-export").withProgress(progress::set).onFinished(() -> busy.set(false)).onSuccess(p -> {
            session.message.set("Exported " + kind.title + ": " + p);
            if (onDone != null) onDone.accept(p);
        }).onFailure(e -> session.message.set("Export failed: " + TrainingViewModel.describe(e)))
                .executeWith(executor);
    }

    /** The model card from what the studio knows: the data, the settings, the run's curve when it was recorded. */
    private static HfFolder.Card card(Gpt model, Corpus corpus, TrainConfig tc, long step, Path runDir) {
        RunFolder.Info info = null;
        List<RunFolder.Metric> metrics = List.of();
        if (runDir != null && RunFolder.isRunFolder(runDir)) {
            try {
                RunFolder f = RunFolder.open(runDir);
                info = f.info();
                metrics = f.readMetrics();
            } catch (BytewiseException unreadable) {
                // the card says "not recorded"
            }
        }
        Generator.Result r = new Generator(model).generate(new byte[]{'\n'},
                new SamplingSettings(0, 0, 1, false, 0, CARD_SAMPLE_BYTES, null), null, null);
        long tokens = tc == null ? 0 : step * (long) tc.batch() * model.config().seqLen();
        return new HfFolder.Card(corpus == null ? null : corpus.name(), corpus == null ? null : corpus.sha256(), tc,
                step, tc == null ? null : tokens, info == null ? null : info.bestValLoss(), metrics, r.text(),
                "Greedy (temperature 0), " + CARD_SAMPLE_BYTES + " bytes after a newline");
    }
}
