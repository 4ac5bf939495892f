package bytewise.app;

import bytewise.io.Workspace;
import bytewise.train.TrainConfig;

import javafx.beans.binding.Bindings;
import javafx.embed.swing.SwingFXUtils;
import javafx.fxml.FXML;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import javax.imageio.ImageIO;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Training page: run controls, the live loss chart (overlaid runs, smoothing, log scale,
 * perplexity, drag-to-zoom, hover values, PNG/CSV export), progress figures, the learning-rate
 * schedule, a sample refreshed at each evaluation, and run options. The run itself lives in
 * {@link TrainingViewModel}; the chart redraws at most {@link #REDRAW_HZ} times a second from
 * downsampled data ({@link ChartData}).
 */
public final class TrainingView implements PageView {
    public static final int MAX_POINTS = 600; // about one point per pixel column of the plot
    /** Once a second: each canvas repaint costs ~11 ms of software rendering, taken from training on 2 cores. */
    static final int REDRAW_HZ = 1;
    static final String[] PALETTE = {"#2f81f7", "#e5534b", "#3fb950", "#d29922", "#a371f7", "#db61a2", "#39c5cf", "#8b949e"};
    /** Each run's validation colour: distinct from its training colour (and dashed, with dots). */
    static final String[] VAL_PALETTE = {"#f0883e", "#1b7c83", "#8250df", "#0969da", "#bf8700", "#2da44e", "#cf222e", "#57606a"};

    @FXML private VBox root;
    @FXML private Button trainButton, pauseButton, resumeButton, stopButton, saveButton, reloadButton, resetZoomButton,
            clearRunsButton, replayButton;
    @FXML private javafx.scene.control.MenuItem pngItem, csvItem;
    @FXML private ProgressBar progressBar;
    @FXML private Label progressLabel, blockedLabel, alertLabel, overfitLabel, stepLabel, tpsLabel, etaLabel, lossLabel,
            valLabel, pplLabel, gradLabel, lrLabel, sampleTitle, replayLabel, replayFractionLabel;
    @FXML private HBox alertBox;
    @FXML private ComboBox<ChartData.X> xCombo;
    @FXML private ComboBox<ChartData.Y> yCombo;
    @FXML private ToggleButton logToggle;
    @FXML private Slider smoothSlider, replaySlider;
    @FXML private StackPane chartStack;
    @FXML private LossChart chart;
    @FXML private FlowPane runsPane;
    @FXML private Canvas lrCanvas;
    @FXML private Circle lrMarker;
    @FXML private ScrollPane sideScroll;
    @FXML private TextArea sampleArea;
    @FXML private Spinner<Integer> autosaveSpinner;
    @FXML private CheckBox continueCheck, pauseOnDivergenceCheck;
    @FXML private Button lowerLrButton;

    private Session session;
    private TrainingViewModel training;
    private TaskExecutor executor;
    private final Set<RunData> hidden = new HashSet<>();
    private ScheduleSketch schedule;
    private FxThrottle redrawThrottle;

    @Override
    public void init(AppContext context) {
        this.session = context.session;
        this.executor = context.executor;
        redrawThrottle = new FxThrottle(executor, REDRAW_HZ, this::redraw);
        training = context.training;
        schedule = new ScheduleSketch(lrCanvas, lrMarker);
        LiveScroll.uncache(sideScroll);

        trainButton.disableProperty().bind(training.canTrain().not());
        pauseButton.disableProperty().bind(training.canPause().not());
        resumeButton.disableProperty().bind(training.canResume().not());
        stopButton.disableProperty().bind(training.canStop().not());
        saveButton.disableProperty().bind(training.resumePoint.isNull().and(training.active().not()));
        trainButton.setTooltip(new Tooltip("Start training (Ctrl+Enter or F5)"));

        blockedLabel.textProperty().bind(session.trainBlockedReason.map(r -> "Train is disabled: " + r));
        blockedLabel.visibleProperty().bind(session.trainBlockedReason.isNotEmpty().and(training.active().not()));
        blockedLabel.managedProperty().bind(blockedLabel.visibleProperty());
        alertLabel.textProperty().bind(training.alert());
        alertBox.visibleProperty().bind(training.alert().isNotEmpty());
        alertBox.managedProperty().bind(alertBox.visibleProperty());
        reloadButton.visibleProperty().bind(training.checkpoints.lastCheckpoint().isNotNull());
        reloadButton.managedProperty().bind(reloadButton.visibleProperty());
        overfitLabel.textProperty().bind(training.overfitNotice());
        overfitLabel.visibleProperty().bind(training.overfitNotice().isNotEmpty());
        overfitLabel.managedProperty().bind(overfitLabel.visibleProperty());

        progressBar.progressProperty().bind(training.figures.progress());
        progressLabel.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%s · %,d / %,d",
                session.runState.get().label, session.runStep.get(), session.runTotalSteps.get()),
                session.runState, session.runStep, session.runTotalSteps));
        stepLabel.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%,d / %,d",
                session.runStep.get(), session.runTotalSteps.get()), session.runStep, session.runTotalSteps));
        tpsLabel.textProperty().bind(Bindings.createStringBinding(() -> session.runState.get() == RunState.PAUSED ? "paused"
                : Format.number(session.tokensPerSecond.get(), "%,.0f"), session.tokensPerSecond, session.runState));
        etaLabel.textProperty().bind(Bindings.createStringBinding(() -> session.runState.get() == RunState.PAUSED ? "paused"
                : Format.duration(session.etaSeconds.get()), session.etaSeconds, session.runState));
        lossLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.trainLoss().get(), "%.4f"), training.figures.trainLoss()));
        valLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.valLoss().get(), "%.4f"), training.figures.valLoss()));
        pplLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(Math.exp(training.figures.valLoss().get()), "%.2f"),
                training.figures.valLoss()));
        gradLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.gradNorm().get(), "%.3f"), training.figures.gradNorm()));
        lrLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.lr().get(), "%.2e"), training.figures.lr()));
        sampleArea.textProperty().bind(training.sample.text());
        sampleArea.setPromptText("A short sample appears here at each evaluation.");
        sampleTitle.textProperty().bind(Bindings.createStringBinding(() -> training.sample.step().get() < 0 ? "Sample"
                : "Sample at step " + training.sample.step().get(), training.sample.step()));

        autosaveSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 1_000_000,
                training.autosaveEvery.get(), 100));
        autosaveSpinner.valueProperty().addListener((o, a, v) -> training.autosaveEvery.set(v == null ? 0 : v));
        training.autosaveEvery.addListener((o, a, v) -> {
            if (!v.equals(autosaveSpinner.getValue())) autosaveSpinner.getValueFactory().setValue(v.intValue());
        });
        autosaveSpinner.setTooltip(new Tooltip("Write a checkpoint into " + Workspace.root().resolve("runs")
                + "/<time>-<preset>/ every this many steps, and at least every minute (0 = every minute only); the latest one is kept, with the best."));
        continueCheck.selectedProperty().bindBidirectional(training.continueTraining);
        divergenceControls();
        continueCheck.disableProperty().bind(training.resumePoint.isNull().or(training.active()));
        continueCheck.textProperty().bind(Bindings.createStringBinding(() -> training.resumePoint.get() == null
                ? "Continue from loaded / last weights"
                : "Continue from step " + training.resumePoint.get().state().step(), training.resumePoint));
        replayLabel.textProperty().bind(Bindings.createStringBinding(() -> training.replayFile.get() == null
                ? "none (replay off)" : training.replayFile.get().getFileName().toString(), training.replayFile));
        replaySlider.valueProperty().bindBidirectional(training.replayFraction);
        replaySlider.disableProperty().bind(training.replayFile.isNull());
        replaySlider.setTooltip(new Tooltip("Share of every batch drawn from the replay file, so fine-tuning does not"
                + " erase what the model learned from it."));
        replayFractionLabel.textProperty().bind(training.replayFraction.multiply(100).asString(Locale.ROOT, "%.0f%%"));

        xCombo.getItems().setAll(ChartData.X.values());
        xCombo.setValue(ChartData.X.STEP);
        xCombo.setConverter(converter(x -> switch (x) {
            case STEP -> "Step";
            case TOKENS -> "Tokens";
            case TIME -> "Wall time";
        }));
        yCombo.getItems().setAll(ChartData.Y.values());
        yCombo.setValue(ChartData.Y.LOSS);
        yCombo.setConverter(converter(y -> y == ChartData.Y.LOSS ? "Loss" : "Perplexity"));
        smoothSlider.setTooltip(new Tooltip("EMA smoothing of the training loss (0 = raw)"));
        logToggle.setTooltip(new Tooltip("Plot log10 of the values"));
        xCombo.valueProperty().addListener((o, a, b) -> {
            resetZoom();
            redraw();
        });
        yCombo.valueProperty().addListener((o, a, b) -> {
            resetZoom();
            redraw();
        });
        logToggle.selectedProperty().addListener((o, a, b) -> {
            resetZoom();
            redraw();
        });
        smoothSlider.valueProperty().addListener((o, a, b) -> redraw());
        csvItem.disableProperty().bind(Bindings.isEmpty(training.history.runs()));
        clearRunsButton.disableProperty().bind(Bindings.size(training.history.runs()).lessThan(2).or(training.active()));

        training.history.dataVersion().addListener((o, a, b) -> requestRedraw());
        training.history.runs().addListener((javafx.collections.ListChangeListener<RunData>) c -> {
            rebuildRunToggles();
            redraw();
        });
        training.state().addListener((o, a, s) -> {
            redraw();
            drawSchedule();
        });
        session.runStep.addListener((o, a, b) -> schedule.moveTo(b.longValue()));
        session.settings.addListener((o, a, b) -> drawSchedule());
        chart.setOnMessage(session.message::set);
        chart.sceneProperty().addListener((o, a, scene) -> {
            if (scene != null && chartStale) {
                chartStale = false;
                redraw();
            }
        });
        rebuildRunToggles();
        redraw();
        drawSchedule();
        installHealthTab();
        installRunControls(context);
    }

    /**
     * Puts the loss chart's card in a "Loss" tab and adds a "Health" tab beside it (per-layer
     * gradient and weight norms, update/weight ratios, activation RMS, clipped steps).
     */
    private void installHealthTab() {
        javafx.scene.Parent card = chartStack.getParent();
        HBox row = (HBox) card.getParent();
        javafx.scene.control.TabPane tabs = new javafx.scene.control.TabPane();
        tabs.setId("trainingTabs");
        tabs.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setMinWidth(0);
        HBox.setHgrow(tabs, javafx.scene.layout.Priority.ALWAYS);
        row.getChildren().set(row.getChildren().indexOf(card), tabs);
        javafx.scene.control.Tab loss = new javafx.scene.control.Tab("Loss", card);
        javafx.scene.control.Tab health = new javafx.scene.control.Tab("Health", new HealthPane(training.health));
        loss.setId("lossTab");
        health.setId("healthTab");
        tabs.getTabs().setAll(loss, health);
    }

    /**
     * Under the progress bar: the end-of-run summary, "Train more steps" for a finished run, and,
     * when the loaded data is not the continued run's, "Fine-tune on this file" (built here, not in
     * the FXML, so the page's other rows stay as they are).
     */
    private void installRunControls(AppContext context) {
        Label summary = new Label();
        summary.setId("run-summary");
        summary.getStyleClass().add("run-summary");
        summary.setWrapText(true);
        summary.setMaxWidth(Double.MAX_VALUE);
        summary.textProperty().bind(training.figures.summary().map(t -> "Run finished: " + t));
        summary.visibleProperty().bind(training.figures.summary().isNotEmpty().and(training.active().not()));
        summary.managedProperty().bind(summary.visibleProperty());
        Button more = new Button("Train 1,000 more steps");
        more.setId("train-more");
        more.setMinWidth(Region.USE_PREF_SIZE);
        more.setOnAction(e -> training.trainMoreSteps(1000));
        more.setTooltip(new Tooltip("Continue the same run and curve for 1,000 more steps (Run ▸ Train more steps… for"
                + " another number)"));
        more.visibleProperty().bind(summary.visibleProperty().and(training.continueTraining.or(
                training.resumePoint.isNotNull())));
        more.managedProperty().bind(more.visibleProperty());
        HBox summaryRow = new HBox(10, summary, more);
        summaryRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(summary, javafx.scene.layout.Priority.ALWAYS);
        summaryRow.visibleProperty().bind(summary.visibleProperty());
        summaryRow.managedProperty().bind(summaryRow.visibleProperty());

        Button fineTune = new Button("Fine-tune on this file");
        fineTune.setId("fine-tune");
        fineTune.setMinWidth(Region.USE_PREF_SIZE);
        fineTune.setOnAction(e -> training.dataGuard.fineTuneOnLoadedData.set(true));
        fineTune.setTooltip(new Tooltip("Continue the run on the loaded data instead of its own (recorded in the run)"));
        Button locate = new Button("Locate the run's data…");
        locate.setId("locate-data");
        locate.setMinWidth(Region.USE_PREF_SIZE);
        locate.setOnAction(e -> {
            javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
            fc.setTitle("Locate the data file this run was trained on");
            java.io.File f = fc.showOpenDialog(root.getScene() == null ? null : root.getScene().getWindow());
            if (f != null) context.pastRuns.locateData(f.toPath());
        });
        HBox dataRow = new HBox(10, fineTune, locate);
        dataRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        dataRow.visibleProperty().bind(training.dataGuard.dataConflict().isNotEmpty().and(training.active().not()));
        dataRow.managedProperty().bind(dataRow.visibleProperty());
        // banners wrap to as many lines as their text needs: never cut short, whatever the width
        for (Label l : List.of(blockedLabel, alertLabel, overfitLabel, summary)) l.setMinHeight(Region.USE_PREF_SIZE);
        int at = root.getChildren().indexOf(blockedLabel);
        root.getChildren().add(at + 1, dataRow);
        root.getChildren().add(at, summaryRow);
    }

    private static <T> StringConverter<T> converter(java.util.function.Function<T, String> f) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
    }

    // ------------------------------------------------------------------ chart

    /** Redraws now, or soon if the last redraw was less than 1/{@link #REDRAW_HZ} s ago. */
    private void requestRedraw() {
        if (chart.getScene() == null) { // another page is showing: redraw when this one comes back
            chartStale = true;
            return;
        }
        redrawThrottle.request();
    }

    private boolean chartStale;

    void redraw() {
        ChartData.X x = xCombo.getValue();
        ChartData.Y y = yCombo.getValue();
        boolean log = logToggle.isSelected();
        double smooth = smoothSlider.getValue();
        List<LossChart.Curve> curves = new ArrayList<>();
        for (RunData r : training.history.runs()) {
            if (hidden.contains(r)) continue;
            curves.add(new LossChart.Curve(r.name, Color.web(PALETTE[r.colorIndex % PALETTE.length]),
                    Color.web(VAL_PALETTE[r.colorIndex % VAL_PALETTE.length]),
                    ChartData.train(r, x, y, log, smooth, MAX_POINTS), ChartData.validation(r, x, y, log, MAX_POINTS),
                    ChartData.overfit(r, x, y, log)));
        }
        chart.setSpikeMarks(ChartData.spikes(training.history.runs().stream().filter(r -> !hidden.contains(r)).toList(),
                x, y, log));
        chart.setDivergenceMarks(training.history.runs().stream().filter(r -> !hidden.contains(r))
                .mapToDouble(r -> ChartData.divergedX(r, x)).filter(Double::isFinite).toArray());
        chart.setCurves(curves, x.label, ChartData.yLabel(y, log), x == ChartData.X.TIME);
    }

    /** Number of points currently drawn in the chart (tests use it). */
    public int displayedPoints() {
        return chart.displayedPoints();
    }

    /** The chart itself (tests hover and zoom it). */
    public LossChart chart() {
        return chart;
    }

    private void rebuildRunToggles() {
        runsPane.getChildren().clear();
        hidden.retainAll(training.history.runs());
        for (RunData r : training.history.runs()) {
            CheckBox cb = new CheckBox(r.name);
            cb.setSelected(!hidden.contains(r));
            cb.setGraphic(swatches(r.colorIndex));
            cb.selectedProperty().addListener((o, a, on) -> {
                if (on) hidden.remove(r);
                else hidden.add(r);
                redraw();
            });
            runsPane.getChildren().add(cb);
        }
        if (training.history.runs().isEmpty()) runsPane.getChildren().add(new Label("No runs yet: press Train."));
    }

    /** The legend's two colours of a run: training, then validation. */
    static HBox swatches(int colorIndex) {
        HBox box = new HBox(2);
        box.setAlignment(javafx.geometry.Pos.CENTER);
        for (String c : new String[]{PALETTE[colorIndex % PALETTE.length], VAL_PALETTE[colorIndex % VAL_PALETTE.length]}) {
            Region swatch = new Region();
            swatch.setMinSize(10, 4);
            swatch.setMaxSize(10, 4);
            swatch.setStyle("-fx-background-color: " + c + ";");
            box.getChildren().add(swatch);
        }
        return box;
    }

    /** Shows only [x0, x1] × [y0, y1] (data units). */
    public void zoom(double x0, double x1, double y0, double y1) {
        chart.zoom(x0, x1, y0, y1);
    }

    public void resetZoom() {
        chart.resetZoom();
    }

    // ------------------------------------------------------------------ learning-rate schedule

    /** The schedule of the run (or of the settings when idle), redrawn only when it changes. */
    private void drawSchedule() {
        RunData r = training.history.current.get();
        TrainConfig tc = training.active().get() && r != null ? r.config
                : session.settings.get() != null ? session.settings.get().training() : null;
        schedule.show(tc, session.runStep.get());
    }

    /** Where the schedule marker is, in lrCanvas coordinates, or null when hidden (tests use it). */
    Point2D scheduleMarker() {
        return schedule.marker();
    }

    // ------------------------------------------------------------------ actions

    @FXML
    private void onTrain() {
        training.train();
    }

    @FXML
    private void onPause() {
        training.pause();
    }

    @FXML
    private void onResume() {
        training.resume();
    }

    @FXML
    private void onStop() {
        training.stop();
    }

    @FXML
    private void onSave() {
        saveCheckpointDialog();
    }

    @FXML
    private void onLowerLr() {
        training.divergence.resumeAtLowerLr();
    }

    /** The divergence choice (stop or pause) and the offer to go on at a lower learning rate. */
    private void divergenceControls() {
        pauseOnDivergenceCheck.selectedProperty().bindBidirectional(training.divergence.pauseRun);
        pauseOnDivergenceCheck.setTooltip(new javafx.scene.control.Tooltip("When the loss stops being finite, goes above"
                + " ln 256 + 1 or stays far above its recent median, pause so you can look (Resume goes on anyway)"
                + " instead of stopping the run. A loss that is not finite always stops."));
        lowerLrButton.textProperty().bind(training.divergence.lowerLrAction());
        lowerLrButton.visibleProperty().bind(training.divergence.lowerLrAction().isNotEmpty());
        lowerLrButton.managedProperty().bind(lowerLrButton.visibleProperty());
    }

    @FXML
    private void onReload() {
        training.checkpoints.reloadLast();
    }

    @FXML
    private void onResetZoom() {
        resetZoom();
    }

    @FXML
    private void onClearRuns() {
        training.history.clearPrevious();
    }

    @FXML
    private void onReplay() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Replay text for fine-tuning (cancel to turn replay off)");
        File f = fc.showOpenDialog(root.getScene().getWindow());
        training.replayFile.set(f == null ? null : f.toPath());
    }

    @FXML
    private void onExportPng() {
        exportPngDialog();
    }

    @FXML
    private void onExportCsv() {
        exportCsvDialog();
    }

    // the dialogs behind this page's buttons and the File menu's items

    /** Asks where to save the current weights (with optimizer state) and saves them there. */
    public void saveCheckpointDialog() {
        if (training.resumePoint.get() == null && !training.active().get()) {
            session.message.set("Nothing to save yet: train or open a checkpoint first");
            return;
        }
        File f = saveDialog("Save checkpoint (writes NAME.json and NAME.bin)", "model", null);
        if (f != null) training.checkpoints.save(f.toPath());
    }

    /** Asks for a file and writes the chart, as shown, to it. */
    public void exportPngDialog() {
        File f = saveDialog("Export chart as PNG", "loss.png", new FileChooser.ExtensionFilter("PNG image", "*.png"));
        if (f != null) exportPng(f.toPath());
    }

    /** Asks for a file and writes every run's full metrics to it. */
    public void exportCsvDialog() {
        if (training.history.runs().isEmpty()) {
            session.message.set("No metrics yet: train first");
            return;
        }
        File f = saveDialog("Export metrics as CSV", "metrics.csv", new FileChooser.ExtensionFilter("CSV", "*.csv"));
        if (f != null) exportCsv(f.toPath());
    }

    private File saveDialog(String title, String initialName, FileChooser.ExtensionFilter filter) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.setInitialFileName(initialName);
        if (filter != null) fc.getExtensionFilters().add(filter);
        return fc.showSaveDialog(root.getScene() == null ? null : root.getScene().getWindow());
    }

    /** Writes the chart as it is shown to a PNG file (encoded in the background). */
    public BackgroundTask<Path> exportPng(Path file) {
        WritableImage img = chartStack.snapshot(null, null);
        return BackgroundTask.wrap(() -> {
            ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", file.toFile());
            return file;
        }).onSuccess(f -> session.message.set("Exported chart to " + f))
                .onFailure(e -> session.message.set("Cannot export chart to " + file + ": " + e.getMessage()))
                .executeWith(executor);
    }

    /** Writes every run's full metrics to a CSV file (in the background). */
    public BackgroundTask<Path> exportCsv(Path file) {
        return training.history.exportCsv(file, f -> session.message.set("Exported metrics to " + f),
                e -> session.message.set("Cannot export metrics to " + file + ": " + e.getMessage()));
    }
}
