package bytewise.bench;

import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.DivergenceRule;
import bytewise.train.TrainingHealth;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Cost of one {@link TrainingHealth#measure} call (and one {@link DivergenceRule#observe}) for a
 * preset's model, on the calling thread: warm-up, then the median of several timed rounds. Then the
 * cost inside training: the preset trains (on generated prose, the preset's threads) in alternating
 * blocks of steps with the health measured at every step and not at all, and the difference of the
 * median step times is the cost of one measured step, shown as a share of the step time at the
 * studio's cadence ({@link bytewise.io.TrainingRun#HEALTH_EVERY}). Run by hand with
 * {@code bin/bench-main bytewise.bench.HealthBench [PRESET]} (default small).
 */
public final class HealthBench {
    private HealthBench() {}

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "small";
        ModelConfig cfg = bytewise.io.Presets.named(preset).model();
        Gpt model = Gpt.initialize(cfg, 1);
        float[] params = model.params(), previous = params.clone(), grads = new float[params.length];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < params.length; i++) {
            grads[i] = (float) (rng.nextGaussian() * 1e-3);
            previous[i] = params[i] - (float) (rng.nextGaussian() * 1e-4);
        }
        TrainingHealth health = new TrainingHealth(cfg);
        DivergenceRule spikes = new DivergenceRule();
        double sink = 0;
        for (int i = 0; i < 300; i++) { // warm-up: compiled before timing
            health.measure(params, grads, previous);
            sink += health.updateRatioLog10(i % health.rows());
        }
        int rounds = 15, calls = 100;
        double[] perCall = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                health.measure(params, grads, previous);
                sink += health.gradNorm(i % health.rows());
            }
            perCall[r] = (System.nanoTime() - t0) / 1e3 / calls;
        }
        java.util.Arrays.sort(perCall);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId(), b0 = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < calls; i++) health.measure(params, grads, previous);
        double bytesPerCall = (mx.getThreadAllocatedBytes(tid) - b0) / (double) calls;
        long t0 = System.nanoTime();
        int n = 10_000_000;
        for (int i = 0; i < n; i++) sink += spikes.observe(2.0 + (i & 7) * 0.01) == null && !spikes.spiked() ? 0 : 1;
        double spikeNs = (System.nanoTime() - t0) / (double) n;
        System.out.printf(Locale.ROOT, "preset %s: %,d parameters, %d rows%n", preset, params.length, health.rows());
        System.out.printf(Locale.ROOT, "TrainingHealth.measure: median %.1f us/call (min %.1f, max %.1f over %d rounds of %d)%n",
                perCall[rounds / 2], perCall[0], perCall[rounds - 1], rounds, calls);
        System.out.printf(Locale.ROOT, "allocated: %.1f bytes/call%n", bytesPerCall);
        System.out.printf(Locale.ROOT, "DivergenceRule.observe: %.1f ns/call%n", spikeNs);
        System.out.println("(checksum " + sink + ")");
        inTraining(preset);
    }

    /** Median step time with the health measured every step and never, in alternating blocks. */
    private static void inTraining(String preset) {
        bytewise.train.Preset p = bytewise.io.Presets.named(preset);
        int block = 40, blocks = 6;
        bytewise.train.TrainConfig tc = p.training().toBuilder().steps(1_000_000).evalEvery(0).build();
        bytewise.data.Split split = bytewise.TestData.proseCorpus(2_000_000, 3).split(0.1);
        java.util.List<Double> on = new java.util.ArrayList<>(), off = new java.util.ArrayList<>();
        Gpt model = Gpt.initialize(p.model(), 1);
        bytewise.train.TrainingState state = null;
        for (int b = -1; b < 2 * blocks; b++) { // block -1 warms up
            boolean measure = b >= 0 && b % 2 == 0;
            long from = state == null ? 0 : state.step();
            bytewise.train.TrainConfig part = tc.toBuilder().steps((int) from + block).build();
            java.util.List<Double> times = b < 0 ? new java.util.ArrayList<>() : measure ? on : off;
            try (bytewise.train.Trainer t = new bytewise.train.Trainer(model, split, part, state)) {
                t.measureHealthEvery(measure ? 1 : 0);
                long[] last = {System.nanoTime()};
                t.run(new bytewise.train.TrainingListener() {
                    @Override
                    public void onStep(bytewise.train.StepMetrics m) {
                        // step to step, so the health measured after a step counts in the next interval
                        long now = System.nanoTime();
                        times.add((now - last[0]) / 1e6);
                        last[0] = now;
                    }
                });
                state = t.capture().state();
            }
        }
        double withHealth = median(on), without = median(off), cost = withHealth - without;
        int every = bytewise.io.TrainingRun.HEALTH_EVERY;
        System.out.printf(Locale.ROOT, "training %s (%d threads): median step %.2f ms without health, %.2f ms measuring every step%n",
                preset, tc.resolvedThreads(), without, withHealth);
        System.out.printf(Locale.ROOT, "one measured step costs %.3f ms = %.2f%% of a step; every %d steps: %.2f%% of training time%n",
                cost, 100 * cost / without, every, 100 * cost / every / without);
    }

    private static double median(java.util.List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : a[a.length / 2];
    }
}
