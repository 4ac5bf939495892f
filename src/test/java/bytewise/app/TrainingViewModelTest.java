package bytewise.app;

import bytewise.TestData;
import bytewise.io.Checkpoint;
import bytewise.io.Presets;
import bytewise.io.RunFolder;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Training page's view-model without the FX toolkit: runs execute synchronously through a
 * {@link CurrentThreadTaskExecutor}, so every event is applied before {@code train()} returns.
 */
class TrainingViewModelTest {
    @TempDir
    Path workspace;
    private String before;
    private Session session;
    private AppContext context;
    private TrainingViewModel vm;

    @BeforeEach
    void setUp() {
        before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", workspace.toString());
        session = new Session();
        context = new AppContext(session, new CurrentThreadTaskExecutor());
        vm = context.training;
    }

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty("bytewise.workspace");
        else System.setProperty("bytewise.workspace", before);
    }

    /** The tiny preset, {@code steps} long, evaluating every 6 steps, on one thread. */
    private void settings(int steps) {
        Preset tiny = Presets.named("tiny");
        TrainConfig tc = tiny.training().toBuilder().steps(steps).evalEvery(6).evalWindows(8).threads(1).build();
        session.settings.set(new Preset("tiny", tiny.description(), tiny.model(), tc));
    }

    @Test
    void trainIsBlockedWithAReasonUntilThereIsDataAndValidSettings() {
        session.settings.set(Presets.named("tiny"));
        assertFalse(vm.canTrain().get());
        assertEquals("open a dataset first", session.trainBlockedReason.get());
        session.corpus.set(TestData.proseCorpus(20_000, 1));
        assertTrue(vm.canTrain().get(), session.trainBlockedReason.get());
        context.hyperparameters.values.get("heads").set("3");
        assertFalse(vm.canTrain().get());
        assertTrue(session.trainBlockedReason.get().contains("divisible"));
        vm.train(); // refuses, and says why
        assertTrue(session.message.get().startsWith("Cannot train:"), session.message.get());
        assertEquals(RunState.IDLE, vm.state().get());
        assertEquals(RunState.IDLE, session.runState.get());
        assertTrue(vm.history.runs().isEmpty(), "no run was started");
    }

    @Test
    void aRunIsRecordedAndItsFiguresSampleAndWeightsArePublished() {
        settings(12);
        session.corpus.set(TestData.proseCorpus(20_000, 1));
        vm.autosaveEvery.set(5);
        vm.train();

        assertEquals(RunState.COMPLETED, vm.state().get());
        assertEquals(RunState.COMPLETED, session.runState.get());
        assertTrue(session.message.get().startsWith("Training completed at step 12 (validation loss"), session.message.get());
        assertEquals(12, session.runStep.get());
        assertEquals(1.0, vm.figures.progress().get());
        assertTrue(vm.figures.trainLoss().get() > 0 && vm.figures.valLoss().get() > 0 && vm.figures.lr().get() > 0);
        assertEquals(1, vm.history.runs().size());
        RunData run = vm.history.runs().get(0);
        assertEquals(12, run.size(), "every step reached the chart's data");
        assertEquals(2, run.evalCount(), "evaluations at steps 6 and 12");
        assertTrue(vm.history.dataVersion().get() > 0);
        assertEquals(12, session.modelStep.get(), "the final weights are published");
        assertEquals(12, vm.resumePoint.get().state().step());
        assertFalse(vm.sample.text().get().isEmpty(), "a sample of the final weights");
        assertEquals(12, vm.sample.step().get());
        assertTrue(Double.isNaN(session.tokensPerSecond.get()) && Double.isFinite(session.lastTokensPerSecond.get()));

        Path folder = vm.runFolder().get();
        assertNotNull(folder);
        assertTrue(folder.startsWith(workspace.resolve("runs")), folder.toString());
        RunFolder.Info info = RunFolder.open(folder).info();
        assertEquals("completed", info.status());
        assertEquals(12, info.step());
        assertEquals(folder.resolve("checkpoints"), vm.checkpoints.lastCheckpoint().get().getParent());
        assertTrue(Files.exists(Checkpoint.jsonPath(vm.checkpoints.lastCheckpoint().get())));
    }

    @Test
    void stopEndsTheRunAtTheNextStepAndKeepsItsWeights() {
        settings(100_000);
        session.corpus.set(TestData.proseCorpus(20_000, 2));
        session.runStep.addListener((o, a, step) -> {
            if (step.longValue() >= 3) vm.stop();
        });
        vm.train();
        assertEquals(RunState.STOPPED, vm.state().get());
        long step = session.runStep.get();
        assertTrue(step >= 3 && step < 100, "stopped at step " + step);
        assertEquals("Stopped at step " + step, session.message.get());
        assertEquals(step, vm.resumePoint.get().state().step());
        assertEquals("cancelled", RunFolder.open(vm.runFolder().get()).info().status());
    }

    @Test
    void aFinishedRunIsRefusedWithTheReasonAndExtendedAsTheSameRunAndCurve() {
        settings(6);
        session.corpus.set(TestData.proseCorpus(20_000, 3));
        vm.train();
        assertEquals(RunState.COMPLETED, vm.state().get());
        Path folder = vm.runFolder().get();
        assertFalse(vm.figures.summary().get().isEmpty(), "an end-of-run summary");
        assertTrue(vm.figures.summary().get().startsWith("6 steps in "), vm.figures.summary().get());
        assertTrue(vm.figures.summary().get().contains("tok/s on average"), vm.figures.summary().get());
        assertTrue(vm.figures.summary().get().contains(String.format(java.util.Locale.ROOT, "best validation loss %.4f",
                vm.figures.valLoss().get())), vm.figures.summary().get());
        assertTrue(vm.figures.summary().get().endsWith(String.format(java.util.Locale.ROOT, "%,d tokens seen",
                6L * session.settings.get().training().batch() * session.settings.get().model().seqLen())), vm.figures.summary().get());
        vm.continueTraining.set(true);
        vm.train();
        assertEquals(RunState.COMPLETED, vm.state().get(), "refused before anything starts");
        assertTrue(session.message.get().contains("already trained 6 of 6 steps"), session.message.get());
        assertEquals(1, vm.history.runs().size(), "no dead run in the legend");

        vm.trainMoreSteps(6, false);
        assertEquals(RunState.COMPLETED, vm.state().get(), session.message.get());
        assertEquals(folder, vm.runFolder().get(), "the same run folder");
        assertEquals(1, vm.history.runs().size(), "the same run on the chart");
        RunData run = vm.history.runs().get(0);
        assertEquals(12, run.size(), "the curve goes on: steps 1..12");
        for (int i = 0; i < run.size(); i++) assertEquals(i + 1, run.step(i));
        assertTrue(run.seconds(11) >= run.seconds(5), "time goes on too");
        RunFolder.Info info = RunFolder.open(folder).info();
        assertEquals(12, info.step());
        assertEquals(12, info.training().steps(), "run.json has the extended schedule");
        assertEquals("completed", info.status());
        assertEquals(12, RunFolder.open(folder).readMetrics().stream().filter(m -> m.kind().equals("step")).count());
        assertEquals(1, RunFolder.list(workspace.resolve("runs")).size(), "no second run folder");
    }

    @Test
    void trainingMoreStepsExtendsOrRestartsTheScheduleOfTheSameRun() {
        Preset tiny = Presets.named("tiny");
        TrainConfig tc = tiny.training().toBuilder().steps(6).lr(1e-3).minLr(1e-4).warmup(3).evalEvery(6)
                .evalWindows(8).threads(1).build();
        session.settings.set(new Preset("tiny", tiny.description(), tiny.model(), tc));
        session.corpus.set(TestData.proseCorpus(20_000, 5));
        vm.train();
        assertEquals(RunState.COMPLETED, vm.state().get(), session.message.get());
        Path folder = vm.runFolder().get();

        vm.trainMoreSteps(6, true); // restart: warm up and decay again over steps 7..12
        assertEquals(RunState.COMPLETED, vm.state().get(), session.message.get());
        assertEquals(tc.toBuilder().steps(12).scheduleStart(6).build(), session.settings.get().training());
        assertEquals(session.settings.get().training(), vm.runConfig(), "the run trains with the restarted schedule");
        assertEquals(vm.runConfig(), vm.history.runs().get(0).config(), "and its curve (the schedule sketch) has it");
        assertEquals(folder, vm.runFolder().get(), "the same run folder");
        assertEquals(1, vm.history.runs().size(), "the same run on the chart");
        RunData run = vm.history.runs().get(0);
        assertEquals(12, run.size(), "the curve goes on: steps 1..12");
        assertTrue(run.lr(5) < run.lr(3), "the first schedule decayed");
        assertEquals(1e-3 / 3, run.lr(6), 1e-12, "step 7 warms up again from a third of the peak");
        assertEquals(1e-3, run.lr(8), 1e-12, "and reaches the peak at step 9");
        for (int i = 0; i < 6; i++)
            assertEquals(run.lr(i), run.lr(6 + i), 0.0, "steps 7..12 repeat the schedule of steps 1..6: step " + (7 + i));
        RunFolder.Info info = RunFolder.open(folder).info();
        assertEquals(12, info.training().steps());
        assertEquals(6, info.training().scheduleStart(), "run.json has the restarted schedule");
        assertEquals(6, Checkpoint.load(vm.checkpoints.lastCheckpoint().get()).training().scheduleStart(),
                "and so has the checkpoint a resume starts from");

        vm.trainMoreSteps(6, false); // extend: the restarted decay stretched to step 18
        assertEquals(RunState.COMPLETED, vm.state().get(), session.message.get());
        assertEquals(tc.toBuilder().steps(18).scheduleStart(6).build(), vm.runConfig());
        assertEquals(vm.runConfig(), vm.history.runs().get(0).config());
        assertEquals(18, vm.history.runs().get(0).size());
        assertEquals(folder, vm.runFolder().get());
        // no new warmup: step 13 is a third of the way through the decay stretched over steps 10..18
        assertEquals(1e-4 + 0.5 * (1 + Math.cos(Math.PI / 3)) * 9e-4, run.lr(12), 1e-12);
        for (int i = 12; i < 17; i++) assertTrue(run.lr(i + 1) < run.lr(i), "decays at step " + (i + 2));
        assertEquals(1, RunFolder.list(workspace.resolve("runs")).size(), "no second run folder");

        vm.continueTraining.set(false); // a fresh run with these settings starts its schedule at step 0
        vm.train();
        assertEquals(RunState.COMPLETED, vm.state().get(), session.message.get());
        assertEquals(0, vm.runConfig().scheduleStart());
        assertEquals(1e-3 / 3, vm.history.runs().get(1).lr(0), 1e-12, "a fresh run warms up from step 1");
    }

    @Test
    void aDivergingRunSaysWhyAndOffersTheLastCheckpoint() {
        settings(6);
        session.corpus.set(TestData.proseCorpus(20_000, 4));
        vm.autosaveEvery.set(3);
        vm.train();
        Trainer.Snapshot rp = vm.resumePoint.get();
        var broken = rp.model().copy();
        broken.params()[broken.layout().lnfw] = Float.NaN;
        vm.resumePoint.set(new Trainer.Snapshot(broken, rp.state()));
        vm.continueTraining.set(true);
        settings(12);
        vm.train();
        assertEquals(RunState.DIVERGED, vm.state().get());
        assertTrue(vm.alert().get().contains("diverged") && vm.alert().get().contains("reload the last checkpoint"),
                vm.alert().get());
        assertEquals(6, vm.resumePoint.get().state().step(), "non-finite weights never become the resume point");
    }

    @Test
    void aSavedCheckpointOpensAndTrainContinuesFromIt() {
        settings(6);
        session.corpus.set(TestData.proseCorpus(20_000, 5));
        vm.train();
        Path prefix = workspace.resolve("ckpt/model");
        vm.checkpoints.save(prefix);
        assertTrue(Files.exists(Checkpoint.binPath(prefix)));
        assertEquals(prefix.toAbsolutePath(), vm.checkpoints.lastCheckpoint().get());

        session.model.set(null);
        vm.continueTraining.set(false);
        vm.checkpoints.open(Checkpoint.jsonPath(prefix));
        assertNotNull(session.model.get());
        assertEquals(6, session.modelStep.get());
        assertTrue(vm.continueTraining.get());
        assertEquals(RunState.IDLE, vm.state().get());
        assertEquals(HyperparametersViewModel.CUSTOM, session.settings.get().name());
        assertTrue(session.message.get().startsWith("Opened checkpoint model at step 6"), session.message.get());

        vm.checkpoints.open(workspace.resolve("missing.json"));
        assertTrue(session.message.get().contains("missing"), session.message.get());
        assertEquals(RunState.IDLE, vm.state().get());
    }

    /** The tiny preset at learning rate {@code lr}. */
    private void settingsAt(int steps, double lr) {
        Preset tiny = Presets.named("tiny");
        TrainConfig tc = tiny.training().toBuilder().steps(steps).lr(lr).minLr(lr).evalEvery(6).evalWindows(8).threads(1)
                .build();
        session.settings.set(new Preset("custom", tiny.description(), tiny.model(), tc));
    }

    @Test
    void aHugeLearningRateDivergesThenRestartsAtTheSuggestedRate() {
        session.corpus.set(TestData.proseCorpus(20_000, 8));
        settingsAt(30, 5);
        assertTrue(context.hyperparameters.warning.get().contains("high"), "the form warned first");
        vm.train();
        assertEquals(RunState.DIVERGED, vm.state().get());
        var d = vm.divergence.current().get();
        assertNotNull(d);
        assertTrue(vm.alert().get().startsWith("Training diverged at step " + d.step()), vm.alert().get());
        assertTrue(vm.alert().get().contains("Lower the learning rate to"), vm.alert().get());
        assertEquals(d.step(), vm.history.current.get().divergedStep(), "the chart marks the step");
        assertEquals("Restart at lr " + bytewise.train.LearningRates.show(d.suggestedLr()), vm.divergence.lowerLrAction().get(),
                "nothing was saved before the divergence (no evaluation yet): restart");
        assertEquals("diverged", RunFolder.open(vm.runFolder().get()).info().status());
        assertNull(vm.resumePoint.get(), "diverged weights are no resume point");

        vm.divergence.resumeAtLowerLr();
        assertEquals(d.suggestedLr(), session.settings.get().training().lr(), 1e-12);
        assertEquals(RunState.COMPLETED, vm.state().get(), vm.alert().get());
        assertEquals(30, session.runStep.get());
        assertNull(vm.divergence.current().get());
        assertEquals("", vm.divergence.lowerLrAction().get());
        assertEquals(1, vm.history.current.get().step(0), "restarted from step 1");
    }

    @Test
    void afterADivergenceTheRunResumesFromItsBestCheckpointAtALowerRate() {
        session.corpus.set(TestData.proseCorpus(20_000, 9));
        settingsAt(12, 3e-4);
        vm.train();
        assertEquals(RunState.COMPLETED, vm.state().get());
        Path folder = vm.runFolder().get();
        assertEquals(12, DivergenceViewModel.lastGood(folder, 13).state().step(), "best.* from the last evaluation");
        assertNull(DivergenceViewModel.lastGood(folder, 6), "nothing from before step 6");
        // as if the run had gone on and diverged at step 14
        var d = new bytewise.train.Divergence(14, 9.5, bytewise.train.DivergenceRule.Reason.ABOVE_UNIFORM, 3e-4, 7e-5,
                false, "Training diverged at step 14: the loss is above that of uniform guessing (loss 9.5)");
        var end = vm.resumePoint.get();
        vm.apply(java.util.List.of(new bytewise.io.RunEvent.Diverged(d), new bytewise.io.RunEvent.Finished(
                new bytewise.train.RunOutcome(bytewise.train.RunOutcome.Status.DIVERGED, 13, d.message()), end)));
        assertEquals(RunState.DIVERGED, vm.state().get());
        assertEquals("Resume from the last good checkpoint at lr 7.0e-05", vm.divergence.lowerLrAction().get());
        settingsAt(18, 3e-4);
        vm.divergence.resumeAtLowerLr();
        assertEquals(7e-5, session.settings.get().training().lr(), 1e-15);
        assertEquals(7e-5, session.settings.get().training().minLr(), 1e-15, "a constant schedule stays constant");
        assertEquals(RunState.COMPLETED, vm.state().get(), vm.alert().get());
        // the same run and the same curve: steps 1-12 at the old rate, then 13-18 from best.* at the lower one
        RunData resumed = vm.history.current.get();
        assertEquals(18, resumed.size());
        assertEquals(12, resumed.step(11));
        assertEquals(3e-4, resumed.lr(11), 1e-15);
        assertEquals(13, resumed.step(12), "continued from best.* at step 12");
        assertEquals(7e-5, resumed.lr(12), 1e-15);
        assertEquals(18, session.runStep.get());
    }
}
