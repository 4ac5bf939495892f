package bytewise.app;

import bytewise.train.TrainingHealth;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.Locale;

/**
 * The health tab's chart: log10 of the update-to-weight ratio of each tensor group as a bar on a
 * fixed −6 … 0 scale with the ~1e-3 rule of thumb drawn, then the residual stream's RMS after each
 * block.
 */
final class HealthChart extends CanvasPane {
    static final double MIN_LOG = -6, MAX_LOG = 0;
    private static final Color OK = Color.web("#1a7f37"), OFF = Color.web("#cf222e"), RMS = Color.web("#0969da");
    private static final double NAME_WIDTH = 130, ROW = 15, MAX_ROW = 22;

    private TrainingHealth.Report report;

    HealthChart() {
        getStyleClass().add("health-chart");
        setMinSize(200, 200);
        setPrefSize(440, 520);
    }

    void show(TrainingHealth.Report r) {
        report = r;
        redraw();
    }

    /** Where a log10 ratio lies on the bar scale, 0..1 (clamped). */
    static double position(double log10) {
        if (Double.isNaN(log10)) return 0;
        return Math.max(0, Math.min(1, (log10 - MIN_LOG) / (MAX_LOG - MIN_LOG)));
    }

    @Override
    protected void draw(GraphicsContext g, double w, double h) {
        if (report == null) return;
        var rows = report.rows();
        int blocks = report.activationRms().length;
        double rmsHeight = 26 + blocks * ROW;
        double row = Math.max(8, Math.min(MAX_ROW, (h - rmsHeight - 80) / rows.size()));
        double x0 = NAME_WIDTH, x1 = w - 12, y = 18;
        g.setFont(Font.font(12));
        g.setTextBaseline(VPos.CENTER);
        g.setFill(textColor());
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("log10 ‖Δw‖ / ‖w‖ per tensor group", 0, 8);
        y += 6;
        double top = y;
        g.setFont(Font.font(Math.min(11, row - 2)));
        for (TrainingHealth.Row r : rows) {
            g.setFill(textColor());
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(r.name(), x0 - 6, y + row / 2);
            double p = position(r.updateRatioLog10());
            g.setFill((HealthViewModel.offRule(r.updateRatioLog10()) ? OFF : OK).deriveColor(0, 1, 1, 0.75));
            g.fillRect(x0, y + 2, Math.max(1, p * (x1 - x0)), row - 4);
            y += row;
        }
        // scale and the rule of thumb
        g.setStroke(gridColor());
        g.setLineWidth(1);
        g.strokeLine(x0, top, x0, y);
        g.setFont(Font.font(11));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        g.setFill(textColor());
        for (int t = (int) MIN_LOG; t <= MAX_LOG; t++) {
            double x = x0 + position(t) * (x1 - x0);
            g.strokeLine(x, y, x, y + 4);
            g.fillText(String.valueOf(t), x, y + 5);
        }
        double rule = x0 + position(HealthViewModel.RULE_OF_THUMB_LOG10) * (x1 - x0);
        g.setStroke(OFF.deriveColor(0, 1, 1, 0.8));
        g.setLineDashes(5, 4);
        g.strokeLine(rule, top - 2, rule, y + 20);
        g.setLineDashes();
        g.setFill(OFF);
        g.setTextBaseline(VPos.TOP);
        // beside the line, on whichever side has room
        boolean right = rule + 4 + 110 <= w;
        g.setTextAlign(right ? TextAlignment.LEFT : TextAlignment.RIGHT);
        g.fillText("1e-3 rule of thumb", right ? rule + 4 : rule - 4, y + 19);

        // activation RMS after each block
        y += 54;
        g.setFill(textColor());
        g.setFont(Font.font(12));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText("Residual stream RMS after each block", 0, y);
        y += 12;
        double max = 0;
        for (double v : report.activationRms()) if (Double.isFinite(v)) max = Math.max(max, v);
        g.setFont(Font.font(11));
        for (int l = 0; l < blocks; l++) {
            double v = report.activationRms()[l];
            g.setFill(textColor());
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText("block " + l, x0 - 6, y + ROW / 2);
            double len = max > 0 && Double.isFinite(v) ? v / max * (x1 - x0 - 60) : 0;
            g.setFill(RMS.deriveColor(0, 1, 1, 0.7));
            g.fillRect(x0, y + 2, Math.max(1, len), ROW - 4);
            g.setFill(textColor());
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(String.format(Locale.ROOT, "%.3g", v), x0 + len + 4, y + ROW / 2);
            y += ROW;
        }
    }
}
