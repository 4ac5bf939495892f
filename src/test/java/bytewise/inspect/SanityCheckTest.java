package bytewise.inspect;

import bytewise.BytewiseException;
import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.Decoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SanityCheckTest {
    private static final ModelConfig CFG = new ModelConfig(16, 32, 1, 2);
    private static final Corpus TEXT = Corpus.of("t.txt", TestData.prose(3000, 1));

    @Test
    void predictionAtAnOffsetUsesTheRightContextAndExpectedByte() {
        Gpt m = Gpt.initialize(CFG, 4);
        SanityCheck check = new SanityCheck(m, TEXT, 0);
        SanityResult r = check.at(100, 5, 8);
        assertEquals(16, r.contextLength());
        assertEquals(TEXT.byteAt(116), r.expected());
        assertEquals(5, r.top().size());
        assertEquals(r.argmax(), r.top().get(0).value());
        for (int i = 1; i < 5; i++) assertTrue(r.top().get(i - 1).probability() >= r.top().get(i).probability());
        assertEquals(r.ok(), r.expectedRank() == 1);
        assertEquals(bytewise.sample.Utf8Stream.printable(TEXT.slice(108, 8)), r.contextPreview());
        // the same distribution a decoder fed the same 16 bytes one at a time gives (float rounding apart)
        Decoder d = new Decoder(m);
        for (int i = 100; i < 116; i++) d.push(TEXT.byteAt(i));
        assertEquals(d.probabilities()[r.expected()], r.expectedProbability(), 1e-6);
        int[] ctx = new int[16];
        TEXT.read(100, ctx, 0, 16);
        d.prefill(ctx, 16);
        // rank = 1 + number of bytes more likely than the expected one
        float[] p = d.probabilities();
        int higher = 0;
        for (int v = 0; v < 256; v++) if (p[v] > p[r.expected()]) higher++;
        assertEquals(higher + 1, r.expectedRank());
    }

    @Test
    void randomTrialsAreSeededAndSummarised() {
        Gpt m = Gpt.initialize(CFG, 4);
        SanityCheck check = new SanityCheck(m, TEXT, 8);
        TrialsResult a = check.randomTrials(40, 9, 3, 4, null);
        TrialsResult b = check.randomTrials(40, 9, 3, 4, null);
        assertEquals(a, b);
        long ok = a.trials().stream().filter(SanityResult::ok).count();
        assertEquals(ok / 40.0, a.top1Accuracy(), 1e-12);
        double mean = a.trials().stream().mapToDouble(SanityResult::expectedProbability).average().orElseThrow();
        assertEquals(mean, a.meanExpectedProbability(), 1e-9);
        for (SanityResult r : a.trials()) assertTrue(r.offset() >= 0 && r.offset() <= check.maxOffset());
    }

    @Test
    void surprisalIsMinusLogOfEachActualByte() {
        Gpt m = Gpt.initialize(CFG, 4);
        SanityCheck check = new SanityCheck(m, TEXT, 0);
        float[] s = check.surprisal(10, 6);
        assertEquals(5, s.length);
        Decoder d = new Decoder(m);
        for (int i = 0; i < 5; i++) {
            d.push(TEXT.byteAt(10 + i));
            assertEquals(-Math.log(d.probabilities()[TEXT.byteAt(11 + i)]), s[i], 1e-5);
        }
    }

    @Test
    void badOffsetsAndContextsAreRefused() {
        Gpt m = Gpt.initialize(CFG, 4);
        SanityCheck check = new SanityCheck(m, TEXT, 0);
        assertThrows(BytewiseException.class, () -> check.at(-1, 5, 8));
        assertThrows(BytewiseException.class, () -> check.at(TEXT.size() - 16, 5, 8));
        assertDoesNotThrow(() -> check.at(TEXT.size() - 17, 5, 8));
        assertThrows(BytewiseException.class, () -> new SanityCheck(m, TEXT, 17));
        assertThrows(BytewiseException.class, () -> new SanityCheck(m, Corpus.of("s", new byte[10]), 0));
    }
}
