package bytewise.app;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.inspect.SanityResult;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.FlowPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** The Inspector page, headless: predictions, K, trials, surprisal strip, no-model message. */
@ExtendWith(ApplicationExtension.class)
class InspectorViewTest {
    static final Corpus CORPUS = TestData.proseCorpus(20_000, 3);
    private static Gpt trained;

    private Session session;
    private AppContext context;
    private InspectorView view;
    private Scene scene;
    private Stage window;

    /** A small model trained briefly on {@link #CORPUS} (shared by the page tests, trained once). */
    static synchronized Gpt trainedModel() {
        if (trained == null) {
            TrainConfig tc = new TrainConfig(8, 150, 3e-3, 3e-4, 10, 0.0, 0.9, 0.99, 1e-8, 1.0, 0, 8, 1, 1, 0.1);
            try (Trainer t = new Trainer(Gpt.initialize(new ModelConfig(32, 32, 1, 2), 1), CORPUS.split(0.1), tc, null)) {
                t.run(new TrainingListener() {});
                trained = t.snapshot();
            }
        }
        return trained;
    }

    static void snapshot(Scene scene, String name) throws IOException {
        Path dir = Path.of("target", "screens");
        Files.createDirectories(dir);
        File out = dir.resolve(name).toFile();
        var image = WaitForAsyncUtils.asyncFx(() -> scene.snapshot(null));
        WaitForAsyncUtils.waitForFxEvents();
        try {
            ImageIO.write(SwingFXUtils.fromFXImage(image.get(10, TimeUnit.SECONDS), null), "png", out);
        } catch (Exception e) {
            throw new IOException("snapshot failed", e);
        }
    }

    /** Resizes the window to about the page area the studio shell leaves (sidebar and status bar). */
    static void compact(FxRobot robot, Scene scene) {
        robot.interact(() -> {
            Stage st = (Stage) scene.getWindow();
            st.setWidth(1060);
            st.setHeight(700);
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    static void waitUntil(String what, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
                WaitForAsyncUtils.waitForFxEvents();
                return condition.getAsBoolean();
            });
        } catch (Exception e) {
            fail("timed out waiting for " + what);
        }
    }

    @Start
    void start(Stage primary) throws IOException {
        session = new Session();
        context = new AppContext(session, new FxTaskExecutor());
        session.corpus.set(CORPUS);
        session.model.set(trainedModel());
        FxTesting.ShownPage<InspectorView> shown = FxTesting.show("InspectorView.fxml", context);
        view = shown.view();
        scene = shown.scene();
        window = shown.window();
    }

