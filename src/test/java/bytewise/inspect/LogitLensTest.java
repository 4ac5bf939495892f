package bytewise.inspect;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LogitLensTest {
    private static final Corpus TEXT = Corpus.of("t.txt", TestData.prose(3000, 5));

    @Test
    void lastLayerIsTheModelsOwnPrediction() {
        ModelConfig cfg = new ModelConfig(16, 32, 3, 2);
        Gpt m = ForwardTraceTest.perturbed(cfg, 8);
        SanityCheck check = new SanityCheck(m, TEXT, 12);
        for (long off : new long[]{0, 123, 2000}) {
            LogitLens.Result r = LogitLens.at(m, TEXT, off, 12, 6);
            SanityResult s = check.at(off, 6, 0);
            assertEquals(3, r.layers().size());
            assertEquals(s.expected(), r.expected());
            assertEquals(TEXT.byteAt(off + 12), r.expected());
            LogitLens.Layer last = r.layers().get(2);
            assertEquals(2, last.layer());
            assertEquals(s.expectedProbability(), last.expectedProbability(), 2e-6);
            assertEquals(s.expectedRank(), last.expectedRank());
            assertEquals(6, last.top().size());
            for (int i = 0; i < 6; i++) {
                assertEquals(s.top().get(i).value(), last.top().get(i).value());
                assertEquals(s.top().get(i).probability(), last.top().get(i).probability(), 2e-6);
            }
            for (LogitLens.Layer l : r.layers()) {
                for (int i = 1; i < l.top().size(); i++)
                    assertTrue(l.top().get(i - 1).probability() >= l.top().get(i).probability());
                assertTrue(l.expectedRank() >= 1 && l.expectedRank() <= 256);
                // the rank agrees with the top list wherever the expected byte is in it
                for (int i = 0; i < l.top().size(); i++)
                    if (l.top().get(i).value() == r.expected()) assertEquals(i + 1, l.expectedRank());
            }
        }
    }

    @Test
    void onRepetitiveTextTheLastLayerPredictsAtLeastAsWellAsTheFirst() {
        Corpus c = Corpus.of("repeat.txt", TestData.repeated("the quick brown fox jumps over the lazy dog. ", 4000));
        ModelConfig cfg = new ModelConfig(32, 32, 2, 2);
        TrainConfig tc = new TrainConfig(8, 300, 3e-3, 3e-4, 20, 0.0, 0.9, 0.99, 1e-8, 1.0, 0, 8, 2, 1, 0.1);
        Gpt m = Gpt.initialize(cfg, 1);
        try (Trainer t = new Trainer(m, c.split(0.1), tc, null)) {
            t.run(null);
        }
        int offsets = 40, firstRanks = 0, lastRanks = 0, lastTop1 = 0;
        double firstP = 0, lastP = 0;
        for (int i = 0; i < offsets; i++) {
            List<LogitLens.Layer> rows = LogitLens.at(m, c, 17L * i, 0, 3).layers();
            assertEquals(cfg.nLayer(), rows.size());
            firstRanks += rows.get(0).expectedRank();
            lastRanks += rows.get(cfg.nLayer() - 1).expectedRank();
            firstP += rows.get(0).expectedProbability();
            lastP += rows.get(cfg.nLayer() - 1).expectedProbability();
            if (rows.get(cfg.nLayer() - 1).expectedRank() == 1) lastTop1++;
        }
        assertTrue(lastTop1 >= offsets * 9 / 10, "the trained model predicts the text: " + lastTop1 + "/" + offsets);
        assertTrue(lastRanks <= firstRanks, "mean rank, last layer " + lastRanks / (double) offsets + " vs first "
                + firstRanks / (double) offsets);
        assertTrue(lastP >= firstP, "mean p(expected), last layer " + lastP / offsets + " vs first " + firstP / offsets);
    }
}
