package bytewise.app;

import bytewise.inspect.ByteClass;
import bytewise.inspect.EmbeddingPca;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.function.Consumer;

/**
 * The 256 byte embeddings projected to 2-D: a labelled point per byte, coloured by its
 * {@link ByteClass}, larger and more opaque the more often the byte occurs in the data (bytes that
 * never occur are faint dots). Axes are the two principal components with their variance shares.
 */
final class EmbeddingMap extends CanvasPane {
    private static final double LEFT = 34, RIGHT = 16, TOP = 12, BOTTOM = 34, INSET = 14;

    private EmbeddingPca.Result pca;
    private Consumer<EmbeddingPca.Point> onHover = p -> { };
    private double sx, sy, cx, cy, minX, topY; // the last draw's mapping from PCA to pixels

    EmbeddingMap() {
        getStyleClass().add("embedding-map");
        setMinSize(200, 200);
        setPrefSize(700, 520);
        setOnMouseMoved(e -> onHover.accept(pointAt(e.getX(), e.getY())));
        setOnMouseExited(e -> onHover.accept(null));
    }

    void show(EmbeddingPca.Result r) {
        pca = r;
        redraw();
    }

    void setOnHover(Consumer<EmbeddingPca.Point> c) {
        onHover = c;
    }

    /** The colour of a byte class (fixed, so a class keeps its colour from map to map). */
    static Color color(ByteClass c) {
        return switch (c) {
            case LOWER -> Color.web("#0969da");
            case UPPER -> Color.web("#8250df");
            case DIGIT -> Color.web("#bf8700");
            case WHITESPACE -> Color.web("#1a7f37");
            case PUNCTUATION -> Color.web("#cf222e");
            case CONTROL -> Color.web("#6e7781");
            case UTF8_LEAD -> Color.web("#e16f24");
            case UTF8_CONTINUATION -> Color.web("#bc4c00").deriveColor(0, 0.6, 1.2, 1);
            case OTHER -> Color.web("#8c959f");
        };
    }

    /** Share of the most frequent byte's count, on a log scale: 0 for a byte never seen, 1 for the most frequent. */
    static double weight(long count, long max) {
        if (count <= 0 || max <= 0) return 0;
        return Math.log1p(count) / Math.log1p(max);
    }

    @Override
    protected void draw(GraphicsContext g, double w, double h) {
        if (pca == null) return;
        minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        long maxCount = 0;
        for (EmbeddingPca.Point p : pca.points()) {
            minX = Math.min(minX, p.x());
            maxX = Math.max(maxX, p.x());
            minY = Math.min(minY, p.y());
            maxY = Math.max(maxY, p.y());
            maxCount = Math.max(maxCount, p.count());
        }
        topY = maxY; // y grows upwards on the map
        double spanX = Math.max(maxX - minX, 1e-12), spanY = Math.max(maxY - minY, 1e-12);
        double pw = w - LEFT - RIGHT, ph = h - TOP - BOTTOM;
        // inset by the largest point and a label's height, so nothing at the extremes is cut
        sx = (pw - 2 * INSET - 14) / spanX;
        sy = (ph - 2 * INSET) / spanY;
        cx = LEFT + INSET;
        cy = TOP + INSET;
        // axes through the origin (the mean embedding) and the frame
        g.setStroke(gridColor());
        g.setLineWidth(1);
        g.strokeRect(LEFT, TOP, pw, ph);
        double ox = px(0), oy = py(0);
        if (ox > LEFT && ox < LEFT + pw) g.strokeLine(ox, TOP, ox, TOP + ph);
        if (oy > TOP && oy < TOP + ph) g.strokeLine(LEFT, oy, LEFT + pw, oy);
        g.setFill(textColor());
        g.setFont(Font.font(12));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        double[] e = pca.explained();
        g.fillText(String.format(java.util.Locale.ROOT, "PC1 (%.1f%% of the variance)", e[0] * 100), LEFT + pw / 2, TOP + ph + 8);
        g.save();
        g.translate(12, TOP + ph / 2);
        g.rotate(-90);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(String.format(java.util.Locale.ROOT, "PC2 (%.1f%%)", e[1] * 100), 0, 0);
        g.restore();

        boolean counted = maxCount > 0;
        g.setFont(Font.font("monospace", 11));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        // rare bytes first, so the frequent ones are drawn on top
        java.util.List<EmbeddingPca.Point> order = new java.util.ArrayList<>(pca.points());
        order.sort(java.util.Comparator.comparingLong(EmbeddingPca.Point::count));
        for (EmbeddingPca.Point p : order) {
            double wgt = counted ? weight(p.count(), maxCount) : 0.6;
            boolean seen = !counted || p.count() > 0;
            double r = seen ? 2.5 + 4 * wgt : 1.8;
            Color c = color(p.byteClass());
            g.setFill(c.deriveColor(0, 1, 1, seen ? 0.35 + 0.65 * wgt : 0.22));
            double x = px(p.x()), y = py(p.y());
            g.fillOval(x - r, y - r, 2 * r, 2 * r);
            if (seen) {
                g.setFill(c.deriveColor(0, 1, 0.8, 0.55 + 0.45 * wgt));
                g.fillText(EmbeddingViewModel.label(p.index()), x + r + 1.5, y);
            }
        }
    }

    private double px(double x) {
        return cx + (x - minX) * sx;
    }

    private double py(double y) {
        return cy + (topY - y) * sy;
    }

    /** The point drawn nearest to (x, y) within 8 pixels, or null. */
    EmbeddingPca.Point pointAt(double x, double y) {
        if (pca == null || sx == 0) return null;
        EmbeddingPca.Point best = null;
        double bestD = 64;
        for (EmbeddingPca.Point p : pca.points()) {
            double dx = px(p.x()) - x, dy = py(p.y()) - y, d = dx * dx + dy * dy;
            if (d < bestD) {
                bestD = d;
                best = p;
            }
        }
        return best;
    }

    /** Where a byte's point is drawn (tests hover it); null before a draw. */
    javafx.geometry.Point2D pointOf(int b) {
        if (pca == null || sx == 0) return null;
        EmbeddingPca.Point p = pca.points().get(b);
        return new javafx.geometry.Point2D(px(p.x()), py(p.y()));
    }
}
