package bytewise.app;

import bytewise.io.Presets;
import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.io.RunFolder;
import bytewise.io.RunRecorder;
import bytewise.model.Gpt;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A run recorded on disk (as the CLI and the studio record them) reopens with its curves and model. */
@ExtendWith(ApplicationExtension.class)
class PastRunsTest {
    @TempDir
    Path workspace;
    private String before;

    @BeforeEach
    void useTempWorkspace() {
        before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", workspace.toString());
    }

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty("bytewise.workspace");
        else System.setProperty("bytewise.workspace", before);
    }

    @Test
    void aRecordedRunIsListedAndOpensWithItsCurvesAndNewestCheckpoint() throws Exception {
        Corpus corpus = TestData.proseCorpus(20_000, 1);
        Preset tiny = Presets.named("tiny");
        TrainConfig t0 = tiny.training();
        TrainConfig tc = new TrainConfig(t0.batch(), 12, t0.lr(), t0.minLr(), 0, 0, 0.9, 0.99, 1e-8, 1, 6, 8, 2, 1, 0.1);
        RunFolder folder = RunFolder.create(RunFolder.defaultWorkspace(), new RunFolder.Info("2026-01-01T00:00:00Z",
                "tiny", corpus.name(), corpus.sha256(), tiny.model(), tc, 0, null, "running", null));
        try (Trainer trainer = new Trainer(Gpt.initialize(tiny.model(), 1), corpus.split(0.1), tc, null);
             RunRecorder recorder = new RunRecorder(folder, trainer, 5, 2)) {
            trainer.run(recorder);
        }

        List<RunHistory.PastRun> runs = RunHistory.pastRuns();
        assertEquals(1, runs.size());
        assertEquals(12, runs.get(0).info().step());
        assertEquals("completed", runs.get(0).info().status());
        assertNotNull(runs.get(0).info().bestValLoss());

        Session session = new Session();
        AppContext context = new AppContext(session, new FxTaskExecutor());
        TrainingViewModel svc = context.training;
        Platform.runLater(() -> context.pastRuns.openRun(folder));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> session.model.get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(12, session.modelStep.get(), "the newest checkpoint is the final one");
        assertEquals(1, svc.history.runs().size());
        RunData curves = svc.history.runs().get(0);
        assertEquals(12, curves.size(), "one point per recorded step");
        assertEquals(2, curves.evalCount(), "evaluations at steps 6 and 12");
        assertTrue(svc.continueTraining.get(), "Train continues the opened run");
    }

    @Test
    void closingTheStudioDuringARunSavesItsLastCheckpointAndMarksItCancelled() throws Exception {
        Session session = new Session();
        TrainingViewModel svc = new AppContext(session, new FxTaskExecutor()).training;
        Preset tiny = Presets.named("tiny");
        Preset endless = new Preset("tiny", tiny.description(), tiny.model(), tiny.training().withSteps(1_000_000));
        Platform.runLater(() -> {
            session.corpus.set(TestData.proseCorpus(20_000, 3));
            session.settings.set(endless);
            svc.train();
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> session.runStep.get() >= 5);

        svc.shutdown(); // what StudioApp.stop does as the window closes

        List<RunHistory.PastRun> runs = RunHistory.pastRuns();
        assertEquals(1, runs.size());
        RunFolder.Info info = runs.get(0).info();
        assertEquals("cancelled", info.status());
        assertTrue(info.step() >= 5, "stopped at step " + info.step());
        var last = runs.get(0).folder().latestCheckpoint().orElseThrow();
        assertEquals(info.step(), last.state().step(), "the last checkpoint is the step the run stopped at");
    }
}
