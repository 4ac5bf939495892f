package bytewise.bench;

import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.io.Presets;
import bytewise.kernels.MatMul;
import bytewise.kernels.WorkerPool;
import bytewise.model.Gpt;
import bytewise.train.Preset;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Bytewise's side of {@code bin/bench-vs-torch}: the same work as {@code bytewise --bench} and
 * {@link GemmCompare}, but taking turns with {@code src/test/python/torch_reference.py --baton}
 * one unit at a time (a few training steps, or a quarter second of one GEMM product), so that the two
 * sides of each ratio are measured seconds apart, in the same state of the host. A shared host can
 * give a core 55 GFLOP/s one second and 93 the next ({@link CoreSpeed}), so two programs measured a
 * minute apart differ by more than the margins being checked.
 *
 * <p>The baton is a byte through two named pipes: each side reads one before a unit and writes
 * one after it, then waits {@link #SETTLE_MS} before timing anything, so that the other side's
 * threads have stopped spinning (OpenBLAS's spin for about 0.1 s after a call). Every unit, the
 * warm-up included, runs while holding the baton. Prints one JSON object per measured unit.
 *
 * <p>Usage: {@code TakeTurns train PRESET THREADS WARMUP PER_TURN STEPS DATA IN OUT} or
 * {@code TakeTurns gemm THREADS SHAPES ROUNDS IN OUT}, SHAPES = rows x in x out, comma-separated.
 */
public final class TakeTurns {
    static final long SETTLE_MS = 150;
    static final long GEMM_UNIT_NS = 250_000_000L;

    private TakeTurns() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "train" -> train(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Path.of(args[6]), new Baton(args[7], args[8]));
            case "gemm" -> gemm(Integer.parseInt(args[1]), args[2].split(","), Integer.parseInt(args[3]), new Baton(args[4], args[5]));
            default -> throw new IllegalArgumentException("train or gemm, not " + args[0]);
        }
    }

    /** The named pipes: {@code in} brings this side its turn, {@code out} hands it on. */
    static final class Baton {
        private final RandomAccessFile in, out;

        Baton(String in, String out) throws IOException {
            // read-write opens of a pipe do not wait for the other end, so neither side can deadlock opening
            this.in = new RandomAccessFile(in, "rw");
            this.out = new RandomAccessFile(out, "rw");
        }

        void take() {
            try {
                if (in.read() < 0) throw new IllegalStateException("baton pipe closed");
                Thread.sleep(SETTLE_MS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void pass() {
            try {
                out.write(1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The training step of {@code bytewise --bench}: a first turn of WARMUP steps, then turns of one
     * settling step (caches and parked threads refill after the other side's turn) and PER_TURN
     * measured steps, until STEPS are measured.
     */
    private static void train(String presetName, int threads, int warmup, int perTurn, int steps, Path data, Baton baton) {
        Preset preset = Presets.named(presetName);
        Corpus corpus = Corpus.open(data);
        int turns = (steps + perTurn - 1) / perTurn;
        TrainConfig tc = preset.training().toBuilder().steps(warmup + turns * (1 + perTurn)).threads(threads)
                .evalEvery(0).evalWindows(0).build();
        Gpt model = Gpt.initialize(preset.model(), tc.seed());
        Split split = corpus.split(tc.valFraction());
        baton.take();
        try (Trainer trainer = new Trainer(model, split, tc, null)) {
            trainer.run(new TrainingListener() {
                int measured;

                @Override
                public void onStep(StepMetrics m) {
                    long inTurn = m.step() <= warmup ? 0 : (m.step() - warmup - 1) % (1 + perTurn); // 0: settling
                    if (inTurn > 0) {
                        System.out.printf(Locale.ROOT, "{\"type\":\"train_step\",\"preset\":\"%s\",\"step\":%d,\"tokens_per_s\":%.1f}%n",
                                presetName, ++measured, m.tokensPerSecond());
                    }
                    boolean turnEnds = m.step() == warmup || inTurn == perTurn;
                    if (turnEnds) {
                        baton.pass();
                        if (m.step() < m.totalSteps()) baton.take();
                    }
                }
            });
        }
    }

    /** A linear layer's three products per shape: a warm-up turn, then ROUNDS rounds of a turn each. */
    private static void gemm(int threads, String[] shapes, int rounds, Baton baton) {
        try (WorkerPool pool = new WorkerPool(threads)) {
            MatMul mm = new MatMul(pool);
            for (String shape : shapes) {
                LayerProducts layer = LayerProducts.of(mm, shape);
                baton.take(); // one warm-up turn for all three, so none is compiled for the others' paths alone
                for (LayerProducts.Product product : layer.products()) timeFor(product.run(), 2 * GEMM_UNIT_NS);
                baton.pass();
                for (int round = 1; round <= rounds; round++) {
                    for (LayerProducts.Product product : layer.products()) {
                        baton.take();
                        double[] ns = timeFor(product.run(), GEMM_UNIT_NS);
                        baton.pass();
                        System.out.printf(Locale.ROOT,
                                "{\"type\":\"gemm_round\",\"shape\":\"%s\",\"product\":\"%s\",\"threads\":%d,\"round\":%d,\"best_gflops\":%.1f,\"median_gflops\":%.1f}%n",
                                shape, product.name(), threads, round, layer.flops() / ns[0], layer.flops() / ns[1]);
                    }
                }
            }
        }
    }

    /** Runs {@code product} for about {@code forNs}: its best and median time per call, ns. */
    private static double[] timeFor(Runnable product, long forNs) {
        double[] times = new double[64];
        int n = 0;
        long end = System.nanoTime() + forNs;
        do {
            long t0 = System.nanoTime();
            product.run();
            if (n == times.length) times = Arrays.copyOf(times, 2 * n);
            times[n++] = System.nanoTime() - t0;
        } while (System.nanoTime() < end);
        double[] t = Arrays.copyOf(times, n);
        Arrays.sort(t);
        return new double[] {t[0], t[n / 2]};
    }
}
