package bytewise.train;

import bytewise.TestData;
import bytewise.data.Split;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** What a run does when its loss diverges: stop, pause until resumed, or report and go on. */
class TrainerDivergenceTest {
    private static final ModelConfig M = new ModelConfig(32, 32, 1, 2);

    private static TrainConfig huge(int steps) {
        return new TrainConfig(4, steps, 5.0, 5.0, 0, 0.0, 0.9, 0.99, 1e-8, 1.0, 0, 8, 1, 1, 0.1);
    }

    private static final class Recorder implements TrainingListener {
        final List<Divergence> divergences = new ArrayList<>();
        final List<StepMetrics> steps = new ArrayList<>();

        @Override
        public synchronized void onStep(StepMetrics m) {
            steps.add(m);
        }

        @Override
        public synchronized void onDiverged(Divergence d) {
            divergences.add(d);
        }
    }

    @Test
    void stopsAtTheStepWhoseLossGaveItAwayWithASuggestion() {
        Split s = TestData.proseCorpus(20_000, 1).split(0.1);
        Gpt model = Gpt.initialize(M, 1);
        Recorder r = new Recorder();
        try (Trainer t = new Trainer(model, s, huge(100), null)) {
            RunOutcome o = t.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    r.onStep(m);
                }

                @Override
                public void onDiverged(Divergence d) {
                    r.onDiverged(d);
                    // the weights must be those after the last applied step
                    assertEquals(d.step() - 1, t.step());
                }
            });
            assertEquals(RunOutcome.Status.DIVERGED, o.status());
            assertEquals(1, r.divergences.size());
            Divergence d = r.divergences.get(0);
            assertEquals(r.steps.size() + 1, d.step());
            assertEquals(o.step() + 1, d.step());
            assertTrue(d.loss() > DivergenceRule.UNIFORM_LOSS + 1 || d.reason() != DivergenceRule.Reason.ABOVE_UNIFORM);
            assertEquals(5.0, d.lr());
            assertTrue(d.suggestedLr() <= LearningRates.usualHigh(M) && d.suggestedLr() > 0, "" + d.suggestedLr());
            assertFalse(d.paused());
            assertEquals(d.message(), o.message());
            assertTrue(o.step() < 100, "stopped early");
        }
    }

    @Test
    void pausesThenGoesOnWithoutTheRuleWhenResumed() throws Exception {
        Split s = TestData.proseCorpus(20_000, 2).split(0.1);
        Recorder r = new Recorder();
        try (Trainer t = new Trainer(Gpt.initialize(M, 2), s, huge(40), null).onDivergence(Trainer.OnDivergence.PAUSE)) {
            AtomicReference<RunOutcome> outcome = new AtomicReference<>();
            Thread runner = new Thread(() -> outcome.set(t.run(r)));
            runner.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!t.isPaused() && runner.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(t.isPaused(), "paused at the divergence");
            long held;
            synchronized (r) {
                assertEquals(1, r.divergences.size());
                assertTrue(r.divergences.get(0).paused());
                held = r.steps.size();
                assertEquals(held + 1, r.divergences.get(0).step());
            }
            t.resume();
            runner.join(30_000);
            assertFalse(runner.isAlive());
            // a loss that stays finite trains to the end; one that is not stops the run even now
            RunOutcome o = outcome.get();
            if (o.status() == RunOutcome.Status.COMPLETED) {
                assertEquals(40, r.steps.size());
                assertEquals(1, r.divergences.size(), "the rule does not fire again after the user chose to go on");
            } else {
                assertEquals(RunOutcome.Status.DIVERGED, o.status());
                assertEquals(DivergenceRule.Reason.NON_FINITE, r.divergences.get(r.divergences.size() - 1).reason());
            }
            assertTrue(r.steps.size() > held, "steps again after resume");
        }
    }
}
