package bytewise;

import bytewise.data.Corpus;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Texts generated at test time (the suite never needs files outside the repository). */
public final class TestData {
    private TestData() {}

    public static byte[] repeated(String unit, int bytes) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < bytes) sb.append(unit);
        return sb.substring(0, bytes).getBytes(StandardCharsets.UTF_8);
    }

    /** Pseudo-English: words from a small vocabulary in seeded random order. */
    public static byte[] prose(int bytes, long seed) {
        String[] words = {"the", "river", "runs", "past", "a", "quiet", "town", "and", "bread", "is", "warm", "in",
                "morning", "light", "we", "walk", "to", "market", "with", "old", "friends", "garden", "rain", "falls"};
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < bytes) {
            sb.append(words[rng.nextInt(words.length)]);
            sb.append(rng.nextInt(12) == 0 ? ".\n" : " ");
        }
        return sb.substring(0, bytes).getBytes(StandardCharsets.UTF_8);
    }

    public static Corpus proseCorpus(int bytes, long seed) {
        return Corpus.of("prose.txt", prose(bytes, seed));
    }
}
