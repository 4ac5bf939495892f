package bytewise.cli;

import bytewise.io.Presets;
import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.DataCheck;
import bytewise.data.DataFile;
import bytewise.data.DataWarning;
import bytewise.data.Samples;
import bytewise.data.Split;
import bytewise.inspect.ByteProbability;
import bytewise.inspect.SanityCheck;
import bytewise.inspect.SanityResult;
import bytewise.inspect.TrialsResult;
import bytewise.io.Checkpoint;
import bytewise.io.DataFiles;
import bytewise.io.Json;
import bytewise.io.LlmcFormat;
import bytewise.io.ModelFiles;
import bytewise.io.Safetensors;
import bytewise.io.RunFolder;
import bytewise.io.RunEvent;
import bytewise.io.TrainingRun;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.Divergence;
import bytewise.train.DivergenceRule;
import bytewise.train.EvalMetrics;
import bytewise.train.Preset;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingState;
import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The headless command line: train → sanity → save → generate, or --bench. */
@Command(name = "bytewise", mixinStandardHelpOptions = true, version = "bytewise 0.1.0", sortOptions = false,
        usageHelpWidth = 100,
        description = {"Train, check and sample byte-level GPT models. With no arguments, opens the studio.",
                "Runs in order: train (with --data) -> sanity checks -> save -> generate."},
        footer = {"", "Examples:",
                "  bytewise --data samples/pocket-essays.txt --preset tiny --save runs/tiny --gen 200",
                "  bytewise --load runs/tiny --prompt 'The river' --gen 300 --temp 0.8 --topk 40",
                "  bytewise --load runs/tiny --data samples/pocket-essays.txt --sanity-next-from-data 100",
                "  bytewise --bench --preset small --threads 2 --json"})
final class Cli implements Callable<Integer> {
    private final PrintWriter out, err;

