package bytewise.app;

import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.GeneratedByte;
import bytewise.sample.Generator;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Background;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
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

        // a node per run of characters, not per character
        assertTrue(generatedNodes().size() < expected.length() / 4, generatedNodes().size() + " nodes");
        // hover data: every drawn character knows the byte behind it, in order
        List<PlaygroundOutput.Hit> spans = FxTesting.onFx(() -> view.output().spans());
        assertEquals(vm.generated().stream().filter(g -> !g.text().isEmpty() && !g.text().equals("\n")).toList(),
                spans.stream().map(h -> h.span().source()).toList());
        for (PlaygroundOutput.Hit h : spans)
            assertEquals(h.span().source().text(), flowText(h.flow()).substring(h.span().start(), h.span().end()));
        PlaygroundOutput.Hit some = spans.get(3);
        robot.moveTo(FxTesting.onFx(() -> PlaygroundOutput.screenCentre(some)));
        waitUntil("alternatives", () -> view.alternativesChart().barCount() >= PlaygroundViewModel.ALTERNATIVES);
        GeneratedByte b = some.span().source();
        Label title = FxTesting.find(robot, "#alternativesTitle", Label.class);
        assertTrue(title.getText().contains("Byte #" + b.index()), title.getText());
        assertEquals(1, view.alternativesChart().getChildren().stream()
                .filter(n -> n.getStyleClass().contains("inspector-bar-highlight")).count(), "the chosen byte");
        // the character is highlighted: a shape behind the text, over the character
        assertSame(some.flow(), FxTesting.onFx(() -> view.output().highlightShape().getParent()));
        assertTrue(FxTesting.onFx(() -> view.output().highlightShape().getBoundsInParent()
                .contains(some.flow().screenToLocal(PlaygroundOutput.screenCentre(some)))));
        snapshot(scene, "playground.png");

        // a click pins a character: moving over others no longer changes the panel
        robot.clickOn(FxTesting.onFx(() -> PlaygroundOutput.screenCentre(some)));
        waitUntil("pinned", () -> title.getText().startsWith("Pinned"));
        robot.moveTo(FxTesting.onFx(() -> PlaygroundOutput.screenCentre(spans.get(10))));
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
        assertEquals(List.of("éx"), nodes.stream().map(Text::getText).toList(), "one delivery, one node");
        List<PlaygroundOutput.Span> spans = view.output().spans().stream().map(PlaygroundOutput.Hit::span).toList();
        assertEquals(List.of(new PlaygroundOutput.Span(0, 1, cont), new PlaygroundOutput.Span(1, 2, x)), spans,
                "the character belongs to the byte that completed it");
        robot.interact(() -> view.showAlternatives(cont));
        assertEquals(PlaygroundViewModel.ALTERNATIVES, view.alternativesChart().barCount());
    }

    @Test
    void linesShareAFlowUntilItIsFullAndADeliveryReflowsOnlyTheLast(FxRobot robot) {
        float[] d = new float[256];
        d['a'] = 1f;
        int k = PlaygroundOutput.LINES_PER_FLOW;
        // a first flow of k lines, the second's first line blank (the first flow's last newline ends it)
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < k; i++) sb.append("l").append(i).append('\n');
        String text = sb + "\ncd";
        List<GeneratedByte> bytes = new java.util.ArrayList<>();
        for (int i = 0; i < text.length(); i++)
            bytes.add(new GeneratedByte(i, text.charAt(i), String.valueOf(text.charAt(i)), d, 0.5f));
        robot.interact(() -> view.viewModel().generated().addAll(bytes));
        List<TextFlow> flows = view.outputFlows();
        assertEquals(2, flows.size(), "two flows");
        waitUntil("laid out", () -> flows.get(1).getHeight() > 0 && !flows.get(0).getParent().isNeedsLayout());
        String firstLines = sb.substring(0, sb.length() - 1);
        assertEquals(List.of(firstLines, "\n"), texts(flows.get(0)), "one node per delivery and flow, then its last newline");
        assertEquals(List.of("\ncd"), texts(flows.get(1)), "a blank line, then cd");
        assertEquals(text, String.join("", generatedNodes().stream().map(Text::getText).toList()));
        Text newline = (Text) flows.get(0).getChildren().get(1);
        assertSame(bytes.get(sb.length() - 1), newline.getUserData(), "the flow's last newline keeps its byte");
        assertFalse(newline.isManaged() || newline.isVisible(), "but is not laid out in its flow");
        // each line's characters are on their own line: 'l' of line i lies a line below that of line i - 1
        double[] tops = FxTesting.onFx(() -> {
            double[] y = new double[k + 1];
            for (int i = 0; i < k; i++) {
                int at = firstLines.indexOf("l" + i);
                y[i] = new javafx.scene.shape.Path(flows.get(0).rangeShape(at, at + 1)).getLayoutBounds().getMinY();
            }
            y[k] = new javafx.scene.shape.Path(flows.get(1).rangeShape(1, 2)).getLayoutBounds().getMinY(); // 'c'
            return y;
        });
        double pitch = tops[1] - tops[0];
        assertTrue(pitch > 10, "a line of 14px text: " + pitch);
        for (int i = 1; i < k; i++) assertEquals(pitch, tops[i] - tops[i - 1], 0.5, "line " + i);
        assertTrue(flows.get(0).getHeight() - tops[k - 1] < 1.5 * pitch, "no empty line below the flow's last line");
        assertEquals(pitch, tops[k] - tops[0], 0.5, "the blank line is as tall as a line of text");
        assertEquals(pitch, flows.get(1).getLayoutY() + tops[0] - (flows.get(0).getLayoutY() + tops[k - 1]), 1.0,
                "lines keep their spacing from one flow to the next (within the pixel a flow's height is rounded to)");
        // hovering finds bytes past the flow's newlines: the spans index the flow's text
        for (PlaygroundOutput.Hit h : FxTesting.onFx(() -> view.output().spans()))
            assertEquals(h.span().source().text(), flowText(h.flow()).substring(h.span().start(), h.span().end()));

        // the next delivery lays out only the flow it extends
        boolean[] dirty = new boolean[2];
        robot.interact(() -> {
            view.viewModel().generated().add(new GeneratedByte(text.length(), 'e', "e", d, 0.5f));
            for (int i = 0; i < 2; i++) dirty[i] = flows.get(i).isNeedsLayout();
        });
        assertArrayEquals(new boolean[] {false, true}, dirty);
        assertEquals(List.of("\ncd", "e"), texts(view.outputFlows().get(1)), "a node per delivery and flow");
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
        TextFlow flow = view.outputFlows().get(0);
        assertEquals("one\ntwo ", texts(flow).get(0), "the prompt, in its own style");
        assertTrue(view.outputTexts().get(0).getStyleClass().contains(PlaygroundView.PROMPT_CLASS));
        assertEquals("one\ntwo " + vm.outputTextProperty().get(),
                String.join("", view.outputTexts().stream().map(Text::getText).toList()), "the whole text as drawn");
        waitUntil("laid out", () -> !flow.isNeedsLayout() && flow.getHeight() > 0);
        double[] y = FxTesting.onFx(() -> new double[] {
                new javafx.scene.shape.Path(flow.rangeShape(0, 1)).getLayoutBounds().getMinY(),
                new javafx.scene.shape.Path(flow.rangeShape(4, 5)).getLayoutBounds().getMinY()});
        assertTrue(y[1] > y[0] + 10, "'two' starts a line below 'one': " + y[0] + ", " + y[1]);
    }

    private static List<String> texts(TextFlow flow) {
        return flow.getChildren().stream().filter(n -> n instanceof Text).map(n -> ((Text) n).getText()).toList();
    }

    /** The text a flow lays out (a last newline's node is outside the layout). */
    private static String flowText(TextFlow flow) {
        return String.join("", flow.getChildren().stream().filter(n -> n instanceof Text && n.isManaged())
                .map(n -> ((Text) n).getText()).toList());
    }

    @Test
    void hoveringTheKthCharacterOfANodeShowsTheKthCharactersByte(FxRobot robot) {
        // "café ok" in one delivery: one node; é is 0xC3 0xA9 and belongs to the byte that completed it
        float[] d = new float[256];
        d['c'] = 1f;
        int[] values = {'c', 'a', 'f', 0xC3, 0xA9, ' ', 'o', 'k'};
        String[] texts = {"c", "a", "f", "", "é", " ", "o", "k"};
        List<GeneratedByte> bytes = new java.util.ArrayList<>();
        for (int i = 0; i < values.length; i++) bytes.add(new GeneratedByte(i, values[i], texts[i], d, 0.5f));
        robot.interact(() -> view.viewModel().generated().addAll(bytes));
        List<Text> nodes = generatedNodes();
        assertEquals(List.of("café ok"), nodes.stream().map(Text::getText).toList());
        TextFlow line = (TextFlow) nodes.get(0).getParent();
        waitUntil("laid out", () -> line.getWidth() > 0 && !line.isNeedsLayout());
        Label title = FxTesting.find(robot, "#alternativesTitle", Label.class);
        // character k of the node (c0 a1 f2 é3 space4 o5 k6), and the byte behind it
        int[][] cases = {{0, 0}, {3, 4}, {2, 2}, {6, 7}, {4, 5}, {5, 6}, {1, 1}};
        for (int[] c : cases) {
            int k = c[0];
            javafx.geometry.Point2D at = FxTesting.onFx(() -> {
                javafx.geometry.Bounds box = new javafx.scene.shape.Path(line.rangeShape(k, k + 1)).getLayoutBounds();
                return line.localToScreen(box.getCenterX(), box.getCenterY());
            });
            robot.moveTo(at);
            waitUntil("byte #" + c[1] + " under character " + k, () -> title.getText().contains("Byte #" + c[1] + ":"));
            assertSame(bytes.get(c[1]), FxTesting.onFx(() -> view.output().highlighted().span().source()));
        }
        // a click on the last hovered character (a) pins it; a click on it again unpins
        PlaygroundOutput.Hit a = FxTesting.onFx(() -> view.output().highlighted());
        robot.clickOn(FxTesting.onFx(() -> PlaygroundOutput.screenCentre(a)));
        waitUntil("pinned", () -> title.getText().startsWith("Pinned") && title.getText().contains("Byte #1:"));
        robot.clickOn(FxTesting.onFx(() -> PlaygroundOutput.screenCentre(a)));
        waitUntil("unpinned", () -> !title.getText().startsWith("Pinned"));
    }

    @Test
    void theOutputPaintsNoInvisibleFillsAndTheWheelStillScrollsItFromTheMargin(FxRobot robot) {
        ScrollPane pane = FxTesting.find(robot, ".playground-output", ScrollPane.class);
        Region viewport = FxTesting.onFx(() -> (Region) pane.getChildrenUnmodifiable().stream()
                .filter(n -> n.getStyleClass().contains("viewport")).findFirst().orElseThrow());
        // the theme gives both transparent fills, which the software pipeline rasterises all the same
        for (Region r : List.of(pane, viewport)) {
            Background bg = FxTesting.onFx(r::getBackground);
            assertTrue(bg == null || bg.getFills().stream().allMatch(f -> !(f.getFill() instanceof Color c) || c.getOpacity() > 0),
                    r.getStyleClass() + " has an invisible fill: " + (bg == null ? null : bg.getFills()));
        }
        // without those fills the wheel must still scroll the text from its margin (the content's padding)
        float[] d = new float[256];
        d['a'] = 1f;
        String text = "ab\n".repeat(200);
        List<GeneratedByte> bytes = new java.util.ArrayList<>();
        for (int i = 0; i < text.length(); i++)
            bytes.add(new GeneratedByte(i, text.charAt(i), String.valueOf(text.charAt(i)), d, 0.5f));
        robot.interact(() -> view.viewModel().generated().addAll(bytes));
        robot.interact(() -> pane.setVvalue(0.5));
        waitUntil("laid out", () -> !pane.isNeedsLayout());
        javafx.geometry.Point2D blank = FxTesting.onFx(() -> {
            javafx.geometry.Bounds b = viewport.localToScreen(viewport.getLayoutBounds());
            return new javafx.geometry.Point2D(b.getMinX() + 5, b.getMinY() + b.getHeight() / 2); // in the text's left margin
        });
        robot.moveTo(blank);
        robot.scroll(3, javafx.geometry.VerticalDirection.DOWN);
        waitUntil("scrolled by the wheel from the margin", () -> pane.getVvalue() != 0.5);
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
