package bytewise.bench;

import bytewise.app.ChartData;
import bytewise.app.LossChart;
import bytewise.app.TrainingView;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * CPU of one loss-chart redraw, as the Training page does it once a second while a run trains: the
 * renderer thread's time (rasterising the canvas and putting it on screen) and the FX thread's
 * (recording the drawing commands, the pulse), read from the threads' CPU clocks over many redraws
 * of a growing run. Needs a display (Xvfb is fine); run with {@code bin/bench-chart [REDRAWS]}.
 */
public final class ChartPaintBench {
    private ChartPaintBench() {}

    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }

    public static final class Window extends Application {
        @Override
        public void start(Stage stage) {
            int redraws = getParameters().getRaw().isEmpty() ? 300 : Integer.parseInt(getParameters().getRaw().get(0));
            LossChart chart = new LossChart();
            stage.setScene(new Scene(new StackPane(chart), 728, 500)); // the chart's size in a 1280 × 800 window
            stage.show();
            Thread t = new Thread(() -> run(chart, redraws), "bench");
            t.setDaemon(true);
            t.start();
        }
    }

    /** A loss curve like a `small` run's: a fast fall, a slow one, noise; smoothed as the page does by default. */
    private static double[] lossCurve(int n) {
        Random r = new Random(1);
        double[] y = new double[n];
        double ema = Double.NaN;
        for (int i = 0; i < n; i++) {
            double l = 1.6 + 4 * Math.exp(-i / 60.0) + 0.4 * Math.exp(-i / 800.0) + 0.05 * r.nextGaussian();
            ema = Double.isNaN(ema) ? l : 0.6 * ema + 0.4 * l;
            y[i] = ema;
        }
        return y;
    }

    /** The first {@code n} steps as drawn: bucket means down to the page's point budget, validation every 100. */
    private static LossChart.Curve curve(double[] loss, int n) {
        int m = Math.min(n, TrainingView.MAX_POINTS);
        double[] xs = new double[m], ys = new double[m];
        for (int b = 0; b < m; b++) {
            int from = (int) ((long) b * n / m), to = Math.max(from + 1, (int) ((long) (b + 1) * n / m));
            for (int i = from; i < to; i++) {
                xs[b] += i + 1;
                ys[b] += loss[i];
            }
            xs[b] /= to - from;
            ys[b] /= to - from;
        }
        int v = n / 100;
        double[] vx = new double[v], vy = new double[v];
        for (int i = 0; i < v; i++) {
            vx[i] = (i + 1) * 100;
            vy[i] = loss[(i + 1) * 100 - 1] + 0.1;
        }
        return new LossChart.Curve("Run 1", Color.web("#2f81f7"), new ChartData.Points(xs, ys),
                new ChartData.Points(vx, vy), new ChartData.Points(new double[0], new double[0]));
    }

    private static long cpuNanos(String threadPrefix) {
        var mx = ManagementFactory.getThreadMXBean();
        for (var info : mx.dumpAllThreads(false, false))
            if (info.getThreadName().startsWith(threadPrefix)) return mx.getThreadCpuTime(info.getThreadId());
        throw new IllegalStateException("no thread " + threadPrefix);
    }

    private static void run(LossChart chart, int redraws) {
        final int warmup = 100;
        double[] loss = lossCurve(300 + 5 * (warmup + redraws));
        sleep(1500); // the window is up and painted
        long render0 = 0, fx0 = 0;
        for (int k = 0; k < warmup + redraws; k++) {
            if (k == warmup) {
                sleep(200);
                render0 = cpuNanos("QuantumRenderer");
                fx0 = cpuNanos("JavaFX Application Thread");
            }
            LossChart.Curve c = curve(loss, 300 + 5 * k); // the run grows between redraws, as in training
            Platform.runLater(() -> chart.setCurves(List.of(c), "step", "loss (nats/byte)", false));
            sleep(40); // each redraw gets its own pulse
        }
        sleep(200);
        double render = (cpuNanos("QuantumRenderer") - render0) / 1e6 / redraws;
        double fx = (cpuNanos("JavaFX Application Thread") - fx0) / 1e6 / redraws;
        System.out.printf(Locale.ROOT, "chart 728 x 500, %d redraws: renderer %.2f ms, FX thread %.2f ms of CPU per redraw%n",
                redraws, render, fx);
        Platform.exit();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
