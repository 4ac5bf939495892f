package bytewise.app;

import javafx.event.EventType;
import javafx.scene.Scene;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The canvas loss chart: ranges, hover values, drag-to-zoom and tick labels. */
class LossChartTest {
    @BeforeAll
    static void toolkit() throws Exception {
        // through TestFX, like the other FX tests: a bare Platform.startup() first in the JVM leaves
        // TestFX's robot clicking into nothing in the tests that follow
        org.testfx.api.FxToolkit.registerPrimaryStage();
    }

    private static <T> T fx(java.util.concurrent.Callable<T> c) {
        return FxTesting.onFx(c);
    }

    /** Training loss falling 3 → 2 over steps 1..100, validation every 10 steps, an overfit mark at 90. */
    private static LossChart chart() {
        double[] tx = new double[100], ty = new double[100];
        for (int i = 0; i < 100; i++) {
            tx[i] = i + 1;
            ty[i] = 3 - i / 99.0;
        }
        double[] vx = new double[10], vy = new double[10];
        for (int i = 0; i < 10; i++) {
            vx[i] = (i + 1) * 10;
            vy[i] = 3.1 - i * 0.05;
        }
        LossChart c = new LossChart();
        c.setCurves(List.of(new LossChart.Curve("Run 1", Color.BLUE, new ChartData.Points(tx, ty),
                new ChartData.Points(vx, vy), new ChartData.Points(new double[]{90}, new double[]{vy[8]}))),
                "step", "loss", false);
        Scene scene = new Scene(new StackPane(c), 700, 420);
        scene.getRoot().applyCss();
        scene.getRoot().layout();
        return c;
    }

    private static void mouse(LossChart c, EventType<MouseEvent> type, double x, double y, int clicks) {
        c.fireEvent(new MouseEvent(type, x, y, x, y, MouseButton.PRIMARY, clicks, false, false, false, false,
                true, false, false, false, false, false, null));
    }

    @Test
    void theAutomaticRangeHoldsEveryPoint() throws Exception {
        double[] r = fx(() -> chart().range());
        assertTrue(r[0] <= 1 && r[1] >= 100, "x range " + r[0] + ".." + r[1]);
        assertTrue(r[2] < 2 && r[3] > 3.1, "y range " + r[2] + ".." + r[3]);
        assertEquals(111, fx(() -> chart().displayedPoints()));
    }

