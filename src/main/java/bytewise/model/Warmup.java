package bytewise.model;

import bytewise.kernels.WorkerPool;

/**
 * Runs every training kernel a few dozen times on a tiny model, once per JVM, so the JIT has
 * compiled them before the first real step (otherwise the first steps of a run crawl through the
 * interpreter). Kernels compile per method, not per shape, so a tiny model suffices.
 */
public final class Warmup {
    private static volatile boolean done;

    private Warmup() {}

    public static void once(WorkerPool pool) {
        if (done) return;
        synchronized (Warmup.class) {
            if (done) return;
            ModelConfig cfg = new ModelConfig(32, 64, 1, 2);
            Gpt model = Gpt.initialize(cfg, 1);
            ForwardBackward fb = new ForwardBackward(model, 2, pool);
            int[] x = new int[2 * cfg.seqLen()], y = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i * 31) & 0xFF;
                y[i] = (i * 17) & 0xFF;
            }
            for (int i = 0; i < 60; i++) {
                fb.forward(x, y, 2);
                fb.zeroGrad();
                fb.backward();
            }
            done = true;
        }
    }
}
