package bytewise.app;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class FxThrottleTest {
    private static final FxTaskExecutor EXECUTOR = new FxTaskExecutor();

    @BeforeAll
    static void toolkit() throws Exception {
        // through TestFX, like the other FX tests: a bare Platform.startup() first in the JVM leaves
        // TestFX's robot clicking into nothing in the tests that follow
        org.testfx.api.FxToolkit.registerPrimaryStage();
    }

    private static void onFx(Runnable r) {
        FxTesting.onFx(() -> {
            r.run();
            return null;
        });
    }

    @Test
    void aBurstRunsOnceAtOnceAndOnceAtTheEndOfTheWindow() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        FxThrottle t = new FxThrottle(EXECUTOR, 4, runs::incrementAndGet); // 250 ms window
        onFx(() -> {
            for (int i = 0; i < 50; i++) t.request();
        });
        assertEquals(1, runs.get(), "the first request runs at once, the rest wait");
        Thread.sleep(700);
        onFx(() -> { });
        assertEquals(2, runs.get(), "the burst's last request is not lost, and runs once");
        Thread.sleep(400);
        assertEquals(2, runs.get(), "nothing runs without a request");
        onFx(t::request);
        assertEquals(3, runs.get(), "after a quiet window a request runs at once");
    }

    @Test
    void aRequestInTheLastTenthOfTheWindowRunsAtOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        FxThrottle t = new FxThrottle(EXECUTOR, 1, runs::incrementAndGet); // 1 s window, 100 ms slack
        onFx(t::request);
        assertEquals(1, runs.get());
        Thread.sleep(950);
        onFx(t::request);
        assertEquals(2, runs.get(), "a request 50 ms before the window ends joins the caller's pulse instead of waiting");
        onFx(t::request);
        assertEquals(2, runs.get(), "right after a run the next request waits");
    }

    @Test
    void aDelayedRunOvertakenByAnEarlyOneDoesNothing() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        FxThrottle t = new FxThrottle(EXECUTOR, 1, runs::incrementAndGet);
        onFx(t::request);
        Thread.sleep(500);
        onFx(t::request); // 500 ms left: scheduled for the end of the window
        Thread.sleep(450);
        onFx(t::request); // in the slack: runs now, in place of the scheduled run
        assertEquals(2, runs.get());
        Thread.sleep(500);
        onFx(() -> { });
        assertEquals(2, runs.get(), "the scheduled run found a newer run and did not repeat it");
    }
}
