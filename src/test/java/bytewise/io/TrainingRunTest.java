package bytewise.io;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.RunOutcome;
import bytewise.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The run the command line and the studio share: its events, its recording, stopping and failing. */
class TrainingRunTest {
    @TempDir
    Path tmp;

    private static final ModelConfig MODEL = new ModelConfig(32, 32, 1, 2);
    private final Corpus corpus = TestData.proseCorpus(20_000, 11);

    private static TrainConfig config(int steps) {
        return TrainConfig.builder().batch(4).steps(steps).evalEvery(4).evalWindows(4).threads(1).seed(3).build();
    }

    private static List<String> kinds(List<RunEvent> events) {
        List<String> out = new ArrayList<>();
        for (RunEvent e : events) out.add(e.getClass().getSimpleName());
        return out;
    }

    @Test
    void reportsStepsEvaluationsCheckpointsAndTheEndInOrderAndRecordsThem() {
        List<RunEvent> events = new ArrayList<>();
        Path dir = tmp.resolve("run");
        RunOutcome o = new TrainingRun(Gpt.initialize(MODEL, 1), null, corpus.split(0.1), config(8))
                .recordIn(TrainingRun.Recording.into(dir, "test", 4, 2)).run(events::add);
        assertEquals(RunOutcome.Status.COMPLETED, o.status());
        assertEquals(List.of("Started", "Step", "Step", "Step", "Step", "CheckpointSaved", "Eval",
                "Step", "Step", "Step", "Step", "CheckpointSaved", "Eval", "CheckpointSaved", "Finished"), kinds(events));
        assertEquals(dir, ((RunEvent.Started) events.get(0)).folder());
        RunEvent.Finished end = (RunEvent.Finished) events.get(events.size() - 1);
        assertEquals(8, end.end().state().step());
        RunFolder folder = RunFolder.open(dir);
        assertEquals("completed", folder.info().status());
        assertEquals(8 + 2, folder.readMetrics().size(), "a row per step and per evaluation");
        RunEvent.CheckpointSaved saved = (RunEvent.CheckpointSaved) events.get(5);
        assertEquals(4, saved.step());
        assertTrue(Files.exists(Checkpoint.jsonPath(folder.checkpointPrefix(8))));
    }

    @Test
    void publishesWeightsAtEvaluationsOnlyWhenAsked() {
        List<RunEvent> quiet = new ArrayList<>(), publishing = new ArrayList<>();
        new TrainingRun(Gpt.initialize(MODEL, 1), null, corpus.split(0.1), config(8)).run(quiet::add);
        new TrainingRun(Gpt.initialize(MODEL, 1), null, corpus.split(0.1), config(8)).publishWeightsEvery(3600)
                .run(publishing::add);
        assertFalse(kinds(quiet).contains("Sample"), "nothing is copied for a run nobody watches");
        List<RunEvent.Sample> samples = publishing.stream().filter(e -> e instanceof RunEvent.Sample)
                .map(e -> (RunEvent.Sample) e).toList();
        assertEquals(List.of(4L, 8L), samples.stream().map(RunEvent.Sample::step).toList());
        assertTrue(samples.stream().allMatch(s -> s.forSample() && !s.forViewers()), "not yet due for the viewers");
        assertNull(((RunEvent.Started) quiet.get(0)).folder(), "not recorded");
    }

    @Test
    void aRunCancelledBeforeItStartsStopsAtOnce() {
        TrainingRun run = new TrainingRun(Gpt.initialize(MODEL, 1), null, corpus.split(0.1), config(1000));
        run.cancel();
        List<RunEvent> events = new ArrayList<>();
        assertEquals(RunOutcome.Status.CANCELLED, run.run(events::add).status());
        assertEquals(List.of("Started", "Finished"), kinds(events));
        assertNull(run.capture(), "nothing is training any more");
    }

    @Test
    void aFailureIsReportedThenRethrown() {
        Split tooShort = Corpus.of("short", "abc".repeat(5).getBytes()).split(0.1);
        List<RunEvent> events = new ArrayList<>();
        TrainingRun run = new TrainingRun(Gpt.initialize(MODEL, 1), null, tooShort, config(8));
        RuntimeException e = assertThrows(RuntimeException.class, () -> run.run(events::add));
        assertEquals(List.of("Failed"), kinds(events));
        assertSame(e, ((RunEvent.Failed) events.get(0)).error());
    }
}
