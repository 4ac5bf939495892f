package bytewise.bench;

import bytewise.kernels.WorkerPool;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.Decoder;

import java.util.Arrays;
import java.util.Locale;

/**
 * Generation cost per byte for a preset's model, split by the decoder's two phases: bytes before
 * the window's kept half (one row per pass) and bytes in it (main row + shadow row). Feeds a
 * fixed byte cycle (sampling is not what is measured). Run by hand with
 * {@code bin/bench-main bytewise.bench.GenBench [PRESET] [THREADS] [ROUNDS]}.
 */
public final class GenBench {
    private GenBench() {}

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "small";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        ModelConfig cfg = bytewise.io.Presets.named(preset).model();
        Gpt model = Gpt.initialize(cfg, 1);
        try (WorkerPool pool = new WorkerPool(threads)) {
            Decoder d = new Decoder(model, pool);
            int T = cfg.seqLen(), keep = Math.max(1, T / 2);
            double sink = 0;
            for (int i = 0; i < 60_000; i++) sink += d.push(i % 97)[0]; // warm-up
            int bytes = 20_000;
            double[] one = new double[rounds], two = new double[rounds], all = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                d.reset();
                long tOne = 0, tTwo = 0;
                int nOne = 0, nTwo = 0;
                for (int i = 0; i < bytes; i++) {
                    int c = d.contextLength() == T ? keep : d.contextLength(); // a full window slides first
                    boolean shadow = c >= T - keep;
                    long t0 = System.nanoTime();
                    sink += d.push((i * 31) % 251)[0];
                    long dt = System.nanoTime() - t0;
                    if (shadow) { tTwo += dt; nTwo++; } else { tOne += dt; nOne++; }
                }
                one[r] = nOne == 0 ? 0 : tOne / 1e3 / nOne;
                two[r] = nTwo == 0 ? 0 : tTwo / 1e3 / nTwo;
                all[r] = bytes / ((tOne + tTwo) / 1e9);
            }
            Arrays.sort(one);
            Arrays.sort(two);
            Arrays.sort(all);
            System.out.printf(Locale.ROOT, "gen %s threads %d: %.0f bytes/s median; one-row %.1f us, two-row %.1f us (medians of %d) [%s]%n",
                    preset, threads, all[rounds / 2], one[rounds / 2], two[rounds / 2], rounds, sink == 42 ? "!" : "");
        }
    }
}
