package bytewise.app;

import bytewise.io.Workspace;
import bytewise.train.TrainConfig;

import javafx.beans.binding.Bindings;
import javafx.embed.swing.SwingFXUtils;
import javafx.fxml.FXML;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Training page: run controls, the live loss chart (overlaid runs, smoothing, log scale,
 * perplexity, drag-to-zoom, hover values, PNG/CSV export), progress figures, the learning-rate
 * schedule, a sample refreshed at each evaluation, and run options. The run itself lives in
 * {@link TrainingService}; the chart redraws at most {@link #REDRAW_HZ} times a second from
 * downsampled data ({@link ChartData}).
 */
public final class TrainingView implements SessionAware {
    public static final int MAX_POINTS = 600; // about one point per pixel column of the plot
    /** Once a second: each canvas repaint costs ~11 ms of software rendering, taken from training on 2 cores. */
    static final int REDRAW_HZ = 1;
    static final String[] PALETTE = {"#2f81f7", "#e5534b", "#3fb950", "#d29922", "#a371f7", "#db61a2", "#39c5cf", "#8b949e"};

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
    @FXML private CheckBox continueCheck;

    private Session session;
    private TrainingService service;
    private final Set<RunData> hidden = new HashSet<>();
    private final FxThrottle redrawThrottle = new FxThrottle(REDRAW_HZ, this::redraw);

    @Override
    public void init(Session session) {
        this.session = session;
        service = TrainingService.of(session);
        LiveScroll.uncache(sideScroll);

        trainButton.disableProperty().bind(service.canTrain.not());
        pauseButton.disableProperty().bind(service.canPause.not());
        resumeButton.disableProperty().bind(service.canResume.not());
        stopButton.disableProperty().bind(service.canStop.not());
        saveButton.disableProperty().bind(service.resumePoint.isNull().and(service.active.not()));
        trainButton.setTooltip(new Tooltip("Start training (Ctrl+Enter or F5)"));

        blockedLabel.textProperty().bind(session.trainBlockedReason.map(r -> "Train is disabled: " + r));
        blockedLabel.visibleProperty().bind(session.trainBlockedReason.isNotEmpty().and(service.active.not()));
        blockedLabel.managedProperty().bind(blockedLabel.visibleProperty());
        alertLabel.textProperty().bind(service.alert);
        alertBox.visibleProperty().bind(service.alert.isNotEmpty());
        alertBox.managedProperty().bind(alertBox.visibleProperty());
        reloadButton.visibleProperty().bind(service.lastCheckpoint.isNotNull());
        reloadButton.managedProperty().bind(reloadButton.visibleProperty());
        overfitLabel.textProperty().bind(service.overfitNotice);
        overfitLabel.visibleProperty().bind(service.overfitNotice.isNotEmpty());
        overfitLabel.managedProperty().bind(overfitLabel.visibleProperty());

        progressBar.progressProperty().bind(service.progress);
        progressLabel.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%s · %,d / %,d",
                session.runState.get(), session.runStep.get(), session.runTotalSteps.get()),
                session.runState, session.runStep, session.runTotalSteps));
        stepLabel.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%,d / %,d",
                session.runStep.get(), session.runTotalSteps.get()), session.runStep, session.runTotalSteps));
        tpsLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(session.tokensPerSecond.get(), "%,.0f"),
                session.tokensPerSecond));
        etaLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.duration(
                session.etaSeconds.get()), session.etaSeconds));
        lossLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(service.trainLoss.get(), "%.4f"), service.trainLoss));
        valLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(service.valLoss.get(), "%.4f"), service.valLoss));
        pplLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(Math.exp(service.valLoss.get()), "%.2f"),
                service.valLoss));
        gradLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(service.gradNorm.get(), "%.3f"), service.gradNorm));
        lrLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(service.lr.get(), "%.2e"), service.lr));
        sampleArea.textProperty().bind(service.sample);
        sampleArea.setPromptText("A short sample appears here at each evaluation.");
        sampleTitle.textProperty().bind(Bindings.createStringBinding(() -> service.sampleStep.get() < 0 ? "Sample"
                : "Sample at step " + service.sampleStep.get(), service.sampleStep));

        autosaveSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 1_000_000,
                service.autosaveEvery.get(), 100));
        autosaveSpinner.valueProperty().addListener((o, a, v) -> service.autosaveEvery.set(v == null ? 0 : v));
        service.autosaveEvery.addListener((o, a, v) -> {
            if (!v.equals(autosaveSpinner.getValue())) autosaveSpinner.getValueFactory().setValue(v.intValue());
        });
        autosaveSpinner.setTooltip(new Tooltip("Write a checkpoint into " + Workspace.root().resolve("runs")
                + "/<time>-<preset>/ every this many steps (0 = off)."));
        continueCheck.selectedProperty().bindBidirectional(service.continueTraining);
        continueCheck.disableProperty().bind(service.resumePoint.isNull().or(service.active));
        continueCheck.textProperty().bind(Bindings.createStringBinding(() -> service.resumePoint.get() == null
                ? "Continue from loaded / last weights"
                : "Continue from step " + service.resumePoint.get().state().step(), service.resumePoint));
        replayLabel.textProperty().bind(Bindings.createStringBinding(() -> service.replayFile.get() == null
                ? "none (replay off)" : service.replayFile.get().getFileName().toString(), service.replayFile));
        replaySlider.valueProperty().bindBidirectional(service.replayFraction);
        replaySlider.disableProperty().bind(service.replayFile.isNull());
        replaySlider.setTooltip(new Tooltip("Share of every batch drawn from the replay file, so fine-tuning does not"
                + " erase what the model learned from it."));
        replayFractionLabel.textProperty().bind(service.replayFraction.multiply(100).asString(Locale.ROOT, "%.0f%%"));

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
        csvItem.disableProperty().bind(Bindings.isEmpty(service.runs));
        clearRunsButton.disableProperty().bind(Bindings.size(service.runs).lessThan(2).or(service.active));

        service.dataVersion.addListener((o, a, b) -> requestRedraw());
        service.runs.addListener((javafx.collections.ListChangeListener<RunData>) c -> {
            rebuildRunToggles();
            redraw();
        });
        service.state.addListener((o, a, s) -> {
            redraw();
            drawSchedule();
        });
        session.runStep.addListener((o, a, b) -> placeScheduleMarker());
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
        for (RunData r : service.runs) {
            if (hidden.contains(r)) continue;
            curves.add(new LossChart.Curve(r.name, Color.web(PALETTE[r.colorIndex % PALETTE.length]),
                    ChartData.train(r, x, y, log, smooth, MAX_POINTS), ChartData.validation(r, x, y, log, MAX_POINTS),
                    ChartData.overfit(r, x, y, log)));
        }
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
        hidden.retainAll(service.runs);
        for (RunData r : service.runs) {
            CheckBox cb = new CheckBox(r.name);
            cb.setSelected(!hidden.contains(r));
            Region swatch = new Region();
            swatch.setMinSize(14, 4);
            swatch.setMaxSize(14, 4);
            swatch.setStyle("-fx-background-color: " + PALETTE[r.colorIndex % PALETTE.length] + ";");
            cb.setGraphic(swatch);
            cb.selectedProperty().addListener((o, a, on) -> {
                if (on) hidden.remove(r);
                else hidden.add(r);
                redraw();
            });
            runsPane.getChildren().add(cb);
        }
        if (service.runs.isEmpty()) runsPane.getChildren().add(new Label("No runs yet: press Train."));
    }

    /** Shows only [x0, x1] × [y0, y1] (data units). */
    public void zoom(double x0, double x1, double y0, double y1) {
        chart.zoom(x0, x1, y0, y1);
    }

    public void resetZoom() {
        chart.resetZoom();
    }

    // ------------------------------------------------------------------ learning-rate schedule

    private TrainConfig scheduleShown; // what lrCanvas holds, so a new step only moves the marker
    private double schedulePeak;

    /** The schedule of the run (or of the settings when idle) on lrCanvas, redrawn only when it changes. */
    private void drawSchedule() {
        RunData r = service.current.get();
        TrainConfig tc = service.active.get() && r != null ? r.config
                : session.settings.get() != null ? session.settings.get().training() : null;
        if (tc != null && tc.steps() <= 0) tc = null;
        if (!Objects.equals(tc, scheduleShown)) {
            scheduleShown = tc;
            schedulePeak = paintSchedule(tc);
        }
        placeScheduleMarker();
    }

    private static final double LR_PAD = 4, LR_TOP = 20;

    /** Draws the schedule's curve and returns its peak (0 when there is nothing to draw). */
    private double paintSchedule(TrainConfig tc) {
        GraphicsContext g = lrCanvas.getGraphicsContext2D();
        double w = lrCanvas.getWidth(), h = lrCanvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (tc == null) return 0;
        int n = Math.min(200, tc.steps());
        double max = 0;
        double[] v = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            v[i] = tc.learningRate((long) ((double) i / n * Math.max(0, tc.steps() - 1)));
            max = Math.max(max, v[i]);
        }
        if (max <= 0) return 0;
        g.setStroke(Color.gray(0.6, 0.6));
        g.setLineWidth(1);
        g.strokeLine(LR_PAD, h - LR_PAD, w - LR_PAD, h - LR_PAD);
        g.setStroke(Color.web("#2f81f7"));
        g.setLineWidth(1.5);
        g.beginPath();
        for (int i = 0; i <= n; i++) {
            double px = LR_PAD + (w - 2 * LR_PAD) * i / n, py = h - LR_PAD - (h - LR_PAD - LR_TOP) * v[i] / max;
            if (i == 0) g.moveTo(px, py);
            else g.lineTo(px, py);
        }
        g.stroke();
        g.setFill(Color.gray(0.5));
        g.setFont(javafx.scene.text.Font.font(10));
        g.fillText(String.format(Locale.ROOT, "learning-rate schedule (peak %.1e)", max), LR_PAD, 10);
        return max;
    }

    /** The current step's point on the curve: a node moved over the canvas, not a repaint of it. */
    private void placeScheduleMarker() {
        TrainConfig tc = scheduleShown;
        long step = session.runStep.get();
        boolean show = tc != null && schedulePeak > 0 && step > 0 && step <= tc.steps();
        lrMarker.setVisible(show);
        if (!show) return;
        double w = lrCanvas.getWidth(), h = lrCanvas.getHeight();
        lrMarker.setCenterX(LR_PAD + (w - 2 * LR_PAD) * (step - 1) / Math.max(1, tc.steps() - 1));
        lrMarker.setCenterY(h - LR_PAD - (h - LR_PAD - LR_TOP) * tc.learningRate(step - 1) / schedulePeak);
    }

    /** Where the schedule marker is, in lrCanvas coordinates, or null when hidden (tests use it). */
    Point2D scheduleMarker() {
        return lrMarker.isVisible() ? new Point2D(lrMarker.getCenterX(), lrMarker.getCenterY()) : null;
    }

    // ------------------------------------------------------------------ actions

    @FXML
    private void onTrain() {
        service.train();
    }

    @FXML
    private void onPause() {
        service.pause();
    }

    @FXML
    private void onResume() {
        service.resume();
    }

    @FXML
    private void onStop() {
        service.stop();
    }

    @FXML
    private void onSave() {
        saveCheckpointDialog();
    }

    @FXML
    private void onReload() {
        service.reloadLastCheckpoint();
    }

    @FXML
    private void onResetZoom() {
        resetZoom();
    }

    @FXML
    private void onClearRuns() {
        service.clearPreviousRuns();
    }

    @FXML
    private void onReplay() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Replay text for fine-tuning (cancel to turn replay off)");
        File f = fc.showOpenDialog(root.getScene().getWindow());
        service.replayFile.set(f == null ? null : f.toPath());
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
        if (service.resumePoint.get() == null && !service.active.get()) {
            session.message.set("Nothing to save yet: train or open a checkpoint first");
            return;
        }
        File f = saveDialog("Save checkpoint (writes NAME.json and NAME.bin)", "model", null);
        if (f != null) service.saveCheckpoint(f.toPath());
    }

    /** Asks for a file and writes the chart, as shown, to it. */
    public void exportPngDialog() {
        File f = saveDialog("Export chart as PNG", "loss.png", new FileChooser.ExtensionFilter("PNG image", "*.png"));
        if (f != null) exportPng(f.toPath());
    }

    /** Asks for a file and writes every run's full metrics to it. */
    public void exportCsvDialog() {
        if (service.runs.isEmpty()) {
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

    /** Writes the chart as it is shown to a PNG file. */
    public boolean exportPng(Path file) {
        try {
            WritableImage img = chartStack.snapshot(null, null);
            ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", file.toFile());
            session.message.set("Exported chart to " + file);
            return true;
        } catch (IOException | RuntimeException e) {
            session.message.set("Cannot export chart to " + file + ": " + e.getMessage());
            return false;
        }
    }

    /** Writes every run's full metrics to a CSV file. */
    public boolean exportCsv(Path file) {
        try {
            service.exportCsv(file);
            session.message.set("Exported metrics to " + file);
            return true;
        } catch (IOException e) {
            session.message.set("Cannot export metrics to " + file + ": " + e.getMessage());
            return false;
        }
    }
}
