package bytewise.app;

import atlantafx.base.controls.ToggleSwitch;
import atlantafx.base.theme.Styles;
import bytewise.inspect.ByteProbability;
import bytewise.sample.GeneratedByte;
import bytewise.sample.Utf8Stream;
import javafx.beans.property.Property;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.util.StringConverter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Playground page: thin controller binding {@link PlaygroundViewModel} to the FXML. */
public final class PlaygroundView implements PageView {
    static final String GENERATED_CLASS = PlaygroundOutput.GENERATED_CLASS;
    static final String PROMPT_CLASS = PlaygroundOutput.PROMPT_CLASS;

    @FXML private VBox root;
    @FXML private Slider temperatureSlider, topKSlider, topPSlider, lengthSlider;
    @FXML private TextField temperatureField, topKField, topPField, lengthField, seedField, stopField;
    @FXML private CheckBox randomSeedCheck;
    @FXML private ToggleSwitch asciiSwitch;
    @FXML private Label subtitle, alternativesTitle, statsLabel, reasonLabel;
    @FXML private InspectorBarChart alternatives;
    @FXML private TextArea promptArea;
    @FXML private Button generateButton, stopButton, clearButton, copyButton;
    @FXML private ScrollPane outputScroll;
    /** The output's box: {@link PlaygroundOutput} fills it. */
    @FXML private VBox output;

    private PlaygroundViewModel vm;
    // bidirectional bindings hold weak references: keep the adapters alive
    private final List<Object> keep = new ArrayList<>();
    private PlaygroundOutput text;
    /** A clicked character stays in the alternatives panel until clicked again (hover only previews). */
    private boolean pinned;

