package bytewise.train;

import bytewise.BytewiseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.*;

/** The learning-rate schedule and TrainConfig's refusals. */
class ScheduleTest {

    private static TrainConfig schedule(int steps, double lr, double minLr, int warmup) {
        return new TrainConfig(4, steps, lr, minLr, warmup, 0.1, 0.9, 0.999, 1e-8, 1.0, 20, 64, 0, 1, 0.1);
    }

    private static void assertLr(double expected, TrainConfig c, long step) {
        assertEquals(expected, c.learningRate(step), 1e-12 * expected, "learning rate at step " + step);
    }

    @Test
    void warmupThenCosineWorkedNumbers() {
        TrainConfig c = schedule(2000, 1e-3, 1e-4, 100);
        assertLr(1e-5, c, 0);        // (0 + 1) / 100 of the peak
        assertLr(5e-4, c, 49);
        assertLr(1e-3, c, 99);       // the last warmup step reaches the peak
        assertLr(1e-3, c, 100);      // the cosine starts at the peak
        assertLr(5.5e-4, c, 1050);   // halfway through the decay: (lr + minLr) / 2
        assertLr(1e-4, c, 2000);     // the end: minLr
        assertLr(1e-4, c, 2500);     // and it stays there
        // a quarter of the way: minLr + (1 + cos(π/4))/2 · (lr − minLr)
        assertLr(1e-4 + 0.5 * (1 + Math.cos(Math.PI / 4)) * 9e-4, c, 100 + 475);
    }

    @Test
    void warmupRisesAndDecayNeverRises() {
        TrainConfig c = schedule(2000, 1e-3, 1e-4, 100);
        for (int s = 0; s < 99; s++) {
            assertTrue(c.learningRate(s + 1) > c.learningRate(s), "warmup rises at step " + s);
        }
        for (int s = 100; s < 2100; s++) {
            double now = c.learningRate(s), next = c.learningRate(s + 1);
            assertTrue(next <= now, "step " + (s + 1) + " lr " + next + " above step " + s + " lr " + now);
            assertTrue(now >= 1e-4 && now <= 1e-3, "step " + s + " lr " + now + " outside [minLr, lr]");
        }
    }

    @Test
    void constantScheduleIsConstant() {
        TrainConfig c = schedule(500, 3e-4, 3e-4, 0);
        for (int s = 0; s <= 600; s++) assertEquals(3e-4, c.learningRate(s), 0.0, "step " + s);
        // the defaults are such a schedule
        TrainConfig d = TrainConfig.defaults();
        for (int s = 0; s <= d.steps(); s++) assertEquals(d.lr(), d.learningRate(s), 0.0, "defaults, step " + s);
    }

    @Test
    void cosineWithoutWarmupStartsAtThePeak() {
        TrainConfig c = schedule(100, 2e-3, 0, 0);
        assertLr(2e-3, c, 0);
        assertLr(1e-3, c, 50);
        assertEquals(0.0, c.learningRate(100), 1e-18);
    }

    @Test
    void aRestartedScheduleWarmsUpAgainFromItsStartAndReachesMinLrAtTheLastStep() {
        // a 2000-step run with warmup 100, trained 1000 more steps with its schedule restarted at step 2000
        TrainConfig first = schedule(2000, 1e-3, 1e-4, 100);
        TrainConfig c = first.toBuilder().steps(3000).scheduleStart(2000).build();
        assertEquals(2000, c.scheduleStart());
        assertEquals(1000, c.scheduleSteps());
        assertLr(1e-4, first, 2000);   // the first schedule ends at minLr (the step after its last)
        assertLr(1e-5, c, 2000);       // the restart warms up from (0 + 1) / 100 of the peak
        assertLr(5e-4, c, 2049);
        assertLr(1e-3, c, 2099);       // back at the peak after the warmup
        assertLr(1e-3, c, 2100);
        assertLr(5.5e-4, c, 2550);     // halfway through the new decay (900 steps)
        assertLr(1e-4, c, 3000);       // minLr at the new end
        // the restarted schedule is the first one's shape, moved: step s + 2000 there is step s here
        TrainConfig fresh = schedule(1000, 1e-3, 1e-4, 100);
        for (int s = 0; s <= 1000; s++)
            assertEquals(fresh.learningRate(s), c.learningRate(s + 2000), 0.0, "step " + (s + 2000));
        // steps before the restart belong to an earlier schedule: they get the restarted schedule's first rate
        assertLr(1e-5, c, 0);
        assertLr(1e-5, c, 1999);
    }

