package bytewise.app;

import bytewise.data.Corpus;
import bytewise.io.Presets;
import bytewise.kernels.WorkerPool;
import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.Preset;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;
import javafx.application.Platform;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Playground's generation speed against the command line's, same model, same settings, same
 * length, alternately in one JVM: the real Playground page (headless Monocle, software rendering,
 * bytes streamed into its text flow) timed from Generate to done, and {@code --gen}'s path (a new
 * worker pool and generator, each byte printed and flushed to a discarding stream). Run by hand:
 * {@code BENCH_JAVA_OPTS="-Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw"
 * bin/bench-main bytewise.app.PlaygroundSpeed [DATA] [PRESET] [STEPS] [BYTES] [ROUNDS]}.
 */
public final class PlaygroundSpeed {
    private PlaygroundSpeed() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "samples/pocket-essays.txt");
        Preset preset = Presets.named(args.length > 1 ? args[1] : "small");
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int bytes = args.length > 3 ? Integer.parseInt(args[3]) : 4096;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        Corpus corpus = Corpus.open(data);
        Gpt model;
        try (Trainer t = new Trainer(Gpt.initialize(preset.model(), 1), corpus.split(0.1), preset.training().withSteps(steps), null)) {
            t.run(new TrainingListener() {});
            model = t.snapshot();
        }
        int threads = preset.training().resolvedThreads();
        System.out.println("playground deliveries per second: " + PlaygroundViewModel.FRAMES_PER_SECOND);
        SamplingSettings settings = new SamplingSettings(0.8, 0, 1.0, false, 42, bytes, null);
        byte[] prompt = "The ".getBytes(StandardCharsets.UTF_8);

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Session session = new Session();
        AppContext context = new AppContext(session, new FxTaskExecutor());
        PlaygroundView[] view = new PlaygroundView[1];
        onFx(() -> {
            session.corpus.set(corpus);
            session.settings.set(preset);
            session.model.set(model);
            view[0] = FxTesting.<PlaygroundView>show("PlaygroundView.fxml", context).view();
            PlaygroundViewModel vm = view[0].viewModel();
            vm.prompt.set("The ");
            vm.temperature.set(0.8);
            vm.length.set(bytes);
            vm.seed.set(42);
            return null;
        });
        PlaygroundViewModel vm = view[0].viewModel();
        System.out.println("playground threads: " + onFx(() -> vm.threads.get()));
        PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream());
        double[] studio = new double[rounds], cli = new double[rounds];
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            double s = playground(vm, bytes);
            long t0 = System.nanoTime();
            int n;
            try (WorkerPool pool = new WorkerPool(threads)) {
                n = new Generator(model, pool).generate(prompt, settings, b -> {
                    discard.print(b.text());
                    discard.flush();
                }, null).bytes().length;
            }
            double c = n / ((System.nanoTime() - t0) / 1e9);
            if (r >= 0) {
                studio[r] = s;
                cli[r] = c;
                System.out.printf(Locale.ROOT, "round %d: playground %.0f bytes/s, cli %.0f bytes/s, ratio %.3f%n", r + 1, s, c, s / c);
            }
        }
        Arrays.sort(studio);
        Arrays.sort(cli);
        System.out.printf(Locale.ROOT, "%s, %d threads, %d bytes: playground %.0f, cli %.0f bytes/s (medians of %d), ratio %.3f%n",
                preset.name(), threads, bytes, studio[rounds / 2], cli[rounds / 2], rounds, studio[rounds / 2] / cli[rounds / 2]);
        context.shutdown();
        Platform.exit();
    }

    /** One Playground run, Generate to done on the FX thread; bytes per second. */
    private static double playground(PlaygroundViewModel vm, int bytes) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        long[] t0 = new long[1];
        onFx(() -> {
            vm.runningProperty().addListener((o, was, now) -> {
                if (!now) done.countDown();
            });
            t0[0] = System.nanoTime();
            vm.generate();
            return null;
        });
        if (!done.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("generation did not finish");
        double seconds = (System.nanoTime() - t0[0]) / 1e9;
        int n = onFx(() -> vm.generated().size());
        if (n != bytes) throw new IllegalStateException("generated " + n + " of " + bytes);
        return n / seconds;
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        java.util.concurrent.FutureTask<T> f = new java.util.concurrent.FutureTask<>(c);
        Platform.runLater(f);
        return f.get(60, TimeUnit.SECONDS);
    }
}
