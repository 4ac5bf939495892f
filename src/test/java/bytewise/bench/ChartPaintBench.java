package bytewise.bench;

import bytewise.app.ChartData;
import bytewise.app.LossChart;
import bytewise.app.RunData;
import bytewise.app.TrainingView;
import bytewise.train.EvalMetrics;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
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

    /**
     * A `small`-like run so far: a fast fall, a slow one and noise in the training loss, validation
     * every 100 steps. It grows between redraws, as in training.
     */
    private static void train(RunData run, Random noise, long fromStep, long toStep) {
        for (long s = fromStep; s < toStep; s++) {
            float loss = (float) (1.6 + 4 * Math.exp(-s / 60.0) + 0.4 * Math.exp(-s / 800.0) + 0.05 * noise.nextGaussian());
            run.add(new StepMetrics(s + 1, 100_000, (s + 1) * 768, loss, 1e-3, 1, 30_000, s * 0.025));
            if ((s + 1) % 100 == 0) run.add(new EvalMetrics(s + 1, (s + 1) * 768, loss + 0.1f, s * 0.025));
        }
    }

    /** What the Training page hands the chart, by its own path (default smoothing, step and loss axes). */
    private static LossChart.Curve curve(RunData run) {
        var x = ChartData.X.STEP;
        var y = ChartData.Y.LOSS;
        return new LossChart.Curve(run.name, Color.web("#2f81f7"), ChartData.train(run, x, y, false, 0.6, TrainingView.MAX_POINTS),
                ChartData.validation(run, x, y, false, TrainingView.MAX_POINTS), ChartData.overfit(run, x, y, false));
    }

    private static long cpuNanos(String threadPrefix) {
        var mx = ManagementFactory.getThreadMXBean();
        for (var info : mx.dumpAllThreads(false, false))
            if (info.getThreadName().startsWith(threadPrefix)) return mx.getThreadCpuTime(info.getThreadId());
        throw new IllegalStateException("no thread " + threadPrefix);
    }

    private static void run(LossChart chart, int redraws) {
        final int warmup = 100, stepsPerRedraw = 5;
        RunData run = new RunData("Run 1", 0, TrainConfig.defaults(), 0, 0);
        Random noise = new Random(1);
        train(run, noise, 0, 300);
        sleep(1500); // the window is up and painted
        long render0 = 0, fx0 = 0;
        for (int k = 0; k < warmup + redraws; k++) {
            if (k == warmup) {
                sleep(200);
                render0 = cpuNanos("QuantumRenderer");
                fx0 = cpuNanos("JavaFX Application Thread");
            }
            long at = run.size();
            train(run, noise, at, at + stepsPerRedraw);
            LossChart.Curve c = curve(run);
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
