package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.TrainConfig;
import bytewise.train.TrainingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    private static final ModelConfig CFG = new ModelConfig(16, 32, 2, 2);

    private static Checkpoint sample(boolean withOptimizer) {
        Gpt m = Gpt.initialize(CFG, 3);
        int n = m.params().length;
        float[] mm = new float[n], vv = new float[n];
        for (int i = 0; i < n; i++) {
            mm[i] = i * 1e-3f;
            vv[i] = i * 1e-6f;
        }
        TrainingState st = withOptimizer ? new TrainingState(17, 17 * 64, mm, vv) : new TrainingState(17, 17 * 64, null, null);
        return new Checkpoint(m, TrainConfig.defaults(), st, "data.txt", "abc123");
    }

    @Test
    void roundTripKeepsEverything(@TempDir Path dir) {
        Checkpoint c = sample(true);
        c.save(dir.resolve("run"));
        assertTrue(Files.exists(dir.resolve("run.json")) && Files.exists(dir.resolve("run.bin")));
        Checkpoint back = Checkpoint.load(dir.resolve("run.json"));
        assertEquals(CFG, back.model().config());
        assertArrayEquals(c.model().params(), back.model().params());
        assertArrayEquals(c.state().m(), back.state().m());
        assertArrayEquals(c.state().v(), back.state().v());
        assertEquals(17, back.state().step());
        assertEquals(TrainConfig.defaults(), back.training());
        assertEquals("data.txt", back.dataName());
        assertEquals("abc123", back.dataSha256());
        assertEquals(Checkpoint.HEADER_BYTES + 3L * 4 * CFG.parameterCount(), dir.resolve("run.bin").toFile().length());
    }

    @Test
    void aRestartedScheduleRoundTripsAndFilesFromBeforeItReadAsStartingAtZero(@TempDir Path dir) throws Exception {
        Checkpoint c = sample(true);
        TrainConfig restarted = TrainConfig.defaults().toBuilder().steps(400).warmup(20).scheduleStart(17).build();
        new Checkpoint(c.model(), restarted, c.state(), "data.txt", "abc123").save(dir.resolve("r"));
        String json = Files.readString(dir.resolve("r.json"));
        assertTrue(json.contains("\"schedule_start\" : 17"), json);
        assertEquals(restarted, Checkpoint.load(dir.resolve("r")).training());

        // a checkpoint written before the field existed
        Files.writeString(dir.resolve("r.json"), json.replaceAll(",\\s*\"schedule_start\" : 17", ""));
        assertFalse(Files.readString(dir.resolve("r.json")).contains("schedule_start"));
        TrainConfig old = Checkpoint.load(dir.resolve("r")).training();
        assertEquals(0, old.scheduleStart());
        assertEquals(restarted.withScheduleStart(0), old);

        // run.json and preset files from before it too
        RunFolder run = RunFolder.create(dir.resolve("runs"), new RunFolder.Info("2026-01-01T00:00:00Z", "tiny",
                "data.txt", "abc123", CFG, restarted, 17, null, "completed", null));
        assertEquals(17, run.info().training().scheduleStart());
        Path runJson = run.dir().resolve("run.json");
        Files.writeString(runJson, Files.readString(runJson).replaceAll(",\\s*\"schedule_start\" : 17", ""));
        assertEquals(restarted.withScheduleStart(0), run.info().training());
        run.release();
        Path preset = dir.resolve("preset.json");
        Presets.save(new bytewise.train.Preset("mine", "", CFG, restarted), preset);
        assertEquals(restarted, Presets.load(preset).training());
        Files.writeString(preset, Files.readString(preset).replaceAll(",\\s*\"schedule_start\" : 17", ""));
        assertEquals(restarted.withScheduleStart(0), Presets.load(preset).training());
        assertEquals(0, Presets.named("tiny").training().scheduleStart(), "the shipped presets have no such field");
    }

    @Test
    void weightsOnlyCheckpointIsSmallerAndHasNoMoments(@TempDir Path dir) {
        sample(false).save(dir.resolve("w"));
        Checkpoint back = Checkpoint.load(dir.resolve("w"));
        assertFalse(back.state().hasOptimizerState());
        assertEquals(Checkpoint.HEADER_BYTES + 4L * CFG.parameterCount(), dir.resolve("w.bin").toFile().length());
    }

    private static String refusal(Path prefix) {
        return assertThrows(BytewiseException.class, () -> Checkpoint.load(prefix)).getMessage();
    }

    @Test
    void truncatedWeightsAreRefused(@TempDir Path dir) throws Exception {
        sample(true).save(dir.resolve("t"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("t.bin").toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertTrue(refusal(dir.resolve("t")).contains("truncated"));
    }

    @Test
    void wrongMagicAndVersionAreRefused(@TempDir Path dir) throws Exception {
        sample(false).save(dir.resolve("m"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("m.bin").toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[]{'X', 'X', 'X', 'X'});
        }
        assertTrue(refusal(dir.resolve("m")).contains("wrong magic"));
        sample(false).save(dir.resolve("v"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("v.bin").toFile(), "rw")) {
            f.seek(4);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(99).array());
        }
        assertTrue(refusal(dir.resolve("v")).contains("version 99"));
    }

    @Test
    void jsonSizesThatDisagreeWithTheWeightsAreRefused(@TempDir Path dir) throws Exception {
        sample(false).save(dir.resolve("s"));
        Path json = dir.resolve("s.json");
        Files.writeString(json, Files.readString(json).replace("\"d_model\" : 32", "\"d_model\" : 64"));
        String msg = refusal(dir.resolve("s"));
        assertTrue(msg.contains("parameters"), msg);
    }

    @Test
    void hugeHeaderIsRefusedBeforeAnyAllocation(@TempDir Path dir) throws Exception {
        sample(false).save(dir.resolve("h"));
        Path json = dir.resolve("h.json");
        String s = Files.readString(json);
        // a config that would need ~4 billion parameters: ModelConfig or the size check must refuse it
        long claimed = 3_221_442_953_216L;
        s = s.replace("\"d_model\" : 32", "\"d_model\" : 16384").replace("\"n_layer\" : 2", "\"n_layer\" : 1000");
        s = s.replaceAll("\"param_count\" : \\d+", "\"param_count\" : " + claimed);
        Files.writeString(json, s);
        String msg = refusal(dir.resolve("h"));
        assertTrue(msg.contains("parameters") || msg.contains("bytes"), msg);
    }

    @Test
    void nonFiniteWeightsAreRefused(@TempDir Path dir) throws Exception {
        sample(false).save(dir.resolve("n"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("n.bin").toFile(), "rw")) {
            f.seek(Checkpoint.HEADER_BYTES + 4 * 10);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array());
        }
        assertTrue(refusal(dir.resolve("n")).contains("NaN"));
    }

    @Test
    void brokenJsonIsRefusedWithTheField(@TempDir Path dir) throws Exception {
        sample(false).save(dir.resolve("j"));
        Path json = dir.resolve("j.json");
        String good = Files.readString(json);
        Files.writeString(json, good.replace("\"step\" : 17", "\"step\" : \"seventeen\""));
        assertTrue(refusal(dir.resolve("j")).contains("step"));
        Files.writeString(json, good.replace("\"step\" : 17,", ""));
        assertTrue(refusal(dir.resolve("j")).contains("step"));
        Files.writeString(json, good.replace("\"step\" : 17,", "\"step\" : 17, \"surprise\" : 1,"));
        assertTrue(refusal(dir.resolve("j")).contains("surprise"));
        Files.writeString(json, "{ not json");
        assertTrue(refusal(dir.resolve("j")).contains("j.json"));
        Files.writeString(json, good.replace(Checkpoint.FORMAT, "something-else"));
        assertTrue(refusal(dir.resolve("j")).contains("not a Bytewise checkpoint"));
    }

    @Test
    void jsonWithoutItsWeightsAndMissingCheckpointAreRefused(@TempDir Path dir) throws Exception {
        sample(false).save(dir.resolve("b"));
        Files.delete(dir.resolve("b.bin"));
        assertTrue(refusal(dir.resolve("b")).contains("missing"));
        assertTrue(refusal(dir.resolve("nothing")).contains("not found"));
    }

    @Test
    void everyInterruptedSaveLeavesALoadableCheckpoint(@TempDir Path dir) throws Exception {
        Checkpoint old = sample(false);
        Checkpoint fresh = new Checkpoint(Gpt.initialize(CFG, 99), TrainConfig.defaults(),
                new TrainingState(30, 1, null, null), "d", null);
        Path p = dir.resolve("c");
        // Replay the save's renames and stop after each one, as a crash would.
        for (int crashAfter = 0; crashAfter <= 4; crashAfter++) {
            for (String f : new String[]{"c.json", "c.bin", "c.json.prev", "c.bin.prev", "c.json.tmp", "c.bin.tmp"})
                Files.deleteIfExists(dir.resolve(f));
            old.save(p);
            Path stage = dir.resolve("stage");
            fresh.save(stage);
            Files.move(dir.resolve("stage.json"), dir.resolve("c.json.tmp"));
            Files.move(dir.resolve("stage.bin"), dir.resolve("c.bin.tmp"));
            String[][] renames = {{"c.json", "c.json.prev"}, {"c.bin", "c.bin.prev"}, {"c.bin.tmp", "c.bin"},
                    {"c.json.tmp", "c.json"}};
            for (int i = 0; i < crashAfter; i++)
                Files.move(dir.resolve(renames[i][0]), dir.resolve(renames[i][1]), StandardCopyOption.REPLACE_EXISTING);
            Checkpoint got = Checkpoint.load(p);
            long step = got.state().step();
            assertTrue(step == 17 || step == 30, "crash after " + crashAfter + " renames loads a whole checkpoint");
            assertArrayEquals((step == 17 ? old : fresh).model().params(), got.model().params());
        }
    }

    @Test
    void saveReplacesThePreviousCheckpointAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        sample(false).save(dir.resolve("r"));
        Checkpoint second = new Checkpoint(Gpt.initialize(CFG, 5), null, new TrainingState(40, 0, null, null), null, null);
        second.save(dir.resolve("r"));
        assertEquals(40, Checkpoint.load(dir.resolve("r")).state().step());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }
}
