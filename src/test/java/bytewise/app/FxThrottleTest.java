package bytewise.app;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class FxThrottleTest {
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
        FxThrottle t = new FxThrottle(4, runs::incrementAndGet); // 250 ms window
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
}
