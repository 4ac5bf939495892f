package bytewise.train;

import bytewise.BytewiseException;
import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Data and settings a user can throw at the engine: each gets a message, nothing crashes. */
class HostileInputTest {
    private static final ModelConfig CFG = new ModelConfig(16, 32, 1, 2);

    private static TrainConfig steps(int n) {
        return new TrainConfig(4, n, 1e-3, 1e-3, 0, 0, 0.9, 0.99, 1e-8, 1, 0, 4, 2, 1, 0.1);
    }

    @Test
    void randomBinaryDataWithAllByteValuesTrains() {
        byte[] b = new byte[20_000];
        new SplittableRandom(1).nextBytes(b);
        for (int i = 0; i < 256; i++) b[i] = (byte) i;
        try (Trainer t = new Trainer(Gpt.initialize(CFG, 1), Corpus.of("noise.bin", b).split(0.1), steps(5), null)) {
            assertEquals(RunOutcome.Status.COMPLETED, t.run(null).status());
            assertTrue(Float.isFinite(t.lastLoss()));
        }
    }

    @Test
    void tinyFilesAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path one = Files.write(dir.resolve("one.txt"), new byte[]{'a'});
        Corpus c = Corpus.open(one);
        var e = assertThrows(BytewiseException.class, () -> new Trainer(Gpt.initialize(CFG, 1), c.split(0.1), steps(1), null));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
        Path shortish = Files.write(dir.resolve("short.txt"), TestData.prose(100, 1)); // validation part: 10 bytes
        var v = assertThrows(BytewiseException.class,
                () -> new Trainer(Gpt.initialize(CFG, 1), Corpus.open(shortish).split(0.1), steps(1), null));
        assertTrue(v.getMessage().contains("validation"), v.getMessage());
    }

    @Test
    void aDataFileCutShortWhileTrainingStopsTheRunWithAMessage(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("moving.txt"), TestData.prose(200_000, 3));
        Corpus c = Corpus.open(f);
        try (Trainer t = new Trainer(Gpt.initialize(CFG, 1), c.split(0.1), steps(1_000_000), null)) {
            var e = assertThrows(BytewiseException.class, () -> t.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    if (m.step() == 3) {
                        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                            raf.setLength(10);
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                    }
                }
            }));
            assertTrue(e.getMessage().contains("changed or disappeared"), e.getMessage());
            assertTrue(t.step() >= 3);
            assertTrue(t.model().allFinite(), "the weights of the last good step are intact");
        }
    }

    @Test
    void impossibleModelSettingsAreRefusedWithTheField() {
        String[][] cases = {
                {"0", "64", "1", "4", "seq_len"}, {"64", "0", "1", "4", "d_model"}, {"64", "64", "0", "4", "layers"},
                {"64", "64", "1", "0", "heads"}, {"64", "64", "1", "3", "divisible"}, {"-5", "64", "1", "4", "seq_len"},
                {"64", "100000", "1", "4", "d_model"}, {"1000000", "64", "1", "4", "seq_len"},
                {"64", "16384", "1024", "4", "parameters"},
        };
        for (String[] c : cases) {
            var e = assertThrows(BytewiseException.class, () -> new ModelConfig(Integer.parseInt(c[0]),
                    Integer.parseInt(c[1]), Integer.parseInt(c[2]), Integer.parseInt(c[3])), String.join(",", c));
            assertTrue(e.getMessage().contains(c[4]), e.getMessage());
        }
        // a batch whose activations cannot fit: refused before allocating
        ModelConfig big = new ModelConfig(4096, 1024, 8, 8);
        var e = assertThrows(BytewiseException.class, () -> ForwardBackward.checkFits(big, 4096));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
    }
}
