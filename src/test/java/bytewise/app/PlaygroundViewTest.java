package bytewise.app;

import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.GeneratedByte;
import bytewise.sample.Generator;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static bytewise.app.InspectorViewTest.snapshot;
import static bytewise.app.InspectorViewTest.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/** The Playground page, headless: streaming generation, stop, alternatives, no-model state. */
@ExtendWith(ApplicationExtension.class)
class PlaygroundViewTest {
    private Session session;
    private AppContext context;
    private PlaygroundView view;
    private Scene scene;
    private Stage window;

    @Start
    void start(Stage primary) throws IOException {
        session = new Session();
        context = new AppContext(session, new FxTaskExecutor());
        session.corpus.set(InspectorViewTest.CORPUS);
        session.model.set(InspectorViewTest.trainedModel());
        FxTesting.ShownPage<PlaygroundView> shown = FxTesting.show("PlaygroundView.fxml", context);
        view = shown.view();
        scene = shown.scene();
        window = shown.window();
    }

    @AfterEach
    void shutdown() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.close()).get();
        context.shutdown();
    }

    private List<Text> generatedNodes() {
        return view.outputTexts().stream().filter(t -> t.getStyleClass().contains(PlaygroundView.GENERATED_CLASS))
                .toList();
    }

    @Test
    void greedyGenerationStreamsWhatTheGeneratorProduces(FxRobot robot) throws IOException {
        PlaygroundViewModel vm = view.viewModel();
        robot.interact(() -> {
            vm.prompt.set("the river ");
            vm.length.set(200);
            vm.seed.set(42);
        });
        // temperature typed into its numeric field moves the slider too
        TextField temp = FxTesting.find(robot, "#temperatureField", TextField.class);
        robot.interact(() -> {
            temp.setText("0");
            temp.commitValue();
        });
        assertEquals(0.0, vm.temperature.get());
        Slider tempSlider = FxTesting.find(robot, "#temperatureSlider", Slider.class);
        assertEquals(0.0, tempSlider.getValue());
        robot.interact(() -> tempSlider.setValue(1.5));
        assertEquals("1.50", temp.getText(), "and the slider moves the field");
        assertEquals(1.5, vm.temperature.get());
        robot.interact(() -> tempSlider.setValue(0));

        robot.clickOn("#generateButton");
        waitUntil("a finished run", () -> !vm.runningProperty().get() && !vm.outputTextProperty().get().isEmpty());
        String expected = new Generator(session.model.get())
                .generate("the river ".getBytes(StandardCharsets.UTF_8), vm.settings(42), null, null).text();
        assertEquals(expected, vm.outputTextProperty().get());
        assertEquals(200, vm.generated().size());
        String shown = String.join("", generatedNodes().stream().map(Text::getText).toList());
        assertEquals(expected, shown, "the generated text as drawn");
        Text prompt = view.outputTexts().get(0);
        assertEquals("the river ", prompt.getText());
        Label stats = FxTesting.find(robot, "#statsLabel", Label.class);
        assertTrue(stats.getText().contains("bytes/s"), stats.getText());

        // hover data: every drawn character knows the distribution behind it
        for (Text t : generatedNodes()) assertInstanceOf(GeneratedByte.class, t.getUserData());
        Text some = generatedNodes().get(3);
        robot.moveTo(some);
        waitUntil("alternatives", () -> view.alternativesChart().barCount() >= PlaygroundViewModel.ALTERNATIVES);
        GeneratedByte b = (GeneratedByte) some.getUserData();
        Label title = FxTesting.find(robot, "#alternativesTitle", Label.class);
        assertTrue(title.getText().contains("Byte #" + b.index()), title.getText());
        assertEquals(1, view.alternativesChart().getChildren().stream()
                .filter(n -> n.getStyleClass().contains("inspector-bar-highlight")).count(), "the chosen byte");
        snapshot(scene, "playground.png");

        // a click pins a character: moving over others no longer changes the panel
        robot.clickOn(some);
        waitUntil("pinned", () -> title.getText().startsWith("Pinned"));
        robot.moveTo(generatedNodes().get(10));
        assertTrue(title.getText().contains("Byte #" + b.index()), title.getText());
        InspectorViewTest.compact(robot, scene);
        snapshot(scene, "playground-compact.png");
    }

    @Test
    void multiByteCharactersAreDrawnOnceTheyComplete(FxRobot robot) {
        // "é" is 0xC3 0xA9: the first byte completes no text, the second completes the character
        float[] d = new float[256];
        d[0xC3] = 0.6f;
        d[0xA9] = 0.4f;
        GeneratedByte lead = new GeneratedByte(0, 0xC3, "", d, 0.6f);
        GeneratedByte cont = new GeneratedByte(1, 0xA9, "é", d, 0.4f);
        GeneratedByte x = new GeneratedByte(2, 'x', "x", d, 0f);
        robot.interact(() -> view.viewModel().generated().addAll(lead, cont, x));
        List<Text> nodes = generatedNodes();
        assertEquals(List.of("é", "x"), nodes.stream().map(Text::getText).toList());
        assertSame(cont, nodes.get(0).getUserData());
        robot.interact(() -> view.showAlternatives(cont));
        assertEquals(PlaygroundViewModel.ALTERNATIVES, view.alternativesChart().barCount());
    }

    @Test
    void eachLineIsAFlowOfItsOwnAndADeliveryReflowsOnlyTheLast(FxRobot robot) {
        float[] d = new float[256];
        d['a'] = 1f;
        String text = "ab\n\ncd";
        List<GeneratedByte> bytes = new java.util.ArrayList<>();
        for (int i = 0; i < text.length(); i++)
            bytes.add(new GeneratedByte(i, text.charAt(i), String.valueOf(text.charAt(i)), d, 0.5f));
        robot.interact(() -> view.viewModel().generated().addAll(bytes));
        List<TextFlow> lines = view.outputLines();
        assertEquals(3, lines.size(), "a line, a blank line, a line");
        waitUntil("laid out", () -> lines.get(2).getHeight() > 0 && !view.outputLines().get(0).getParent().isNeedsLayout());
        assertEquals(List.of("a", "b", "\n"), texts(lines.get(0)), "no prompt, then the bytes");
        assertEquals(List.of("\n"), texts(lines.get(1)));
        assertEquals(List.of("c", "d"), texts(lines.get(2)));
        assertEquals(text, String.join("", generatedNodes().stream().map(Text::getText).toList()));
        Text newline = (Text) lines.get(0).getChildren().get(2);
        assertSame(bytes.get(2), newline.getUserData(), "a newline keeps its byte");
        assertFalse(newline.isManaged() || newline.isVisible(), "but is not laid out in its line");
        // a blank line is as tall as a line of text, as in one flow
        assertEquals(lines.get(2).getHeight(), lines.get(1).getHeight(), 0.01);
        assertTrue(lines.get(2).getHeight() > 10, "a line of 14px text: " + lines.get(2).getHeight());

        // the next delivery lays out only the line it extends
        boolean[] dirty = new boolean[3];
        robot.interact(() -> {
            view.viewModel().generated().add(new GeneratedByte(text.length(), 'e', "e", d, 0.5f));
            for (int i = 0; i < 3; i++) dirty[i] = lines.get(i).isNeedsLayout();
        });
        assertArrayEquals(new boolean[] {false, false, true}, dirty);
        assertEquals(List.of("c", "d", "e"), texts(view.outputLines().get(2)));
    }

    @Test
    void aPromptsLineBreaksStartNewLines(FxRobot robot) {
        PlaygroundViewModel vm = view.viewModel();
        robot.interact(() -> {
            vm.prompt.set("one\ntwo ");
            vm.length.set(30);
            vm.temperature.set(0);
        });
        robot.clickOn("#generateButton");
        waitUntil("a finished run", () -> !vm.runningProperty().get() && !vm.outputTextProperty().get().isEmpty());
        List<TextFlow> lines = view.outputLines();
        assertEquals(List.of("one", "\n"), texts(lines.get(0)));
        assertEquals("two ", texts(lines.get(1)).get(0));
        assertEquals("one\ntwo " + vm.outputTextProperty().get(),
                String.join("", view.outputTexts().stream().map(Text::getText).toList()), "the whole text as drawn");
    }

    private static List<String> texts(TextFlow line) {
        return line.getChildren().stream().map(n -> ((Text) n).getText()).toList();
    }

    @Test
    void stopEndsALongRun(FxRobot robot) {
        // a larger (untrained) model so that 4096 bytes take long enough to stop midway: several
        // seconds (d_model 256 and 4 layers finished all 4096 before the click once the decoder got faster)
        Gpt big = Gpt.initialize(new ModelConfig(512, 384, 6, 6), 5);
        PlaygroundViewModel vm = view.viewModel();
        robot.interact(() -> {
            session.model.set(big);
            vm.length.set(4096);
            vm.temperature.set(1.0);
            vm.randomSeed.set(true);
        });
        long seedBefore = vm.seed.get();
        robot.clickOn("#generateButton");
        waitUntil("some bytes", () -> vm.generated().size() > 5);
        Button stopButton = FxTesting.find(robot, "#stopButton", Button.class);
        assertFalse(stopButton.isDisabled());
        // the button's own action, fired on the FX thread: the glass robot's click was sometimes lost
        // while the FX thread drew streaming bytes, and the run then went on to its end
        robot.interact(stopButton::fire);
        waitUntil("stopped", () -> !vm.runningProperty().get());
        assertTrue(vm.generated().size() < 4096, "stopped early at " + vm.generated().size());
        assertTrue(vm.statsProperty().get().contains("stopped"), vm.statsProperty().get());
        assertFalse(FxTesting.find(robot, "#generateButton", Button.class).isDisabled());
        assertNotEquals(seedBefore, vm.seed.get(), "a random seed was drawn and shown");
    }

    @Test
    void withoutAModelGenerateIsDisabledWithTheReason(FxRobot robot) throws IOException {
        robot.interact(() -> session.model.set(null));
        Button generate = FxTesting.find(robot, "#generateButton", Button.class);
        assertTrue(generate.isDisabled());
        Label reason = FxTesting.find(robot, "#reasonLabel", Label.class);
        assertTrue(reason.isVisible());
        assertEquals(PlaygroundViewModel.NO_MODEL, reason.getText());
        snapshot(scene, "playground-no-model.png");
    }
}
