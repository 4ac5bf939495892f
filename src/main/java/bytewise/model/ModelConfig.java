package bytewise.model;

import bytewise.BytewiseException;

/**
 * Shape of a GPT-2 style byte model. The vocabulary is always the 256 byte values and the MLP is
 * 4·dModel wide, as in GPT-2.
 */
public record ModelConfig(int seqLen, int dModel, int nLayer, int nHead) {
    public static final int VOCAB = 256;

    /** Largest activation buffer we allow; a Java array holds at most 2^31-1 floats. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16L;

    public ModelConfig {
        if (seqLen <= 0) throw new BytewiseException("seq_len must be positive, got " + seqLen);
        if (dModel <= 0) throw new BytewiseException("d_model must be positive, got " + dModel);
        if (nLayer <= 0) throw new BytewiseException("layers must be positive, got " + nLayer);
        if (nHead <= 0) throw new BytewiseException("heads must be positive, got " + nHead);
        if (dModel % nHead != 0)
            throw new BytewiseException("d_model (" + dModel + ") must be divisible by heads (" + nHead + ")");
        if (seqLen > 1 << 16) throw new BytewiseException("seq_len " + seqLen + " is too large (max 65536)");
        if (dModel > 1 << 14) throw new BytewiseException("d_model " + dModel + " is too large (max 16384)");
        if (nLayer > 1024) throw new BytewiseException("layers " + nLayer + " is too large (max 1024)");
        long params = parameterCount(seqLen, dModel, nLayer);
        if (params > MAX_ARRAY)
            throw new BytewiseException("model has " + params + " parameters, more than one Java array can hold");
    }

    public int headSize() {
        return dModel / nHead;
    }

    public int vocab() {
        return VOCAB;
    }

    public long parameterCount() {
        return parameterCount(seqLen, dModel, nLayer);
    }

    private static long parameterCount(long t, long c, long l) {
        long perLayer = 2 * c + (3 * c * c + 3 * c) + (c * c + c) + 2 * c + (4 * c * c + 4 * c) + (4 * c * c + c);
        return VOCAB * c + t * c + l * perLayer + 2 * c;
    }

    /** Floats of training activations for a batch of {@code batch} windows (see {@link Activations}). */
    public long activationCount(int batch) {
        long bt = (long) batch * seqLen;
        long c = dModel;
        long perLayer = bt * c * 9 + bt * 4 + bt * 4 * c * 2 + (long) batch * nHead * seqLen * seqLen;
        return bt * c + nLayer * perLayer + bt * c + 2 * bt + bt * VOCAB + bt;
    }

    /** Rough FLOPs of one forward + backward over {@code tokens} tokens (6·N·tokens plus attention). */
    public double flopsPerToken() {
        double n = parameterCount() - (double) seqLen * dModel;
        double attention = 6.0 * nLayer * seqLen * dModel; // QK^T and AV, forward and backward, causal half
        return 6.0 * n + attention;
    }
}
