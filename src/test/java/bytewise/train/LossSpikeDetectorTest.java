package bytewise.train;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LossSpikeDetectorTest {
    /** A training curve: from ln 256 down towards 1.2, with 5% multiplicative batch noise. */
    private static double[] curve(int steps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] l = new double[steps];
        for (int t = 0; t < steps; t++) {
            double level = 1.2 + (Math.log(256) - 1.2) * Math.exp(-t / 250.0);
            l[t] = level * (1 + 0.05 * rng.nextGaussian());
        }
        return l;
    }

    @Test
    void smoothNoisyDecreasingCurvesDoNotFire() {
        for (long seed = 1; seed <= 20; seed++) {
            LossSpikeDetector d = new LossSpikeDetector();
            double[] l = curve(3000, seed);
            for (int t = 0; t < l.length; t++)
                assertEquals(LossSpikeDetector.Verdict.OK, d.observe(l[t]), "seed " + seed + " step " + t + " loss " + l[t]);
            assertEquals(1.2, d.level(), 0.1);
        }
    }

    @Test
    void anInjectedSpikeFiresOnceAndTheCurveCarriesOn() {
        for (long seed = 1; seed <= 10; seed++) {
            double[] l = curve(3000, seed);
            l[1500] *= 2.0;
            LossSpikeDetector d = new LossSpikeDetector();
            for (int t = 0; t < l.length; t++) {
                LossSpikeDetector.Verdict v = d.observe(l[t]);
                if (t == 1500) assertEquals(LossSpikeDetector.Verdict.SPIKE, v, "seed " + seed);
                else assertEquals(LossSpikeDetector.Verdict.OK, v, "seed " + seed + " step " + t);
            }
        }
    }

    @Test
    void nonFiniteAndWorseThanUniformFire() {
        LossSpikeDetector d = new LossSpikeDetector();
        double[] l = curve(100, 1);
        for (double x : l) d.observe(x);
        assertEquals(LossSpikeDetector.Verdict.NON_FINITE, d.observe(Double.NaN));
        assertEquals(LossSpikeDetector.Verdict.NON_FINITE, d.observe(Double.POSITIVE_INFINITY));
        assertEquals(LossSpikeDetector.Verdict.ABOVE_UNIFORM, d.observe(Math.log(256) + 1.5));
        // from the very first step, before any level is known
        LossSpikeDetector fresh = new LossSpikeDetector();
        assertEquals(LossSpikeDetector.Verdict.ABOVE_UNIFORM, fresh.observe(8.0));
        assertEquals(LossSpikeDetector.Verdict.OK, new LossSpikeDetector().observe(5.6));
        assertEquals(LossSpikeDetector.Verdict.NON_FINITE, new LossSpikeDetector().observe(Double.NaN));
    }

    @Test
    void aLowSteadyLossThatJumpsFires() {
        // late in a run on easy text: loss ~0.05 with noise, then it jumps to 0.5 (well under ln 256)
        SplittableRandom rng = new SplittableRandom(9);
        LossSpikeDetector d = new LossSpikeDetector();
        for (int t = 0; t < 500; t++)
            assertEquals(LossSpikeDetector.Verdict.OK, d.observe(0.05 * (1 + 0.1 * rng.nextGaussian())), "step " + t);
        assertEquals(LossSpikeDetector.Verdict.SPIKE, d.observe(0.5));
    }
}
