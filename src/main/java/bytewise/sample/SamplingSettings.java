package bytewise.sample;

import bytewise.BytewiseException;

/**
 * How to pick each next byte. temperature 0 = greedy; topK 0 = off; topP 1 = off;
 * asciiOnly keeps \n, \r, \t and bytes 32–126; stop ends generation once the output contains it.
 */
public record SamplingSettings(double temperature, int topK, double topP, boolean asciiOnly, long seed,
                               int maxBytes, String stop) {
    public SamplingSettings {
        if (!(temperature >= 0 && temperature <= 100))
            throw new BytewiseException("temperature must be in [0, 100], got " + temperature);
        if (topK < 0 || topK > 256) throw new BytewiseException("top-k must be in 0..256 (0 = off), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new BytewiseException("top-p must be in (0, 1], got " + topP);
        if (maxBytes < 0) throw new BytewiseException("length must not be negative, got " + maxBytes);
        if (stop != null && stop.isEmpty()) stop = null;
    }

    public static SamplingSettings defaults() {
        return new SamplingSettings(1.0, 0, 1.0, false, 1337, 256, null);
    }

    public static boolean isAsciiAllowed(int b) {
        return b == '\n' || b == '\r' || b == '\t' || (b >= 32 && b <= 126);
    }
}
