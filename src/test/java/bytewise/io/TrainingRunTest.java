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

    @Test
    void measuresHealthAtItsCadenceAndRecordsItInHealthCsv() throws Exception {
        List<RunEvent> events = new ArrayList<>();
        Path dir = tmp.resolve("health");
        // a clip threshold no gradient stays under: every step is clipped
        TrainConfig tc = config(12).toBuilder().gradClip(1e-6).build();
        new TrainingRun(Gpt.initialize(MODEL, 1), null, corpus.split(0.1), tc).healthEvery(4)
                .recordIn(TrainingRun.Recording.into(dir, "test", 0, 2)).run(events::add);
        List<bytewise.train.TrainingHealth.Report> reports = events.stream().filter(e -> e instanceof RunEvent.Health)
                .map(e -> ((RunEvent.Health) e).report()).toList();
        assertEquals(List.of(4L, 8L, 12L), reports.stream().map(bytewise.train.TrainingHealth.Report::step).toList());
        int health = kinds(events).indexOf("Health");
        assertEquals("Step", kinds(events).get(health - 1), "reported after its step");
        assertEquals(4, ((RunEvent.Step) events.get(health - 1)).metrics().step());
        var last = reports.get(2);
        assertEquals(1.0, last.clippedShare(), "every step was clipped");
        assertEquals(4, last.windowSteps());
        assertEquals(5 * MODEL.nLayer() + 3, last.rows().size());
        assertEquals(MODEL.nLayer(), last.activationRms().length);

        // the report's weight norms are those of the weights the run ended with (its last step is the measured one)
        RunEvent.Finished end = (RunEvent.Finished) events.get(events.size() - 1);
        float[] w = end.end().model().params();
        var lay = end.end().model().layout();
        for (var row : last.rows()) {
            if (row.group() != bytewise.train.TrainingHealth.Group.TOKEN_EMBEDDING) continue;
            double s = 0;
            for (int i = lay.wte; i < lay.wpe; i++) s += (double) w[i] * w[i];
            assertEquals(Math.sqrt(s), row.weightNorm(), 1e-9 * Math.sqrt(s));
        }

        List<String> lines = Files.readAllLines(dir.resolve("health.csv"));
        assertEquals(RunFolder.HEALTH_HEADER, lines.get(0));
        int perReport = last.rows().size() + MODEL.nLayer();
        assertEquals(1 + 3 * perReport, lines.size(), "a header, then each report's group rows and block rows");
        String[] head = RunFolder.HEALTH_HEADER.split(",");
        for (int r = 0; r < 3; r++) {
            var rep = reports.get(r);
            for (int i = 0; i < rep.rows().size(); i++) {
                String[] cells = lines.get(1 + r * perReport + i).split(",", -1);
                assertEquals(head.length, cells.length);
                var row = rep.rows().get(i);
                assertEquals(rep.step(), Long.parseLong(cells[0]));
                assertEquals(row.layer(), Integer.parseInt(cells[1]));
                assertEquals(row.group().label(), cells[2]);
                assertEquals(row.gradNorm(), Double.parseDouble(cells[3]), 1e-5 * row.gradNorm());
                assertEquals(row.weightNorm(), Double.parseDouble(cells[4]), 1e-5 * row.weightNorm());
                assertEquals(row.updateRatioLog10(), Double.parseDouble(cells[5]), 1e-4);
                assertEquals("", cells[6]);
                assertEquals(1.0, Double.parseDouble(cells[7]));
            }
            for (int l = 0; l < MODEL.nLayer(); l++) {
                String[] cells = lines.get(1 + r * perReport + rep.rows().size() + l).split(",", -1);
                assertEquals(List.of(String.valueOf(rep.step()), String.valueOf(l), "block.output", "", "", ""),
                        List.of(cells).subList(0, 6));
                assertEquals(rep.activationRms()[l], Double.parseDouble(cells[6]), 1e-5 * rep.activationRms()[l]);
                assertTrue(rep.activationRms()[l] > 0);
            }
        }
    }

    @Test
    void healthOffMeasuresNothingAndWritesNoFile() {
        List<RunEvent> events = new ArrayList<>();
        Path dir = tmp.resolve("quiet");
        new TrainingRun(Gpt.initialize(MODEL, 1), null, corpus.split(0.1), config(12)).healthEvery(0)
                .recordIn(TrainingRun.Recording.into(dir, "test", 0, 2)).run(events::add);
        assertFalse(kinds(events).contains("Health"));
        assertFalse(Files.exists(dir.resolve("health.csv")));
    }
}
