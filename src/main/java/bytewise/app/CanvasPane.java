package bytewise.app;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;

/**
 * A resizable region drawn on one {@link Canvas} (the inside-the-model views: attention heatmaps,
 * the embedding map, the health bars). A redraw records a few hundred shapes and makes no nodes, so
 * the views stay cheap while training publishes new weights. Text and grid colours come from the
 * theme ({@link ThemeColor}), as in {@link LossChart}.
 */
abstract class CanvasPane extends Region {
    protected final Canvas canvas = new Canvas();
    private final ThemeColor textStyle = new ThemeColor("loss-chart-text", Color.gray(0.35)),
            gridStyle = new ThemeColor("loss-chart-grid", Color.gray(0.85));

    CanvasPane() {
        canvas.setManaged(false);
        getChildren().addAll(textStyle, gridStyle, canvas);
        textStyle.textFillProperty().addListener((o, a, b) -> redraw());
        gridStyle.textFillProperty().addListener((o, a, b) -> redraw());
    }

    protected Color textColor() {
        return textStyle.get();
    }

    protected Color gridColor() {
        return gridStyle.get();
    }

    @Override
    protected void layoutChildren() {
        double w = Math.floor(getWidth()), h = Math.floor(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            redraw();
        }
    }

    /** Draws the current content at the current size. */
    final void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth(), h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (w < 2 || h < 2) return;
        draw(g, w, h);
    }

    protected abstract void draw(GraphicsContext g, double w, double h);
}
