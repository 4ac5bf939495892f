package bytewise.train;

import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class DivergenceRuleTest {
    /**
     * Training losses recorded from real runs on samples/pocket-essays.txt (metrics.csv, one loss per
     * step): the tiny preset (200 steps, constant lr 3e-4) and the small preset's first 400 steps
     * (100 warmup steps up to 1e-3), with their batch noise and the warm-up bump.
     */
    static double[] recorded(String name) throws IOException {
        try (InputStream in = DivergenceRuleTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            List<Double> l = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (!line.isBlank() && !line.startsWith("#")) l.add(Double.parseDouble(line.trim()));
            return l.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** A synthetic curve: from ln 256 down towards 1.2, with 5% multiplicative batch noise. */
    private static double[] curve(int steps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] l = new double[steps];
        for (int t = 0; t < steps; t++) {
            double level = 1.2 + (Math.log(256) - 1.2) * Math.exp(-t / 250.0);
            l[t] = level * (1 + 0.05 * rng.nextGaussian());
        }
        return l;
    }

    private static int firstFiring(double[] l, DivergenceRule r) {
        for (int t = 0; t < l.length; t++) if (r.observe(l[t]) != null) return t;
        return -1;
    }

    @Test
    void realCurvesWithWarmupNoiseDoNotFire() throws IOException {
        for (String name : new String[]{"tiny-curve.txt", "small-curve.txt"}) {
            double[] l = recorded(name);
            assertTrue(l.length >= 200, name + " has " + l.length + " losses");
            assertTrue(l[0] > 5.0 && l[l.length - 1] < 3.5, name + " is a real falling curve");
            assertEquals(-1, firstFiring(l, new DivergenceRule()), name);
        }
    }

    @Test
    void syntheticNoisyCurvesDoNotFire() {
        for (long seed = 1; seed <= 20; seed++) assertEquals(-1, firstFiring(curve(3000, seed), new DivergenceRule()), "seed " + seed);
    }

    @Test
    void aLastingSpikeOnARealCurveFiresAfterThePatienceSteps() throws IOException {
        double[] l = recorded("small-curve.txt");
        int at = 300;
        for (int t = at; t < l.length; t++) l[t] = l[t] * 2.2; // lr blew up: the loss doubles and stays
        DivergenceRule r = new DivergenceRule();
        for (int t = 0; t < l.length; t++) {
            DivergenceRule.Reason why = r.observe(l[t]);
            if (t < at + 2) assertNull(why, "step " + t);
            else {
                assertEquals(DivergenceRule.Reason.SPIKE, why, "fires on the third step far above");
                return;
            }
        }
        fail("never fired");
    }

    @Test
    void aOneStepBlipDoesNotFireButThreeDo() {
        double[] l = curve(1000, 3);
        l[600] *= 3;
        assertEquals(-1, firstFiring(l, new DivergenceRule()), "one bad batch is noise");
        double[] lasting = curve(1000, 3);
        for (int t = 600; t < 603; t++) lasting[t] *= 3;
        assertEquals(602, firstFiring(lasting, new DivergenceRule()));
    }

    @Test
    void aSingleSpikeIsFlaggedAtItsStepOnlyAndTheCurveCarriesOn() {
        for (long seed = 1; seed <= 10; seed++) {
            double[] l = curve(3000, seed);
            l[1500] *= 2.0;
            DivergenceRule r = new DivergenceRule();
            for (int t = 0; t < l.length; t++) {
                assertNull(r.observe(l[t]), "seed " + seed + " step " + t);
                assertEquals(t == 1500, r.spiked(), "seed " + seed + " step " + t + " loss " + l[t]);
            }
        }
    }

    @Test
    void noSpikeIsFlaggedOnRealOrNoisyCurves() throws IOException {
        List<double[]> curves = new ArrayList<>(List.of(recorded("tiny-curve.txt"), recorded("small-curve.txt")));
        for (long seed = 1; seed <= 20; seed++) curves.add(curve(3000, seed));
        for (double[] l : curves) {
            DivergenceRule r = new DivergenceRule();
            for (int t = 0; t < l.length; t++) {
                r.observe(l[t]);
                assertFalse(r.spiked(), "step " + t + " loss " + l[t] + " level " + r.level());
            }
        }
    }

    @Test
    void aLowSteadyLossThatJumpsFires() {
        SplittableRandom rng = new SplittableRandom(9);
        DivergenceRule r = new DivergenceRule();
        for (int t = 0; t < 500; t++) assertNull(r.observe(0.05 * (1 + 0.1 * rng.nextGaussian())), "step " + t);
        assertNull(r.observe(0.5));
        assertNull(r.observe(0.6));
        assertEquals(DivergenceRule.Reason.SPIKE, r.observe(0.7));
        assertEquals(0.05, r.level(), 0.01, "the jump never became the level");
    }

    @Test
    void nonFiniteAndWorseThanUniformFireAtOnceEvenOnTheFirstStep() {
        assertEquals(DivergenceRule.Reason.NON_FINITE, new DivergenceRule().observe(Double.NaN));
        assertEquals(DivergenceRule.Reason.NON_FINITE, new DivergenceRule().observe(Double.POSITIVE_INFINITY));
        assertEquals(DivergenceRule.Reason.ABOVE_UNIFORM, new DivergenceRule().observe(68.0));
        assertEquals(DivergenceRule.Reason.ABOVE_UNIFORM, new DivergenceRule().observe(Math.log(256) + 1.01));
        assertNull(new DivergenceRule().observe(5.6), "an untrained model's first loss is near ln 256");
    }

    @Test
    void theSuggestedRateIsLowerAndReadable() {
        ModelConfig tiny = new ModelConfig(64, 64, 1, 4);
        assertEquals(7e-4, LearningRates.afterDivergence(3e-3, tiny), 1e-12);
        double fromFive = LearningRates.afterDivergence(5, tiny);
        assertTrue(fromFive <= LearningRates.usualHigh(tiny) && fromFive > LearningRates.usualLow(tiny), "" + fromFive);
        String m = DivergenceRule.message(DivergenceRule.Reason.ABOVE_UNIFORM, 12, 68.25, 5, fromFive);
        assertTrue(m.startsWith("Training diverged at step 12: the loss is above that of uniform guessing (loss 68.25)"), m);
        assertTrue(m.contains("Lower the learning rate to " + LearningRates.show(fromFive) + " (now 5.00)"), m);
    }

    @Test
    void usualLearningRatesDependOnWidthAndThePresetsAreInside() {
        ModelConfig tiny = new ModelConfig(64, 64, 1, 4), small = new ModelConfig(64, 128, 4, 4),
                medium = new ModelConfig(256, 384, 6, 6);
        assertEquals("", LearningRates.warning(3e-4, tiny));
        assertEquals("", LearningRates.warning(1e-3, small));
        assertEquals("", LearningRates.warning(1e-3, medium));
        assertTrue(LearningRates.warning(5, tiny).contains("high"), LearningRates.warning(5, tiny));
        assertTrue(LearningRates.warning(1e-7, small).contains("low"), LearningRates.warning(1e-7, small));
        assertTrue(LearningRates.usualHigh(medium) < LearningRates.usualHigh(tiny), "wider models want smaller rates");
    }
}
