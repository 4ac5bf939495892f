package bytewise.model;

import java.util.SplittableRandom;

/**
 * A byte-level GPT-2: its shape and all its weights in one flat buffer (see {@link ParameterLayout}).
 * Computation lives elsewhere: {@link ForwardBackward} for batched training passes and
 * {@code bytewise.sample.Decoder} for incremental inference with a KV cache.
 */
public final class Gpt {
    private final ModelConfig config;
    private final ParameterLayout layout;
    private final float[] params;

    public Gpt(ModelConfig config, float[] params) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        if (params.length != layout.total)
            throw new IllegalArgumentException("expected " + layout.total + " parameters, got " + params.length);
        this.params = params;
    }

    /**
     * GPT-2 initialisation: weights N(0, 0.02), the two residual projections scaled by
     * 1/√(2·layers) so the residual stream's variance does not grow with depth, biases 0, gains 1.
     */
    public static Gpt initialize(ModelConfig config, long seed) {
        ParameterLayout layout = new ParameterLayout(config);
        float[] p = new float[layout.total];
        SplittableRandom rng = new SplittableRandom(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
        for (ParameterLayout.Tensor t : layout.tensors()) {
            String n = t.name();
            if (n.endsWith("w") && (n.startsWith("ln"))) {
                java.util.Arrays.fill(p, t.offset(), t.offset() + t.size(), 1f);
            } else if (t.decayed()) {
                double std = n.equals("attprojw") || n.equals("fcprojw") ? residualStd : 0.02;
                for (int i = t.offset(); i < t.offset() + t.size(); i++) p[i] = (float) (rng.nextGaussian() * std);
            }
            // biases stay 0
        }
        return new Gpt(config, p);
    }

    public ModelConfig config() {
        return config;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** The live weights; the optimizer updates them in place. */
    public float[] params() {
        return params;
    }

    /** An independent copy, e.g. a snapshot that inference can use while training goes on. */
    public Gpt copy() {
        return new Gpt(config, params.clone());
    }

    /** True when every weight is a finite number. */
    public boolean allFinite() {
        return ParameterLayout.firstNonFinite(params, 0, params.length) < 0;
    }
}
