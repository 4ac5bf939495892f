package bytewise.app;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The training page's loss chart, drawn on one {@link Canvas}: each run's training curve (solid),
 * validation curve (dashed, with dots) and overfitting marks (triangles), axes with round ticks,
 * drag-to-zoom, double-click to reset, and a crosshair with a label of exact values on hover
 * ({@link ChartHover}); spike, divergence and validation marks are painted by {@link ChartMarkPainter}.
 *
 * <p>Why not {@code LineChart}: it makes a node per point and re-lays out the chart on every update.
 * On a 2-core machine that CPU comes straight out of training (see BENCHMARKS.md, "Studio versus
 * CLI"). Here a redraw is a few hundred line segments recorded on the FX thread (well under a
 * millisecond, no layout); rasterising them is the renderer's job. Colours come from the theme
 * through hidden styled labels, so light and dark both work.
 */
public final class LossChart extends Region {
    /** What one run contributes: its colour and the (already transformed, downsampled) points. */
    public record Curve(String name, Color color, Color valColor, ChartData.Points train, ChartData.Points val,
                        ChartData.Points marks) {
        /** Validation in the run's colour too (dashed, with dots). */
        public Curve(String name, Color color, ChartData.Points train, ChartData.Points val, ChartData.Points marks) {
            this(name, color, color, train, val, marks);
        }
    }

    private static final double LEFT = 62, RIGHT = 16, TOP = 12, BOTTOM = 44, TICK = 5;
    private static final Font TICK_FONT = Font.font(11), LABEL_FONT = Font.font(12);

    private final Canvas canvas = new Canvas();
    private final Rectangle zoomRect = new Rectangle();
    private final ChartHover hover = new ChartHover();
    private final ChartMarkPainter marks = new ChartMarkPainter(TICK_FONT);
    // theme colours, read from CSS (-color-fg-muted, -color-border-muted ...)
    private final ThemeColor textStyle = new ThemeColor("loss-chart-text", Color.gray(0.4));
    private final ThemeColor gridStyle = new ThemeColor("loss-chart-grid", Color.gray(0.88));
    private final ThemeColor axisStyle = new ThemeColor("loss-chart-axis", Color.gray(0.6));
    private final ThemeColor markStyle = new ThemeColor("loss-chart-mark", Color.web("#d1242f"));

    private List<Curve> curves = List.of();
    private String xLabel = "", yLabel = "";
    private boolean timeAxis;
    private double[] zoom; // x0, x1, y0, y1 or null for auto
    private PlotFrame frame = new PlotFrame(LEFT, TOP, 1, 1, 0, 1, 0, 1); // the plot area and range drawn last
    private Point2D dragStart;
    private Consumer<String> onMessage = s -> { };

    public LossChart() {
        getStyleClass().add("loss-chart");
        canvas.setManaged(false);
        zoomRect.getStyleClass().add("zoom-rect");
        List<Node> overlays = new ArrayList<>(List.of(zoomRect));
        overlays.addAll(hover.nodes());
        for (Node n : overlays) { // shown on demand
            n.setManaged(false);
            n.setVisible(false);
            n.setMouseTransparent(true);
        }
        getChildren().addAll(textStyle, gridStyle, axisStyle, markStyle, canvas);
        getChildren().addAll(overlays);
        for (ThemeColor l : List.of(textStyle, gridStyle, axisStyle, markStyle))
            l.textFillProperty().addListener((o, a, b) -> draw());
        setMinSize(200, 160);
        setPrefSize(600, 360);
        setupMouse();
    }

    /** Replaces what is drawn and redraws. */
    private double[] divergenceXs = new double[0];

    /** Marks where runs diverged (x on the current axis): a red dashed vertical line labelled "diverged". */
    public void setDivergenceMarks(double[] xs) {
        divergenceXs = xs == null ? new double[0] : xs.clone();
    }

    private ChartData.Spikes spikeMarks = new ChartData.Spikes(new double[0], new double[0], new long[0]);

    /**
     * Marks single-step loss spikes: a hollow triangle at the step's raw loss (kept inside the plot:
     * the smoothed curve can sit far below it), labelled with the step while there are few.
     */
    public void setSpikeMarks(ChartData.Spikes spikes) {
        spikeMarks = spikes;
    }

    /** The spike marks drawn (tests read them). */
    public ChartData.Spikes spikeMarks() {
        return spikeMarks;
    }

    /** The divergence marks drawn (tests read them). */
    public double[] divergenceMarks() {
        return divergenceXs.clone();
    }

    public void setCurves(List<Curve> curves, String xLabel, String yLabel, boolean timeAxis) {
        this.curves = List.copyOf(curves);
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.timeAxis = timeAxis;
        draw();
    }

