package bytewise.app;

import bytewise.TestData;
import bytewise.io.Presets;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static bytewise.app.FxTesting.onFx;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Headless page flows for issue 17's data and divergence parts: a folder dataset on the Dataset
 * page with its warnings strip, Hyperparameters banners that move no field, and a run at a huge
 * learning rate that stops (or pauses) with the message, a chart mark and a lower-rate restart.
 */
@ExtendWith(ApplicationExtension.class)
class DataAndDivergenceViewTest {
    @TempDir
    Path tmp;
    private String before;
    private Session session;
    private AppContext context;
    private Stage window;

    @BeforeEach
    void setUp() {
        before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", tmp.resolve("workspace").toString());
        session = new Session();
        context = new AppContext(session, new FxTaskExecutor());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (window != null) WaitForAsyncUtils.asyncFx(() -> window.close()).get();
        // stop a run and wait for it; the executor's daemon threads stay (a sample still being drawn
        // after the test would otherwise be refused by a shut-down executor)
        context.training.shutdown();
        WaitForAsyncUtils.waitForFxEvents();
        if (before == null) System.clearProperty("bytewise.workspace");
        else System.setProperty("bytewise.workspace", before);
    }

    private Scene scene;

    private <V extends PageView> Scene show(String fxml) {
        FxTesting.ShownPage<V> shown = onFx(() -> FxTesting.<V>show(fxml, context));
        window = shown.window();
        scene = shown.scene();
        return scene;
    }

    /** Looks a node up in this test's window only (other test classes may leave windows open). */
    private <T extends Node> T find(FxRobot robot, String query, Class<T> type) {
        return onFx(() -> robot.from(scene.getRoot()).lookup(query).queryAs(type));
    }

