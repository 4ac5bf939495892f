package bytewise.train;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.data.Split;
import bytewise.io.Checkpoint;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    private static final ModelConfig SMALL = new ModelConfig(32, 32, 2, 2);

    private static TrainConfig config(int steps, int threads, double lr, int warmup, double minLr) {
        return new TrainConfig(4, steps, lr, minLr, warmup, 0.1, 0.9, 0.99, 1e-8, 1.0, 5, 8, threads, 42, 0.1);
    }

    /** Runs and returns every step's loss (as raw float bits, to compare exactly). */
    private static List<Float> losses(Trainer t) {
        List<Float> out = new ArrayList<>();
        t.run(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                out.add(m.loss());
            }
        });
        return out;
    }

    @Test
    void oneLayerModelLearnsRepeatedTextBelowPointOne() {
        Corpus c = Corpus.of("repeat.txt", TestData.repeated("the quick brown fox jumps over the lazy dog. ", 6000));
        ModelConfig cfg = new ModelConfig(64, 48, 1, 3);
        TrainConfig tc = new TrainConfig(8, 250, 3e-3, 3e-4, 20, 0.0, 0.9, 0.99, 1e-8, 1.0, 0, 8, 2, 1, 0.1);
        try (Trainer t = new Trainer(Gpt.initialize(cfg, 1), c.split(0.1), tc, null)) {
            List<Float> l = losses(t);
            assertTrue(l.get(0) > 4.0, "starts near ln 256, got " + l.get(0));
            float last = l.get(l.size() - 1);
            assertTrue(last < 0.1f, "final training loss " + last);
            assertTrue(t.evaluate() < 0.1f, "validation loss " + t.evaluate());
        }
    }

    @Test
    void sameSeedSameLossesBitForBitAndAcrossThreadCounts() {
        Split s = TestData.proseCorpus(20_000, 3).split(0.1);
        List<List<Float>> runs = new ArrayList<>();
        for (int threads : new int[]{2, 2, 1, 3}) {
            try (Trainer t = new Trainer(Gpt.initialize(SMALL, 5), s, config(12, threads, 1e-3, 3, 1e-4), null)) {
                runs.add(losses(t));
            }
        }
        assertEquals(12, runs.get(0).size());
        assertEquals(runs.get(0), runs.get(1), "same seed and threads");
        assertEquals(runs.get(0), runs.get(2), "1 thread");
        assertEquals(runs.get(0), runs.get(3), "3 threads");
        assertTrue(runs.get(0).get(11) < runs.get(0).get(0), "loss falls");
    }

    @Test
    void resumedRunContinuesTheUninterruptedCurveExactly(@TempDir Path dir) {
        Split s = TestData.proseCorpus(20_000, 4).split(0.1);
        TrainConfig tc = config(16, 2, 2e-3, 4, 2e-4);
        List<Float> straight;
        float[] straightParams;
        try (Trainer t = new Trainer(Gpt.initialize(SMALL, 9), s, tc, null)) {
            straight = losses(t);
            straightParams = t.model().params().clone();
        }
        // first half, stopped from the listener after step 7, saved and reloaded
        List<Float> first = new ArrayList<>();
        try (Trainer t = new Trainer(Gpt.initialize(SMALL, 9), s, tc, null)) {
            t.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    first.add(m.loss());
                    if (m.step() == 7) t.cancel();
                }
            });
            Trainer.Snapshot snap = t.capture();
            assertEquals(7, snap.state().step());
            new Checkpoint(snap.model(), tc, snap.state(), "prose.txt", null).save(dir.resolve("half"));
        }
        Checkpoint loaded = Checkpoint.load(dir.resolve("half"));
        assertEquals(7, loaded.state().step());
        try (Trainer t = new Trainer(loaded.model(), s, tc, loaded.state())) {
            List<Float> second = losses(t);
            List<Float> all = new ArrayList<>(first);
            all.addAll(second);
            assertEquals(straight, all);
            assertArrayEquals(straightParams, t.model().params());
        }
    }

    @Test
    void aRestartedScheduleWarmsUpAgainAndResumesFromItsCheckpointBitForBit(@TempDir Path dir) {
        Split s = TestData.proseCorpus(20_000, 4).split(0.1);
        TrainConfig first = config(8, 2, 2e-3, 4, 2e-4);
        Trainer.Snapshot finished;
        List<Double> firstRates = new ArrayList<>();
        try (Trainer t = new Trainer(Gpt.initialize(SMALL, 9), s, first, null)) {
            t.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    firstRates.add(m.lr());
                }
            });
            finished = t.capture();
        }
        // trained 8 more steps with the schedule restarted at step 8
        TrainConfig restarted = first.toBuilder().steps(16).scheduleStart(8).build();
        List<Float> straight = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        float[] straightParams;
        try (Trainer t = new Trainer(finished.model().copy(), s, restarted, finished.state())) {
            t.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    straight.add(m.loss());
                    rates.add(m.lr());
                }
            });
            straightParams = t.model().params().clone();
        }
        assertEquals(8, straight.size());
        assertEquals(List.of(5e-4, 1e-3, 1.5e-3, 2e-3), rates.subList(0, 4), "the warmup again, from a quarter of the peak");
        assertEquals(firstRates, rates, "the first schedule again, moved to steps 9..16");
        // the same, stopped at step 12, saved, reloaded and resumed with the checkpoint's settings
        List<Float> resumed = new ArrayList<>();
        try (Trainer t = new Trainer(finished.model().copy(), s, restarted, finished.state())) {
            t.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    resumed.add(m.loss());
                    if (m.step() == 12) t.cancel();
                }
            });
            Trainer.Snapshot snap = t.capture();
            new Checkpoint(snap.model(), restarted, snap.state(), "prose.txt", null).save(dir.resolve("restarted"));
        }
        Checkpoint loaded = Checkpoint.load(dir.resolve("restarted"));
        assertEquals(restarted, loaded.training(), "the checkpoint keeps where the schedule restarted");
        assertEquals(8, loaded.training().scheduleStart());
        try (Trainer t = new Trainer(loaded.model(), s, loaded.training(), loaded.state())) {
            resumed.addAll(losses(t));
            assertEquals(straight, resumed);
            assertArrayEquals(straightParams, t.model().params());
        }
    }

    @Test
    void cancelReturnsWithinAStepAndPauseHoldsProgress() throws Exception {
        Split s = TestData.proseCorpus(20_000, 5).split(0.1);
        try (Trainer t = new Trainer(Gpt.initialize(SMALL, 2), s, config(1_000_000, 2, 1e-3, 0, 1e-3), null)) {
            CountDownLatch started = new CountDownLatch(3);
            AtomicReference<RunOutcome> outcome = new AtomicReference<>();
            Thread runner = new Thread(() -> outcome.set(t.run(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    started.countDown();
                }
            })));
            runner.start();
            assertTrue(started.await(30, TimeUnit.SECONDS));
            t.pause();
            Thread.sleep(200); // let the step in flight finish
            long held = t.step();
            Thread.sleep(300);
            assertEquals(held, t.step(), "no steps while paused");
            t.resume();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (t.step() <= held && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(t.step() > held, "steps again after resume");
            t.cancel();
            runner.join(10_000);
            assertFalse(runner.isAlive());
            assertEquals(RunOutcome.Status.CANCELLED, outcome.get().status());
            assertTrue(outcome.get().step() < 1_000_000);
        }
    }

    @Test
    void divergenceStopsAtTheStepWithoutTouchingTheWeights() {
        Split s = TestData.proseCorpus(20_000, 6).split(0.1);
        Gpt model = Gpt.initialize(SMALL, 3);
        model.params()[model.layout().lnfw] = Float.NaN;
        float[] before = model.params().clone();
        try (Trainer t = new Trainer(model, s, config(10, 2, 1e-3, 0, 1e-3), null)) {
            RunOutcome o = t.run(null);
            assertEquals(RunOutcome.Status.DIVERGED, o.status());
            assertEquals(0, o.step());
            assertTrue(o.message().contains("step 1") && o.message().contains("learning rate"), o.message());
            assertArrayEquals(before, model.params());
        }
    }

    @Test
    void validationLossIsTheSameAtEveryEvaluationOfTheSameWeights() {
        Split s = TestData.proseCorpus(30_000, 7).split(0.2);
        try (Trainer t = new Trainer(Gpt.initialize(SMALL, 4), s, config(0, 2, 1e-3, 0, 1e-3), null)) {
            float a = t.evaluate(), b = t.evaluate();
            assertEquals(a, b);
            assertTrue(a > 5.0 && a < 6.0, "untrained model is near ln 256: " + a);
        }
    }

    @Test
    void replayMixesTheOldTextIntoEveryBatch() {
        // the new text never contains 'Z'; the replay text is all 'Z': with replay, the model learns 'Z'
        Split fresh = Corpus.of("new.txt", TestData.repeated("abc abd abe ", 8000)).split(0.1);
        Split old = Corpus.of("old.txt", TestData.repeated("Z", 8000)).split(0.1);
        TrainConfig tc = new TrainConfig(8, 60, 3e-3, 3e-3, 0, 0.0, 0.9, 0.99, 1e-8, 1.0, 0, 8, 2, 1, 0.1);
        float[] pz = new float[2];
        for (int i = 0; i < 2; i++) {
            Gpt m = Gpt.initialize(SMALL, 8);
            try (Trainer t = new Trainer(m, fresh, tc, null, old, i == 0 ? 0.0 : 0.25)) {
                t.run(null);
            }
            bytewise.sample.Decoder d = new bytewise.sample.Decoder(m);
            for (int k = 0; k < 8; k++) d.push('Z');
            pz[i] = d.probabilities()['Z'];
        }
        assertTrue(pz[0] < 0.05, "without replay 'Z' after 'Z's stays unlikely: " + pz[0]);
        assertTrue(pz[1] > 0.5, "with replay the old text is remembered: " + pz[1]);
    }
}
