package bytewise.io;

import bytewise.data.DataFile;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The files of a data set in run.json and checkpoints, and files written before the list existed. */
class DataFilesRecordTest {
    private static final ModelConfig M = new ModelConfig(16, 16, 1, 2);

    @Test
    void checkpointsKeepTheFileListAndOldOnesWithoutItStillLoad(@TempDir Path dir) throws Exception {
        List<DataFile> files = List.of(new DataFile("docs/a.txt", 10, "a".repeat(64)), new DataFile("docs/b.md", 20, "b".repeat(64)));
        Path prefix = dir.resolve("m");
        new Checkpoint(Gpt.initialize(M, 1), TrainConfig.defaults(), null, "docs (2 files)", "c".repeat(64), files).save(prefix);
        assertEquals(files, Checkpoint.load(prefix).dataFiles());

        new Checkpoint(Gpt.initialize(M, 1), TrainConfig.defaults(), null, "old.txt", "d".repeat(64)).save(prefix);
        Path json = Checkpoint.jsonPath(prefix);
        String text = Files.readString(json);
        assertTrue(text.contains("\"data_files\" : null"), text);
        Files.writeString(json, text.replace(",\n  \"data_files\" : null", ""));
        assertFalse(Files.readString(json).contains("data_files"), "written as before the list existed");
        Checkpoint old = Checkpoint.load(prefix);
        assertNull(old.dataFiles());
        assertEquals("old.txt", old.dataName());
    }

    @Test
    void runJsonKeepsTheFileListAndOldOnesWithoutItStillRead(@TempDir Path dir) throws Exception {
        List<DataFile> files = List.of(new DataFile("a.txt", 3, "e".repeat(64)));
        RunFolder f = RunFolder.createAt(dir.resolve("run"), new RunFolder.Info("now", "tiny", "a.txt", "e".repeat(64), M,
                TrainConfig.defaults(), 0, null, "running", null, files));
        assertEquals(files, f.info().dataFiles());
        assertEquals(files, f.info().with(5, 1.5f, "completed", null).dataFiles(), "progress updates keep the list");

        Path runJson = dir.resolve("run/run.json");
        String text = Files.readString(runJson);
        String old = text.substring(0, text.indexOf(",\n  \"data_files\"")) + "\n}";
        Files.writeString(runJson, old);
        RunFolder.Info info = f.info();
        assertNull(info.dataFiles());
        assertEquals("a.txt", info.dataName());
    }
}
