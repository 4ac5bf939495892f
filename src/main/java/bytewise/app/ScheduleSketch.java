package bytewise.app;

import bytewise.train.TrainConfig;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;

import java.util.Locale;
import java.util.Objects;

/**
 * The Training page's learning-rate schedule: the curve painted once per schedule on a canvas, and
 * the current step a marker node moved over it (a step moves the node, it does not repaint the canvas).
 * A schedule restarted by Train more steps is drawn from the step it restarts at to the last step (the
 * steps before it followed an earlier schedule).
 */
final class ScheduleSketch {
    private static final double LR_PAD = 4, LR_TOP = 20;
    private final Canvas lrCanvas;
    private final Circle lrMarker;
    private TrainConfig scheduleShown; // what lrCanvas holds, so a new step only moves the marker
    private double schedulePeak;

    ScheduleSketch(Canvas canvas, Circle marker) {
        this.lrCanvas = canvas;
        this.lrMarker = marker;
    }

    /** Shows {@code tc}'s schedule (null: none), painting only when it changed, with the marker at {@code step}. */
    void show(TrainConfig tc, long step) {
        if (tc != null && tc.scheduleSteps() <= 0) tc = null;
        if (!Objects.equals(tc, scheduleShown)) {
            scheduleShown = tc;
            schedulePeak = paint(tc);
        }
        moveTo(step);
    }

    /** Draws the schedule's curve and returns its peak (0 when there is nothing to draw). */
    private double paint(TrainConfig tc) {
        GraphicsContext g = lrCanvas.getGraphicsContext2D();
        double w = lrCanvas.getWidth(), h = lrCanvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (tc == null) return 0;
        int n = Math.min(200, tc.scheduleSteps());
        double max = 0;
        double[] v = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            v[i] = tc.learningRate(tc.scheduleStart() + (long) ((double) i / n * Math.max(0, tc.scheduleSteps() - 1)));
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
        // the canvas is narrow: a restarted schedule's label names the step instead of "learning-rate schedule"
        g.fillText(tc.scheduleStart() == 0 ? String.format(Locale.ROOT, "learning-rate schedule (peak %.1e)", max)
                : String.format(Locale.ROOT, "restarted at step %,d (peak %.1e)", tc.scheduleStart(), max), LR_PAD, 10);
        return max;
    }

    /** The current step's point on the curve: a node moved over the canvas, not a repaint of it. */
    void moveTo(long step) {
        TrainConfig tc = scheduleShown;
        boolean show = tc != null && schedulePeak > 0 && step > tc.scheduleStart() && step <= tc.steps();
        lrMarker.setVisible(show);
        if (!show) return;
        double w = lrCanvas.getWidth(), h = lrCanvas.getHeight();
        lrMarker.setCenterX(LR_PAD + (w - 2 * LR_PAD) * (step - 1 - tc.scheduleStart())
                / Math.max(1, tc.scheduleSteps() - 1));
        lrMarker.setCenterY(h - LR_PAD - (h - LR_PAD - LR_TOP) * tc.learningRate(step - 1) / schedulePeak);
    }

    /** Where the marker is, in canvas coordinates, or null when hidden. */
    Point2D marker() {
        return lrMarker.isVisible() ? new Point2D(lrMarker.getCenterX(), lrMarker.getCenterY()) : null;
    }
}
