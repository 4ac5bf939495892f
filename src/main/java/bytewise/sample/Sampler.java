package bytewise.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns logits into a byte: ASCII filter, temperature, top-k, top-p (nucleus), then a draw.
 * Reuses its buffers; one instance per generating thread.
 */
public final class Sampler {
    private final float[] probs = new float[256];
    private final long[] order = new long[256];
    private final SamplingSettings settings;
    private final SplittableRandom rng;
    private float chosenProbability;

    public Sampler(SamplingSettings settings) {
        this.settings = settings;
        this.rng = new SplittableRandom(settings.seed());
    }

    /** Probability the final (filtered, renormalised) distribution gave the last picked byte. */
    public float chosenProbability() {
        return chosenProbability;
    }

    public int pick(float[] logits) {
        return pick(logits, rng.nextDouble());
    }

    /** Picks with the uniform draw {@code u} in [0, 1) (exposed for tests). */
    int pick(float[] logits, double u) {
        boolean ascii = settings.asciiOnly();
        double temp = settings.temperature();
        if (temp == 0) {
            int best = -1;
            for (int i = 0; i < 256; i++) {
                if (ascii && !SamplingSettings.isAsciiAllowed(i)) continue;
                if (best < 0 || logits[i] > logits[best]) best = i;
            }
            chosenProbability = 1f;
            return best;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < 256; i++) {
            if (!ascii || SamplingSettings.isAsciiAllowed(i)) max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < 256; i++) {
            boolean allowed = !ascii || SamplingSettings.isAsciiAllowed(i);
            probs[i] = allowed ? (float) Math.exp((logits[i] - max) / temp) : 0f;
            sum += probs[i];
        }
        for (int i = 0; i < 256; i++) probs[i] = (float) (probs[i] / sum);
        if (settings.topK() == 0 && settings.topP() >= 1.0) {
            // no truncation: draw straight from the distribution (no sort on the per-byte path)
            double acc = 0;
            int chosen = -1;
            for (int i = 0; i < 256; i++) {
                if (probs[i] == 0f) continue;
                chosen = i;
                acc += probs[i];
                if (acc > u) break;
            }
            chosenProbability = probs[chosen];
            return chosen;
        }
        // sort by probability, descending: key = probability bits (positive floats sort as ints), then index
        for (int i = 0; i < 256; i++) order[i] = ((long) Float.floatToIntBits(probs[i]) << 8) | (255 - i);
        Arrays.sort(order);
        int k = settings.topK() > 0 ? settings.topK() : 256;
        double kept = 0;
        int n = 0;
        for (int j = 255; j >= 0 && n < k; j--) {
            float pr = Float.intBitsToFloat((int) (order[j] >>> 8));
            if (pr == 0f) break;
            kept += pr;
            n++;
            if (kept >= settings.topP()) break;
        }
        double target = u * kept, acc = 0;
        int chosen = 255 - (int) (order[255] & 0xFF);
        for (int j = 255; j > 255 - n; j--) {
            int idx = 255 - (int) (order[j] & 0xFF);
            acc += probs[idx];
            chosen = idx;
            if (acc > target) break;
        }
        chosenProbability = (float) (probs[chosen] / kept);
        return chosen;
    }
}
