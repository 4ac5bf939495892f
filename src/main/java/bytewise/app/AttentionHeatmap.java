package bytewise.app;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Attention weights as heatmaps, rows = query positions, columns = key positions: one head large,
 * with the context bytes along both axes, or every head of a layer as small multiples. Cells above
 * the diagonal (keys after the query, which causal attention never sees) are left blank.
 */
final class AttentionHeatmap extends CanvasPane {
    /** A hovered cell: head (−1 outside), query row, key column, weight. */
    record Cell(int head, int query, int key, float weight) {}

    static final Color HEAT = Color.web("#0969da");
    private static final double LABEL_SPACE = 22, GAP = 14, TITLE = 16;

    private List<float[][]> maps = List.of();
    private List<String> tokens = List.of();
    private int selected = -1; // the one head drawn large, or −1 for all heads
    private java.util.function.Consumer<Cell> onHover = c -> { };
    private IntConsumer onPick = h -> { };
    // geometry of the last draw: panel origins and cell size
    private double[] panelX = new double[0], panelY = new double[0];
    private double cell;

    AttentionHeatmap() {
        getStyleClass().add("attention-heatmap");
        setMinSize(160, 160);
        setPrefSize(520, 520);
        setOnMouseMoved(e -> onHover.accept(cellAt(e.getX(), e.getY())));
        setOnMouseExited(e -> onHover.accept(null));
        setOnMouseClicked(e -> {
            Cell c = cellAt(e.getX(), e.getY());
            int h = c != null ? c.head() : panelAt(e.getX(), e.getY());
            if (selected < 0 && h >= 0) onPick.accept(h);
        });
    }

    /** Shows {@code maps} (every head of a layer): only head {@code selected} large, or all when it is −1. */
    void show(List<float[][]> maps, List<String> tokens, int selected) {
        this.maps = maps == null ? List.of() : maps;
        this.tokens = tokens == null ? List.of() : tokens;
        this.selected = selected;
        redraw();
    }

    void setOnHover(java.util.function.Consumer<Cell> c) {
        onHover = c;
    }

    /** Called with a head clicked among the small multiples. */
    void setOnPick(IntConsumer c) {
        onPick = c;
    }

    /** Colour of a weight: the heat colour with opacity √w, so weak but real attention still shows. */
    static Color heat(double w) {
        return HEAT.deriveColor(0, 1, 1, Math.sqrt(Math.max(0, Math.min(1, w))));
    }

    @Override
    protected void draw(GraphicsContext g, double w, double h) {
        if (maps.isEmpty()) {
            panelX = panelY = new double[0];
            return;
        }
        int n = maps.get(0).length;
        if (selected >= 0) {
            double side = Math.min(w - LABEL_SPACE - 4, h - LABEL_SPACE - 4);
            cell = Math.max(1, Math.floor(side / n * 4) / 4);
            panelX = new double[]{LABEL_SPACE};
            panelY = new double[]{LABEL_SPACE};
            drawMap(g, maps.get(selected), LABEL_SPACE, LABEL_SPACE, cell);
            if (cell >= 7) drawLabels(g, n);
            return;
        }
        int heads = maps.size(), cols = (int) Math.ceil(Math.sqrt(heads)), rows = (int) Math.ceil(heads / (double) cols);
        double side = Math.min((w - GAP * (cols - 1)) / cols, (h - (GAP + TITLE) * rows) / rows);
        cell = Math.max(0.5, side / n);
        panelX = new double[heads];
        panelY = new double[heads];
        g.setFont(Font.font(12));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.BOTTOM);
        for (int i = 0; i < heads; i++) {
            double x = (i % cols) * (side + GAP), y = (i / cols) * (side + GAP + TITLE) + TITLE;
            panelX[i] = x;
            panelY[i] = y;
            g.setFill(textColor());
            g.fillText("head " + i, x, y - 2);
            drawMap(g, maps.get(i), x, y, cell);
        }
    }

    private void drawMap(GraphicsContext g, float[][] m, double x0, double y0, double s) {
        int n = m.length;
        g.setStroke(gridColor());
        g.setLineWidth(1);
        g.strokeRect(x0 - 0.5, y0 - 0.5, n * s + 1, n * s + 1);
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                g.setFill(heat(m[q][k]));
                g.fillRect(x0 + k * s, y0 + q * s, s, s);
            }
        }
    }

    private void drawLabels(GraphicsContext g, int n) {
        g.setFill(textColor());
        g.setFont(Font.font("monospace", Math.min(12, cell - 1)));
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.CENTER);
        for (int i = 0; i < n && i < tokens.size(); i++) {
            String t = InspectorBarChart.visible(tokens.get(i));
            if (t.length() > 2) t = t.substring(0, 2);
            g.fillText(t, LABEL_SPACE + (i + 0.5) * cell, LABEL_SPACE / 2); // keys along the top
            g.fillText(t, LABEL_SPACE / 2, LABEL_SPACE + (i + 0.5) * cell); // queries down the side
        }
    }

    private int panelAt(double x, double y) {
        if (maps.isEmpty()) return -1;
        double side = maps.get(0).length * cell;
        for (int i = 0; i < panelX.length; i++)
            if (x >= panelX[i] && x < panelX[i] + side && y >= panelY[i] - TITLE && y < panelY[i] + side) return i;
        return -1;
    }

    /** The cell under a point, or null. */
    Cell cellAt(double x, double y) {
        if (maps.isEmpty() || panelX.length == 0) return null;
        int n = maps.get(0).length;
        for (int i = 0; i < panelX.length; i++) {
            int k = (int) Math.floor((x - panelX[i]) / cell), q = (int) Math.floor((y - panelY[i]) / cell);
            if (k >= 0 && k <= q && q < n) { // above the diagonal is masked: nothing to show
                int head = selected >= 0 ? selected : i;
                return new Cell(head, q, k, maps.get(head)[q][k]);
            }
        }
        return null;
    }

    /** Where the centre of a cell is drawn (for tests that hover it); null when it is not drawn. */
    javafx.geometry.Point2D cellCentre(int panel, int query, int key) {
        if (panel >= panelX.length) return null;
        return new javafx.geometry.Point2D(panelX[panel] + (key + 0.5) * cell, panelY[panel] + (query + 0.5) * cell);
    }
}
