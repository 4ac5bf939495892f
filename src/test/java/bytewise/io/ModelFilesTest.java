package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.train.TrainConfig;
import bytewise.train.TrainingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ModelFilesTest {
    @Test
    void loadsEachFormatByContent(@TempDir Path dir) throws Exception {
        Gpt m = LlmcFormatTest.model();
        new Checkpoint(m, TrainConfig.defaults(), new TrainingState(7, 448, null, null), "d.txt", "ab").save(dir.resolve("ck"));
        LlmcFormat.export(m, dir.resolve("l.bin"));
        Safetensors.export(m, dir.resolve("s.safetensors"));
        for (String name : new String[]{"ck", "ck.json", "ck.bin"}) {
            Checkpoint c = ModelFiles.loadAny(dir.resolve(name));
            assertEquals(ModelFiles.Format.BYTEWISE, ModelFiles.detect(dir.resolve(name)), name);
            assertEquals(7, c.state().step(), name);
            assertEquals(TrainConfig.defaults(), c.training(), name);
            assertArrayEquals(m.params(), c.model().params(), name);
        }
        assertEquals(ModelFiles.Format.LLMC, ModelFiles.detect(dir.resolve("l.bin")));
        assertEquals(ModelFiles.Format.SAFETENSORS, ModelFiles.detect(dir.resolve("s.safetensors")));
        for (String name : new String[]{"l.bin", "s.safetensors"}) {
            Checkpoint c = ModelFiles.loadAny(dir.resolve(name));
            assertNull(c.training(), name);
            assertNull(c.state(), name);
            assertNull(c.dataName(), name);
            assertArrayEquals(m.params(), c.model().params(), name);
        }
    }

    @Test
    void missingAndUnknownFilesAreNamed(@TempDir Path dir) throws Exception {
        String st = assertThrows(BytewiseException.class, () -> ModelFiles.loadAny(dir.resolve("gone.safetensors"))).getMessage();
        assertTrue(st.contains("safetensors file not found"), st);
        String ck = assertThrows(BytewiseException.class, () -> ModelFiles.loadAny(dir.resolve("gone"))).getMessage();
        assertTrue(ck.contains("not found"), ck);
        Path junk = Files.writeString(dir.resolve("junk.bin"), "this is not a model at all");
        assertEquals(ModelFiles.Format.BYTEWISE, ModelFiles.detect(junk));
        assertThrows(BytewiseException.class, () -> ModelFiles.loadAny(junk));
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        assertThrows(BytewiseException.class, () -> ModelFiles.loadAny(empty));
    }
}