    static void waitUntil(String what, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> onFx(condition::getAsBoolean));
        } catch (Exception e) {
            fail("timed out waiting for " + what);
        }
    }

    private static Bounds sceneBounds(Node n) {
        return onFx(() -> n.localToScene(n.getBoundsInLocal()));
    }

    @Test
    void aFolderLoadsOnTheDatasetPageAndWarningsMoveNothing(FxRobot robot) throws Exception {
        Path essays = Files.createDirectories(tmp.resolve("essays/part"));
        Files.write(tmp.resolve("essays/one.txt"), TestData.prose(8000, 1));
        Files.write(tmp.resolve("essays/part/two.md"), TestData.prose(6000, 2));
        Scene scene = show("DatasetView.fxml");
        onFx(() -> context.dataset.open(essays.getParent()));
        waitUntil("the folder is loaded", () -> session.corpus.get() != null
                && session.corpus.get().name().equals("essays (2 files)") && !context.dataset.utf8Text.get().equals("…"));
        assertEquals("essays (2 files)", find(robot, "#nameLabel", Label.class).getText());
        assertTrue(find(robot, "#sizeLabel", Label.class).getText().endsWith(" bytes)"));
        assertTrue(find(robot, "#hintLabel", Label.class).isVisible(), "no warnings: the hint shows");
        assertFalse(find(robot, "#warningLabel", Label.class).isVisible());
        Node preview = find(robot, "#preview", Node.class), grid = find(robot, "#infoGrid", Node.class);
        Bounds previewBefore = sceneBounds(preview), gridBefore = sceneBounds(grid);
        InspectorViewTest.snapshot(scene, "dataset-folder.png");

        Path zeros = Files.write(tmp.resolve("zeros.bin"), new byte[40_000]);
        onFx(() -> context.dataset.open(zeros));
        waitUntil("the warnings show", () -> !context.dataset.warningText.get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        Label warning = find(robot, "#warningLabel", Label.class);
        assertTrue(onFx(warning::isVisible));
        assertTrue(onFx(warning::getText).contains("only 1 distinct byte value"), onFx(warning::getText));
        assertFalse(onFx(() -> find(robot, "#hintLabel", Label.class).isVisible()));
        assertEquals(previewBefore, sceneBounds(preview), "the preview did not move");
        assertEquals(gridBefore, sceneBounds(grid), "the file card did not move");
        InspectorViewTest.snapshot(scene, "dataset-warnings.png");

        // a bad folder: the error takes the same strip, the zeros stay loaded
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        onFx(() -> context.dataset.open(empty));
        waitUntil("the error shows", () -> !context.dataset.error.get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(onFx(() -> find(robot, "#errorLabel", Label.class).isVisible()));
        assertFalse(onFx(warning::isVisible), "the error covers the warning, it is not stacked under it");
        assertEquals(previewBefore, sceneBounds(preview));
    }

    @Test
    void noHyperparameterFieldMovesWhenABannerAppears(FxRobot robot) throws Exception {
        Scene scene = show("HyperparametersView.fxml");
        WaitForAsyncUtils.waitForFxEvents();
        Map<String, Bounds> fields = new LinkedHashMap<>();
        for (var f : HyperparametersViewModel.allFields())
            fields.put(f.key(), sceneBounds(find(robot, "#hp-" + f.key(), TextField.class)));
        Label reason = find(robot, "#reasonLabel", Label.class), warning = find(robot, "#warningLabel", Label.class);
        assertFalse(onFx(reason::isVisible));

        String[][] edits = {{"heads", "3"}, {"heads", "4"}, {"lr", "5"}, {"min_lr", "5"}, {"steps", "not a number at all, far too long for its column"}};
        for (String[] e : edits) {
            onFx(() -> {
                find(robot, "#hp-" + e[0], TextField.class).setText(e[1]);
                return null;
            });
            WaitForAsyncUtils.waitForFxEvents();
            for (var f : fields.entrySet())
                assertEquals(f.getValue(), sceneBounds(find(robot, "#hp-" + f.getKey(), TextField.class)),
                        f.getKey() + " moved after " + e[0] + " = " + e[1]);
            if (e[0].equals("heads") && e[1].equals("3")) {
                assertTrue(onFx(reason::isVisible));
                assertTrue(onFx(reason::getText).contains("divisible"), onFx(reason::getText));
            }
            if (e[0].equals("min_lr")) {
                assertTrue(onFx(warning::isVisible), "warned about lr 5");
                assertTrue(onFx(warning::getText).contains("high for d_model 64"), onFx(warning::getText));
                assertTrue(context.hyperparameters.valid.get(), "a warning does not block Train");
                InspectorViewTest.snapshot(scene, "hyperparameters-lr-warning.png");
            }
        }
        assertTrue(onFx(reason::isVisible), "steps does not parse");
    }

    private void hugeLr() {
        onFx(() -> {
            session.corpus.set(TestData.proseCorpus(20_000, 5));
            Preset tiny = Presets.named("tiny");
            TrainConfig tc = tiny.training().toBuilder().steps(40).lr(5).minLr(5).evalEvery(10).evalWindows(8).threads(1).build();
            session.settings.set(new Preset("custom", tiny.description(), tiny.model(), tc));
            return null;
        });
    }

    @Test
    void aDivergingRunStopsWithTheMessageAMarkAndARestartAtALowerRate(FxRobot robot) throws Exception {
        Scene scene = show("TrainingView.fxml");
        hugeLr();
        robot.clickOn(find(robot, "#trainButton", Button.class));
        waitUntil("the run diverges", () -> context.training.state().get() == RunState.DIVERGED
                && !context.training.divergence.lowerLrAction().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        long step = context.training.divergence.current().get().step();
        String alert = onFx(() -> find(robot, "#alertLabel", Label.class).getText());
        assertTrue(alert.startsWith("Training diverged at step " + step) && alert.contains("Lower the learning rate to"), alert);
        Button lower = find(robot, "#lowerLrButton", Button.class);
        assertTrue(onFx(lower::isVisible));
        assertTrue(onFx(lower::getText).startsWith("Restart at lr "), onFx(lower::getText));
        waitUntil("the chart marks it", () -> find(robot, "#chart", LossChart.class).divergenceMarks().length == 1);
        InspectorViewTest.snapshot(scene, "training-diverged.png");

        robot.clickOn(lower);
        waitUntil("the restart completes", () -> context.training.state().get() == RunState.COMPLETED);
        assertEquals(40, session.runStep.get());
        assertTrue(session.settings.get().training().lr() < 0.01, "" + session.settings.get().training().lr());
        assertFalse(onFx(lower::isVisible), "the offer is gone once taken");
    }

    @Test
    void withPauseChosenADivergingRunPausesAndResumeAtALowerRateRestartsIt(FxRobot robot) throws Exception {
        show("TrainingView.fxml");
        hugeLr();
        robot.clickOn(find(robot, "#pauseOnDivergenceCheck", CheckBox.class));
        assertTrue(context.training.divergence.pauseRun.get());
        robot.clickOn(find(robot, "#trainButton", Button.class));
        waitUntil("the run pauses", () -> context.training.state().get() == RunState.PAUSED
                && !context.training.divergence.lowerLrAction().get().isEmpty());
        String alert = onFx(() -> find(robot, "#alertLabel", Label.class).getText());
        assertTrue(alert.contains("Training diverged at step") && alert.contains("Resume goes on anyway"), alert);
        robot.clickOn(find(robot, "#lowerLrButton", Button.class));
        waitUntil("the paused run stops and a new one completes at the lower rate",
                () -> context.training.state().get() == RunState.COMPLETED);
        assertTrue(session.settings.get().training().lr() < 0.01);
        assertEquals(2, context.training.history.runs().size(), "the diverged run and the restart");
    }
}
