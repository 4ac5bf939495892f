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
 * A schedule restarted by Train more steps is drawn over the whole run: the learning rates the steps
 * before the restart recorded (they followed an earlier schedule), in grey, then the restarted
 * schedule. Without those records (no run data) only the restarted part is drawn.
 */
final class ScheduleSketch {
    private static final double LR_PAD = 4, LR_TOP = 20;
    /** The rates before a restart: recorded, not this schedule's. */
    static final Color EARLIER = Color.gray(0.55);
    private final Canvas lrCanvas;
    private final Circle lrMarker;
    private TrainConfig scheduleShown; // what lrCanvas holds, so a new step only moves the marker
    private Earlier earlierShown;
    private double schedulePeak;
    /** The first step (0-based) at the canvas's left edge: 0 with the earlier steps drawn, else the restart. */
    private long firstDrawn;

    /**
     * Learning rates recorded before a schedule's restart: {@code steps[i]} (1-based, ascending) ran
     * at {@code lr[i]}.
     */
    record Earlier(double[] steps, double[] lr) {
        static final Earlier NONE = new Earlier(new double[0], new double[0]);

        Earlier {
            if (steps.length != lr.length) throw new IllegalArgumentException("steps and rates differ in length");
        }

        int size() {
            return steps.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Earlier e && java.util.Arrays.equals(steps, e.steps) && java.util.Arrays.equals(lr, e.lr);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(steps) * 31 + java.util.Arrays.hashCode(lr);
        }

        @Override
        public String toString() {
            return "Earlier[" + steps.length + " steps]";
        }
    }

    ScheduleSketch(Canvas canvas, Circle marker) {
        this.lrCanvas = canvas;
        this.lrMarker = marker;
    }

    /**
     * Shows {@code tc}'s schedule (null: none), and before a restarted schedule the rates
     * {@code earlier} recorded, painting only when either changed, with the marker at {@code step}.
     */
    void show(TrainConfig tc, long step, Earlier earlier) {
        if (tc != null && tc.scheduleSteps() <= 0) tc = null;
        if (tc == null || tc.scheduleStart() == 0) earlier = Earlier.NONE;
        if (!Objects.equals(tc, scheduleShown) || !earlier.equals(earlierShown)) {
            scheduleShown = tc;
            earlierShown = earlier;
            firstDrawn = tc != null && earlier.size() == 0 ? tc.scheduleStart() : 0;
            schedulePeak = paint(tc, earlier);
        }
        moveTo(step);
    }

    /** Draws the schedule's curve (after the earlier rates, if any) and returns its peak (0 when there is nothing to draw). */
    private double paint(TrainConfig tc, Earlier earlier) {
        GraphicsContext g = lrCanvas.getGraphicsContext2D();
        double w = lrCanvas.getWidth(), h = lrCanvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (tc == null) return 0;
        int n = Math.min(200, tc.scheduleSteps());
        double max = 0;
        long[] at = new long[n + 1];
        double[] v = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            at[i] = tc.scheduleStart() + (long) ((double) i / n * Math.max(0, tc.scheduleSteps() - 1));
            v[i] = tc.learningRate(at[i]);
            max = Math.max(max, v[i]);
        }
        for (double r : earlier.lr()) max = Math.max(max, r);
        if (max <= 0) return 0;
        g.setStroke(Color.gray(0.6, 0.6));
        g.setLineWidth(1);
        g.strokeLine(LR_PAD, h - LR_PAD, w - LR_PAD, h - LR_PAD);
        if (earlier.size() > 0) {
            g.setStroke(EARLIER);
            g.setLineWidth(1.5);
            g.beginPath();
            // at most one point per pixel column: a long run records thousands of steps
            int stride = (int) Math.max(1, earlier.size() / Math.max(1, (long) (w - 2 * LR_PAD)));
            for (int i = 0; i < earlier.size(); i += stride) {
                double px = x(earlier.steps()[i] - 1, tc), py = y(earlier.lr()[i], max);
                if (i == 0) g.moveTo(px, py);
                else g.lineTo(px, py);
            }
            g.stroke();
        }
        g.setStroke(Color.web("#2f81f7"));
        g.setLineWidth(1.5);
        g.beginPath();
        for (int i = 0; i <= n; i++) {
            double px = x(at[i], tc), py = y(v[i], max);
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
        lrMarker.setCenterX(x(step - 1, tc));
        lrMarker.setCenterY(y(tc.learningRate(step - 1), schedulePeak));
    }

    /** The canvas x of 0-based step {@code k}: the drawn steps span the width. */
    private double x(double k, TrainConfig tc) {
        double w = lrCanvas.getWidth();
        return LR_PAD + (w - 2 * LR_PAD) * (k - firstDrawn) / Math.max(1, tc.steps() - firstDrawn - 1);
    }

    private double y(double lr, double peak) {
        double h = lrCanvas.getHeight();
        return h - LR_PAD - (h - LR_PAD - LR_TOP) * lr / peak;
    }

    /** Where the marker is, in canvas coordinates, or null when hidden. */
    Point2D marker() {
        return lrMarker.isVisible() ? new Point2D(lrMarker.getCenterX(), lrMarker.getCenterY()) : null;
    }
}