    @Test
    void hoverShowsTheNearestTrainingPointWithItsValidationAndOverfittingMark() throws Exception {
        String text = fx(() -> {
            LossChart c = chart();
            var a = c.plotArea();
            double[] r = c.range();
            // the pointer over step 90 on the training curve
            double x = a.getMinX() + (90 - r[0]) / (r[1] - r[0]) * a.getWidth();
            double y = a.getMaxY() - ((3 - 89 / 99.0) - r[2]) / (r[3] - r[2]) * a.getHeight();
            c.showHover(x, y);
            return c.hoverText();
        });
        assertNotNull(text);
        assertTrue(text.contains("step 90"), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "train %.4f", 3 - 89 / 99.0)), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "validation %.4f (at 90)", 3.1 - 8 * 0.05)), text);
        assertTrue(text.contains("overfitting"), text);
        assertEquals(2, fx(() -> {
            LossChart c = chart();
            var a = c.plotArea();
            c.showHover(a.getMinX() + a.getWidth() / 2, a.getMinY() + a.getHeight() / 2);
            return (int) c.getChildrenUnmodifiable().stream()
                    .filter(n -> n.getStyleClass().contains("chart-crosshair") && n.isVisible()).count();
        }), "a crosshair through the hovered point");
        assertNull(fx(() -> {
            LossChart c = chart();
            c.showHover(2, 2); // outside the plot
            return c.hoverText();
        }));
    }

    @Test
    void draggingZoomsToTheRectangleAndDoubleClickShowsEverything() throws Exception {
        double[][] out = fx(() -> {
            LossChart c = chart();
            var a = c.plotArea();
            double[] before = c.range();
            double xa = a.getMinX() + a.getWidth() * 0.25, xb = a.getMinX() + a.getWidth() * 0.75;
            double ya = a.getMinY() + a.getHeight() * 0.2, yb = a.getMinY() + a.getHeight() * 0.6;
            mouse(c, MouseEvent.MOUSE_PRESSED, xa, ya, 1);
            mouse(c, MouseEvent.MOUSE_DRAGGED, xb, yb, 1);
            mouse(c, MouseEvent.MOUSE_RELEASED, xb, yb, 1);
            double[] zoomed = c.range();
            boolean wasZoomed = c.isZoomed();
            mouse(c, MouseEvent.MOUSE_PRESSED, xa, ya, 2);
            return new double[][]{before, zoomed, {wasZoomed ? 1 : 0, c.isZoomed() ? 1 : 0}, c.range()};
        });
        double[] b = out[0], z = out[1];
        assertEquals(1, out[2][0], "the drag zoomed");
        assertEquals(b[0] + 0.25 * (b[1] - b[0]), z[0], 1e-9);
        assertEquals(b[0] + 0.75 * (b[1] - b[0]), z[1], 1e-9);
        assertEquals(b[3] - 0.6 * (b[3] - b[2]), z[2], 1e-9, "the lower edge of the rectangle is the lower y");
        assertEquals(b[3] - 0.2 * (b[3] - b[2]), z[3], 1e-9);
        assertEquals(0, out[2][1], "double-click resets");
        assertArrayEquals(b, out[3], 1e-12);
    }

    @Test
    void anEmptyOrInvertedZoomIsIgnoredAndAnEmptyChartStillHasARange() throws Exception {
        assertFalse(fx(() -> {
            LossChart c = chart();
            c.zoom(5, 5, 0, 1);
            c.zoom(10, 2, 0, 1);
            c.zoom(0, 1, Double.NaN, 1);
            return c.isZoomed();
        }));
        double[] r = fx(() -> {
            LossChart c = new LossChart();
            c.setCurves(List.of(), "step", "loss", false);
            new Scene(new StackPane(c), 400, 300).getRoot().layout();
            return c.range();
        });
        assertTrue(r[1] > r[0] && r[3] > r[2], java.util.Arrays.toString(r));
    }

    @Test
    void tickLabelsAreShortAndRound() {
        assertEquals("25k", ChartMarks.tickText(25_000, 5_000, false));
        assertEquals("1.5M", ChartMarks.tickText(1_500_000, 500_000, false));
        assertEquals("2000", ChartMarks.tickText(2_000, 500, false));
        assertEquals("0.25", ChartMarks.tickText(0.25, 0.05, false));
        assertEquals("0.0", ChartMarks.tickText(-1e-17, 0.5, false), "rounding noise at zero, no minus sign");
        assertEquals("2m", ChartMarks.tickText(120, 60, true));
        assertEquals("1h05", ChartMarks.tickText(3_900, 300, true));
        assertEquals("30s", ChartMarks.tickText(30, 10, true));
        assertEquals(5, ChartMarks.niceTick(40));
        assertEquals(0.2, ChartMarks.niceTick(1.6), 1e-12);
    }

    @Test
    void aValidationDotIsTheRunsColourInAWhiteRing() throws Exception {
        javafx.scene.image.Image dot = fx(() -> ChartMarks.paintDot(Color.web("#2f81f7")));
        var r = dot.getPixelReader();
        int c = (int) dot.getWidth() / 2;
        assertEquals(Color.web("#2f81f7"), r.getColor(c, c), "the centre is the run's colour");
        int white = 0; // pixels of the ring: white (no colour mixed in) and mostly covered
        for (int y = 0; y < dot.getHeight(); y++)
            for (int x = 0; x < dot.getWidth(); x++) {
                Color p = r.getColor(x, y);
                if (p.getRed() > 0.95 && p.getGreen() > 0.95 && p.getBlue() > 0.95 && p.getOpacity() > 0.4) white++;
            }
        assertTrue(white >= 8, "a white ring around the disc: " + white + " white pixels");
        assertEquals(0, r.getColor(0, 0).getOpacity(), 1e-9, "the corners are transparent");
        for (int y = 0; y < dot.getHeight(); y++) // symmetric about the centre
            for (int x = 0; x < dot.getWidth(); x++)
                assertEquals(r.getColor(x, y), r.getColor((int) dot.getWidth() - 1 - x, y), x + "," + y);
    }
}
