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
 * bin/bench-main bytewise.app.PlaygroundSpeed [DATA] [PRESET] [STEPS] [BYTES] [ROUNDS] [WARMUP]}.
 * Both sides keep getting faster for the first rounds (the JIT), the page's side for longer: its
 * FX thread and renderer CPU per run fell from about 20 to 13 ms each over the first 40 rounds
 * (BENCHMARKS.md, session 14), so the default warm-up is 20 rounds. Besides the ratio of the
 * medians it prints the median of the rounds' ratios: the two runs of a round are adjacent in
 * time, so the host's drift cancels more.
 */
public final class PlaygroundSpeed {
    private PlaygroundSpeed() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "samples/pocket-essays.txt");
        Preset preset = Presets.named(args.length > 1 ? args[1] : "small");
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int bytes = args.length > 3 ? Integer.parseInt(args[3]) : 4096;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 20;
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
        // where the Playground's CPU goes besides generating: the FX thread and the renderer
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long fxThread = onFx(() -> Thread.currentThread().threadId());
        long renderer = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("QuantumRenderer"))
                .mapToLong(Thread::threadId).findFirst().orElse(-1);
        double[] studio = new double[rounds], cli = new double[rounds], ratio = new double[rounds];
        for (int r = -warmup; r < rounds; r++) {
            long fx0 = cpu.getThreadCpuTime(fxThread), render0 = cpu.getThreadCpuTime(renderer);
            double s = playground(vm, bytes);
            Thread.sleep(200); // the last delivery's pulse
            double fxMs = (cpu.getThreadCpuTime(fxThread) - fx0) / 1e6, renderMs = (cpu.getThreadCpuTime(renderer) - render0) / 1e6;
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
                ratio[r] = s / c;
                System.out.printf(Locale.ROOT, "round %d: playground %.0f bytes/s, cli %.0f bytes/s, ratio %.3f (FX thread %.0f ms, renderer %.0f ms)%n",
                        r + 1, s, c, s / c, fxMs, renderMs);
            }
        }
        Arrays.sort(studio);
        Arrays.sort(cli);
        Arrays.sort(ratio);
        System.out.printf(Locale.ROOT, "%s, %d threads, %d bytes: playground %.0f, cli %.0f bytes/s (medians of %d after %d warm-up rounds), ratio %.3f; median of the rounds' ratios %.3f%n",
                preset.name(), threads, bytes, studio[rounds / 2], cli[rounds / 2], rounds, warmup,
                studio[rounds / 2] / cli[rounds / 2], ratio[rounds / 2]);
        context.shutdown();
        Platform.exit();
    }

    /** One Playground run, Generate to done on the FX thread; bytes per second. */
    private static double playground(PlaygroundViewModel vm, int bytes) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        long[] t0 = new long[1];
        javafx.beans.value.ChangeListener<Boolean> end = (o, was, now) -> {
            if (!now) done.countDown();
        };
        onFx(() -> {
            vm.runningProperty().addListener(end);
            t0[0] = System.nanoTime();
            vm.generate();
            return null;
        });
        if (!done.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("generation did not finish");
        onFx(() -> {
            vm.runningProperty().removeListener(end);
            return null;
        });
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
