package bytewise.app;

import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The Training page's figures and the curve a run draws on, without the FX toolkit. */
class RunFiguresTest {
    private static StepMetrics step(long step, int total, double tokensPerSecond) {
        return new StepMetrics(step, total, step * 1000L, 3.0f, 3e-4, 0.5, tokensPerSecond, step * 0.5);
    }

    @Test
    void tokensPerSecondAreAveragedAndTheEtaFollowsThem() {
        Session session = new Session();
        RunFigures f = new RunFigures(session);
        f.start(0, 100, 1000);
        assertEquals(0, session.runStep.get());
        assertTrue(Double.isNaN(session.etaSeconds.get()), "no ETA before the first step");
        f.time(step(1, 100, 1000));
        f.time(step(2, 100, 2000)); // the average moves a tenth of the way: 1100
        f.time(step(3, 100, Double.NaN)); // an untimed step leaves it
        f.show(step(10, 100, 2000));
        assertEquals(1100, session.tokensPerSecond.get(), 1e-9);
        assertEquals(1100, session.lastTokensPerSecond.get(), 1e-9);
        assertEquals(90 * 1000 / 1100.0, session.etaSeconds.get(), 1e-9, "90 steps of 1,000 tokens to go");
        assertEquals(0.1, f.progress().get(), 1e-12);
        assertEquals(3.0, f.trainLoss().get(), 1e-6);
        f.ended();
        assertTrue(Double.isNaN(session.tokensPerSecond.get()) && Double.isNaN(session.etaSeconds.get()));
        assertEquals(1100, session.lastTokensPerSecond.get(), 1e-9, "the last speed stays for the status bar");
        f.at(250, 200);
        assertEquals(1.0, f.progress().get(), "an opened checkpoint past its schedule shows a full bar");
        f.start(0, 100, 1000);
        f.show(step(1, 100, Double.NaN));
        assertTrue(Double.isNaN(session.etaSeconds.get()), "a new run forgets the old speed");
    }

    @Test
    void aContinuedRunDrawsOnItsOwnCurveAndANewOneStartsWhereTheLastEnded() {
        RunHistory history = new RunHistory(new CurrentThreadTaskExecutor());
        TrainConfig tc = TrainConfig.defaults();
        RunData first = history.curveFor("tiny", tc, 0, false);
        for (int i = 1; i <= 4; i++) first.add(step(i, 8, 1000));
        assertSame(first, history.curveFor("tiny", tc, 4, true), "continuing: the same curve");
        assertEquals(1, history.runs().size());
        first.add(new StepMetrics(5, 8, 5000L, 3.0f, 3e-4, 0.5, 1000, 0.5)); // the continued run's clock restarted
        assertEquals(2.5, first.lastSeconds(), 1e-12, "its time goes on from the last step's");
        RunData second = history.curveFor("tiny", tc, 5, false);
        assertNotSame(first, second);
        assertEquals(2, history.runs().size());
        assertEquals(5, second.startStep);
        assertEquals(2.5, second.lastSeconds(), 1e-12, "from where the last curve ended: its clock goes on");
        RunData third = history.curveFor("tiny", tc, 0, false);
        assertEquals(0.0, third.lastSeconds(), 1e-12, "fresh weights: a fresh clock");
    }
}
