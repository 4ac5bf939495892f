package bytewise.app;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.io.Presets;
import bytewise.io.RunFolder;
import bytewise.io.RunRecorder;
import bytewise.model.Gpt;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;
import bytewise.train.StepMetrics;
import bytewise.train.EvalMetrics;
import bytewise.train.RunOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Past runs without the FX toolkit (work runs at once on this thread): a run reopens with its data,
 * changed or missing data is said and blocks Train until the user chooses, interrupted runs resume
 * in their folder, runs are renamed, deleted to the trash and compared.
 */
class PastRunsViewModelTest {
    @TempDir
    Path dir;
    private String before;
    private Path textA, textB;

    @BeforeEach
    void setUp() throws Exception {
        before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", dir.resolve("ws").toString());
        textA = Files.write(dir.resolve("a.txt"), TestData.prose(20_000, 1));
        textB = Files.write(dir.resolve("b.txt"), TestData.prose(20_000, 2));
    }

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty("bytewise.workspace");
        else System.setProperty("bytewise.workspace", before);
    }

    /** A fresh studio (as after a restart): its own session and context. */
    private static AppContext studio(int steps) {
        Session s = new Session();
        AppContext c = new AppContext(s, new CurrentThreadTaskExecutor());
        Preset tiny = Presets.named("tiny");
        TrainConfig tc = tiny.training().toBuilder().steps(steps).evalEvery(6).evalWindows(8).threads(1).build();
        s.settings.set(new Preset("tiny", tiny.description(), tiny.model(), tc));
        return c;
    }

    private Path trainedRun(Path data, int steps) {
        AppContext c = studio(steps);
        c.dataset.open(data);
        c.training.train();
        assertEquals(RunState.COMPLETED, c.training.state().get(), c.session.message.get());
        return c.training.runFolder().get();
    }

    private static PastRunsViewModel.Row row(AppContext c, Path runDir) {
        c.pastRuns.refresh(null);
        return c.pastRuns.runs.stream().filter(r -> r.folder().dir().equals(runDir)).findFirst().orElseThrow();
    }

    @Test
    void openingARunReopensItsDataAndTrainingMoreContinuesTheSameRun() {
        Path run = trainedRun(textA, 6);
        AppContext c = studio(6);
        c.dataset.open(textB); // the studio has other data loaded
        c.pastRuns.open(row(c, run), null);
        assertEquals(textA.toAbsolutePath(), c.session.corpus.get().path().toAbsolutePath(), "the run's data is reopened");
        assertEquals(6, c.session.modelStep.get());
        assertEquals(run, c.training.dataGuard.continuedRun().get());
        assertEquals("", c.session.trainBlockedReason.get());

        c.training.trainMoreSteps(6, false);
        assertEquals(RunState.COMPLETED, c.training.state().get(), c.session.message.get());
        assertEquals(run, c.training.runFolder().get());
        RunData curve = c.training.history.runs().get(0);
        assertEquals(1, c.training.history.runs().size());
        assertEquals(12, curve.size(), "the opened curve (6 steps) goes on to 12");
        assertEquals(12, RunFolder.open(run).info().step());
        assertEquals(1, RunFolder.list(dir.resolve("ws/runs")).size());
    }

    @Test
    void aChangedDataFileIsReportedAndTrainWaitsForAnExplicitFineTune() throws Exception {
        Path run = trainedRun(textA, 6);
        Files.write(textA, TestData.prose(20_000, 9)); // edited since
        AppContext c = studio(6);
        c.dataset.open(textB);
        c.pastRuns.open(row(c, run), null);
        assertTrue(c.session.message.get().contains("has changed since it was trained"), c.session.message.get());
        assertEquals(textB.toAbsolutePath(), c.session.corpus.get().path().toAbsolutePath(), "nothing else was loaded");
        String why = c.session.trainBlockedReason.get();
        assertTrue(why.contains("trained on a.txt") && why.contains("Fine-tune on this file"), why);

        c.training.dataGuard.fineTuneOnLoadedData.set(true);
        assertEquals("", c.session.trainBlockedReason.get());
        c.training.trainMoreSteps(6, false);
        assertEquals(RunState.COMPLETED, c.training.state().get(), c.session.message.get());
        RunFolder.Info info = RunFolder.open(run).info();
        assertEquals(1, info.notes().size(), info.notes().toString());
        assertTrue(info.notes().get(0).startsWith("step 6: fine-tuned on b.txt (sha256 " + Corpus.open(textB).sha256()),
                info.notes().get(0));
        assertEquals("b.txt", info.dataName(), "the run now trains on b.txt");
        assertEquals(textB.toAbsolutePath().normalize().toString(), info.dataPath());
    }

    @Test
    void aMissingDataFileIsReportedAndCanBeLocated() throws Exception {
        Path run = trainedRun(textA, 6);
        Path moved = dir.resolve("moved.txt");
        Files.move(textA, moved);
        AppContext c = studio(6);
        c.dataset.open(textB);
        c.pastRuns.open(row(c, run), null);
        assertTrue(c.session.message.get().contains("is missing (" + textA.toAbsolutePath()), c.session.message.get());
        assertFalse(c.session.trainBlockedReason.get().isEmpty());

        c.pastRuns.locateData(textB); // the wrong file is refused
        assertTrue(c.session.message.get().contains("is not the data this run was trained on"), c.session.message.get());
        c.pastRuns.locateData(moved);
        assertEquals(moved.toAbsolutePath(), c.session.corpus.get().path().toAbsolutePath());
        assertEquals("", c.session.trainBlockedReason.get());
        assertEquals(moved.toAbsolutePath().normalize().toString(), RunFolder.open(run).info().dataPath(),
                "run.json remembers the new place");
    }

    @Test
    void anInterruptedRunIsListedAsSuchAndResumesInItsFolder() throws Exception {
        // a run killed at step 8 of 20: its last checkpoint, and run.json still saying "running"
        Preset tiny = Presets.named("tiny");
        TrainConfig tc = tiny.training().toBuilder().steps(20).evalEvery(6).evalWindows(8).threads(1).build();
        Corpus corpus = Corpus.open(textA);
        RunFolder folder = RunFolder.create(dir.resolve("ws/runs"), new RunFolder.Info("2026-01-01T00:00:00Z", "tiny",
                corpus.name(), corpus.sha256(), tiny.model(), tc, 0, null, "running", null,
                textA.toAbsolutePath().toString(), null, null, List.of(), corpus.files()));
        try (Trainer trainer = new Trainer(Gpt.initialize(tiny.model(), 1), corpus.split(0.1), tc, null);
             RunRecorder recorder = new RunRecorder(folder, trainer, 4, 1)) {
            trainer.run(new TrainingListener() {
                @Override public void onStep(StepMetrics m) {
                    recorder.onStep(m);
                    if (m.step() == 8) trainer.cancel();
                }
                @Override public void onEval(EvalMetrics m) { recorder.onEval(m); }
                @Override public void onFinish(RunOutcome o) { } // killed: nothing more is written
            });
        }
        assertEquals("running", folder.info().status());

        AppContext c = studio(6);
        c.dataset.open(textB);
        PastRunsViewModel.Row r = row(c, folder.dir());
        assertEquals("interrupted", r.info().status());
        assertEquals(List.of(r), c.pastRuns.interrupted());

        c.pastRuns.resume(r);
        assertEquals(RunState.COMPLETED, c.training.state().get(), c.session.message.get());
        assertEquals(textA.toAbsolutePath(), c.session.corpus.get().path().toAbsolutePath());
        RunFolder.Info info = RunFolder.open(folder.dir()).info();
        assertEquals("completed", info.status());
        assertEquals(20, info.step());
        RunData curve = c.training.history.runs().get(0);
        assertEquals(20, curve.size(), "steps 1..20 once each");
        assertEquals(20, curve.step(19));
        assertEquals(1, RunFolder.list(dir.resolve("ws/runs")).size());
    }

    @Test
    void runsAreRenamedDeletedToTheTrashAndCompared() {
        Path one = trainedRun(textA, 6);
        AppContext c0 = studio(12);
        c0.dataset.open(textB);
        c0.training.train();
        Path two = c0.training.runFolder().get();

        AppContext c = studio(6);
        c.pastRuns.rename(row(c, one), "first try");
        assertEquals("first try", RunFolder.open(one).info().label());
        PastRunsViewModel.Row renamed = row(c, one);
        assertEquals("first try", renamed.name());

        List<PastRunsViewModel.SettingRow> table = PastRunsViewModel.settingsTable(List.of(renamed, row(c, two)));
        PastRunsViewModel.SettingRow steps = table.stream().filter(t -> t.setting().equals("Steps")).findFirst().orElseThrow();
        assertEquals(List.of("6", "12"), steps.values());
        assertTrue(steps.differs());
        PastRunsViewModel.SettingRow lr = table.stream().filter(t -> t.setting().equals("Learning rate")).findFirst().orElseThrow();
        assertFalse(lr.differs());
        assertTrue(table.stream().filter(t -> t.setting().equals("Data")).findFirst().orElseThrow().differs());

        List<RunData>[] read = new List[1];
        c.pastRuns.compare(List.of(renamed, row(c, two)), d -> read[0] = d);
        assertEquals(2, read[0].size());
        assertEquals("first try", read[0].get(0).name);
        assertEquals(6, read[0].get(0).size());
        assertEquals(12, read[0].get(1).size());
        assertNotEquals(read[0].get(0).colorIndex, read[0].get(1).colorIndex);

        c.pastRuns.delete(row(c, one));
        assertFalse(Files.exists(one));
        assertTrue(Files.isRegularFile(dir.resolve("ws/trash").resolve(one.getFileName()).resolve("run.json")), "in the trash");
        assertEquals(List.of(two), c.pastRuns.runs.stream().map(r -> r.folder().dir()).toList());
        c.pastRuns.refresh(null);
        assertEquals(1, c.pastRuns.runs.size(), "gone from the list");
    }
}
