package bytewise.app;

import bytewise.train.EvalMetrics;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

/** Downsampling, smoothing and axis transforms of the loss chart, and overfitting detection. */
class ChartDataTest {
    static RunData run(int steps) {
        RunData d = new RunData("r", 0, TrainConfig.defaults(), 0, 0);
        for (int s = 1; s <= steps; s++)
            d.add(new StepMetrics(s, steps, s * 256L, (float) (5.0 * Math.exp(-s / 20000.0)), 1e-3, 1.0, 1e4, s * 0.01));
        return d;
    }

    @Test
    void hundredThousandStepsAreDownsampledToTheLimitKeepingTheLastPointExact() {
        RunData d = run(100_000);
        ChartData.Points p = ChartData.train(d, ChartData.X.STEP, ChartData.Y.LOSS, false, 0, 1500);
        assertEquals(1500, p.size());
        assertEquals(100_000, p.xs()[p.size() - 1]);
        assertEquals(d.loss(99_999), p.ys()[p.size() - 1], 1e-9);
        for (int i = 1; i < p.size(); i++) assertTrue(p.xs()[i] > p.xs()[i - 1], "x increases");
        ChartData.Points small = ChartData.train(run(50), ChartData.X.STEP, ChartData.Y.LOSS, false, 0, 1500);
        assertEquals(50, small.size(), "short runs are drawn point for point");
    }

