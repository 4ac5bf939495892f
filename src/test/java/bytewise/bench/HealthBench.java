package bytewise.bench;

import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.LossSpikeDetector;
import bytewise.train.TrainingHealth;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Cost of one {@link TrainingHealth#measure} call (and one {@link LossSpikeDetector#observe}) for a
 * preset's model, on the calling thread: warm-up, then the median of several timed rounds. Run by
 * hand with {@code bin/bench-main bytewise.bench.HealthBench [PRESET]} (default small).
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
        LossSpikeDetector spikes = new LossSpikeDetector();
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
        for (int i = 0; i < n; i++) sink += spikes.observe(2.0 + (i & 7) * 0.01).ordinal();
        double spikeNs = (System.nanoTime() - t0) / (double) n;
        System.out.printf(Locale.ROOT, "preset %s: %,d parameters, %d rows%n", preset, params.length, health.rows());
        System.out.printf(Locale.ROOT, "TrainingHealth.measure: median %.1f us/call (min %.1f, max %.1f over %d rounds of %d)%n",
                perCall[rounds / 2], perCall[0], perCall[rounds - 1], rounds, calls);
        System.out.printf(Locale.ROOT, "allocated: %.1f bytes/call%n", bytesPerCall);
        System.out.printf(Locale.ROOT, "LossSpikeDetector.observe: %.1f ns/call%n", spikeNs);
        System.out.println("(checksum " + sink + ")");
    }
}