    /** Binds the controls to the view model (from {@link #init}, once the view model exists). */
    private void bindControls() {
        LiveScroll.forLiveContent(outputScroll); // text streams into it byte by byte
        text = new PlaygroundOutput(output);
        bindSlider(temperatureSlider, temperatureField, vm.temperature, 0.05, decimal(2, vm.temperature));
        bindSlider(topKSlider, topKField, vm.topK, 1, integer(vm.topK));
        bindSlider(topPSlider, topPField, vm.topP, 0.01, decimal(2, vm.topP));
        bindSlider(lengthSlider, lengthField, vm.length, 1, integer(vm.length));
        TextFormatter<Number> seedFormat = new TextFormatter<>(longs(vm.seed), vm.seed.get(),
                c -> c.getControlNewText().matches("-?\\d{0,18}") ? c : null);
        seedField.setTextFormatter(seedFormat);
        seedFormat.valueProperty().bindBidirectional(vm.seed);
        seedField.disableProperty().bind(vm.randomSeed);
        randomSeedCheck.selectedProperty().bindBidirectional(vm.randomSeed);
        asciiSwitch.selectedProperty().bindBidirectional(vm.asciiOnly);
        stopField.textProperty().bindBidirectional(vm.stop);
        promptArea.textProperty().bindBidirectional(vm.prompt);

        generateButton.disableProperty().bind(vm.canGenerateProperty().not());
        generateButton.setOnAction(e -> {
            commitFields();
            vm.generate();
        });
        stopButton.disableProperty().bind(vm.runningProperty().not());
        stopButton.setOnAction(e -> vm.stop());
        stopButton.getStyleClass().add(Styles.DANGER);
        clearButton.disableProperty().bind(vm.runningProperty());
        clearButton.setOnAction(e -> {
            vm.clear();
            showPrompt("");
            pinned = false;
            showAlternatives(null);
        });
        generateButton.getStyleClass().add(Styles.ACCENT);
        promptArea.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && e.isShortcutDown()) {
                e.consume();
                if (!generateButton.isDisabled()) generateButton.fire();
            }
        });
        copyButton.disableProperty().bind(vm.outputTextProperty().isEmpty());
        copyButton.setOnAction(e -> {
            javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
            content.putString(vm.promptShownProperty().get() + vm.outputTextProperty().get());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
        });
        reasonLabel.textProperty().bind(vm.disabledReasonProperty());
        reasonLabel.visibleProperty().bind(vm.disabledReasonProperty().isNotEmpty());
        reasonLabel.managedProperty().bind(reasonLabel.visibleProperty());
        reasonLabel.getStyleClass().add(Styles.WARNING);
        statsLabel.textProperty().bind(vm.statsProperty());

        // the viewport's preferred size must not ask the text's: that re-flows every line at no wrap width
        outputScroll.setPrefViewportHeight(120);
        outputScroll.setPrefViewportWidth(240);
        showPrompt("");
        vm.runningProperty().addListener((o, was, now) -> {
            if (now) { // a new run: the prompt, then its bytes as they arrive
                showPrompt(vm.promptShownProperty().get());
                pinned = false;
                showAlternatives(null);
            }
        });
        vm.generated().addListener((ListChangeListener<GeneratedByte>) this::onGenerated);
        vm.outputTextProperty().addListener((o, a, full) -> appendTail(full));
        output.setOnMouseMoved(e -> {
            if (!pinned) select(generatedAt(e));
        });
        output.setOnMouseClicked(e -> {
            PlaygroundOutput.Hit hit = generatedAt(e);
            if (hit == null) return;
            PlaygroundOutput.Hit before = text.highlighted();
            pinned = !(pinned && before != null && before.span().source() == hit.span().source());
            select(hit);
            showAlternatives(hit.span().source());
        });
    }

    @Override
    public void init(AppContext context) {
        Session session = context.session;
        vm = new PlaygroundViewModel(context.executor);
        bindControls();
        vm.model.bind(session.model);
        TrainingViewModel training = context.training;
        vm.threads.bind(javafx.beans.binding.Bindings.createIntegerBinding(() -> training.active().get()
                || session.settings.get() == null ? 1 : session.settings.get().training().resolvedThreads(),
                training.active(), session.settings));
        subtitle.textProperty().bind(InspectorViewModel.describeModel(session.model, session.modelStep, null,
                "sample text from "));
    }

    /** The view model (for tests and the shell). */
    public PlaygroundViewModel viewModel() {
        return vm;
    }

    private void commitFields() {
        for (TextField f : List.of(temperatureField, topKField, topPField, lengthField, seedField)) f.commitValue();
    }

    private void bindSlider(Slider slider, TextField field, Property<Number> value, double step,
                                               StringConverter<Number> converter) {
        slider.setBlockIncrement(step);
        slider.setMajorTickUnit(step);
        slider.setMinorTickCount(0);
        slider.setSnapToTicks(true);
        slider.valueProperty().bindBidirectional(value);
        TextFormatter<Number> format = new TextFormatter<>(converter, value.getValue(),
                c -> c.getControlNewText().matches("[0-9]*\\.?[0-9]*") ? c : null);
        field.setTextFormatter(format);
        format.valueProperty().bindBidirectional(value);
        field.setPrefColumnCount(4);
        keep.add(format);
    }

    // converters fall back to the current value on text that does not parse (never to 0)
    private static StringConverter<Number> decimal(int places, Property<Number> current) {
        return new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return n == null ? "" : String.format(Locale.ROOT, "%." + places + "f", n.doubleValue());
            }

            @Override
            public Number fromString(String s) {
                try {
                    return Double.parseDouble(s.strip());
                } catch (NumberFormatException e) {
                    return current.getValue();
                }
            }
        };
    }

    private static StringConverter<Number> integer(Property<Number> current) {
        return new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return n == null ? "" : Long.toString(Math.round(n.doubleValue()));
            }

            @Override
            public Number fromString(String s) {
                try {
                    return (int) Math.round(Double.parseDouble(s.strip()));
                } catch (NumberFormatException e) {
                    return current.getValue();
                }
            }
        };
    }

    private static StringConverter<Number> longs(Property<Number> current) {
        return new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return n == null ? "" : Long.toString(n.longValue());
            }

            @Override
            public Number fromString(String s) {
                try {
                    return Long.parseLong(s.strip());
                } catch (NumberFormatException e) {
                    return current.getValue();
                }
            }
        };
    }

    private void onGenerated(ListChangeListener.Change<? extends GeneratedByte> c) {
        boolean added = false;
        while (c.next()) {
            if (c.wasAdded()) {
                text.appendGenerated(c.getAddedSubList());
                added = true;
            }
        }
        if (added) outputScroll.setVvalue(outputScroll.getVmax());
    }

    /** When a run ends, shows anything the stream had not completed (an unfinished UTF-8 character, escaped). */
    private void appendTail(String full) {
        StringBuilder streamed = new StringBuilder();
        for (GeneratedByte b : vm.generated()) streamed.append(b.text());
        if (full != null && full.length() > streamed.length() && full.startsWith(streamed.toString()))
            text.appendPlain(full.substring(streamed.length()), false);
    }

    /** Starts the output afresh with the prompt (its line breaks start new lines, as generated ones do). */
    private void showPrompt(String prompt) {
        text.clear();
        text.appendPlain(prompt, true);
    }

    private PlaygroundOutput.Hit generatedAt(MouseEvent e) {
        return text.generatedAt(e.getPickResult().getIntersectedNode(), e.getSceneX(), e.getSceneY());
    }

    /** Highlights a generated character and shows its byte's alternatives (null: keeps what is shown). */
    private void select(PlaygroundOutput.Hit hit) {
        PlaygroundOutput.Hit before = text.highlighted();
        if (hit == null || before != null && before.span().equals(hit.span()) && before.flow() == hit.flow()) return;
        text.highlight(hit);
        showAlternatives(hit.span().source());
    }

    /** Shows the model's top alternatives at one generated byte (null clears the panel). */
    void showAlternatives(GeneratedByte b) {
        if (b == null) {
            alternatives.setBars(List.of());
            alternativesTitle.setText("Hover a generated character to see what else the model considered.");
            return;
        }
        List<ByteProbability> top = PlaygroundViewModel.alternatives(b, PlaygroundViewModel.ALTERNATIVES);
        List<InspectorBarChart.Bar> rows = new ArrayList<>();
        boolean chosenShown = false;
        for (ByteProbability p : top) {
            boolean chosen = p.value() == b.value();
            chosenShown |= chosen;
            rows.add(new InspectorBarChart.Bar(p.printable(), p.probability(), chosen));
        }
        if (!chosenShown)
            rows.add(new InspectorBarChart.Bar(Utf8Stream.printable(b.value()), b.modelProbability(), true,
                    "… the chosen byte:"));
        alternatives.setBars(rows);
        alternativesTitle.setText((pinned ? "Pinned (click it again to unpin). " : "") + String.format(Locale.ROOT,
                "Byte #%d: chose '%s' (0x%02X) · model p = %.4f · sampled with p = %.4f",
                b.index(), InspectorBarChart.visible(Utf8Stream.printable(b.value())), b.value(), b.modelProbability(), b.sampledProbability()));
    }

    /** The alternatives panel (for tests). */
    InspectorBarChart alternativesChart() {
        return alternatives;
    }

    /** The output (for tests). */
    PlaygroundOutput output() {
        return text;
    }

    /** Every text node of the output, flow after flow (for tests). */
    List<Text> outputTexts() {
        return text.texts();
    }

    /** The output's flows, up to {@link PlaygroundOutput#LINES_PER_FLOW} lines each (for tests). */
    List<TextFlow> outputFlows() {
        return text.flows();
    }
}
