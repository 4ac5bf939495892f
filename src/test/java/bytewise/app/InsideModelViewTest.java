package bytewise.app;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.inspect.AttentionMaps;
import bytewise.inspect.ForwardTrace;
import bytewise.inspect.LogitLens;
import bytewise.io.Presets;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.layout.FlowPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The inside-the-model views, headless: the Inspector's attention, logit-lens and embedding tabs
 * follow the offset, layer and head; the Training page's health tab fills while a run trains and
 * the FX thread keeps answering meanwhile.
 */
@ExtendWith(ApplicationExtension.class)
class InsideModelViewTest {
    private static final Corpus CORPUS = TestData.proseCorpus(20_000, 4);
    private static final ModelConfig CFG = new ModelConfig(24, 32, 2, 2);
    private static final Gpt MODEL = perturbed();

    @TempDir
    static Path workspace;

    private final List<Stage> windows = new ArrayList<>();
    private javafx.scene.Scene scene;
    private final List<AppContext> contexts = new ArrayList<>();

    private static Gpt perturbed() {
        Gpt m = Gpt.initialize(CFG, 5);
        SplittableRandom rng = new SplittableRandom(6);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) (rng.nextGaussian() * 0.05);
        return m;
    }

    @Start
    void start(Stage primary) {
    }

    @AfterEach
    void close() throws Exception {
        for (AppContext c : contexts) FxTesting.onFx(() -> {
            c.training.stop();
            return null;
        });
        for (AppContext c : contexts) c.shutdown();
        for (Stage s : windows) WaitForAsyncUtils.asyncFx(s::close).get();
    }

    private <V extends PageView> V show(String fxml, AppContext context) {
        contexts.add(context);
        FxTesting.ShownPage<V> page = FxTesting.onFx(() -> FxTesting.show(fxml, context));
        windows.add(page.window());
        scene = page.scene();
        return page.view();
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        InspectorViewTest.waitUntil(what, () -> FxTesting.onFx(condition::getAsBoolean));
    }

    private static void select(FxRobot robot, String tabPane, String tabId) {
        FxTesting.onFx(() -> {
            TabPane tabs = robot.lookup(tabPane).queryAs(TabPane.class);
            Tab tab = tabs.getTabs().stream().filter(t -> tabId.equals(t.getId())).findFirst().orElseThrow();
            tabs.getSelectionModel().select(tab);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static boolean sameMatrix(float[][] a, float[][] b) {
        return a != null && b != null && java.util.Arrays.deepEquals(a, b);
    }

    @Test
    void inspectorTabsShowAttentionLensAndEmbeddingsAndFollowTheControls(FxRobot robot) throws Exception {
        Session session = new Session();
        AppContext context = new AppContext(session, new FxTaskExecutor());
        session.corpus.set(CORPUS);
        session.model.set(MODEL);
        InspectorView view = show("InspectorView.fxml", context);
        InspectorViewModel inspector = view.viewModel();
        AttentionViewModel attention = view.attentionModel();
        FxTesting.onFx(() -> {
            inspector.contextLength.set(16);
            inspector.setOffset(500);
            return null;
        });
        assertNull(FxTesting.onFx(() -> attention.matrixProperty().get()), "a hidden tab computes nothing");

        // attention: the chosen head's map, then another head, another layer, another offset
        select(robot, "#inspectorTabs", "attentionTab");
        ForwardTrace at500 = AttentionMaps.at(MODEL, CORPUS, 500, 16);
        waitUntil("layer 0 head 0", () -> sameMatrix(at500.attentionMap(0, 0), attention.matrixProperty().get()));
        FlowPane strip = FxTesting.find(robot, "#attentionLastStrip", FlowPane.class);
        assertEquals(16, FxTesting.onFx(() -> strip.getChildren().size()), "one cell per context byte");
        FxTesting.onFx(() -> {
            robot.lookup("#attentionHead").queryAs(javafx.scene.control.Spinner.class).increment(1);
            return null;
        });
        waitUntil("head 1", () -> sameMatrix(at500.attentionMap(0, 1), attention.matrixProperty().get()));
        FxTesting.onFx(() -> {
            robot.lookup("#attentionLayer").queryAs(javafx.scene.control.Spinner.class).increment(1);
            return null;
        });
        waitUntil("layer 1 head 1", () -> sameMatrix(at500.attentionMap(1, 1), attention.matrixProperty().get()));
        FxTesting.onFx(() -> {
            inspector.step(40);
            return null;
        });
        ForwardTrace at540 = AttentionMaps.at(MODEL, CORPUS, 540, 16);
        waitUntil("the map at offset 540", () -> sameMatrix(at540.attentionMap(1, 1), attention.matrixProperty().get()));

        // hover a cell on the diagonal: the byte pair and weight
        AttentionHeatmap heatmap = FxTesting.find(robot, "#attentionHeatmap", AttentionHeatmap.class);
        Point2D cell = FxTesting.onFx(() -> heatmap.localToScreen(heatmap.cellCentre(0, 10, 10)));
        robot.moveTo(cell);
        Label hover = FxTesting.find(robot, "#attentionHover", Label.class);
        String expectedHover = FxTesting.onFx(() -> AttentionViewModel.describeCell(attention.mapsProperty().get(), 10, 10,
                at540.attentionMap(1, 1)[10][10]));
        waitUntil("the hover text", () -> hover.getText().equals(expectedHover));

        // all heads as small multiples; clicking one opens it
        FxTesting.onFx(() -> {
            robot.lookup("#attentionAllHeads").queryAs(CheckBox.class).fire();
            return null;
        });
        assertTrue(FxTesting.onFx(attention.allHeads::get));
        Point2D head0 = FxTesting.onFx(() -> heatmap.localToScreen(heatmap.cellCentre(0, 12, 3)));
        robot.clickOn(head0);
        waitUntil("head 0 opened", () -> !attention.allHeads.get() && attention.head.get() == 0);
        assertTrue(sameMatrix(at540.attentionMap(1, 0), FxTesting.onFx(() -> attention.matrixProperty().get())));
        InspectorViewTest.snapshot(scene, "inspector-attention-test.png");

        // logit lens: a row per block, equal to the engine's, following the offset
        select(robot, "#inspectorTabs", "lensTab");
        @SuppressWarnings("unchecked")
        TableView<LogitLens.Layer> lens = FxTesting.find(robot, "#lensTable", TableView.class);
        List<LogitLens.Layer> at540Lens = LogitLens.at(MODEL, CORPUS, 540, 16, LensViewModel.DEFAULT_TOP).layers();
        waitUntil("the lens at 540", () -> lens.getItems().equals(at540Lens));
        FxTesting.onFx(() -> {
            inspector.setOffset(900);
            return null;
        });
        List<LogitLens.Layer> at900Lens = LogitLens.at(MODEL, CORPUS, 900, 16, LensViewModel.DEFAULT_TOP).layers();
        waitUntil("the lens at 900", () -> lens.getItems().equals(at900Lens));
        assertEquals(2, lens.getItems().size());

        // embeddings: the map is drawn; hovering the point of 'e' names it
        select(robot, "#inspectorTabs", "embeddingTab");
        EmbeddingViewModel embeddings = view.embeddingModel();
        waitUntil("the embedding map", () -> embeddings.mapProperty().get() != null);
        EmbeddingMap map = FxTesting.find(robot, "#embeddingMap", EmbeddingMap.class);
        waitUntil("the map drawn", () -> map.pointOf('e') != null);
        Point2D e = FxTesting.onFx(() -> map.localToScreen(map.pointOf('e')));
        robot.moveTo(e);
        Label embeddingHover = FxTesting.find(robot, "#embeddingHover", Label.class);
        waitUntil("hover names a byte", () -> embeddingHover.getText().startsWith("byte 0x"));
        assertTrue(FxTesting.find(robot, "#embeddingCaption", Label.class).getText().startsWith("x: PC1, "));
    }

    @Test
    void theHealthTabFillsWhileTrainingAndTheFxThreadKeepsAnswering(FxRobot robot) throws Exception {
        String before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", workspace.toString());
        try {
            Session session = new Session();
            AppContext context = new AppContext(session, new FxTaskExecutor());
            Preset tiny = Presets.named("tiny");
            TrainConfig tc = tiny.training().toBuilder().steps(100_000).evalEvery(50).evalWindows(8).threads(1).build();
            FxTesting.onFx(() -> {
                session.settings.set(new Preset("tiny", tiny.description(), tiny.model(), tc));
                session.corpus.set(CORPUS);
                return null;
            });
            show("TrainingView.fxml", context);
            select(robot, "#trainingTabs", "healthTab");
            FxTesting.onFx(() -> {
                context.training.train();
                return null;
            });
            HealthViewModel health = context.training.health;
            waitUntil("a health report while training", () -> health.reportProperty().get() != null);
            assertEquals(RunState.RUNNING, FxTesting.onFx(() -> context.training.state().get()));
            @SuppressWarnings("unchecked")
            TableView<bytewise.train.TrainingHealth.Row> table = FxTesting.find(robot, "#healthTable", TableView.class);
            assertEquals(5 * tiny.model().nLayer() + 3, FxTesting.onFx(() -> table.getItems().size()));
            long firstStep = FxTesting.onFx(() -> health.reportProperty().get().step());
            // the FX thread answers promptly while the run trains on its own thread
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                WaitForAsyncUtils.asyncFx(() -> null).get(5, TimeUnit.SECONDS);
                double ms = (System.nanoTime() - t0) / 1e6;
                assertTrue(ms < 2000, "the FX thread took " + ms + " ms to answer while training");
                Thread.sleep(50);
            }
            waitUntil("a later report", () -> health.reportProperty().get().step() > firstStep);
            assertTrue(FxTesting.onFx(() -> context.training.state().get()) == RunState.RUNNING, "still training");
            assertTrue(FxTesting.find(robot, "#healthSummary", Label.class).getText().startsWith("Step "));
            InspectorViewTest.snapshot(scene, "training-health-test.png");
            FxTesting.onFx(() -> {
                context.training.stop();
                return null;
            });
            waitUntil("the run stops", () -> !context.training.active().get());
            // the run's last sample is generated in the background: let it land before the executor shuts down
            waitUntil("the last sample", () -> context.training.sample.step().get() == context.session.runStep.get());
        } finally {
            if (before == null) System.clearProperty("bytewise.workspace");
            else System.setProperty("bytewise.workspace", before);
        }
    }
}
