package bytewise.app;

import atlantafx.base.theme.Styles;
import bytewise.inspect.SanityResult;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tab;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.util.Duration;
import javafx.util.converter.LongStringConverter;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Inspector page: thin controller binding {@link InspectorViewModel} to the FXML. */
public final class InspectorView implements PageView {
    /** Surprisal (nats) drawn fully red; ln 256 ≈ 5.5 is a uniform guess. */
    static final double SURPRISAL_SCALE = 8.0;
    private static final Color HOT = Color.web("#e5534b");

    @FXML private VBox root;
    @FXML private Button prevButton, nextButton, runTrialsButton, cancelTrialsButton;
    @FXML private TextField offsetField, seedField;
    @FXML private Slider offsetSlider;
    @FXML private Label subtitle, maxOffsetLabel, messageLabel, badge, expectedLabel, rankLabel, contextCaption, legendMax,
            trialsSummary;
    @FXML private Spinner<Integer> contextSpinner, topKSpinner, trialsSpinner;
    @FXML private HBox predictionPane;
    @FXML private InspectorBarChart bars;
    @FXML private FlowPane surprisalStrip;
    @FXML private Region legend;
    @FXML private ProgressBar trialsProgress;
    @FXML private TableView<SanityResult> trialsTable;
    @FXML private ScrollPane barsScroll, stripScroll;
    @FXML private javafx.scene.control.TabPane inspectorTabs;
    @FXML private javafx.scene.control.Tab nextByteTab;

    private InspectorViewModel vm;
    private AttentionViewModel attention;
    private LensViewModel lens;
    private EmbeddingViewModel embeddings;
    // bidirectional bindings hold weak references: keep the adapters alive
    private ObjectProperty<Integer> ctxObj, kObj, trialsObj;
    private ObjectProperty<Long> seedObj;
    private boolean syncingOffset;
    private TextFormatter<Long> offsetFormat;

