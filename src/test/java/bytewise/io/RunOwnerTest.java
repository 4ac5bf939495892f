package bytewise.io;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A run's owner lock tells a live run from one whose process died (kill -9, crash, power loss). */
class RunOwnerTest {
    private static RunFolder.Info running(Preset p, TrainConfig tc) {
        return new RunFolder.Info("2026-01-01T00:00:00Z", "tiny", "text", "00", p.model(), tc, 0, null, "running", null);
    }

    @Test
    void aRunBeingRecordedIsLiveAndStaysRunning(@TempDir Path ws) {
        Preset tiny = Presets.named("tiny");
        TrainConfig tc = tiny.training().toBuilder().steps(4).evalEvery(0).threads(1).build();
        Corpus corpus = Corpus.of("text", TestData.prose(5_000, 1));
        RunFolder folder = RunFolder.create(ws, running(tiny, tc));
        try (Trainer trainer = new Trainer(Gpt.initialize(tiny.model(), 1), corpus.split(0.1), tc, null);
             RunRecorder recorder = new RunRecorder(folder, trainer, 0, 1)) {
            RunFolder seen = RunFolder.list(ws).get(0); // as a lister sees it: another RunFolder object
            assertTrue(seen.isOwned());
            assertEquals("running", seen.checkedInfo().status());
            assertEquals("running", seen.info().status(), "a live run is never marked interrupted on disk");
            assertEquals(RunFolder.ownerName(), seen.info().owner());
            assertThrows(bytewise.BytewiseException.class, seen::claim, "a second trainer of the same run is refused");
            trainer.run(recorder);
        }
        RunFolder seen = RunFolder.open(folder.dir());
        assertFalse(seen.isOwned(), "the lock goes when the recorder closes");
        assertEquals("completed", seen.checkedInfo().status());
    }

    @Test
    void aRunningRunWithNoOwnerIsInterruptedAndRecordedSo(@TempDir Path ws) {
        Preset tiny = Presets.named("tiny");
        RunFolder folder = RunFolder.create(ws, running(tiny, tiny.training()));
        folder.release(); // what the OS does when the process dies
        RunFolder seen = RunFolder.open(folder.dir());
        assertFalse(seen.isOwned());
        RunFolder.Info info = seen.checkedInfo();
        assertEquals("interrupted", info.status());
        assertTrue(info.message().contains(RunFolder.ownerName()), info.message());
        assertEquals("interrupted", RunFolder.open(folder.dir()).info().status(), "run.json says so too");
    }

    @Test
    void aRunJsonWrittenBeforeOwnersExistedStillReadsAndIsInterrupted(@TempDir Path ws) throws Exception {
        Preset tiny = Presets.named("tiny");
        Path dir = Files.createDirectories(ws.resolve("old-run"));
        String json = Json.MAPPER.writeValueAsString(running(tiny, tiny.training()))
                .replaceAll(",\\s*\"data_path\"[^,]*,\\s*\"owner\"[^,]*,\\s*\"label\"[^,]*,\\s*\"notes\"\\s*:\\s*\\[\\s*\\]", "");
        assertFalse(json.contains("owner"), json);
        Files.writeString(dir.resolve("run.json"), json);
        RunFolder.Info info = RunFolder.open(dir).checkedInfo();
        assertEquals("interrupted", info.status());
        assertNull(info.owner());
        assertTrue(info.notes().isEmpty());
    }

    @Test
    void finishedRunsAreLeftAlone(@TempDir Path ws) {
        Preset tiny = Presets.named("tiny");
        RunFolder folder = RunFolder.create(ws, running(tiny, tiny.training()).with(10, 2.5f, "completed", null));
        folder.release();
        assertEquals("completed", RunFolder.open(folder.dir()).checkedInfo().status());
    }
}
