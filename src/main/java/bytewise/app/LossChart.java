package bytewise.app;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The training page's loss chart, drawn on one {@link Canvas}: each run's training curve (solid),
 * validation curve (dashed, with dots) and overfitting marks (triangles), axes with round ticks,
 * drag-to-zoom, double-click to reset, and a crosshair with a label of exact values on hover.
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
    private final Circle hoverDot = new Circle(4);
    private final javafx.scene.shape.Line crossX = new javafx.scene.shape.Line(), crossY = new javafx.scene.shape.Line();
    private final Label hover = new Label();
    // theme colours, read from CSS (-color-fg-muted, -color-border-muted ...) through these labels
    private final Label textStyle = styleProbe("loss-chart-text");
    private final Label gridStyle = styleProbe("loss-chart-grid");
    private final Label axisStyle = styleProbe("loss-chart-axis");
    private final Label markStyle = styleProbe("loss-chart-mark");

    private List<Curve> curves = List.of();
    private String xLabel = "", yLabel = "";
    private boolean timeAxis;
    private double[] zoom; // x0, x1, y0, y1 or null for auto
    private double x0, x1, y0, y1; // the range drawn last
    private double left, top, width, height; // the plot area, set with the range
    private Point2D dragStart;
    private Consumer<String> onMessage = s -> { };

    public LossChart() {
        getStyleClass().add("loss-chart");
        canvas.setManaged(false);
        zoomRect.getStyleClass().add("zoom-rect");
        hoverDot.getStyleClass().add("chart-hover-dot");
        crossX.getStyleClass().add("chart-crosshair");
        crossY.getStyleClass().add("chart-crosshair");
        hover.getStyleClass().add("chart-hover");
        for (javafx.scene.Node n : List.of(zoomRect, crossX, crossY, hoverDot, hover)) { // overlays, shown on demand
            n.setManaged(false);
            n.setVisible(false);
            n.setMouseTransparent(true);
        }
        getChildren().addAll(textStyle, gridStyle, axisStyle, markStyle, canvas, zoomRect, crossX, crossY, hoverDot, hover);
        for (Label l : List.of(textStyle, gridStyle, axisStyle, markStyle))
            l.textFillProperty().addListener((o, a, b) -> draw());
        setMinSize(200, 160);
        setPrefSize(600, 360);
        setupMouse();
    }

    private static Label styleProbe(String styleClass) {
        Label l = new Label();
        l.getStyleClass().add(styleClass);
        l.setManaged(false);
        l.setOpacity(0);
        l.setMouseTransparent(true);
        return l;
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
        return new double[]{x0, x1, y0, y1};
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

    // data <-> pixels over the plot area and range of the last draw (no allocation: called per point)
    private double px(double x) {
        return left + (x - x0) / (x1 - x0) * width;
    }

    private double py(double y) {
        return top + height - (y - y0) / (y1 - y0) * height;
    }

    private double valueX(double px) {
        return x0 + (px - left) / width * (x1 - x0);
    }

    private double valueY(double py) {
        return y0 + (top + height - py) / height * (y1 - y0);
    }

    /** The plot area and the data range to show: the zoom, or every point with a margin. */
    private void computeRange() {
        var a = plotArea();
        left = a.getMinX();
        top = a.getMinY();
        width = a.getWidth();
        height = a.getHeight();
        if (zoom != null) {
            x0 = zoom[0];
            x1 = zoom[1];
            y0 = zoom[2];
            y1 = zoom[3];
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
        x0 = Math.floor(xmin / tx) * tx;
        x1 = xmax;
        y0 = ymin - pad;
        y1 = ymax + pad;
    }

    private Color color(Label probe, Color fallback) {
        Paint p = probe.getTextFill();
        return p instanceof Color c ? c : fallback;
    }

    /** Redraws everything from {@link #curves}. */
    public void draw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h); // a full clear also drops the canvas's queued commands
        computeRange(); // also when too small to draw: hover and zoom map through it
        if (w < LEFT + RIGHT + 10 || h < TOP + BOTTOM + 10) return;
        var a = new javafx.geometry.Rectangle2D(left, top, width, height);
        Color text = color(textStyle, Color.gray(0.4)), grid = color(gridStyle, Color.gray(0.88)),
                axis = color(axisStyle, Color.gray(0.6)), mark = color(markStyle, Color.web("#d1242f"));

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
            Image dot = dot(c.valColor());
            double half = Math.floor(dot.getWidth() / 2);
            for (int i = 0; i < c.val().size(); i++)
                g.drawImage(dot, Math.round(px(c.val().xs()[i])) - half, Math.round(py(c.val().ys()[i])) - half);
            g.setFill(mark);
            g.setStroke(Color.WHITE);
            g.setLineWidth(1);
            for (int i = 0; i < c.marks().size(); i++) {
                double x = px(c.marks().xs()[i]), y = py(c.marks().ys()[i]);
                g.fillPolygon(new double[]{x, x + 7, x - 7}, new double[]{y - 9, y + 5, y + 5}, 3);
                g.strokePolygon(new double[]{x, x + 7, x - 7}, new double[]{y - 9, y + 5, y + 5}, 3);
            }
        }
        drawSpikes(g, a, mark);
        drawDivergence(g, a, mark);
        g.restore();
    }

    private final Map<Color, Image> dots = new HashMap<>();

    /**
     * A validation point: a disc of the run's colour in a white ring, drawn once per colour and then
     * copied; stroking ovals (curves through the rasteriser) was a sixth of the renderer's time.
     */
    private Image dot(Color color) {
        return dots.computeIfAbsent(color, ChartMarks::paintDot);
    }

    private void drawSpikes(GraphicsContext g, javafx.geometry.Rectangle2D a, Color color) {
        g.setStroke(color);
        g.setFill(color);
        g.setLineWidth(1.5);
        g.setFont(TICK_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        boolean labels = spikeMarks.size() <= 8;
        for (int i = 0; i < spikeMarks.size(); i++) {
            double v = spikeMarks.xs()[i];
            if (!(v >= x0 && v <= x1)) continue;
            double x = px(v), y = Math.max(a.getMinY() + 10, Math.min(a.getMaxY() - 4, py(spikeMarks.ys()[i])));
            g.strokePolygon(new double[]{x - 5, x + 5, x}, new double[]{y - 8, y - 8, y}, 3);
            if (labels) g.fillText("spike " + spikeMarks.steps()[i], x + 7, y - 5);
        }
    }

    /** A dashed vertical line in the warning colour at each step where a run diverged, labelled at the top. */
    private void drawDivergence(GraphicsContext g, javafx.geometry.Rectangle2D a, Color color) {
        if (divergenceXs.length == 0) return;
        g.setStroke(color);
        g.setFill(color);
        g.setLineWidth(1.5);
        g.setLineDashes(4, 3);
        g.setFont(TICK_FONT);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.TOP);
        for (double v : divergenceXs) {
            if (!Double.isFinite(v) || v < x0 || v > x1) continue;
            double x = Math.round(px(v)) + 0.5;
            g.strokeLine(x, a.getMinY(), x, a.getMaxY());
            boolean roomLeft = x - a.getMinX() > 80; // else the label goes right of the line, inside the plot
            g.setTextAlign(roomLeft ? TextAlignment.RIGHT : TextAlignment.LEFT);
            g.fillText("diverged ✕", roomLeft ? x - 4 : x + 4, a.getMinY() + 4);
        }
        g.setLineDashes();
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
            hideHover();
        });
        setOnMouseReleased(e -> {
            if (dragStart == null) return;
            zoomRect.setVisible(false);
            Point2D s = dragStart;
            dragStart = null;
            var a = plotArea();
            double x = clamp(e.getX(), a.getMinX(), a.getMaxX()), y = clamp(e.getY(), a.getMinY(), a.getMaxY());
            if (Math.abs(x - s.getX()) < 6 || Math.abs(y - s.getY()) < 6) return;
            zoom(valueX(Math.min(x, s.getX())), valueX(Math.max(x, s.getX())),
                    valueY(Math.max(y, s.getY())), valueY(Math.min(y, s.getY())));
        });
        setOnMouseMoved(e -> showHover(e.getX(), e.getY()));
        setOnMouseExited(e -> hideHover());
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private void hideHover() {
        hover.setVisible(false);
        hoverDot.setVisible(false);
        crossX.setVisible(false);
        crossY.setVisible(false);
    }

    /** Shows the exact values of the training point nearest the pointer (of the closest run). */
    void showHover(double mx, double my) {
        if (curves.isEmpty() || !inPlot(mx, my)) {
            hideHover();
            return;
        }
        double xv = valueX(mx);
        Curve best = null;
        int bestI = -1;
        double bestD = Double.MAX_VALUE;
        for (Curve c : curves) {
            ChartData.Points t = c.train();
            if (t.size() == 0) continue;
            int i = ChartMarks.nearest(t.xs(), xv);
            double d = Math.abs(px(t.xs()[i]) - mx) + Math.abs(py(t.ys()[i]) - my);
            if (d < bestD) {
                bestD = d;
                best = c;
                bestI = i;
            }
        }
        if (best == null) {
            hideHover();
            return;
        }
        ChartData.Points t = best.train();
        hover.setText(ChartMarks.hoverText(best, bestI, xv, timeAxis, xLabel));
        double dx = px(t.xs()[bestI]), dy = py(t.ys()[bestI]);
        hoverDot.setCenterX(dx);
        hoverDot.setCenterY(dy);
        hoverDot.setVisible(true);
        // crosshair through the point, across the plot
        var a = plotArea();
        crossX.setStartX(dx);
        crossX.setEndX(dx);
        crossX.setStartY(a.getMinY());
        crossX.setEndY(a.getMaxY());
        crossY.setStartX(a.getMinX());
        crossY.setEndX(a.getMaxX());
        crossY.setStartY(dy);
        crossY.setEndY(dy);
        crossX.setVisible(a.contains(dx, a.getMinY() + 1));
        crossY.setVisible(a.contains(a.getMinX() + 1, dy));
        hover.autosize();
        double hx = mx + 14, hy = my + 10;
        if (hx + hover.getWidth() > getWidth()) hx = mx - hover.getWidth() - 14;
        if (hy + hover.getHeight() > getHeight()) hy = my - hover.getHeight() - 10;
        hover.relocate(hx, hy);
        hover.setVisible(true);
    }

    /** The hover label's text, or null when it is hidden (tests use it). */
    public String hoverText() {
        return hover.isVisible() ? hover.getText() : null;
    }

    /** Bounds of the plot area in scene coordinates (tests point the mouse there). */
    public Bounds plotSceneBounds() {
        var a = plotArea();
        return localToScene(new javafx.geometry.BoundingBox(a.getMinX(), a.getMinY(), a.getWidth(), a.getHeight()));
    }
}
