package bytewise.app;

import javafx.beans.binding.Bindings;
import javafx.embed.swing.SwingFXUtils;
import javafx.fxml.FXML;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Rectangle;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import javax.imageio.ImageIO;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    static final int REDRAW_HZ = 2;
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
    @FXML private LineChart<Number, Number> chart;
    @FXML private NumberAxis xAxis, yAxis;
    @FXML private Pane overlay;
    @FXML private FlowPane runsPane;
    @FXML private Canvas lrCanvas;
    @FXML private TextArea sampleArea;
    @FXML private Spinner<Integer> autosaveSpinner;
    @FXML private CheckBox continueCheck;

    private Session session;
    private TrainingService service;
    private final Map<RunData, RunSeries> seriesOf = new HashMap<>();
    private final Set<RunData> hidden = new HashSet<>();
    private final FxThrottle redrawThrottle = new FxThrottle(REDRAW_HZ, this::redraw);
    private final Rectangle zoomRect = new Rectangle();
    private final Label hover = new Label();
    private Point2D dragStart;
    /** What the hover tooltip can show: each visible run's drawn points. */
    private record Shown(String name, ChartData.Points train, ChartData.Points val) {}

    private final List<Shown> shown = new ArrayList<>();

    /** The chart series of one run. */
    private static final class RunSeries {
        final XYChart.Series<Number, Number> train = new XYChart.Series<>();
        final XYChart.Series<Number, Number> val = new XYChart.Series<>();
        final XYChart.Series<Number, Number> marks = new XYChart.Series<>();
    }

    @Override
    public void init(Session session) {
        this.session = session;
        service = TrainingService.of(session);

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
        tpsLabel.textProperty().bind(Bindings.createStringBinding(() -> num(session.tokensPerSecond.get(), "%,.0f"),
                session.tokensPerSecond));
        etaLabel.textProperty().bind(Bindings.createStringBinding(() -> HyperparametersViewModel.duration(
                session.etaSeconds.get()), session.etaSeconds));
        lossLabel.textProperty().bind(Bindings.createStringBinding(() -> num(service.trainLoss.get(), "%.4f"), service.trainLoss));
        valLabel.textProperty().bind(Bindings.createStringBinding(() -> num(service.valLoss.get(), "%.4f"), service.valLoss));
        pplLabel.textProperty().bind(Bindings.createStringBinding(() -> num(Math.exp(service.valLoss.get()), "%.2f"),
                service.valLoss));
        gradLabel.textProperty().bind(Bindings.createStringBinding(() -> num(service.gradNorm.get(), "%.3f"), service.gradNorm));
        lrLabel.textProperty().bind(Bindings.createStringBinding(() -> num(service.lr.get(), "%.2e"), service.lr));
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
        session.runStep.addListener((o, a, b) -> drawSchedule());
        session.settings.addListener((o, a, b) -> drawSchedule());
        chart.getStyleClass().add("loss-chart");
        setupZoomAndHover();
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

    private static String num(double v, String fmt) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "—";
    }

    // ------------------------------------------------------------------ chart

    /** Redraws now, or soon if the last redraw was less than 1/{@link #REDRAW_HZ} s ago. */
    private void requestRedraw() {
        redrawThrottle.request();
    }

    void redraw() {
        ChartData.X x = xCombo.getValue();
        ChartData.Y y = yCombo.getValue();
        boolean log = logToggle.isSelected();
        double smooth = smoothSlider.getValue();
        xAxis.setLabel(x.label);
        yAxis.setLabel(ChartData.yLabel(y, log));
        seriesOf.keySet().retainAll(service.runs);
        List<XYChart.Series<Number, Number>> wanted = new ArrayList<>();
        shown.clear();
        for (RunData r : service.runs) {
            if (hidden.contains(r)) continue;
            RunSeries s = seriesOf.computeIfAbsent(r, k -> new RunSeries());
            ChartData.Points t = ChartData.train(r, x, y, log, smooth, MAX_POINTS);
            ChartData.Points v = ChartData.validation(r, x, y, log, MAX_POINTS);
            ChartData.Points m = ChartData.overfit(r, x, y, log);
            s.train.setName(r.name + " train");
            s.val.setName(r.name + " validation");
            s.marks.setName(r.name + " overfitting");
            s.train.getData().setAll(points(t, null));
            String color = PALETTE[r.colorIndex % PALETTE.length];
            s.val.getData().setAll(points(v, () -> {
                Circle c = new Circle(3.2, Color.web(color));
                c.setStroke(Color.WHITE);
                c.setStrokeWidth(1);
                return c;
            }));
            s.marks.getData().setAll(points(m, () -> {
                Polygon tri = new Polygon(0, -9, 7, 5, -7, 5);
                tri.setFill(Color.web("#d1242f"));
                tri.setStroke(Color.WHITE);
                Tooltip.install(tri, new Tooltip("Overfitting detected here: validation loss rose "
                        + RunData.OVERFIT_RISES + " evaluations in a row while training loss fell"));
                return tri;
            }));
            wanted.add(s.train);
            wanted.add(s.val);
            if (m.size() > 0) wanted.add(s.marks);
            shown.add(new Shown(r.name, t, v));
        }
        if (!chart.getData().equals(wanted)) chart.getData().setAll(wanted);
        for (RunData r : service.runs) {
            RunSeries s = seriesOf.get(r);
            if (s == null || hidden.contains(r)) continue;
            String color = PALETTE[r.colorIndex % PALETTE.length];
            style(s.train, "-fx-stroke: " + color + "; -fx-stroke-width: 1.8px;");
            style(s.val, "-fx-stroke: " + color + "; -fx-stroke-width: 1.6px; -fx-stroke-dash-array: 6 4;");
            style(s.marks, "-fx-stroke: transparent;");
        }
    }

    private static void style(XYChart.Series<Number, Number> s, String css) {
        Node n = s.getNode();
        if (n != null) n.setStyle(css);
    }

    private static List<XYChart.Data<Number, Number>> points(ChartData.Points p, java.util.function.Supplier<Node> symbol) {
        List<XYChart.Data<Number, Number>> out = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            XYChart.Data<Number, Number> d = new XYChart.Data<>(p.xs()[i], p.ys()[i]);
            if (symbol != null) d.setNode(symbol.get());
            out.add(d);
        }
        return out;
    }

    /** Number of points currently drawn in the chart (tests use it). */
    public int displayedPoints() {
        int n = 0;
        for (XYChart.Series<Number, Number> s : chart.getData()) n += s.getData().size();
        return n;
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

    private void setupZoomAndHover() {
        zoomRect.getStyleClass().add("zoom-rect");
        zoomRect.setManaged(false);
        zoomRect.setVisible(false);
        hover.getStyleClass().add("chart-hover");
        hover.setManaged(false);
        hover.setVisible(false);
        Circle dot = new Circle(4);
        dot.getStyleClass().add("chart-hover-dot");
        dot.setManaged(false);
        dot.setVisible(false);
        overlay.getChildren().addAll(zoomRect, dot, hover);
        chart.setOnMousePressed(e -> {
            if (e.getClickCount() == 2) {
                resetZoom();
                return;
            }
            dragStart = inPlot(e.getSceneX(), e.getSceneY()) ? overlay.sceneToLocal(e.getSceneX(), e.getSceneY()) : null;
        });
        chart.setOnMouseDragged(e -> {
            if (dragStart == null) return;
            Point2D p = overlay.sceneToLocal(e.getSceneX(), e.getSceneY());
            zoomRect.setX(Math.min(p.getX(), dragStart.getX()));
            zoomRect.setY(Math.min(p.getY(), dragStart.getY()));
            zoomRect.setWidth(Math.abs(p.getX() - dragStart.getX()));
            zoomRect.setHeight(Math.abs(p.getY() - dragStart.getY()));
            zoomRect.setVisible(true);
        });
        chart.setOnMouseReleased(e -> {
            if (dragStart == null) return;
            zoomRect.setVisible(false);
            Point2D a = overlay.localToScene(dragStart);
            dragStart = null;
            if (Math.abs(e.getSceneX() - a.getX()) < 6 || Math.abs(e.getSceneY() - a.getY()) < 6) return;
            zoomTo(a.getX(), a.getY(), e.getSceneX(), e.getSceneY());
        });
        chart.setOnMouseMoved(e -> {
            if (shown.isEmpty() || !inPlot(e.getSceneX(), e.getSceneY())) {
                hover.setVisible(false);
                dot.setVisible(false);
                return;
            }
            double xv = xAxis.getValueForDisplay(xAxis.sceneToLocal(e.getSceneX(), e.getSceneY()).getX()).doubleValue();
            double my = yAxis.sceneToLocal(e.getSceneX(), e.getSceneY()).getY();
            // the run whose training curve passes closest to the pointer
            Shown best = null;
            int bestI = -1;
            double bestD = Double.MAX_VALUE;
            for (Shown sh : shown) {
                ChartData.Points t = sh.train();
                if (t.size() == 0) continue;
                int i = nearest(t.xs(), xv);
                double dx = Math.abs(xAxis.getDisplayPosition(t.xs()[i]) - xAxis.getDisplayPosition(xv));
                double d = dx + Math.abs(yAxis.getDisplayPosition(t.ys()[i]) - my);
                if (d < bestD) {
                    bestD = d;
                    best = sh;
                    bestI = i;
                }
            }
            if (best == null) {
                hover.setVisible(false);
                dot.setVisible(false);
                return;
            }
            ChartData.Points t = best.train();
            int i = bestI;
            ChartData.X xm = xCombo.getValue();
            StringBuilder sb = new StringBuilder(best.name()).append(String.format(Locale.ROOT, "\n%s %s\ntrain %s",
                    xm == ChartData.X.TIME ? "t =" : xm.label, fmtX(t.xs()[i], xm), fmtY(t.ys()[i])));
            ChartData.Points v = best.val();
            if (v != null && v.size() > 0) {
                int j = nearest(v.xs(), xv);
                sb.append(String.format(Locale.ROOT, "\nvalidation %s (at %s)", fmtY(v.ys()[j]), fmtX(v.xs()[j], xm)));
            }
            hover.setText(sb.toString());
            Point2D px = overlay.sceneToLocal(xAxis.localToScene(xAxis.getDisplayPosition(t.xs()[i]), 0));
            Point2D py = overlay.sceneToLocal(yAxis.localToScene(0, yAxis.getDisplayPosition(t.ys()[i])));
            dot.setCenterX(px.getX());
            dot.setCenterY(py.getY());
            dot.setVisible(true);
            hover.autosize();
            Point2D m = overlay.sceneToLocal(e.getSceneX(), e.getSceneY());
            double hx = m.getX() + 14, hy = m.getY() + 10;
            if (hx + hover.getWidth() > overlay.getWidth()) hx = m.getX() - hover.getWidth() - 14;
            if (hy + hover.getHeight() > overlay.getHeight()) hy = m.getY() - hover.getHeight() - 10;
            hover.relocate(hx, hy);
            hover.setVisible(true);
        });
        chart.setOnMouseExited(e -> {
            hover.setVisible(false);
            dot.setVisible(false);
        });
    }

    private String fmtX(double v, ChartData.X x) {
        return x == ChartData.X.TIME ? String.format(Locale.ROOT, "%.1f s", v) : String.format(Locale.ROOT, "%,.0f", v);
    }

    private String fmtY(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static int nearest(double[] xs, double x) {
        int lo = 0, hi = xs.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (xs[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        if (lo > 0 && Math.abs(xs[lo - 1] - x) < Math.abs(xs[lo] - x)) lo--;
        return lo;
    }

    private boolean inPlot(double sx, double sy) {
        Node plot = chart.lookup(".chart-plot-background");
        if (plot == null) return false;
        Bounds b = plot.localToScene(plot.getBoundsInLocal());
        return b.contains(sx, sy);
    }

    private void zoomTo(double sx1, double sy1, double sx2, double sy2) {
        double x1 = xAxis.getValueForDisplay(xAxis.sceneToLocal(sx1, sy1).getX()).doubleValue();
        double x2 = xAxis.getValueForDisplay(xAxis.sceneToLocal(sx2, sy2).getX()).doubleValue();
        double y1 = yAxis.getValueForDisplay(yAxis.sceneToLocal(sx1, sy1).getY()).doubleValue();
        double y2 = yAxis.getValueForDisplay(yAxis.sceneToLocal(sx2, sy2).getY()).doubleValue();
        zoom(Math.min(x1, x2), Math.max(x1, x2), Math.min(y1, y2), Math.max(y1, y2));
    }

    /** Shows only [x0, x1] × [y0, y1] (data units). */
    public void zoom(double x0, double x1, double y0, double y1) {
        if (!(x1 > x0) || !(y1 > y0)) return;
        xAxis.setAutoRanging(false);
        yAxis.setAutoRanging(false);
        xAxis.setLowerBound(x0);
        xAxis.setUpperBound(x1);
        xAxis.setTickUnit(niceTick(x1 - x0));
        yAxis.setLowerBound(y0);
        yAxis.setUpperBound(y1);
        yAxis.setTickUnit(niceTick(y1 - y0));
        session.message.set("Zoomed; double-click the chart or press Reset zoom to see everything");
    }

    private static double niceTick(double range) {
        double raw = range / 8, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    }

    public void resetZoom() {
        xAxis.setAutoRanging(true);
        yAxis.setAutoRanging(true);
    }

    // ------------------------------------------------------------------ learning-rate schedule

    private void drawSchedule() {
        GraphicsContext g = lrCanvas.getGraphicsContext2D();
        double w = lrCanvas.getWidth(), h = lrCanvas.getHeight();
        g.clearRect(0, 0, w, h);
        RunData r = service.current.get();
        bytewise.train.TrainConfig tc = service.active.get() && r != null ? r.config
                : session.settings.get() != null ? session.settings.get().training() : null;
        if (tc == null || tc.steps() <= 0) return;
        int n = Math.min(200, tc.steps());
        double max = 0;
        double[] v = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            v[i] = tc.learningRate((long) ((double) i / n * Math.max(0, tc.steps() - 1)));
            max = Math.max(max, v[i]);
        }
        if (max <= 0) return;
        double pad = 4, top = 20;
        Color line = Color.web("#2f81f7");
        g.setStroke(Color.gray(0.6, 0.6));
        g.setLineWidth(1);
        g.strokeLine(pad, h - pad, w - pad, h - pad);
        g.setStroke(line);
        g.setLineWidth(1.5);
        g.beginPath();
        for (int i = 0; i <= n; i++) {
            double px = pad + (w - 2 * pad) * i / n, py = h - pad - (h - pad - top) * v[i] / max;
            if (i == 0) g.moveTo(px, py);
            else g.lineTo(px, py);
        }
        g.stroke();
        g.setFill(Color.gray(0.5));
        g.setFont(javafx.scene.text.Font.font(10));
        g.fillText(String.format(Locale.ROOT, "learning-rate schedule (peak %.1e)", max), pad, 10);
        long step = session.runStep.get();
        if (step > 0 && step <= tc.steps()) {
            double cur = tc.learningRate(step - 1);
            double px = pad + (w - 2 * pad) * (step - 1) / Math.max(1, tc.steps() - 1);
            double py = h - pad - (h - pad - top) * cur / max;
            g.setFill(Color.web("#e5534b"));
            g.fillOval(px - 4, py - 4, 8, 8);
        }
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
        FileChooser fc = new FileChooser();
        fc.setTitle("Save checkpoint (writes NAME.json and NAME.bin)");
        fc.setInitialFileName("model");
        File f = fc.showSaveDialog(root.getScene().getWindow());
        if (f != null) service.saveCheckpoint(f.toPath());
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
        FileChooser fc = new FileChooser();
        fc.setTitle("Export chart as PNG");
        fc.setInitialFileName("loss.png");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        File f = fc.showSaveDialog(root.getScene().getWindow());
        if (f != null) exportPng(f.toPath());
    }

    @FXML
    private void onExportCsv() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Export metrics as CSV");
        fc.setInitialFileName("metrics.csv");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV", "*.csv"));
        File f = fc.showSaveDialog(root.getScene().getWindow());
        if (f != null) exportCsv(f.toPath());
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
