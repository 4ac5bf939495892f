package bytewise.app;

import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;

import java.util.List;

/**
 * The loss chart's hover: a dot on the training point nearest the pointer (of the closest run), a
 * crosshair through it across the plot, and a label of its exact values. Overlay nodes, not
 * canvas drawing, so moving the pointer never repaints the chart.
 */
final class ChartHover {
    private final Circle dot = new Circle(4);
    private final Line crossX = new Line(), crossY = new Line();
    private final Label label = new Label();

    ChartHover() {
        dot.getStyleClass().add("chart-hover-dot");
        crossX.getStyleClass().add("chart-crosshair");
        crossY.getStyleClass().add("chart-crosshair");
        label.getStyleClass().add("chart-hover");
    }

    /** The overlay nodes, bottom to top, for the chart to add above its canvas. */
    List<Node> nodes() {
        return List.of(crossX, crossY, dot, label);
    }

    void hide() {
        label.setVisible(false);
        dot.setVisible(false);
        crossX.setVisible(false);
        crossY.setVisible(false);
    }

    /**
     * Shows the training point of {@code curves} nearest the pointer at ({@code mx}, {@code my}),
     * mapped through {@code f}; the label stays inside a chart of {@code width} × {@code height}.
     */
    void show(PlotFrame f, Rectangle2D plot, List<LossChart.Curve> curves, double mx, double my, boolean timeAxis,
              String xLabel, double width, double height) {
        double xv = f.valueX(mx);
        LossChart.Curve best = null;
        int bestI = -1;
        double bestD = Double.MAX_VALUE;
        for (LossChart.Curve c : curves) {
            ChartData.Points t = c.train();
            if (t.size() == 0) continue;
            int i = ChartMarks.nearest(t.xs(), xv);
            double d = Math.abs(f.px(t.xs()[i]) - mx) + Math.abs(f.py(t.ys()[i]) - my);
            if (d < bestD) {
                bestD = d;
                best = c;
                bestI = i;
            }
        }
        if (best == null) {
            hide();
            return;
        }
        ChartData.Points t = best.train();
        label.setText(ChartMarks.hoverText(best, bestI, xv, timeAxis, xLabel));
        double dx = f.px(t.xs()[bestI]), dy = f.py(t.ys()[bestI]);
        dot.setCenterX(dx);
        dot.setCenterY(dy);
        dot.setVisible(true);
        // crosshair through the point, across the plot
        crossX.setStartX(dx);
        crossX.setEndX(dx);
        crossX.setStartY(plot.getMinY());
        crossX.setEndY(plot.getMaxY());
        crossY.setStartX(plot.getMinX());
        crossY.setEndX(plot.getMaxX());
        crossY.setStartY(dy);
        crossY.setEndY(dy);
        crossX.setVisible(plot.contains(dx, plot.getMinY() + 1));
        crossY.setVisible(plot.contains(plot.getMinX() + 1, dy));
        label.autosize();
        double hx = mx + 14, hy = my + 10;
        if (hx + label.getWidth() > width) hx = mx - label.getWidth() - 14;
        if (hy + label.getHeight() > height) hy = my - label.getHeight() - 10;
        label.relocate(hx, hy);
        label.setVisible(true);
    }

    /** The label's text, or null when it is hidden. */
    String text() {
        return label.isVisible() ? label.getText() : null;
    }
}
