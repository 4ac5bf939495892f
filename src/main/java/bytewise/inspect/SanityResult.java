package bytewise.inspect;

import java.util.List;

/**
 * The model's next-byte prediction at one offset: the context is bytes[offset, offset + ctx) and
 * the expected byte is bytes[offset + ctx]. {@code expectedRank} is 1 for the most likely byte.
 */
public record SanityResult(long offset, int contextLength, String contextPreview, int expected, int argmax,
                           int expectedRank, float expectedProbability, List<ByteProbability> top) {
    public boolean ok() {
        return expected == argmax;
    }

    public String expectedPrintable() {
        return bytewise.sample.Utf8Stream.printable(expected);
    }

    public String argmaxPrintable() {
        return bytewise.sample.Utf8Stream.printable(argmax);
    }
}