    @AfterEach
    void shutdown() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.close()).get();
        context.shutdown();
    }

    private InspectorViewModel.Prediction prediction() {
        return view.viewModel().predictionProperty().get();
    }

    private long count(FxRobot robot, String selector) {
        return FxTesting.onFx(() -> robot.lookup(selector).queryAll().stream().filter(Node::isVisible).count());
    }

    @Test
    void showsTopKWithTheExpectedByteMarkedAndFollowsKOffsetAndModel(FxRobot robot) throws IOException {
        waitUntil("a prediction", () -> prediction() != null);
        InspectorViewModel.Prediction p = prediction();
        int bars = 10 + (p.expectedInTop() ? 0 : 1);
        waitUntil("10 bars", () -> count(robot, ".inspector-bar") == bars);
        assertEquals(1, count(robot, ".inspector-bar-highlight"), "the expected byte is highlighted once");
        Label rank = FxTesting.find(robot, "#rankLabel", Label.class);
        assertTrue(rank.getText().contains("rank " + p.result().expectedRank()), rank.getText());
        Label badge = FxTesting.find(robot, "#badge", Label.class);
        assertEquals(p.result().ok() ? "OK" : "MISMATCH", badge.getText());
        FlowPane strip = FxTesting.find(robot, "#surprisalStrip", FlowPane.class);
        assertEquals(33, strip.getChildren().size(), "32 context bytes + the expected one");
        assertNotNull(((Label) strip.getChildren().get(5)).getTooltip(), "surprisal value on hover");
        snapshot(scene, "inspector.png");

        // K from the spinner
        @SuppressWarnings("unchecked")
        Spinner<Integer> k = FxTesting.find(robot, "#topKSpinner", Spinner.class);
        robot.interact(() -> k.getValueFactory().setValue(4));
        waitUntil("4 bars", () -> prediction() != null && prediction().result().top().size() == 4);
        waitUntil("4 bars drawn", () -> count(robot, ".inspector-bar") == 4 + (prediction().expectedInTop() ? 0 : 1));

        // an offset typed into the field
        robot.clickOn("#offsetField").eraseText(8).write("500").push(javafx.scene.input.KeyCode.ENTER);
        waitUntil("offset 500", () -> prediction() != null && prediction().result().offset() == 500);
        assertEquals(500.0, FxTesting.find(robot, "#offsetSlider", javafx.scene.control.Slider.class).getValue());

        // an offset picked in the dataset preview
        // a byte picked in the dataset preview becomes the expected byte, after a full context
        robot.interact(() -> session.inspectOffset.set(1234));
        waitUntil("byte 1234 predicted", () -> prediction() != null && prediction().result().offset() == 1234 - 32);
        assertEquals(CORPUS.byteAt(1234), prediction().result().expected());
        assertEquals(1234 - 32, view.viewModel().offset.get());

        // quick slider drags: the newest request wins
        robot.interact(() -> {
            for (int i = 0; i < 200; i++) view.viewModel().setOffset(2000 + i);
        });
        waitUntil("offset 2199", () -> prediction() != null && prediction().result().offset() == 2199);

        // a newer model snapshot (as published during training) updates the view
        Gpt fresh = Gpt.initialize(new ModelConfig(32, 32, 1, 2), 99);
        robot.interact(() -> session.model.set(fresh));
        waitUntil("new model", () -> prediction() != null && prediction().model() == fresh);

        // a model with a longer seq_len (untrained: near-uniform predictions): the context follows it
        Gpt longer = Gpt.initialize(new ModelConfig(128, 32, 1, 2), 7);
        robot.interact(() -> session.model.set(longer));
        waitUntil("longer model", () -> prediction() != null && prediction().model() == longer);
        assertEquals(128, prediction().result().contextLength());
        waitUntil("129 cells", () -> strip.getChildren().size() == 129);
        snapshot(scene, "inspector-untrained-128.png");
        compact(robot, scene);
        snapshot(scene, "inspector-compact.png");
    }

    @Test
    void randomTrialsFillTheTableAndDoubleClickShowsOne(FxRobot robot) throws IOException {
        waitUntil("a prediction", () -> prediction() != null);
        robot.interact(() -> view.viewModel().trialCount.set(300));
        robot.clickOn("#runTrialsButton");
        TableView<?> table = FxTesting.find(robot, "#trialsTable", TableView.class);
        waitUntil("300 trials", () -> table.getItems().size() == 300);
        Label summary = FxTesting.find(robot, "#trialsSummary", Label.class);
        assertTrue(summary.getText().contains("Top-1 accuracy"), summary.getText());
        var result = view.viewModel().trialsResultProperty().get();
        assertTrue(summary.getText().contains(String.format(java.util.Locale.ROOT, "%.1f%%", result.top1Accuracy() * 100)));
        assertTrue(result.top1Accuracy() > 0.2, "a trained model gets some right: " + result.top1Accuracy());
        snapshot(scene, "inspector-trials.png");

        // double-click a mispredicted row: the prediction above shows that trial; with K = 1 the
        // expected byte is outside the top K and still shown, highlighted, with its rank
        robot.interact(() -> view.viewModel().topK.set(1));
        TableRow<?> row = FxTesting.onFx(() -> robot.lookup(".table-row-cell").queryAllAs(TableRow.class).stream()
                .filter(r -> !r.isEmpty() && r.isVisible() && ((SanityResult) r.getItem()).expectedRank() > 1)
                .findFirst().orElseThrow());
        SanityResult picked = (SanityResult) row.getItem();
        robot.doubleClickOn(row);
        waitUntil("trial offset", () -> prediction() != null && prediction().result().offset() == picked.offset()
                && prediction().result().top().size() == 1);
        assertEquals(picked.expected(), prediction().result().expected());
        assertEquals(picked.expectedRank(), prediction().result().expectedRank());
        waitUntil("top-1 bar + expected bar", () -> count(robot, ".inspector-bar") == 2);
        assertEquals(1, count(robot, ".inspector-bar-highlight"));
        assertEquals("MISMATCH", FxTesting.find(robot, "#badge", Label.class).getText());
        assertTrue(count(robot, ".inspector-bar-note") == 1, "a note names the expected byte's rank");
        snapshot(scene, "inspector-mismatch.png");

        // a long run can be cancelled
        robot.interact(() -> view.viewModel().trialCount.set(100_000));
        robot.clickOn("#runTrialsButton");
        waitUntil("running", () -> view.viewModel().trialsRunningProperty().get());
        robot.clickOn("#cancelTrialsButton");
        waitUntil("cancelled", () -> !view.viewModel().trialsRunningProperty().get());
        assertTrue(summary.getText().contains("cancelled"), summary.getText());
        assertTrue(table.getItems().size() < 100_000);
    }

    @Test
    void withoutAModelItSaysSo(FxRobot robot) throws IOException {
        robot.interact(() -> session.model.set(null));
        Label message = FxTesting.find(robot, "#messageLabel", Label.class);
        waitUntil("message", () -> message.isVisible() && message.getText().equals(InspectorViewModel.NO_MODEL));
        assertEquals(0, count(robot, ".inspector-bar"));
        assertTrue(FxTesting.find(robot, "#runTrialsButton", Button.class).isDisabled());
        snapshot(scene, "inspector-no-model.png");
    }
}
