package bytewise.cli;

import bytewise.io.Presets;
import bytewise.data.Corpus;
import bytewise.data.Samples;
import bytewise.data.Split;
import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;
import bytewise.train.StepMetrics;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --bench}: throughput of training, of the forward and backward passes, and of generation. */
final class Bench {
    private static final int WARMUP_STEPS = 8;

    private Bench() {}

    static int run(Cli cli, PrintWriter out) {
        Preset preset = Presets.named(cli.preset == null ? "small" : cli.preset);
        Corpus corpus = cli.data != null && !cli.data.isEmpty() ? cli.openData() : Samples.defaultCorpus();
        TrainConfig base = cli.trainConfig(preset.training());
        int measured = Math.max(1, cli.benchSteps);
        TrainConfig tc = base.toBuilder().steps(WARMUP_STEPS + measured).evalEvery(0).evalWindows(0).build();
        Gpt model = Gpt.initialize(cli.modelConfig(null, preset), tc.seed());
        Split split = corpus.split(tc.valFraction());

        List<Double> rates = new ArrayList<>();
        long heapBefore = usedHeap();
        try (Trainer trainer = new Trainer(model, split, tc, null)) {
            trainer.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    if (m.step() > WARMUP_STEPS) rates.add(m.tokensPerSecond());
                }
            });
        }
        double tokensPerSecond = median(rates);

        // forward and backward separately, on the warm kernels
        double fwdMs, bwdMs;
        int B = tc.batch(), T = model.config().seqLen();
        try (WorkerPool pool = new WorkerPool(tc.resolvedThreads())) {
            ForwardBackward fb = new ForwardBackward(model, B, pool);
            int[] x = new int[B * T], y = new int[B * T];
            new bytewise.data.Batches(corpus, 0, split.trainEnd(), T, 1).fill(0, x, y, 0, B);
            double[] f = new double[10], b = new double[10];
            for (int i = 0; i < f.length; i++) {
                long t0 = System.nanoTime();
                fb.forward(x, y, B);
                long t1 = System.nanoTime();
                fb.zeroGrad();
                fb.backward();
                long t2 = System.nanoTime();
                f[i] = (t1 - t0) / 1e6;
                b[i] = (t2 - t1) / 1e6;
            }
            fwdMs = median(f);
            bwdMs = median(b);
        }
        long heapPeak = usedHeap();

        Map<Integer, Double> gen = new LinkedHashMap<>();
        WorkerPool genPool = new WorkerPool(tc.resolvedThreads());
        Generator g = new Generator(model, genPool);
        byte[] prompt = "The ".getBytes(StandardCharsets.UTF_8);
        // the per-byte path and the window slides compile only after some 30,000 bytes
        for (int i = 0; i < 4; i++) g.generate(prompt, new SamplingSettings(1.0, 0, 1.0, false, 1, 10_000, null), null, null);
        for (int n : new int[]{64, 1000, 10000}) {
            // median over runs of this length, at least 20,000 bytes in all
            int runs = Math.max(5, 20_000 / n);
            double[] byteRates = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                g.generate(prompt, new SamplingSettings(1.0, 0, 1.0, false, 1 + r, n, null), null, null);
                byteRates[r] = n * 1e9 / (System.nanoTime() - t0);
            }
            gen.put(n, median(byteRates));
        }
        genPool.close();

        double flops = model.config().flopsPerToken() * tokensPerSecond / 1e9;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "bench");
        e.put("preset", preset.name());
        e.put("threads", tc.resolvedThreads());
        e.put("params", model.config().parameterCount());
        e.put("tokens_per_s", Math.round(tokensPerSecond));
        e.put("forward_ms", round(fwdMs));
        e.put("backward_ms", round(bwdMs));
        e.put("gflops", round(flops));
        e.put("gen_bytes_per_s", Math.round(gen.get(1000)));
        Map<String, Long> byLength = new LinkedHashMap<>();
        gen.forEach((k, v) -> byLength.put(String.valueOf(k), Math.round(v)));
        e.put("gen_bytes_per_s_by_length", byLength);
        e.put("heap_mb", (Math.max(heapBefore, heapPeak)) >> 20);
        int measuredSteps = rates.size();
        cli.report(e, () -> {
            out.printf("bench %s: %,d parameters, %d threads, batch %d x seq %d%n", preset.name(),
                    model.config().parameterCount(), tc.resolvedThreads(), B, T);
            out.printf("training: %,.0f tokens/s (median of %d steps after %d warm-up), about %.1f GFLOP/s%n",
                    tokensPerSecond, measuredSteps, WARMUP_STEPS, flops);
            out.printf("forward %.2f ms, backward %.2f ms per batch%n", fwdMs, bwdMs);
            gen.forEach((n, v) -> out.printf("generation: %,.0f bytes/s over %,d bytes%n", v, n));
        });
        return 0;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double median(List<Double> v) {
        return median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