    @FXML
    private void initialize() {
        LiveScroll.forLiveContent(barsScroll); // both redraw whenever the training run publishes new weights
        LiveScroll.forLiveContent(stripScroll);
        legend.setStyle("-fx-background-color: linear-gradient(to right, " + heat(0) + ", " + heat(1) + ");"
                + " -fx-border-color: -color-border-default;");
        legendMax.setText(String.format(Locale.ROOT, "≥ %.0f", SURPRISAL_SCALE));
        trialsTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        trialsTable.getColumns().setAll(List.of(
                column("Offset", 90, r -> r.offset()),
                column("Context (last " + InspectorViewModel.TRIAL_PREVIEW + " bytes)", 300, SanityResult::contextPreview),
                column("Expected", 80, r -> InspectorBarChart.visible(r.expectedPrintable())),
                column("Argmax", 80, r -> InspectorBarChart.visible(r.argmaxPrintable())),
                column("OK", 50, r -> r.ok() ? "✓" : "✗"),
                column("Rank", 60, SanityResult::expectedRank),
                column("p(expected)", 100, r -> (double) r.expectedProbability())));
        trialsTable.setPlaceholder(new Label("Run random trials to see how often the model's top guess is right."));
        trialsTable.setRowFactory(t -> {
            TableRow<SanityResult> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty())
                    showTrial(row.getItem());
            });
            return row;
        });
    }

    private static <T extends Comparable<T>> TableColumn<SanityResult, T> column(String title, double width,
                                                                             Function<SanityResult, T> value) {
        TableColumn<SanityResult, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        if (title.startsWith("p(")) {
            c.setCellFactory(col -> new javafx.scene.control.TableCell<>() {
                @Override
                protected void updateItem(T item, boolean empty) {
                    super.updateItem(item, empty);
                    setText(empty || item == null ? null : String.format(Locale.ROOT, "%.4f", (Double) item));
                }
            });
        }
        return c;
    }

    @Override
    public void init(AppContext context) {
        Session session = context.session;
        vm = new InspectorViewModel(context.executor);
        subtitle.textProperty().bind(InspectorViewModel.describeModel(session.model, session.modelStep,
                session.corpus, "next-byte predictions of "));
        vm.corpus.bind(session.corpus);
        vm.model.bind(session.model);
        // a byte picked in the dataset preview: show how well the model predicts that byte
        if (session.inspectOffset.get() > 0) vm.pickByte(session.inspectOffset.get());
        session.inspectOffset.addListener((o, a, b) -> vm.pickByte(b.longValue()));

        // offset: text field, slider and step buttons all go through setOffset (clamped)
        offsetFormat = new TextFormatter<>(new LongStringConverter() {
            @Override
            public Long fromString(String s) {
                try {
                    return super.fromString(s.strip());
                } catch (NumberFormatException e) {
                    return vm.offset.get();
                }
            }
        }, vm.offset.get(), c -> c.getControlNewText().matches("\\d{0,18}") ? c : null);
        offsetField.setTextFormatter(offsetFormat);
        offsetFormat.valueProperty().addListener((o, a, b) -> {
            if (b != null && !syncingOffset) vm.setOffset(b);
        });
        offsetSlider.maxProperty().bind(vm.maxOffsetProperty());
        offsetSlider.setValue(vm.offset.get());
        offsetSlider.valueProperty().addListener((o, a, b) -> {
            // while nothing can be inspected the slider's range is meaningless: leave the offset alone
            if (!syncingOffset && vm.readyProperty().get()) vm.setOffset(Math.round(b.doubleValue()));
        });
        vm.offset.addListener((o, a, b) -> syncOffset());
        vm.maxOffsetProperty().addListener((o, a, b) -> {
            maxOffsetLabel.setText("of " + b);
            syncOffset();
        });
        maxOffsetLabel.setText("of " + vm.maxOffsetProperty().get());
        prevButton.setOnAction(e -> vm.step(-1));
        nextButton.setOnAction(e -> vm.step(1));

        SpinnerValueFactory.IntegerSpinnerValueFactory ctxFactory =
                new SpinnerValueFactory.IntegerSpinnerValueFactory(1, Math.max(1, vm.maxContextProperty().get()));
        ctxFactory.maxProperty().bind(vm.maxContextProperty());
        contextSpinner.setValueFactory(ctxFactory);
        ctxObj = vm.contextLength.asObject();
        ctxFactory.valueProperty().bindBidirectional(ctxObj);
        SpinnerValueFactory.IntegerSpinnerValueFactory kFactory =
                new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 256, vm.topK.get());
        topKSpinner.setValueFactory(kFactory);
        kObj = vm.topK.asObject();
        kFactory.valueProperty().bindBidirectional(kObj);

        messageLabel.textProperty().bind(vm.messageProperty());
        messageLabel.visibleProperty().bind(vm.messageProperty().isNotEmpty());
        predictionPane.disableProperty().bind(vm.readyProperty().not());
        vm.predictionProperty().addListener((o, a, p) -> show(p));
        // compute only while the page is in a scene (the shell swaps pages in and out); an update
        // missed meanwhile (e.g. a model snapshot published during training) is computed on return
        vm.active.bind(root.sceneProperty().isNotNull());
        show(vm.predictionProperty().get());

        // random trials
        SpinnerValueFactory.IntegerSpinnerValueFactory nFactory =
                new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 100_000, vm.trialCount.get(), 50);
        trialsSpinner.setValueFactory(nFactory);
        trialsObj = vm.trialCount.asObject();
        nFactory.valueProperty().bindBidirectional(trialsObj);
        TextFormatter<Long> seedFormat = new TextFormatter<>(new LongStringConverter(), vm.trialSeed.get(),
                c -> c.getControlNewText().matches("-?\\d{0,18}") ? c : null);
        seedField.setTextFormatter(seedFormat);
        seedObj = vm.trialSeed.asObject();
        seedFormat.valueProperty().bindBidirectional(seedObj);
        runTrialsButton.setOnAction(e -> {
            contextSpinner.commitValue();
            trialsSpinner.commitValue();
            seedField.commitValue();
            vm.runTrials();
        });
        runTrialsButton.disableProperty().bind(vm.trialsRunningProperty().or(vm.readyProperty().not()));
        cancelTrialsButton.setOnAction(e -> vm.cancelTrials());
        cancelTrialsButton.disableProperty().bind(vm.trialsRunningProperty().not());
        trialsProgress.progressProperty().bind(vm.trialsProgressProperty());
        trialsProgress.visibleProperty().bind(vm.trialsRunningProperty());
        trialsSummary.textProperty().bind(vm.trialsSummaryProperty());
        trialsSummary.managedProperty().bind(vm.trialsSummaryProperty().isNotEmpty());
        trialsTable.setItems(vm.trials());
        insideTabs(context);
    }

    /**
     * The inside-the-model tabs: attention maps and the logit lens at the page's offset and context,
     * and the byte-embedding map. Each computes only while its tab is showing.
     */
    private void insideTabs(AppContext context) {
        Session session = context.session;
        attention = new AttentionViewModel(context.executor);
        lens = new LensViewModel(context.executor);
        embeddings = new EmbeddingViewModel(context.executor);
        Tab attentionTab = new Tab("Attention", new AttentionPane(attention));
        Tab lensTab = new Tab("Logit lens", new LensPane(lens));
        Tab embeddingTab = new Tab("Embeddings", new EmbeddingPane(embeddings));
        attentionTab.setId("attentionTab");
        lensTab.setId("lensTab");
        embeddingTab.setId("embeddingTab");
        inspectorTabs.getTabs().addAll(attentionTab, lensTab, embeddingTab);
        nextByteTab.setId("nextByteTab");
        var shown = root.sceneProperty().isNotNull();
        vm.active.unbind();
        vm.active.bind(shown.and(nextByteTab.selectedProperty()));
        attention.active.bind(shown.and(attentionTab.selectedProperty()));
        lens.active.bind(shown.and(lensTab.selectedProperty()));
        embeddings.active.bind(shown.and(embeddingTab.selectedProperty()));
        // the offset and context follow the page's controls (clamped there); model and data the session's
        attention.contextLength.bind(vm.contextLength);
        lens.contextLength.bind(vm.contextLength);
        attention.offset.bind(vm.offset);
        lens.offset.bind(vm.offset);
        for (var m : List.of(attention.model, lens.model, embeddings.model)) m.bind(session.model);
        for (var c : List.of(attention.corpus, lens.corpus, embeddings.corpus)) c.bind(session.corpus);
        embeddings.modelStep.bind(session.modelStep);
    }

    /** The tabs' view-models (for tests). */
    AttentionViewModel attentionModel() {
        return attention;
    }

    LensViewModel lensModel() {
        return lens;
    }

    EmbeddingViewModel embeddingModel() {
        return embeddings;
    }

    /** The view model (for tests and the shell). */
    public InspectorViewModel viewModel() {
        return vm;
    }

    private void syncOffset() {
        syncingOffset = true;
        try {
            long v = vm.offset.get();
            offsetSlider.setValue(v);
            if (!Long.valueOf(v).equals(offsetFormat.getValue())) offsetFormat.setValue(v);
        } finally {
            syncingOffset = false;
        }
    }

    private void showTrial(SanityResult r) {
        vm.contextLength.set(r.contextLength()); // the trial's context, even if changed since
        vm.setOffset(r.offset());
    }

    private void show(InspectorViewModel.Prediction p) {
        badge.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
        if (p == null) {
            bars.setBars(List.of());
            surprisalStrip.getChildren().clear();
            badge.setText("");
            badge.setStyle("");
            expectedLabel.setText("—");
            rankLabel.setText("");
            contextCaption.setText("");
            return;
        }
        SanityResult r = p.result();
        expectedLabel.setText(InspectorViewModel.describeByte(r.expected()));
        rankLabel.setText(InspectorViewModel.rankText(r));
        badge.setText(r.ok() ? "OK" : "MISMATCH");
        badge.getStyleClass().add(r.ok() ? Styles.SUCCESS : Styles.DANGER);
        String tone = r.ok() ? "success" : "danger";
        badge.setStyle("-fx-background-color: -color-" + tone + "-subtle; -fx-text-fill: -color-" + tone + "-fg;"
                + " -fx-border-color: -color-" + tone + "-muted; -fx-border-radius: 10; -fx-background-radius: 10;"
                + " -fx-padding: 2 10 2 10; -fx-font-weight: bold;");
        bars.setBars(InspectorViewModel.bars(p));
        contextCaption.setText("Bytes " + r.offset() + " … " + (r.offset() + r.contextLength() - 1)
                + " (context of " + r.contextLength() + "), then the expected byte (outlined). "
                + "Redder = the model was more surprised. Hover for values.");
        renderStrip(p);
    }

    private void renderStrip(InspectorViewModel.Prediction p) {
        List<String> tokens = p.tokens();
        float[] s = p.surprisal();
        Label[] cells = new Label[tokens.size()];
        for (int i = 0; i < cells.length; i++) {
            Label cell = new Label(tokens.get(i));
            cell.getStyleClass().add("inspector-surprisal-cell");
            boolean last = i == cells.length - 1;
            String bg;
            String tip;
            long pos = p.result().offset() + i;
            if (Float.isNaN(s[i])) {
                bg = "-color-bg-subtle";
                tip = "byte " + pos + "  '" + tokens.get(i) + "'\n(first byte: no context, no surprisal)";
            } else {
                double t = Math.min(1.0, s[i] / SURPRISAL_SCALE);
                bg = heat(t);
                tip = String.format(Locale.ROOT, "byte %d  '%s'%n−ln p = %.3f nats  (p = %.4f)", pos, tokens.get(i),
                        s[i], Math.exp(-s[i])) + (last ? "\nthe expected next byte" : "");
            }
            boolean picked = pos == vm.pickedProperty().get() && !last;
            if (picked) tip += "\n(picked in the dataset preview)";
            cell.setStyle("-fx-font-family: monospace; -fx-font-size: 16px; -fx-padding: 2 2 2 2;"
                    + " -fx-text-fill: -color-fg-default; -fx-background-color: " + bg + ";"
                    + (last ? " -fx-border-color: -color-success-emphasis; -fx-border-width: 2;"
                    : picked ? " -fx-border-color: -color-accent-emphasis; -fx-border-width: 2;" : ""));
            Tooltip tooltip = new Tooltip(tip);
            tooltip.setShowDelay(Duration.millis(120));
            cell.setTooltip(tooltip);
            cell.setUserData(Float.isNaN(s[i]) ? null : s[i]);
            cells[i] = cell;
        }
        surprisalStrip.getChildren().setAll(cells);
    }

    /**
     * Background for surprisal fraction t in [0, 1]: the page background (t = 0) shading into red,
     * as red with opacity t, so the scale reads the same on light and dark themes.
     */
    static String heat(double t) {
        return String.format(Locale.ROOT, "rgba(%d, %d, %d, %.3f)", Math.round(HOT.getRed() * 255),
                Math.round(HOT.getGreen() * 255), Math.round(HOT.getBlue() * 255), 0.9 * t);
    }
}
