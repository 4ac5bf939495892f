package bytewise.app;

import javafx.geometry.Rectangle2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.HashMap;
import java.util.Map;

/**
 * Paints the loss chart's marks over its curves: validation dots, overfitting triangles, loss-spike
 * marks and divergence lines. Its own class beside {@link ChartMarks} (their arithmetic) because
 * each mark has its own way of being cheap to rasterise, apart from the axes and curves of
 * {@link LossChart}.
 */
final class ChartMarkPainter {
    private final Font font;
    private final Map<Color, Image> dots = new HashMap<>();

    /** {@code font}: the labels' (the chart's tick font). */
    ChartMarkPainter(Font font) {
        this.font = font;
    }

    /**
     * A validation point: a disc of the run's colour in a white ring, drawn once per colour and then
     * copied; stroking ovals (curves through the rasteriser) was a sixth of the renderer's time.
     */
    void validationDots(GraphicsContext g, PlotFrame f, ChartData.Points val, Color color) {
        Image dot = dots.computeIfAbsent(color, ChartMarks::paintDot);
        double half = Math.floor(dot.getWidth() / 2);
        for (int i = 0; i < val.size(); i++)
            g.drawImage(dot, Math.round(f.px(val.xs()[i])) - half, Math.round(f.py(val.ys()[i])) - half);
    }

    /** A filled triangle in the warning colour, white-edged, at each evaluation where overfitting was seen. */
    void overfitMarks(GraphicsContext g, PlotFrame f, ChartData.Points marks, Color color) {
        g.setFill(color);
        g.setStroke(Color.WHITE);
        g.setLineWidth(1);
        for (int i = 0; i < marks.size(); i++) {
            double x = f.px(marks.xs()[i]), y = f.py(marks.ys()[i]);
            g.fillPolygon(new double[]{x, x + 7, x - 7}, new double[]{y - 9, y + 5, y + 5}, 3);
            g.strokePolygon(new double[]{x, x + 7, x - 7}, new double[]{y - 9, y + 5, y + 5}, 3);
        }
    }

    /**
     * A hollow triangle at each spiking step's raw loss (kept inside the plot: the smoothed curve
     * can sit far below it), labelled with the step while there are few.
     */
    void spikes(GraphicsContext g, PlotFrame f, ChartData.Spikes spikes, Color color) {
        Rectangle2D a = f.area();
        g.setStroke(color);
        g.setFill(color);
        g.setLineWidth(1.5);
        g.setFont(font);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        boolean labels = spikes.size() <= 8;
        for (int i = 0; i < spikes.size(); i++) {
            double v = spikes.xs()[i];
            if (!(v >= f.x0() && v <= f.x1())) continue;
            double x = f.px(v), y = Math.max(a.getMinY() + 10, Math.min(a.getMaxY() - 4, f.py(spikes.ys()[i])));
            g.strokePolygon(new double[]{x - 5, x + 5, x}, new double[]{y - 8, y - 8, y}, 3);
            if (labels) g.fillText("spike " + spikes.steps()[i], x + 7, y - 5);
        }
    }

    /** A dashed vertical line in the warning colour at each step where a run diverged, labelled at the top. */
    void divergence(GraphicsContext g, PlotFrame f, double[] xs, Color color) {
        if (xs.length == 0) return;
        Rectangle2D a = f.area();
        g.setStroke(color);
        g.setFill(color);
        g.setLineWidth(1.5);
        g.setLineDashes(4, 3);
        g.setFont(font);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.TOP);
        for (double v : xs) {
            if (!Double.isFinite(v) || v < f.x0() || v > f.x1()) continue;
            double x = Math.round(f.px(v)) + 0.5;
            g.strokeLine(x, a.getMinY(), x, a.getMaxY());
            boolean roomLeft = x - a.getMinX() > 80; // else the label goes right of the line, inside the plot
            g.setTextAlign(roomLeft ? TextAlignment.RIGHT : TextAlignment.LEFT);
            g.fillText("diverged ✕", roomLeft ? x - 4 : x + 4, a.getMinY() + 4);
        }
        g.setLineDashes();
    }
}
