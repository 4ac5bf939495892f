package bytewise.app;

import bytewise.io.Workspace;
import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.io.Checkpoint;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole studio, headless: starts on a generated text, edits hyperparameters (invalid values
 * disable Train with the reason), refuses bad files while keeping the loaded dataset, trains the
 * tiny preset, stops, saves and reloads a checkpoint, continues training it, exports, and renders
 * every screen to target/screens/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudioFlowTest {
    @TempDir
    static Path tmp;
    static Path data;
    static StudioUnderTest studio;
    static StudioApp app;
    static Session session;
    static final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start() throws Exception {
        data = tmp.resolve("essays.txt");
        Files.write(data, TestData.prose(60_000, 7));
        studio = StudioUnderTest.start(tmp.resolve("workspace"), data);
        app = studio.app;
        session = app.session();
        FxToolkit.setupStage(s -> {
            s.setWidth(1280);
            s.setHeight(800);
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterAll
    static void stop() throws Exception {
        if (studio != null) studio.close();
    }

    static <T> T fx(Callable<T> c) {
        return StudioUnderTest.fx(c);
    }

    static void waitUntil(String what, Callable<Boolean> condition) {
        studio.waitUntil(what, condition);
    }

    static <T extends Node> T node(String query) {
        T n = fx(() -> robot.lookup(query).<T>query());
        assertNotNull(n, "no node " + query);
        return n;
    }

    static void page(String id) {
        // the button is looked up on the FX thread (walking the scene graph from here races its updates)
        robot.clickOn((Node) node("#nav-" + id));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(id, fx(() -> session.page.get().id()));
    }

    static void screenshot(String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        Path dir = Path.of("target", "screens");
        Files.createDirectories(dir);
        var img = fx(() -> {
            Scene s = app.stage().getScene();
            return s.snapshot(null);
        });
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", dir.resolve(name).toFile());
    }

    static void setField(String key, String value) {
        fx(() -> {
            TextField f = robot.lookup("#hp-" + key).query();
            f.setText(value);
            return null;
        });
    }

    @Test
    @Order(1)
    void startsOnTheGivenFileWithTheTinyPreset() throws Exception {
        assertEquals("essays.txt", fx(() -> session.corpus.get().name()));
        assertEquals("tiny", fx(() -> session.settings.get().name()));
        assertEquals("", fx(session.trainBlockedReason::get), "a new user can press Train at once");
        waitUntil("the histogram is computed", () -> app.context().dataset.histogram.get() != null);
        assertTrue(fx(() -> ((Label) node("#nameLabel")).getText()).contains("essays.txt"));
        assertEquals("valid", fx(() -> ((Label) node("#utf8Label")).getText()));
        screenshot("studio-dataset.png");
        // before any run, the File menu's save and export say why instead of opening a dialog
        robot.press(KeyCode.CONTROL).press(KeyCode.S).release(KeyCode.S).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Nothing to save yet: train or open a checkpoint first", fx(session.message::get));
        robot.press(KeyCode.CONTROL).press(KeyCode.E).release(KeyCode.E).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("No metrics yet: train first", fx(session.message::get));
        assertEquals(1, fx(() -> robot.listWindows().stream().filter(javafx.stage.Window::isShowing).count()),
                "no dialog opened");
    }

    @Test
    @Order(2)
    void invalidHyperparametersDisableTrainWithTheReason() throws Exception {
        page("hyperparameters");
        setField("heads", "3");
        Button train = fx(() -> {
            session.page.set(Page.TRAINING);
            return (Button) node("#trainButton");
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fx(train::isDisabled));
        assertTrue(fx(session.trainBlockedReason::get).contains("divisible"), fx(session.trainBlockedReason::get));
        assertTrue(fx(() -> ((Label) node("#blockedLabel")).getText()).contains("divisible"));

        page("hyperparameters");
        setField("heads", "4");
        assertFalse(fx(train::isDisabled));
        // type text into a numeric field with the keyboard
        robot.doubleClickOn("#hp-batch");
        robot.press(KeyCode.CONTROL).press(KeyCode.A).release(KeyCode.A).release(KeyCode.CONTROL);
        robot.write("abc");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("abc", fx(() -> ((TextField) node("#hp-batch")).getText()));
        assertTrue(fx(train::isDisabled));
        assertTrue(fx(session.trainBlockedReason::get).contains("not a whole number"), fx(session.trainBlockedReason::get));
        assertTrue(fx(() -> ((Label) node("#hp-batch-error")).getText()).contains("not a whole number"));
        screenshot("studio-hyperparameters-invalid.png");

        setField("batch", "4");
        assertFalse(fx(train::isDisabled));
        assertEquals("tiny", fx(() -> app.context().hyperparameters.preset.get()));
        // a context longer than the data's validation part
        setField("seq_len", "9000");
        assertTrue(fx(session.trainBlockedReason::get).contains("too short"), fx(session.trainBlockedReason::get));
        setField("seq_len", "64");
        assertEquals("", fx(session.trainBlockedReason::get));
        screenshot("studio-hyperparameters.png");
    }

    @Test
    @Order(3)
    void badFilesLeaveTheOldDatasetLoaded() throws Exception {
        page("dataset");
        Corpus before = fx(session.corpus::get);
        Path empty = Files.createFile(tmp.resolve("empty.txt"));
        Path dir = Files.createDirectories(tmp.resolve("a-folder"));
        Path shortFile = Files.writeString(tmp.resolve("short.txt"), "abc");
        DatasetViewModel vm = app.context().dataset;
        for (Object[] c : new Object[][]{{empty, "empty"}, {dir, "no files matching"}, {shortFile, "too short"},
                {tmp.resolve("missing.txt"), "not found"}}) {
            fx(() -> vm.open((Path) c[0]));
            waitUntil("the open attempt finishes", () -> !vm.busy.get());
            Label err = node("#errorLabel");
            assertTrue(fx(err::isVisible));
            assertTrue(fx(err::getText).contains((String) c[1]), fx(err::getText));
            assertSame(before, fx(session.corpus::get), "the previous dataset stays loaded");
        }
        screenshot("studio-dataset-error.png");
        fx(() -> vm.open(data));
        waitUntil("the file reopens", () -> !vm.busy.get() && vm.error.get().isEmpty());
    }

    @Test
    @Order(4)
    void aHundredMegabyteFileIsSampledAndPreviewedLazily() throws Exception {
        Path huge = tmp.resolve("huge.txt");
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.write(TestData.prose(10_000, 3));
            f.setLength(100L << 20); // the rest is a sparse run of zero bytes
        }
        DatasetViewModel vm = app.context().dataset;
        page("dataset");
        fx(() -> vm.open(huge));
        waitUntil("the huge file opens", () -> session.corpus.get().name().equals("huge.txt"));
        waitUntil("its statistics are sampled", () -> vm.statsNote.get().contains("sample of evenly spaced blocks"));
        // rows break at newlines in the first 64 MB (indexed in the background), fixed-width after it
        waitUntil("the preview rows are indexed", () -> vm.rows.get().rowOf(0) == 0 && vm.rows.get().end(0) < DatasetViewModel.ROW_BYTES);
        long rows = fx(vm.rowCount::get);
        assertTrue(rows >= ((100L << 20) + DatasetViewModel.ROW_BYTES - 1) / DatasetViewModel.ROW_BYTES, "no row is wider than 96 bytes");
        assertEquals(100L << 20, fx(() -> vm.rows.get().end(rows - 1)), "the last row ends at the end of the file");
        assertTrue(fx(() -> vm.rowText(0)).endsWith("↵"), "the first row is the first line");
        javafx.scene.control.ListView<?> preview = node("#preview");
        fx(() -> {
            preview.scrollTo(preview.getItems().size() - 1);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fx(() -> robot.lookup(".preview-cell").queryAll().size()) < 200, "only visible rows are built");
        screenshot("studio-dataset-huge.png");
        fx(() -> vm.open(data));
        waitUntil("the small file reopens", () -> session.corpus.get().name().equals("essays.txt"));
    }

    @Test
    @Order(5)
    void previewClickPicksAnOffsetForTheInspector() {
        page("dataset");
        // look up on the FX thread: the scene graph is not safe to walk while the FX thread changes it
        Node firstRow = fx(() -> robot.lookup(".preview-cell")
                .match((javafx.scene.control.ListCell<?> c) -> Long.valueOf(0).equals(c.getItem())).query());
        robot.clickOn(firstRow);
        WaitForAsyncUtils.waitForFxEvents();
        long off = fx(() -> app.context().dataset.selectedOffset.get());
        assertTrue(off >= 0 && off < DatasetViewModel.ROW_BYTES, "offset " + off);
        assertEquals(off, fx(session.inspectOffset::get));
        robot.clickOn("#inspectButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Page.INSPECTOR, fx(session.page::get));
    }

    @Test
    @Order(6)
    void trainStopSaveReloadAndContinue() throws Exception {
        page("hyperparameters");
        setField("steps", "100000");
        setField("threads", "2");
        setField("eval_every", "10");
        page("training");
        TrainingViewModel svc = app.context().training;
        TrainingView view = fx(() -> app.mainView().pages().controller(Page.TRAINING, TrainingView.class));
        fx(() -> {
            svc.autosaveEvery.set(25);
            return null;
        });
        robot.press(KeyCode.CONTROL).press(KeyCode.ENTER).release(KeyCode.ENTER).release(KeyCode.CONTROL); // Run > Train
        waitUntil("the chart has points and the status bar a step", () -> view.chartPanel().displayedPoints() > 20
                && session.runStep.get() > 20 && svc.figures.valLoss().get() > 0);
        String stepText = fx(() -> ((Label) node("#status-step")).getText());
        assertTrue(stepText.matches("step [0-9,]+ / 100,000"), stepText);
        javafx.geometry.Point2D marker = fx(view::scheduleMarker);
        assertNotNull(marker, "the learning-rate schedule marks the current step");
        assertTrue(marker.getX() > 0 && marker.getX() < 250 && marker.getY() > 0 && marker.getY() < 60, marker.toString());
        waitUntil("a sample appears", () -> !svc.sample.text().get().isEmpty());
        waitUntil("weights are published", () -> session.model.get() != null);
        screenshot("studio-training-running.png");
        robot.clickOn("#pauseButton");
        waitUntil("the run pauses", () -> svc.state().get() == RunState.PAUSED);
        assertEquals("Paused", fx(() -> ((Label) node("#status-state")).getText()));
        robot.clickOn("#resumeButton");
        waitUntil("the run resumes", () -> svc.state().get() == RunState.RUNNING);
        waitUntil("an autosave is written", () -> svc.checkpoints.lastCheckpoint().get() != null);
        Path autosaved = fx(svc.checkpoints.lastCheckpoint()::get);
        assertTrue(autosaved.startsWith(Workspace.root().resolve("runs")), autosaved.toString());
        assertTrue(Files.exists(Checkpoint.jsonPath(autosaved)));
        robot.clickOn("#stopButton");
        waitUntil("the run stops", () -> svc.state().get() == RunState.STOPPED);
        long step = fx(session.runStep::get);
        assertEquals(step, fx(session.modelStep::get), "the final weights are published");
        assertTrue(fx(view::scheduleMarker).getX() > marker.getX(), "the marker moved on with the steps");

        Path prefix = tmp.resolve("ckpt/model");
        fx(() -> svc.checkpoints.save(prefix));
        waitUntil("the checkpoint is saved", () -> Files.exists(Checkpoint.binPath(prefix)) && svc.checkpoints.lastCheckpoint().get() != null);
        fx(() -> {
            session.model.set(null);
            return null;
        });
        fx(() -> svc.checkpoints.open(Checkpoint.jsonPath(prefix)));
        waitUntil("the checkpoint is loaded", () -> session.model.get() != null);
        assertEquals(step, fx(session.modelStep::get));
        assertTrue(fx(svc.continueTraining::get));

        // continue training the loaded checkpoint (fine-tuning with replay): a second run, starting at its step
        fx(() -> {
            svc.replayFile.set(data);
            svc.replayFraction.set(0.5);
            return null;
        });
        robot.clickOn("#trainButton");
        waitUntil("the continued run passes the checkpoint", () -> session.runStep.get() > step + 5);
        robot.clickOn("#stopButton");
        waitUntil("the second run stops", () -> svc.state().get() == RunState.STOPPED);
        assertEquals(2, fx(() -> svc.history.runs().size()));
        fx(() -> {
            svc.replayFile.set(null);
            return null;
        });
        assertEquals(step, fx(() -> svc.history.runs().get(1).startStep));

        Path csv = tmp.resolve("metrics.csv"), png = tmp.resolve("chart.png");
        fx(() -> view.chartPanel().exportCsv(csv));
        waitUntil("the metrics are exported", () -> session.message.get().equals("Exported metrics to " + csv));
        fx(() -> view.chartPanel().exportPng(png));
        waitUntil("the chart is exported", () -> session.message.get().equals("Exported chart to " + png));
        assertTrue(Files.readAllLines(csv).size() > step, "full data exported");
        assertTrue(Files.size(png) > 1000);
        screenshot("studio-training.png");
        fx(() -> {
            view.chartPanel().zoom(0, step, 0, 6);
            return null;
        });
        screenshot("studio-training-zoomed.png");

        // a run that diverges stops, says why, and offers the last checkpoint
        fx(() -> {
            var rp = svc.resumePoint.get();
            var broken = rp.model().copy();
            broken.params()[broken.layout().lnfw] = Float.NaN;
            svc.resumePoint.set(new bytewise.train.Trainer.Snapshot(broken, rp.state()));
            svc.continueTraining.set(true);
            view.chartPanel().resetZoom();
            return null;
        });
        robot.clickOn("#trainButton");
        waitUntil("the run diverges", () -> svc.state().get() == RunState.DIVERGED);
        assertTrue(fx(() -> ((Label) node("#alertLabel")).getText()).contains("diverged"));
        assertTrue(fx(() -> node("#reloadButton").isVisible()));
        assertEquals("Diverged", fx(() -> ((Label) node("#status-state")).getText()));
        screenshot("studio-training-diverged.png");
        fx(() -> {
            session.model.set(null);
            return null;
        });
        robot.clickOn("#reloadButton");
        waitUntil("the last checkpoint is reloaded", () -> session.model.get() != null && session.model.get().allFinite());
        assertFalse(fx(() -> node("#alertBox").isVisible()));
    }

    @Test
    @Order(7)
    void aMissingPageBecomesAPlaceholder() {
        Pages.Loaded l = fx(() -> app.mainView().pages().load(Page.PLAYGROUND, "NoSuchView.fxml"));
        assertNull(l.controller());
        assertTrue(l.problem().contains("not available"), l.problem());
        assertNotNull(l.root());
        fx(() -> {
            session.page.set(null);
            return null;
        });
        assertEquals("dataset", fx(() -> ((javafx.scene.control.ToggleButton) node("#nav-dataset")).isSelected() ? "dataset" : "?"));
    }

    @Test
    @Order(8)
    void everyPageRendersInBothThemes() throws Exception {
        robot.press(KeyCode.CONTROL).press(KeyCode.DIGIT2).release(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Page.HYPERPARAMETERS, fx(session.page::get), "Ctrl+2 switches page");
        page("playground");
        robot.press(KeyCode.CONTROL).press(KeyCode.ENTER).release(KeyCode.ENTER).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(fx(() -> app.context().training.active().get()), "on the Playground Ctrl+Enter does not train");
        for (Page p : Page.values()) {
            page(p.id());
            if (p == Page.TRAINING || p == Page.DATASET) continue;
            screenshot("studio-" + p.id() + ".png");
        }
        // an overfitting run (synthetic metrics) is marked on the chart and hover shows exact values
        page("training");
        fx(() -> {
            TrainingViewModel svc = app.context().training;
            RunData r = new RunData("Run 3 · synthetic", 2, bytewise.train.TrainConfig.defaults(), 0, 0);
            float[] val = {3.0f, 2.6f, 2.4f, 2.45f, 2.5f, 2.6f, 2.7f};
            int step = 0;
            for (float v : val) {
                for (int k = 0; k < 20; k++, step++)
                    r.add(new bytewise.train.StepMetrics(step + 1, 140, (step + 1) * 256L, 3.2f - step * 0.012f, 3e-4, 1, 1e4, step * 0.01));
                r.add(new bytewise.train.EvalMetrics(step, step * 256L, v, step * 0.01));
            }
            svc.history.add(r);
            app.mainView().pages().controller(Page.TRAINING, TrainingView.class).chartPanel().resetZoom();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        LossChart chart = fx(() -> app.mainView().pages().controller(Page.TRAINING, TrainingView.class).chartPanel().chart());
        assertTrue(fx(() -> chart.displayedPoints() > 0), "the synthetic run is drawn");
        javafx.geometry.Bounds plot = fx(chart::plotSceneBounds);
        robot.moveTo(new javafx.geometry.Point2D(app.stage().getX() + app.stage().getScene().getX() + plot.getCenterX(),
                app.stage().getY() + app.stage().getScene().getY() + plot.getCenterY()));
        WaitForAsyncUtils.waitForFxEvents();
        String hoverText = fx(chart::hoverText);
        assertNotNull(hoverText, "hovering the chart shows exact values");
        assertTrue(hoverText.contains("train ") && hoverText.contains("validation "), hoverText);
        screenshot("studio-training-overlay.png");
        robot.press(KeyCode.CONTROL).press(KeyCode.T).release(KeyCode.T).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(MainViewModel.DARK, fx(() -> app.mainView().viewModel().theme.get()));
        page("training");
        screenshot("studio-training-dark.png");
        page("dataset");
        screenshot("studio-dataset-dark.png");
        page("hyperparameters");
        screenshot("studio-hyperparameters-dark.png");
        fx(() -> {
            app.mainView().viewModel().theme.set(MainViewModel.LIGHT);
            return null;
        });
        assertTrue(Files.exists(Workspace.prefsFile()), "theme and recent files are remembered");

        robot.press(KeyCode.F1).release(KeyCode.F1);
        WaitForAsyncUtils.waitForFxEvents();
        javafx.stage.Window help = fx(() -> robot.listWindows().stream()
                .filter(w -> w != app.stage() && w.isShowing() && w.getScene() != null
                        && w.getScene().getRoot() instanceof javafx.scene.control.DialogPane).findFirst().orElse(null));
        assertNotNull(help, "F1 shows the keyboard shortcuts");
        var img = fx(() -> help.getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", Path.of("target", "screens", "studio-shortcuts.png").toFile());
        fx(() -> {
            help.hide();
            return null;
        });
        assertTrue(Files.readString(Workspace.prefsFile()).contains("essays.txt"));
    }
}
