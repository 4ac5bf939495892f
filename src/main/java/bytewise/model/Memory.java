package bytewise.model;

import bytewise.BytewiseException;

/**
 * The one place for the training-memory estimate and the heap check. Training holds four copies
 * of the parameters (weights, gradients and AdamW's two moments), the activations of a batch, and
 * about ten d_model-wide scratch rows per position.
 */
public final class Memory {
    private Memory() {}

    /** Bytes a training run of this model and batch needs (weights, gradients, moments, activations). */
    public static long trainingBytes(ModelConfig cfg, int batch) {
        long bt = (long) batch * cfg.seqLen();
        return 4L * (cfg.activationCount(batch) + 4 * cfg.parameterCount() + bt * 10L * cfg.dModel());
    }

    /** Heap still free for new buffers; when that is under {@code wanted}, collects garbage once and looks again. */
    public static long freeHeap(long wanted) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (wanted > free) {
            System.gc(); // "used" counts garbage too (say, a finished run's buffers)
            free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        return free;
    }

    /** Throws unless the heap can still take {@code bytes} more; {@code what} names what needs them. */
    public static void requireHeap(long bytes, String what) {
        long free = freeHeap(bytes);
        if (bytes > free)
            throw new BytewiseException(String.format("%s needs %,d MB of heap; only %,d MB are free", what,
                    bytes >> 20, free >> 20));
    }
}