    /** A noisy falling curve of {@code steps} steps, with the loss at step {@code spikeAt} tripled. */
    private static java.util.List<StepMetrics> noisyCurve(int steps, int spikeAt) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        java.util.List<StepMetrics> l = new java.util.ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            double loss = (1.3 + 4.2 * Math.exp(-s / 150.0)) * (1 + 0.04 * rng.nextGaussian()) * (s == spikeAt ? 3 : 1);
            l.add(new StepMetrics(s, steps, s * 768L, (float) loss, 1e-3, 1.0, 1e4, s * 0.1));
        }
        return l;
    }

    @Test
    void aOneStepSpikeIsMarkedAtItsStepWithItsOwnLoss() {
        RunData d = new RunData("r", 0, TrainConfig.defaults(), 0, 0);
        noisyCurve(600, 400).forEach(d::add);
        ChartData.Spikes s = ChartData.spikes(java.util.List.of(d), ChartData.X.STEP, ChartData.Y.LOSS, false);
        assertEquals(1, s.size(), "one spike on a smooth noisy curve");
        assertEquals(400, s.steps()[0]);
        assertEquals(400, s.xs()[0]);
        assertEquals(d.loss(399), s.ys()[0], 1e-9, "at the raw loss, not the smoothed curve");

        RunData smooth = new RunData("s", 0, TrainConfig.defaults(), 0, 0);
        noisyCurve(600, -1).forEach(smooth::add);
        assertEquals(0, smooth.spikes().length);
    }

    @Test
    void aResumedRunThatTrainsTheSpikedStepsAgainDropsTheirMark() {
        RunData d = new RunData("r", 0, TrainConfig.defaults(), 0, 0);
        noisyCurve(600, 400).forEach(d::add);
        // resumed from a checkpoint at step 350: steps 351.. come again, this time without the spike
        noisyCurve(600, -1).subList(350, 600).forEach(d::add);
        assertEquals(600, d.size());
        assertEquals(0, d.spikes().length);
        noisyCurve(700, 650).subList(600, 700).forEach(d::add);
        assertArrayEquals(new int[]{649}, d.spikes(), "spikes after the resume are still judged");
    }

    @Test
    void transformsAndAxes() {
        RunData d = run(10);
        ChartData.Points ppl = ChartData.train(d, ChartData.X.TOKENS, ChartData.Y.PERPLEXITY, false, 0, 100);
        assertEquals(Math.exp(d.loss(0)), ppl.ys()[0], 1e-6);
        assertEquals(256, ppl.xs()[0]);
        ChartData.Points log = ChartData.train(d, ChartData.X.TIME, ChartData.Y.LOSS, true, 0, 100);
        assertEquals(Math.log10(d.loss(3)), log.ys()[3], 1e-9);
        assertEquals(0.04, log.xs()[3], 1e-9);
        assertEquals("log10 perplexity", ChartData.yLabel(ChartData.Y.PERPLEXITY, true));
    }

    @Test
    void smoothingIsAnExponentialMovingAverage() {
        RunData d = new RunData("r", 0, TrainConfig.defaults(), 0, 0);
        d.add(new StepMetrics(1, 3, 1, 4f, 0, 0, 0, 0));
        d.add(new StepMetrics(2, 3, 2, 2f, 0, 0, 0, 0));
        d.add(new StepMetrics(3, 3, 3, Float.NaN, 0, 0, 0, 0));
        ChartData.Points p = ChartData.train(d, ChartData.X.STEP, ChartData.Y.LOSS, false, 0.5, 100);
        assertArrayEquals(new double[]{4, 3}, p.ys(), 1e-9, "NaN losses are skipped");
    }

    @Test
    void overfittingIsFlaggedOnceWhenValidationRisesThreeTimesWhileTrainingFalls() {
        RunData d = new RunData("r", 0, TrainConfig.defaults(), 0, 0);
        float[] val = {3.0f, 2.5f, 2.6f, 2.7f, 2.8f, 2.9f, 2.0f};
        boolean[] flagged = new boolean[val.length];
        int step = 0;
        for (int e = 0; e < val.length; e++) {
            for (int k = 0; k < 10; k++) {
                step++;
                d.add(new StepMetrics(step, 100, step, 4f - step * 0.02f, 0, 0, 0, 0));
            }
            flagged[e] = d.add(new EvalMetrics(step, step, val[e], 0));
        }
        assertArrayEquals(new boolean[]{false, false, false, false, true, false, false}, flagged);
        assertArrayEquals(new int[]{4}, d.overfitEvals());
        ChartData.Points m = ChartData.overfit(d, ChartData.X.STEP, ChartData.Y.LOSS, false);
        assertEquals(50, m.xs()[0]);
    }

    @Test
    void risingValidationWithRisingTrainingIsNotOverfitting() {
        RunData d = new RunData("r", 0, TrainConfig.defaults(), 0, 0);
        for (int e = 0; e < 6; e++) {
            d.add(new StepMetrics(e + 1, 10, e, 1f + e, 0, 0, 0, 0));
            assertFalse(d.add(new EvalMetrics(e + 1, e, 1f + e, 0)));
        }
    }

    @Test
    void csvHoldsEveryPoint() throws Exception {
        RunData d = run(5);
        d.add(new EvalMetrics(5, 1280, 2.5f, 0.05));
        StringWriter w = new StringWriter();
        d.writeCsv(w);
        String[] lines = w.toString().split("\n");
        assertEquals(6, lines.length);
        // the run's name, then metrics.csv's columns: kind, step, tokens, loss, lr, grad norm, tokens/s, seconds
        assertTrue(lines[0].startsWith("\"r\",step,1,256,"), lines[0]);
        assertEquals("\"r\",eval,5,1280,2.500000,0,0,0,0.050", lines[5]);
        assertEquals("run," + bytewise.io.RunFolder.METRICS_HEADER, RunData.CSV_HEADER);
    }

    @Test
    void aDivergedRunIsMarkedAtItsLastStepOnEveryAxis() {
        RunData d = run(40);
        assertTrue(Double.isNaN(ChartData.divergedX(d, ChartData.X.STEP)), "not diverged: no mark");
        d.markDiverged(41);
        assertEquals(41, d.divergedStep());
        assertEquals(40, ChartData.divergedX(d, ChartData.X.STEP));
        assertEquals(40 * 256, ChartData.divergedX(d, ChartData.X.TOKENS));
        assertEquals(0.4, ChartData.divergedX(d, ChartData.X.TIME), 1e-12);
        RunData empty = new RunData("e", 0, TrainConfig.defaults(), 0, 0);
        empty.markDiverged(1);
        assertTrue(Double.isNaN(ChartData.divergedX(empty, ChartData.X.STEP)), "diverged at its first step: nothing to mark on");
    }
}