    /** Where zoom hints go (the status bar). */
    public void setOnMessage(Consumer<String> onMessage) {
        this.onMessage = onMessage;
    }

    /** Shows only [x0, x1] × [y0, y1] (data units). */
    public void zoom(double x0, double x1, double y0, double y1) {
        if (!(x1 > x0) || !(y1 > y0) || !Double.isFinite(x1 - x0) || !Double.isFinite(y1 - y0)) return;
        zoom = new double[]{x0, x1, y0, y1};
        draw();
        onMessage.accept("Zoomed; double-click the chart or press Reset zoom to see everything");
    }

    public void resetZoom() {
        zoom = null;
        draw();
    }

    public boolean isZoomed() {
        return zoom != null;
    }

    /** The data range drawn: {x0, x1, y0, y1}. */
    public double[] range() {
        return new double[]{frame.x0(), frame.x1(), frame.y0(), frame.y1()};
    }

    /** Number of points currently drawn (train, validation and marks of every curve). */
    public int displayedPoints() {
        int n = 0;
        for (Curve c : curves) n += c.train().size() + c.val().size() + c.marks().size();
        return n;
    }

    /** The plot area (inside the axes) in this region's coordinates. */
    public javafx.geometry.Rectangle2D plotArea() {
        return new javafx.geometry.Rectangle2D(LEFT, TOP, Math.max(1, getWidth() - LEFT - RIGHT),
                Math.max(1, getHeight() - TOP - BOTTOM));
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth(), h = getHeight();
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            draw();
        }
    }

    // ------------------------------------------------------------------ drawing

    private double px(double x) {
        return frame.px(x);
    }

    private double py(double y) {
        return frame.py(y);
    }

    /** The plot area and the data range to show: the zoom, or every point with a margin. */
    private void computeRange() {
        var a = plotArea();
        if (zoom != null) {
            frame = new PlotFrame(a.getMinX(), a.getMinY(), a.getWidth(), a.getHeight(), zoom[0], zoom[1], zoom[2], zoom[3]);
            return;
        }
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (Curve c : curves) {
            for (ChartData.Points p : List.of(c.train(), c.val(), c.marks())) {
                for (int i = 0; i < p.size(); i++) {
                    xmin = Math.min(xmin, p.xs()[i]);
                    xmax = Math.max(xmax, p.xs()[i]);
                    ymin = Math.min(ymin, p.ys()[i]);
                    ymax = Math.max(ymax, p.ys()[i]);
                }
            }
        }
        if (!(xmax >= xmin)) {
            xmin = 0;
            xmax = 100;
        }
        if (!(ymax >= ymin)) {
            ymin = 0;
            ymax = 6;
        }
        if (xmax == xmin) xmax = xmin + 1;
        if (ymax == ymin) {
            ymin -= 0.5;
            ymax += 0.5;
        }
        double pad = (ymax - ymin) * 0.05;
        // x starts at a round value left of the data, y has a little room above and below
        double tx = ChartMarks.niceTick(xmax - xmin);
        frame = new PlotFrame(a.getMinX(), a.getMinY(), a.getWidth(), a.getHeight(), Math.floor(xmin / tx) * tx, xmax,
                ymin - pad, ymax + pad);
    }

    /** Redraws everything from {@link #curves}. */
    public void draw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h); // a full clear also drops the canvas's queued commands
        computeRange(); // also when too small to draw: hover and zoom map through it
        if (w < LEFT + RIGHT + 10 || h < TOP + BOTTOM + 10) return;
        var a = frame.area();
        double x0 = frame.x0(), x1 = frame.x1(), y0 = frame.y0(), y1 = frame.y1();
        Color text = textStyle.get(), grid = gridStyle.get(), axis = axisStyle.get(), mark = markStyle.get();

        // grid, ticks and axes as one-pixel rectangles: the software renderer fills those directly,
        // where a stroked line goes through the anti-aliasing rasteriser (a third of a redraw)
        g.setFont(TICK_FONT);
        double tx = ChartMarks.niceTick(x1 - x0), ty = ChartMarks.niceTick(y1 - y0);
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.CENTER);
        for (double v = Math.ceil(x0 / tx) * tx; v <= x1 + tx * 1e-9; v += tx) {
            double x = Math.round(px(v));
            g.setFill(grid);
            g.fillRect(x, a.getMinY(), 1, a.getHeight());
            g.setFill(axis);
            g.fillRect(x, a.getMaxY(), 1, TICK);
            g.setFill(text);
            g.fillText(ChartMarks.tickText(v, tx, timeAxis), x + 0.5, a.getMaxY() + TICK + 2);
        }
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        for (double v = Math.ceil(y0 / ty) * ty; v <= y1 + ty * 1e-9; v += ty) {
            double y = Math.round(py(v));
            g.setFill(grid);
            g.fillRect(a.getMinX(), y, a.getWidth(), 1);
            g.setFill(axis);
            g.fillRect(a.getMinX() - TICK, y, TICK, 1);
            g.setFill(text);
            g.fillText(ChartMarks.tickText(v, ty, false), a.getMinX() - TICK - 3, y + 0.5);
        }
        g.setFill(axis);
        g.fillRect(a.getMinX(), a.getMinY(), 1, a.getHeight() + 1);
        g.fillRect(a.getMinX(), a.getMaxY(), a.getWidth(), 1);

        // axis labels
        g.setFont(LABEL_FONT);
        g.setFill(text);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText(xLabel, a.getMinX() + a.getWidth() / 2, h - 4);
        g.save();
        g.translate(14, a.getMinY() + a.getHeight() / 2);
        g.rotate(-90);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(yLabel, 0, 0);
        g.restore();

        // curves, clipped to the plot
        g.save();
        g.beginPath();
        g.rect(a.getMinX(), a.getMinY(), a.getWidth(), a.getHeight());
        g.clip();
        for (Curve c : curves) {
            g.setStroke(c.color());
            g.setLineWidth(1.8);
            g.setLineDashes();
            polyline(g, c.train());
            g.setStroke(c.valColor());
            g.setLineWidth(1.6);
            g.setLineDashes(6, 4);
            polyline(g, c.val());
            g.setLineDashes();
            marks.validationDots(g, frame, c.val(), c.valColor());
            marks.overfitMarks(g, frame, c.marks(), mark);
        }
        marks.spikes(g, frame, spikeMarks, mark);
        marks.divergence(g, frame, divergenceXs, mark);
        g.restore();
    }

    private void polyline(GraphicsContext g, ChartData.Points p) {
        if (p.size() == 0) return;
        g.beginPath();
        g.moveTo(px(p.xs()[0]), py(p.ys()[0]));
        for (int i = 1; i < p.size(); i++) g.lineTo(px(p.xs()[i]), py(p.ys()[i]));
        g.stroke();
    }

    // ------------------------------------------------------------------ mouse: zoom and hover

    private boolean inPlot(double x, double y) {
        return plotArea().contains(x, y);
    }

    private void setupMouse() {
        setOnMousePressed(e -> {
            if (e.getClickCount() == 2) {
                resetZoom();
                return;
            }
            dragStart = inPlot(e.getX(), e.getY()) ? new Point2D(e.getX(), e.getY()) : null;
        });
        setOnMouseDragged(e -> {
            if (dragStart == null) return;
            var a = plotArea();
            double x = clamp(e.getX(), a.getMinX(), a.getMaxX()), y = clamp(e.getY(), a.getMinY(), a.getMaxY());
            zoomRect.setX(Math.min(x, dragStart.getX()));
            zoomRect.setY(Math.min(y, dragStart.getY()));
            zoomRect.setWidth(Math.abs(x - dragStart.getX()));
            zoomRect.setHeight(Math.abs(y - dragStart.getY()));
            zoomRect.setVisible(true);
            hover.hide();
        });
        setOnMouseReleased(e -> {
            if (dragStart == null) return;
            zoomRect.setVisible(false);
            Point2D s = dragStart;
            dragStart = null;
            var a = plotArea();
            double x = clamp(e.getX(), a.getMinX(), a.getMaxX()), y = clamp(e.getY(), a.getMinY(), a.getMaxY());
            if (Math.abs(x - s.getX()) < 6 || Math.abs(y - s.getY()) < 6) return;
            zoom(frame.valueX(Math.min(x, s.getX())), frame.valueX(Math.max(x, s.getX())),
                    frame.valueY(Math.max(y, s.getY())), frame.valueY(Math.min(y, s.getY())));
        });
        setOnMouseMoved(e -> showHover(e.getX(), e.getY()));
        setOnMouseExited(e -> hover.hide());
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Shows the exact values of the training point nearest the pointer (of the closest run). */
    void showHover(double mx, double my) {
        if (curves.isEmpty() || !inPlot(mx, my)) hover.hide();
        else hover.show(frame, plotArea(), curves, mx, my, timeAxis, xLabel, getWidth(), getHeight());
    }

    /** The hover label's text, or null when it is hidden (tests use it). */
    public String hoverText() {
        return hover.text();
    }

    /** Bounds of the plot area in scene coordinates (tests point the mouse there). */
    public Bounds plotSceneBounds() {
        var a = plotArea();
        return localToScene(new javafx.geometry.BoundingBox(a.getMinX(), a.getMinY(), a.getWidth(), a.getHeight()));
    }
}