    Cli(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Option(names = "--data", paramLabel = "PATH", description = {"Text (any file) to train on and check against, or a"
            + " folder (read recursively). Repeat it for several files or folders: they are joined in the order given,"
            + " folders in the order of their files' paths, with --separator between documents."})
    List<Path> data;
    @Option(names = "--include", paramLabel = "GLOBS", description = "Files taken from --data folders, comma-separated"
            + " globs on the file name (or on the path inside the folder when a glob has a '/'); default: common text"
            + " and source files (*.txt,*.md,*.java,...). Hidden files are skipped.")
    String include;
    @Option(names = "--separator", paramLabel = "TEXT", description = "Put between the documents of a set (\\n = newline)."
            + " Default: a line with <|endoftext|>.")
    String separator;
    @Option(names = "--on-divergence", paramLabel = "WHAT", description = "When the loss diverges (not finite, above ln 256"
            + " + 1, or far above its recent median): stop (default; exit status 3) or continue (report it and train on)."
            + " A non-finite loss always stops.", defaultValue = "stop")
    String onDivergence;
    @Option(names = "--preset", paramLabel = "NAME", description = "tiny, small, medium or a preset JSON file (default: tiny, or the loaded checkpoint's settings).")
    String preset;
    @Option(names = "--load", paramLabel = "PREFIX", description = "Checkpoint to start from (PREFIX, PREFIX.json or PREFIX.bin), or an llm.c .bin, a .safetensors or a .gguf file.")
    Path load;
    @Option(names = "--save", paramLabel = "PREFIX", description = "Save a checkpoint (PREFIX.json + PREFIX.bin) after training.")
    Path save;
    @Option(names = "--run", paramLabel = "DIR", description = {"Record the run in DIR: run.json, metrics.csv, the last"
            + " checkpoints and the best one. If DIR already holds a run (say after a crash) and no --load is given,"
            + " training resumes from its newest complete checkpoint."})
    Path runDir;
    @Option(names = "--autosave-every", paramLabel = "N", description = "With --run: checkpoint every N steps (0 = only at the end).", defaultValue = "100")
    int autosaveEvery;
    @Option(names = "--autosave-seconds", paramLabel = "S", description = "With --run: also checkpoint when S seconds passed since the last one (0 = by steps only), so a kill costs at most S seconds.", defaultValue = "60")
    double autosaveSeconds;
    @Option(names = "--keep-last", paramLabel = "K", description = "With --run: step checkpoints to keep (besides best).", defaultValue = "1")
    int keepLast;
    @Option(names = "--list-runs", description = "List the runs in ~/.bytewise/runs (the studio's too; -Dbytewise.workspace=DIR uses DIR/runs), or in --run's parent folder.")
    boolean listRuns;
    @Option(names = "--export-llmc", paramLabel = "PATH", description = "After training/saving, write the model as an llm.c float32 checkpoint (.bin).")
    Path exportLlmc;
    @Option(names = "--export-safetensors", paramLabel = "PATH", description = "After training/saving, write the model as safetensors with Hugging Face GPT-2 names.")
    Path exportSafetensors;
    @Option(names = "--export-gguf", paramLabel = "PATH", description = "After training/saving, write the model as GGUF for llama.cpp (gpt2 architecture, byte tokenizer).")
    Path exportGguf;
    @Option(names = "--gguf-type", paramLabel = "TYPE", description = "Weight matrices of --export-gguf: f32 (default) or f16.", defaultValue = "f32")
    String ggufType;
    @Option(names = "--export-hf", paramLabel = "DIR", description = "After training/saving, write a Hugging Face folder (config, safetensors, tokenizer, model card).")
    Path exportHf;
    @Option(names = "--no-optimizer-state", description = "Save weights only (smaller; resuming restarts AdamW's moments).")
    boolean noOptimizerState;

    @Option(names = "--steps", description = "Total optimizer steps of the run (a loaded run continues up to this).")
    Integer steps;
    @Option(names = "--restart-schedule", description = "With a loaded run and --steps beyond its step: warm up and decay"
            + " again over the new steps (default: the decay goes on over the new total).")
    boolean restartSchedule;
    @Option(names = "--batch", description = "Windows per step.")
    Integer batch;
    @Option(names = "--seq", description = "Context length (seq_len) of a new model.")
    Integer seq;
    @Option(names = "--dmodel", description = "Embedding width (d_model) of a new model.")
    Integer dmodel;
    @Option(names = "--layers", description = "Transformer blocks of a new model.")
    Integer layers;
    @Option(names = "--heads", description = "Attention heads of a new model (must divide d_model).")
    Integer heads;
    @Option(names = "--lr", description = "Peak learning rate.")
    Double lr;
    @Option(names = "--min-lr", description = "Learning rate at the end of the cosine decay.")
    Double minLr;
    @Option(names = "--warmup", description = "Linear warmup steps.")
    Integer warmup;
    @Option(names = "--weight-decay", description = "AdamW weight decay (weight matrices only).")
    Double weightDecay;
    @Option(names = "--beta1", description = "AdamW beta1.")
    Double beta1;
    @Option(names = "--beta2", description = "AdamW beta2.")
    Double beta2;
    @Option(names = "--clip", description = "Global gradient-norm clip (0 = off).")
    Double clip;
    @Option(names = "--threads", description = "Worker threads (0 = all processors).")
    Integer threads;
    @Option(names = "--seed", description = "Seed for initialisation and batches.")
    Long seed;
    @Option(names = "--eval-every", description = "Evaluate validation loss every N steps (and after the last).")
    Integer evalEvery;
    @Option(names = "--val-fraction", description = "Fraction of the data, at its end, held out for validation.")
    Double valFraction;
    @Option(names = "--replay-data", paramLabel = "FILE", description = "Older text mixed into each batch while fine-tuning.")
    Path replayData;
    @Option(names = "--replay-fraction", description = "Share of each batch drawn from --replay-data (0..1).", defaultValue = "0")
    double replayFraction;
    @Option(names = "--log-every", description = "Print a text progress line every N steps.", defaultValue = "10")
    int logEvery;

    @Option(names = "--sanity-next-from-data", paramLabel = "N", description = "Run N random next-byte checks on --data.", defaultValue = "0")
    int sanityTrials;
    @Option(names = "--sanity-offset", paramLabel = "OFF", description = "Next-byte check at this offset of --data.")
    Long sanityOffset;
    @Option(names = "--sanity-ctx", description = "Context bytes for checks (0 = seq_len).", defaultValue = "0")
    int sanityCtx;
    @Option(names = "--sanity-top", description = "Candidates listed per check.", defaultValue = "5")
    int sanityTop;
    @Option(names = "--sanity-preview", description = "Context bytes shown per check.", defaultValue = "32")
    int sanityPreview;

    @Option(names = "--attention-offset", paramLabel = "OFF", description = "Print each layer's and head's attention weights over the context at OFF of --data (JSON lines; context as --sanity-offset).")
    Long attentionOffset;
    @Option(names = "--lens-offset", paramLabel = "OFF", description = "Print what each layer would predict at OFF of --data (logit lens, JSON; top --sanity-top).")
    Long lensOffset;
    @Option(names = "--embeddings-pca", paramLabel = "WHICH", arity = "0..1", fallbackValue = "bytes", description = "Print the byte embeddings (or =positions) projected to 2-D by PCA (JSON).")
    String embeddingsPca;

    @Option(names = "--prompt", description = "Text to continue (empty: start from a newline).")
    String prompt;
    @Option(names = "--gen", paramLabel = "N", description = "Bytes to generate (default 256 when --prompt is given).")
    Integer gen;
    @Option(names = "--temp", description = "Sampling temperature (0 = greedy).", defaultValue = "1.0")
    double temp;
    @Option(names = "--topk", description = "Sample from the k most likely bytes (0 = off).", defaultValue = "0")
    int topk;
    @Option(names = "--top-p", description = "Nucleus sampling threshold (1 = off).", defaultValue = "1.0")
    double topP;
    @Option(names = "--ascii-only", description = "Only generate \\n, \\r, \\t and printable ASCII.")
    boolean asciiOnly;
    @Option(names = "--stop", description = "Stop generating once the output contains this string.")
    String stop;
    @Option(names = "--gen-seed", description = "Seed for sampling (default: --seed).")
    Long genSeed;

    @Option(names = "--json", description = "One JSON object per line instead of text.")
    boolean json;
    @Option(names = "--bench", description = "Measure training tokens/s, forward/backward ms and generation bytes/s.")
    boolean bench;
    @Option(names = "--bench-steps", description = "Measured training steps in --bench (after warm-up).", defaultValue = "30")
    int benchSteps;

    @Override
    public Integer call() {
        if (bench) return Bench.run(this, out);
        if (listRuns) return listRuns();
        Exports.check(this);
        Checkpoint loaded = load == null ? null : ModelFiles.loadAny(load);
        if (loaded == null && runDir != null && RunFolder.isRunFolder(runDir)) {
            loaded = RunFolder.open(runDir).latestCheckpoint().orElse(null);
            long from = loaded == null ? -1 : loaded.state().step();
            if (from >= 0) text(() -> out.println("resuming " + runDir + " from step " + from));
        }
        Preset base = preset != null ? Presets.named(preset) : null;
        ModelConfig mc = modelConfig(loaded, base);
        long startStep = loaded == null || loaded.state() == null ? 0 : loaded.state().step();
        TrainConfig tc = schedule(trainConfig(loaded != null && loaded.training() != null && base == null
                ? loaded.training() : (base != null ? base : Presets.named("tiny")).training()), startStep);
        Corpus corpus = openData();
        Trainer.OnDivergence divergenceAction = divergenceAction();
        if (corpus == null && loaded == null)
            throw new BytewiseException("nothing to do: give --data FILE to train on, or --load a checkpoint (see --help)");
        if (corpus == null && (sanityTrials > 0 || sanityOffset != null))
            throw new BytewiseException("sanity checks need --data (the text to check against)");
        Gpt model = loaded != null ? loaded.model() : Gpt.initialize(mc, tc.seed());
        InspectCommands.check(this, corpus, model.config());
        TrainingState state = loaded != null ? loaded.state() : null;
        long done = state == null ? 0 : state.step();

        if (corpus != null && tc.steps() > done) {
            Split split = corpus.split(tc.valFraction());
            Split replay = replayData == null ? null : Corpus.open(replayData).split(tc.valFraction());
            if (replay == null && replayFraction > 0) throw new BytewiseException("--replay-fraction needs --replay-data");
            TrainingRun run = new TrainingRun(model, state, split, tc).replay(replay, replayFraction)
                    .onDivergence(divergenceAction);
            if (runDir != null)
                run.recordIn(TrainingRun.Recording.into(runDir, base != null ? base.name() : preset, autosaveEvery, keepLast)
                        .autosaveSeconds(autosaveSeconds));
            Trainer.Snapshot[] end = {null};
            RunOutcome outcome = run.run(event -> {
                switch (event) {
                    case RunEvent.Started st -> header(model, tc, corpus, split, done);
                    case RunEvent.Step st -> step(st.metrics());
                    case RunEvent.Eval ev -> eval(ev.metrics());
                    case RunEvent.Diverged d -> diverged(d.divergence());
                    case RunEvent.Finished f -> end[0] = f.end();
                    default -> { }
                }
            });
            state = end[0].state();
            if (outcome.status() == RunOutcome.Status.DIVERGED) {
                out.flush();
                return DIVERGED_EXIT; // the "diverged" event / line said why
            }
        }
        if (corpus != null && (sanityOffset != null || sanityTrials > 0)) sanity(model, corpus, tc.seed());
        InspectCommands.run(this, model, corpus);
        if (save != null) {
            TrainingState saved = state == null ? null
                    : noOptimizerState ? new TrainingState(state.step(), state.tokens(), null, null) : state;
            String dataName = corpus != null ? corpus.name() : loaded != null ? loaded.dataName() : null;
            String sha = corpus != null ? corpus.sha256() : loaded != null ? loaded.dataSha256() : null;
            List<DataFile> files = corpus != null ? corpus.files() : loaded != null ? loaded.dataFiles() : null;
            new Checkpoint(model, tc, saved, dataName, sha, files).save(save);
            report(Map.of("type", "saved", "prefix", save.toString()),
                    () -> out.println("saved " + Checkpoint.jsonPath(save) + " and " + Checkpoint.binPath(save)));
        }
        if (exportLlmc != null) {
            LlmcFormat.export(model, exportLlmc);
            report(Map.of("type", "exported", "format", "llmc", "path", exportLlmc.toString()),
                    () -> out.println("exported llm.c checkpoint " + exportLlmc));
        }
        if (exportSafetensors != null) {
            Safetensors.export(model, exportSafetensors);
            report(Map.of("type", "exported", "format", "safetensors", "path", exportSafetensors.toString()),
                    () -> out.println("exported safetensors " + exportSafetensors));
        }
        if (exportGguf != null || exportHf != null) Exports.run(this, model, tc, state, corpus, loaded);
        int n = gen != null ? gen : (prompt != null ? 256 : 0);
        if (n > 0) generate(model, n, tc.seed());
        Map<String, Object> finished = new LinkedHashMap<>();
        finished.put("type", "done");
        finished.put("step", state == null ? 0 : state.step());
        finished.put("params", model.config().parameterCount());
        report(finished, () -> { });
        out.flush();
        return 0;
    }

    /** Exit status of a run stopped because it diverged. */
    static final int DIVERGED_EXIT = 3;

    /** --data's files and folders as one corpus (null without --data), after warning about data that looks wrong. */
    Corpus openData() {
        if (data == null || data.isEmpty()) return null;
        Corpus c = DataFiles.open(data, include, separator == null ? null : DataFiles.unescape(separator));
        dataWarnings = DataCheck.of(c);
        return c;
    }

    private List<DataWarning> dataWarnings = List.of();

    /** Data that looks binary or degenerate is trained on, but not silently. */
    private void warnAboutData(Corpus corpus) {
        for (DataWarning w : dataWarnings) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "data_warning");
            e.put("kind", w.kind().name().toLowerCase(java.util.Locale.ROOT));
            e.put("message", w.message());
            report(e, () -> out.println("warning: " + corpus.name() + ": " + w.message()));
        }
    }

    private Trainer.OnDivergence divergenceAction() {
        return switch (onDivergence == null ? "stop" : onDivergence.toLowerCase(java.util.Locale.ROOT)) {
            case "stop" -> Trainer.OnDivergence.STOP;
            case "continue" -> Trainer.OnDivergence.WARN;
            default -> throw new BytewiseException("--on-divergence must be stop or continue, got '" + onDivergence + "'");
        };
    }

    private void diverged(Divergence d) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "diverged");
        e.put("step", d.step());
        e.put("loss", Double.isFinite(d.loss()) ? d.loss() : String.valueOf(d.loss()));
        e.put("reason", d.reason().name().toLowerCase(java.util.Locale.ROOT));
        e.put("lr", d.lr());
        e.put("suggested_lr", d.suggestedLr());
        e.put("stopped", !"continue".equalsIgnoreCase(onDivergence) || d.reason() == DivergenceRule.Reason.NON_FINITE);
        e.put("message", d.message());
        report(e, () -> err.println("diverged: " + d.message()));
    }

    private int listRuns() {
        Path workspace = runDir != null ? runDir.toAbsolutePath().getParent() : RunFolder.defaultWorkspace();
        List<RunFolder> runs = RunFolder.list(workspace);
        text(() -> out.printf("%d runs in %s%n", runs.size(), workspace));
        for (RunFolder r : runs) {
            RunFolder.Info i;
            try {
                i = r.checkedInfo(); // "running" with no live owner is reported (and recorded) as interrupted
            } catch (BytewiseException e) {
                text(() -> out.println("  " + r.dir().getFileName() + "  (unreadable: " + e.getMessage() + ")"));
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "run");
            e.put("dir", r.dir().toString());
            e.put("created", i.created());
            e.put("data", i.dataName());
            e.put("preset", i.preset());
            e.put("step", i.step());
            e.put("best_val_loss", i.bestValLoss());
            e.put("status", i.status());
            report(e, () -> out.printf("  %-48s %-10s %-20s step %6d  best val %s  %s%n", r.dir().getFileName(),
                    i.preset(), i.dataName(), i.step(),
                    i.bestValLoss() == null ? "-" : String.format("%.4f", i.bestValLoss()), i.status()));
        }
        return 0;
    }

    ModelConfig modelConfig(Checkpoint loaded, Preset base) {
        if (loaded != null) {
            ModelConfig c = loaded.model().config();
            conflict("--seq", seq, c.seqLen());
            conflict("--dmodel", dmodel, c.dModel());
            conflict("--layers", layers, c.nLayer());
            conflict("--heads", heads, c.nHead());
            return c;
        }
        ModelConfig p = (base != null ? base : Presets.named("tiny")).model();
        return new ModelConfig(or(seq, p.seqLen()), or(dmodel, p.dModel()), or(layers, p.nLayer()), or(heads, p.nHead()));
    }

    private static void conflict(String flag, Integer given, int actual) {
        if (given != null && given != actual)
            throw new BytewiseException(flag + " " + given + " conflicts with the loaded model (" + actual + ")");
    }

    TrainConfig trainConfig(TrainConfig b) {
        double peak = or(lr, b.lr());
        int total = or(steps, b.steps());
        // a restarted schedule is kept (resuming keeps the run's schedule), unless --steps now ends before it
        return b.toBuilder().batch(or(batch, b.batch())).steps(total).scheduleStart(Math.min(b.scheduleStart(), total)).lr(peak)
                .minLr(minLr != null ? minLr : (lr != null && b.minLr() == b.lr() ? lr : Math.min(b.minLr(), peak)))
                .warmup(or(warmup, b.warmup())).weightDecay(or(weightDecay, b.weightDecay()))
                .beta1(or(beta1, b.beta1())).beta2(or(beta2, b.beta2())).gradClip(or(clip, b.gradClip()))
                .evalEvery(or(evalEvery, b.evalEvery())).threads(or(threads, b.threads())).seed(or(seed, b.seed()))
                .valFraction(or(valFraction, b.valFraction())).build();
    }

    /** Where the schedule starts for a run continuing from step {@code done}: restarted there, or as the settings say. */
    TrainConfig schedule(TrainConfig tc, long done) {
        if (!restartSchedule) return tc.startingAt(done);
        if (done == 0)
            throw new BytewiseException("--restart-schedule restarts a trained model's schedule: give --load or --run with"
                    + " a checkpoint to continue");
        if (tc.steps() <= done)
            throw new BytewiseException("--restart-schedule needs --steps above the model's step (" + done + "), got "
                    + tc.steps());
        return tc.withScheduleStart((int) done);
    }

    private static <T> T or(T v, T d) {
        return v != null ? v : d;
    }

    private void header(Gpt model, TrainConfig tc, Corpus corpus, Split split, long done) {
        ModelConfig c = model.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "start");
        m.put("data", corpus.name());
        m.put("bytes", corpus.size());
        m.put("files", corpus.documents().size());
        m.put("params", c.parameterCount());
        m.put("model", c);
        m.put("training", tc);
        m.put("from_step", done);
        report(m, () -> {
            out.printf("data %s: %,d bytes (%,d train, %,d validation)%n", corpus.name(), corpus.size(),
                    split.trainSize(), split.valSize());
            if (corpus.documents().size() > 1)
                out.printf("  %d documents joined with %s, validation from the last%n", corpus.documents().size(),
                        visible(corpus.separator()));
            out.printf("model: seq_len %d, d_model %d, %d layers, %d heads, %,d parameters%n", c.seqLen(), c.dModel(),
                    c.nLayer(), c.nHead(), c.parameterCount());
            out.printf("training: %d steps%s, batch %d, lr %.2e -> %.2e (warmup %d%s), %d threads, seed %d%n", tc.steps(),
                    done > 0 ? " (from step " + done + ")" : "", tc.batch(), tc.lr(), tc.minLr(), tc.warmup(),
                    tc.scheduleStart() > 0 ? ", schedule restarted at step " + tc.scheduleStart() : "",
                    tc.resolvedThreads(), tc.seed());
        });
        warnAboutData(corpus);
    }

    private void step(StepMetrics m) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "step");
        e.put("step", m.step());
        e.put("loss", m.loss());
        e.put("lr", m.lr());
        e.put("grad_norm", m.gradNorm());
        e.put("tokens", m.tokens());
        e.put("tokens_per_s", Math.round(m.tokensPerSecond()));
        e.put("elapsed_s", m.elapsedSeconds());
        report(e, () -> {
            if (m.step() % Math.max(1, logEvery) == 0 || m.step() == m.totalSteps())
                out.printf("step %5d/%d | loss %.4f | lr %.2e | grad norm %.3f | %,.0f tok/s | %.1fs%n", m.step(),
                        m.totalSteps(), m.loss(), m.lr(), m.gradNorm(), m.tokensPerSecond(), m.elapsedSeconds());
        });
    }

    private void eval(EvalMetrics m) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "eval");
        e.put("step", m.step());
        e.put("val_loss", m.valLoss());
        e.put("val_ppl", m.valPerplexity());
        report(e, () -> out.printf("step %5d | val loss %.4f | val perplexity %.2f%n", m.step(), m.valLoss(),
                m.valPerplexity()));
    }

    private void sanity(Gpt model, Corpus corpus, long runSeed) {
        SanityCheck check = new SanityCheck(model, corpus, sanityCtx);
        if (sanityOffset != null) report(check.at(sanityOffset, sanityTop, sanityPreview));
        if (sanityTrials > 0) {
            TrialsResult r = check.randomTrials(sanityTrials, runSeed, sanityTop, sanityPreview, null);
            for (SanityResult s : r.trials()) report(s);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "sanity_summary");
            e.put("trials", r.trials().size());
            e.put("top1_accuracy", r.top1Accuracy());
            e.put("mean_expected_prob", r.meanExpectedProbability());
            report(e, () -> out.printf("sanity: %d random offsets, top-1 accuracy %.1f%%, mean p(expected) %.3f%n",
                    r.trials().size(), 100 * r.top1Accuracy(), r.meanExpectedProbability()));
        }
    }

    private void report(SanityResult s) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "sanity");
        e.put("offset", s.offset());
        e.put("ctx", s.contextLength());
        e.put("preview", s.contextPreview());
        e.put("expected", s.expected());
        e.put("expected_prob", s.expectedProbability());
        e.put("expected_rank", s.expectedRank());
        e.put("argmax", s.argmax());
        e.put("ok", s.ok());
        List<Map<String, Object>> top = new ArrayList<>();
        for (ByteProbability b : s.top()) top.add(Map.of("byte", b.value(), "prob", b.probability()));
        e.put("top", top);
        report(e, () -> {
            out.printf("offset %d | ...\"%s\" -> expected '%s' | argmax '%s' %s | rank %d | p %.4f%n", s.offset(),
                    s.contextPreview(), s.expectedPrintable(), s.argmaxPrintable(), s.ok() ? "OK" : "MISMATCH",
                    s.expectedRank(), s.expectedProbability());
            StringBuilder sb = new StringBuilder("    top:");
            for (ByteProbability b : s.top()) sb.append(String.format(" '%s' %.3f", b.printable(), b.probability()));
            out.println(sb);
        });
    }

    private void generate(Gpt model, int n, long runSeed) {
        SamplingSettings s = new SamplingSettings(temp, topk, topP, asciiOnly, or(genSeed, runSeed), n, stop);
        byte[] p = prompt == null ? new byte[0] : prompt.getBytes(StandardCharsets.UTF_8);
        // one stream's bytes come faster with the mat-vecs split across cores (BENCHMARKS.md, generation)
        int workers = threads == null || threads <= 0 ? bytewise.kernels.WorkerPool.defaultThreads() : threads;
        try (bytewise.kernels.WorkerPool pool = new bytewise.kernels.WorkerPool(workers)) {
            stream(new Generator(model, pool), p, s);
        }
    }

    private void stream(Generator g, byte[] p, SamplingSettings s) {
        if (json) {
            Generator.Result r = g.generate(p, s, null, null);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "sample");
            e.put("prompt", prompt == null ? "" : prompt);
            e.put("text", r.text());
            e.put("bytes", r.bytes().length);
            emit(e);
        } else {
            out.print(prompt == null ? "" : prompt);
            StringBuilder streamed = new StringBuilder();
            Generator.Result r = g.generate(p, s, b -> {
                out.print(b.text());
                streamed.append(b.text());
                out.flush();
            }, null);
            out.println(r.text().substring(streamed.length())); // an unfinished UTF-8 tail, escaped
            if (r.stoppedByString()) out.println("(stopped at \"" + stop + "\")");
        }
    }

    private static String visible(byte[] sep) {
        if (sep.length == 0) return "nothing between them";
        return "\"" + new String(sep, StandardCharsets.UTF_8).replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    PrintWriter out() {
        return out;
    }

    /** The one place --json decides: {@code event} as a JSON line, or else {@code text} printed for people. */
    void report(Map<String, ?> event, Runnable text) {
        if (json) emit(event);
        else text.run();
    }

    /** Only in text mode (JSON streams carry no such lines). */
    private void text(Runnable text) {
        if (!json) text.run();
    }

    void emit(Map<String, ?> event) {
        try {
            out.println(Json.LINES.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