    @Test
    void extendingKeepsTheDecayGoingAndARunStartingBeforeTheRestartStartsItThere() {
        TrainConfig c = schedule(2000, 1e-3, 1e-4, 100);
        assertSame(c, c.startingAt(1500), "a schedule from step 0 covers any start");
        TrainConfig extended = c.withSteps(3000);
        assertEquals(0, extended.scheduleStart());
        assertTrue(extended.learningRate(2000) > 1e-4, "the decay goes on over the new total, not back to the peak");
        TrainConfig restarted = c.toBuilder().steps(3000).scheduleStart(2000).build();
        assertEquals(2000, restarted.withSteps(4000).scheduleStart(), "extending a restarted run keeps its restart");
        assertEquals(0, restarted.startingAt(0).scheduleStart(), "a fresh run with these settings starts its schedule at 0");
        assertEquals(1500, restarted.startingAt(1500).scheduleStart());
        assertSame(restarted, restarted.startingAt(2500));
    }

    @Test
    void aScheduleStartOutsideTheRunIsRefused() {
        TrainConfig c = schedule(2000, 1e-3, 1e-4, 100);
        BytewiseException e = assertThrows(BytewiseException.class, () -> c.withScheduleStart(-1));
        assertTrue(e.getMessage().startsWith("schedule_start "), e.getMessage());
        e = assertThrows(BytewiseException.class, () -> c.withScheduleStart(2001));
        assertTrue(e.getMessage().contains("restarts at step 2001, after the run's last step (2000)"), e.getMessage());
        assertEquals(2000, c.withScheduleStart(2000).scheduleStart(), "a schedule of no steps is allowed (a finished run)");
    }

    // ---------------------------------------------------------------- refusals

    /** Defaults with named fields overridden. */
    private static TrainConfig cfg(int batch, int steps, double lr, double minLr, int warmup, double wd, double beta1,
                                   double beta2, double eps, double clip, int evalEvery, int evalWindows, int threads,
                                   double val) {
        return new TrainConfig(batch, steps, lr, minLr, warmup, wd, beta1, beta2, eps, clip, evalEvery, evalWindows,
                threads, 1337, val);
    }

    private static void refused(String field, Executable make) {
        BytewiseException e = assertThrows(BytewiseException.class, make, field);
        assertTrue(e.getMessage().startsWith(field + " "), "message names " + field + ": " + e.getMessage());
    }

    @Test
    void invalidValuesAreRefusedNamingTheField() {
        refused("batch", () -> cfg(0, 200, 3e-4, 3e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("batch", () -> cfg(-3, 200, 3e-4, 3e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("steps", () -> cfg(4, -1, 3e-4, 3e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("lr", () -> cfg(4, 200, 0, 0, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("lr", () -> cfg(4, 200, Double.NaN, 0, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("lr", () -> cfg(4, 200, -1e-3, 0, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("lr", () -> cfg(4, 200, Double.POSITIVE_INFINITY, 0, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("min_lr", () -> cfg(4, 200, 1e-3, 2e-3, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("min_lr", () -> cfg(4, 200, 1e-3, -1e-5, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("min_lr", () -> cfg(4, 200, 1e-3, Double.NaN, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("warmup", () -> cfg(4, 200, 1e-3, 1e-4, -1, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("weight_decay", () -> cfg(4, 200, 1e-3, 1e-4, 0, -0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("weight_decay", () -> cfg(4, 200, 1e-3, 1e-4, 0, Double.NaN, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("beta1", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 1.0, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("beta1", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, -0.5, 0.999, 1e-8, 1, 20, 64, 0, 0.1));
        refused("beta2", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, -0.1, 1e-8, 1, 20, 64, 0, 0.1));
        refused("beta2", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 1.0, 1e-8, 1, 20, 64, 0, 0.1));
        refused("eps", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 0, 1, 20, 64, 0, 0.1));
        refused("eps", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, Double.NaN, 1, 20, 64, 0, 0.1));
        refused("grad_clip", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, -1, 20, 64, 0, 0.1));
        refused("grad_clip", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, Double.NaN, 20, 64, 0, 0.1));
        refused("grad_clip", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, Double.POSITIVE_INFINITY, 20, 64, 0, 0.1));
        refused("eval_every", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, -1, 64, 0, 0.1));
        refused("eval_windows", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, -1, 0, 0.1));
        refused("threads", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, -1, 0.1));
        refused("val_fraction", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, 1.0));
        refused("val_fraction", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, -0.1));
        refused("val_fraction", () -> cfg(4, 200, 1e-3, 1e-4, 0, 0.1, 0.9, 0.999, 1e-8, 1, 20, 64, 0, Double.NaN));
    }

    @Test
    void boundaryValuesAreAccepted() {
        assertDoesNotThrow(() -> cfg(1, 0, 10, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0));
        assertDoesNotThrow(() -> cfg(1 << 16, 1, 1e-3, 1e-3, 5, 9.9, 0.999, 0.9999, 1e-12, 5, 1, 1, 1024, 0.99));
        assertEquals(Runtime.getRuntime().availableProcessors(), TrainConfig.defaults().withThreads(0).resolvedThreads());
        assertEquals(3, TrainConfig.defaults().withThreads(3).resolvedThreads());
    }
}
