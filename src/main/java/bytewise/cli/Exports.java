package bytewise.cli;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.io.Checkpoint;
import bytewise.io.Gguf;
import bytewise.io.HfFolder;
import bytewise.io.RunFolder;
import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.TrainConfig;
import bytewise.train.TrainingState;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** --export-gguf and --export-hf: the model for llama.cpp and for Hugging Face, after training and saving. */
final class Exports {
    /** Bytes of the greedy sample in the model card. */
    static final int SAMPLE_BYTES = 200;

    private Exports() {}

    /** Checks the export flags before anything runs. */
    static void check(Cli cli) {
        precision(cli.ggufType);
    }

    static Gguf.Precision precision(String type) {
        return switch (type == null ? "f32" : type.toLowerCase(Locale.ROOT)) {
            case "f32" -> Gguf.Precision.F32;
            case "f16" -> Gguf.Precision.F16;
            default -> throw new BytewiseException("--gguf-type must be f32 or f16, got '" + type + "'");
        };
    }

    static void run(Cli cli, Gpt model, TrainConfig tc, TrainingState state, Corpus corpus, Checkpoint loaded) {
        if (cli.exportGguf != null) {
            Gguf.Precision p = precision(cli.ggufType);
            Gguf.export(model, cli.exportGguf, p);
            if (cli.json) cli.emit(Map.of("type", "exported", "format", "gguf", "path", cli.exportGguf.toString()));
            else cli.out().println("exported GGUF (" + p + ") " + cli.exportGguf);
        }
        if (cli.exportHf != null) {
            HfFolder.export(model, cli.exportHf, card(cli, model, tc, state, corpus, loaded));
            if (cli.json) cli.emit(Map.of("type", "exported", "format", "hf", "path", cli.exportHf.toString()));
            else cli.out().println("exported Hugging Face folder " + cli.exportHf);
        }
    }

    private static HfFolder.Card card(Cli cli, Gpt model, TrainConfig tc, TrainingState state, Corpus corpus,
                                      Checkpoint loaded) {
        String dataName = corpus != null ? corpus.name() : loaded != null ? loaded.dataName() : null;
        String sha = corpus != null ? corpus.sha256() : loaded != null ? loaded.dataSha256() : null;
        boolean trainingKnown = corpus != null || (loaded != null && loaded.training() != null);
        RunFolder run = runFolder(cli);
        RunFolder.Info info = null;
        List<RunFolder.Metric> metrics = List.of();
        if (run != null) {
            try {
                info = run.info();
                metrics = run.readMetrics();
            } catch (BytewiseException unreadable) {
                // the card says "not recorded"
            }
        }
        byte[] prompt = cli.prompt == null || cli.prompt.isEmpty() ? new byte[]{'\n'}
                : cli.prompt.getBytes(StandardCharsets.UTF_8);
        Generator.Result r = new Generator(model).generate(prompt,
                new SamplingSettings(0, 0, 1, false, 0, SAMPLE_BYTES, null), null, null);
        String how = cli.prompt == null || cli.prompt.isEmpty()
                ? "Greedy (temperature 0), " + SAMPLE_BYTES + " bytes after a newline"
                : "Greedy (temperature 0), " + SAMPLE_BYTES + " bytes after the prompt (shown first)";
        String sample = (cli.prompt == null ? "" : cli.prompt) + r.text();
        return new HfFolder.Card(dataName, sha, trainingKnown ? tc : null, state == null ? null : state.step(),
                state == null ? null : state.tokens(), info == null ? null : info.bestValLoss(), metrics, sample, how);
    }

    /** The run folder behind this model: --run, or the folder a loaded checkpoint lives in (DIR/best, DIR/checkpoints/step-N). */
    private static RunFolder runFolder(Cli cli) {
        if (cli.runDir != null && RunFolder.isRunFolder(cli.runDir)) return RunFolder.open(cli.runDir);
        if (cli.load == null) return null;
        Path p = cli.load.toAbsolutePath().getParent();
        for (int up = 0; up < 2 && p != null; up++, p = p.getParent()) {
            if (RunFolder.isRunFolder(p)) return RunFolder.open(p);
        }
        return null;
    }
}
