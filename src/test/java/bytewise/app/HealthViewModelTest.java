package bytewise.app;

import bytewise.TestData;
import bytewise.io.Presets;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import bytewise.train.TrainingHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The Training page's health tab view-model without the FX toolkit. */
class HealthViewModelTest {
    @TempDir
    Path workspace;

    private static float[] random(int n, long seed, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    @Test
    void rowsAreTheMeasuredFiguresAndClippingAddsUpOverTheRun() {
        ModelConfig cfg = new ModelConfig(8, 16, 2, 2);
        int n = new ParameterLayout(cfg).total;
        float[] params = random(n, 1, 0.1), grads = random(n, 2, 0.01), previous = params.clone();
        for (int i = 0; i < n; i += 3) previous[i] -= 1e-4f;
        TrainingHealth h = new TrainingHealth(cfg);
        h.measure(params, grads, previous);
        HealthViewModel vm = new HealthViewModel();
        assertEquals(HealthViewModel.NO_REPORT, vm.summaryProperty().get());
        vm.apply(h.report(30, new double[]{0.8, 1.3}, 3, 10));
        assertEquals(h.rows(), vm.rows().size());
        for (int r = 0; r < h.rows(); r++) {
            TrainingHealth.Row row = vm.rows().get(r);
            assertEquals(h.name(r), row.name());
            assertEquals(h.layer(r), row.layer());
            assertEquals(h.group(r), row.group());
            assertEquals(h.gradNorm(r), row.gradNorm());
            assertEquals(h.weightNorm(r), row.weightNorm());
            assertEquals(h.updateRatioLog10(r), row.updateRatioLog10());
        }
        assertArrayEquals(new double[]{0.8, 1.3}, vm.reportProperty().get().activationRms());
        assertEquals("Step 30 · gradient clipped in 30% of the last 10 steps, 30.0% of the run so far", vm.summaryProperty().get());
        vm.apply(h.report(40, new double[]{0.8, 1.3}, 10, 10));
        assertEquals(13 / 20.0, vm.clippedShareOfRun(), 1e-12);
        vm.reset();
        assertTrue(vm.rows().isEmpty());
        assertNull(vm.reportProperty().get());
        assertEquals(0, vm.clippedShareOfRun());
    }

    @Test
    void behindAnotherTabReportsAreCountedAndTheLatestIsShownWhenTheTabIs() {
        ModelConfig cfg = new ModelConfig(8, 16, 2, 2);
        int n = new ParameterLayout(cfg).total;
        float[] params = random(n, 1, 0.1), grads = random(n, 2, 0.01), previous = params.clone();
        TrainingHealth h = new TrainingHealth(cfg);
        h.measure(params, grads, previous);
        HealthViewModel vm = new HealthViewModel();
        vm.active.set(false);
        int[] rowChanges = {0};
        vm.rows().addListener((javafx.collections.ListChangeListener<TrainingHealth.Row>) c -> rowChanges[0]++);
        vm.apply(h.report(10, new double[]{0.8, 1.3}, 10, 10));
        vm.apply(h.report(20, new double[]{0.8, 1.3}, 0, 10));
        assertEquals(0, rowChanges[0], "nothing redrawn behind another tab");
        assertNull(vm.reportProperty().get());
        assertEquals(0.5, vm.clippedShareOfRun(), 1e-12, "but every report counts");
        vm.active.set(true);
        assertEquals(20, vm.reportProperty().get().step(), "the latest report, once shown");
        assertEquals(h.rows(), vm.rows().size());
        assertTrue(vm.summaryProperty().get().startsWith("Step 20 · gradient clipped in 0% of the last 10 steps, 50.0%"),
                vm.summaryProperty().get());
    }

    @Test
    void theRuleOfThumbBand() {
        assertFalse(HealthViewModel.offRule(-3));
        assertFalse(HealthViewModel.offRule(-2.1));
        assertTrue(HealthViewModel.offRule(-1.5), "weights churning");
        assertTrue(HealthViewModel.offRule(-4.5), "weights barely moving");
        assertTrue(HealthViewModel.offRule(Double.NaN));
        assertTrue(HealthViewModel.offRule(Double.NEGATIVE_INFINITY));
        assertEquals(0.5, HealthChart.position(-3), 1e-12);
        assertEquals(0, HealthChart.position(-9));
        assertEquals(1, HealthChart.position(2));
    }

    @Test
    void aStudioRunFillsTheHealthTabAndRecordsHealthCsv() throws Exception {
        String before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", workspace.toString());
        try {
            Session session = new Session();
            AppContext context = new AppContext(session, new CurrentThreadTaskExecutor());
            Preset tiny = Presets.named("tiny");
            TrainConfig tc = tiny.training().toBuilder().steps(20).evalEvery(10).evalWindows(8).threads(1).build();
            session.settings.set(new Preset("tiny", tiny.description(), tiny.model(), tc));
            session.corpus.set(TestData.proseCorpus(20_000, 1));
            java.util.List<Long> published = new java.util.ArrayList<>();
            session.modelStep.addListener((o, a, b) -> published.add(b.longValue()));
            context.training.train(); // runs to the end on this thread
            // the weights reach the inference views (the embedding map) at each evaluation, not only every few seconds
            assertTrue(published.contains(10L), "published at the evaluation of step 10: " + published);
            HealthViewModel vm = context.training.health;
            assertEquals(20, vm.reportProperty().get().step(), "the last report, at step 20");
            assertEquals(5 * tiny.model().nLayer() + 3, vm.rows().size());
            assertTrue(vm.rows().stream().allMatch(r -> r.weightNorm() > 0 && Double.isFinite(r.updateRatioLog10())));
            assertTrue(vm.summaryProperty().get().startsWith("Step 20 · "), vm.summaryProperty().get());
            Path folder = context.training.runFolder().get();
            assertTrue(Files.readAllLines(folder.resolve("health.csv")).size() > 1, "recorded in the run folder");
            // a new run starts from an empty tab
            context.training.continueTraining.set(false);
            session.settings.set(new Preset("tiny", tiny.description(), tiny.model(), tc.toBuilder().steps(5).build()));
            context.training.train();
            assertNull(vm.reportProperty().get(), "5 steps: not yet measured");
            assertEquals(HealthViewModel.NO_REPORT, vm.summaryProperty().get());
        } finally {
            if (before == null) System.clearProperty("bytewise.workspace");
            else System.setProperty("bytewise.workspace", before);
        }
    }
}
