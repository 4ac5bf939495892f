package bytewise.bench;

import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.EvalMetrics;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long training takes until the model writes recognisable words: at each evaluation, a
 * 400-byte sample (temperature 0.8, fixed seed) is scored by the share of its words of three or
 * more letters that occur in the training text. The sampling time is not counted as training time.
 * Run by hand: {@code bin/bench-main bytewise.bench.TimeToReadable FILE [PRESET] [EVAL_EVERY] [STEPS] [LR]}.
 * Prints one line per evaluation: training seconds, step, validation loss, word share, the sample.
 */
public final class TimeToReadable {
    private static final Pattern WORD = Pattern.compile("[A-Za-z]{3,}");

    private TimeToReadable() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Preset preset = bytewise.io.Presets.named(args.length > 1 ? args[1] : "small");
        int every = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        TrainConfig.Builder b = preset.training().toBuilder().evalEvery(every);
        if (args.length > 3) b.steps(Integer.parseInt(args[3]));
        if (args.length > 4) b.lr(Double.parseDouble(args[4]));
        TrainConfig tc = b.build();
        Corpus corpus = Corpus.open(file);
        Set<String> vocabulary = words(java.nio.file.Files.readString(file, StandardCharsets.UTF_8), null);
        Split split = Split.of(corpus, tc.valFraction());
        Gpt model = Gpt.initialize(preset.model(), tc.seed());
        try (Trainer trainer = new Trainer(model, split, tc, null)) {
            double[] sampling = {0};
            trainer.run(new TrainingListener() {
                @Override
                public void onEval(EvalMetrics m) {
                    double trainingSeconds = m.elapsedSeconds() - sampling[0];
                    long t0 = System.nanoTime();
                    Generator.Result r = new Generator(trainer.snapshot()).generate("The ".getBytes(StandardCharsets.UTF_8),
                            new SamplingSettings(0.8, 0, 1.0, false, 7, 400, null), null, null);
                    int[] counts = new int[2];
                    words(r.text(), w -> {
                        counts[0]++;
                        if (vocabulary.contains(w)) counts[1]++;
                    });
                    sampling[0] += (System.nanoTime() - t0) / 1e9;
                    double share = counts[0] == 0 ? 0 : counts[1] / (double) counts[0];
                    System.out.printf(Locale.ROOT, "%6.1f s  step %5d  val %.3f  words %3.0f%%  %s%n",
                            trainingSeconds, m.step(), m.valLoss(), 100 * share,
                            r.text().replace("\n", " ").substring(0, Math.min(100, r.text().length())));
                }
            });
        }
    }

    /** The lower-cased words of 3+ letters in s, collected or passed to the consumer. */
    private static Set<String> words(String s, java.util.function.Consumer<String> each) {
        Set<String> out = new HashSet<>();
        Matcher m = WORD.matcher(s);
        while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            if (each != null) each.accept(w);
            else out.add(w);
        }
        return out;
    }
}
