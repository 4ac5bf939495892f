package bytewise.inspect;

import bytewise.sample.Utf8Stream;

/** One candidate next byte: value 0..255, shown printably, with its probability. */
public record ByteProbability(int value, String printable, float probability) {
    /** The {@code k} most likely bytes of a distribution, most likely first. */
    public static java.util.List<ByteProbability> top(float[] p, int k) {
        java.util.List<ByteProbability> out = new java.util.ArrayList<>();
        for (int i : bytewise.sample.TopK.indices(p, k)) out.add(of(i, p[i]));
        return java.util.List.copyOf(out);
    }

    public static ByteProbability of(int value, float probability) {
        return new ByteProbability(value, Utf8Stream.printable(value), probability);
    }
}
