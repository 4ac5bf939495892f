package bytewise.inspect;

import bytewise.sample.Utf8Stream;

/** One candidate next byte: value 0..255, shown printably, with its probability. */
public record ByteProbability(int value, String printable, float probability) {
    public static ByteProbability of(int value, float probability) {
        return new ByteProbability(value, Utf8Stream.printable(value), probability);
    }
}
