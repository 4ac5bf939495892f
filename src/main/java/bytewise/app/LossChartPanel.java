package bytewise.app;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.embed.swing.SwingFXUtils;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import javax.imageio.ImageIO;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The Training page's loss-chart card (LossChartPanel.fxml, included by TrainingView.fxml): the
 * axis, smoothing and log-scale controls, the {@link LossChart}, the legend with its hidden runs,
 * and the chart's PNG/CSV export. Its own controller because the chart's redraw (throttled to
 * {@link #REDRAW_HZ} a second, from downsampled {@link ChartData}) is apart from the run's controls.
 */
public final class LossChartPanel {
    /** Once a second: each canvas repaint costs ~11 ms of software rendering, taken from training on 2 cores. */
    static final int REDRAW_HZ = 1;
    static final String[] PALETTE = {"#2f81f7", "#e5534b", "#3fb950", "#d29922", "#a371f7", "#db61a2", "#39c5cf", "#8b949e"};
    /** Each run's validation colour: distinct from its training colour (and dashed, with dots). */
    static final String[] VAL_PALETTE = {"#f0883e", "#1b7c83", "#8250df", "#0969da", "#bf8700", "#2da44e", "#cf222e", "#57606a"};

    @FXML private ComboBox<ChartData.X> xCombo;
    @FXML private ComboBox<ChartData.Y> yCombo;
    @FXML private ToggleButton logToggle;
    @FXML private Slider smoothSlider;
    @FXML private StackPane chartStack;
    @FXML private LossChart chart;
    @FXML private FlowPane runsPane;
    @FXML private Button clearRunsButton;
    @FXML private MenuItem csvItem;

    private Session session;
    private TrainingViewModel training;
    private TaskExecutor executor;
    private final Set<RunData> hidden = new HashSet<>();
    private FxThrottle redrawThrottle;
    private boolean chartStale;

    /** Called by {@link TrainingView#init} once the page is loaded. */
    void init(Session session, TrainingViewModel training, TaskExecutor executor) {
        this.session = session;
        this.training = training;
        this.executor = executor;
        redrawThrottle = new FxThrottle(executor, REDRAW_HZ, this::redraw);
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
        training.history.runs().addListener((ListChangeListener<RunData>) c -> {
            rebuildRunToggles();
            redraw();
        });
        training.state().addListener((o, a, s) -> redraw());
        chart.setOnMessage(session.message::set);
        chart.sceneProperty().addListener((o, a, scene) -> {
            if (scene != null && chartStale) {
                chartStale = false;
                redraw();
            }
        });
        rebuildRunToggles();
        redraw();
    }

    private static <T> StringConverter<T> converter(Function<T, String> f) {
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

    /** Redraws now, or soon if the last redraw was less than 1/{@link #REDRAW_HZ} s ago. */
    private void requestRedraw() {
        if (chart.getScene() == null) { // another page is showing: redraw when this one comes back
            chartStale = true;
            return;
        }
        redrawThrottle.request();
    }

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
                    ChartData.train(r, x, y, log, smooth, TrainingView.MAX_POINTS),
                    ChartData.validation(r, x, y, log, TrainingView.MAX_POINTS), ChartData.overfit(r, x, y, log)));
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
        box.setAlignment(Pos.CENTER);
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

    @FXML
    private void onResetZoom() {
        resetZoom();
    }

    @FXML
    private void onClearRuns() {
        training.history.clearPrevious();
    }

    @FXML
    private void onExportPng() {
        exportPngDialog();
    }

    @FXML
    private void onExportCsv() {
        exportCsvDialog();
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
        fc.getExtensionFilters().add(filter);
        return fc.showSaveDialog(chart.getScene() == null ? null : chart.getScene().getWindow());
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
