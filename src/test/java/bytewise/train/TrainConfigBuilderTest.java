package bytewise.train;

import bytewise.BytewiseException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Settings by name instead of sixteen positional arguments. */
class TrainConfigBuilderTest {
    @Test
    void aBuilderCopiesEverySettingAndChangesOnlyWhatIsNamed() {
        TrainConfig d = TrainConfig.defaults();
        assertEquals(d, d.toBuilder().build());
        assertEquals(d, TrainConfig.builder().build());
        TrainConfig t = d.toBuilder().batch(8).steps(300).lr(1e-3).minLr(1e-4).warmup(10).weightDecay(0.05)
                .beta1(0.8).beta2(0.95).eps(1e-6).gradClip(0.5).evalEvery(25).evalWindows(16).threads(2).seed(7)
                .valFraction(0.2).build();
        assertEquals(new TrainConfig(8, 300, 1e-3, 1e-4, 10, 0.05, 0.8, 0.95, 1e-6, 0.5, 25, 16, 2, 7, 0.2), t);
        assertEquals(d.toBuilder().steps(5).build(), d.withSteps(5));
        assertEquals(d.toBuilder().threads(3).build(), d.withThreads(3));
        assertEquals(d.toBuilder().lr(1e-2).minLr(1e-3).build(), d.withLr(1e-2, 1e-3));
        TrainConfig restarted = t.toBuilder().scheduleStart(120).build();
        assertEquals(new TrainConfig(8, 300, 1e-3, 1e-4, 10, 0.05, 0.8, 0.95, 1e-6, 0.5, 25, 16, 2, 7, 0.2, 120), restarted);
        assertEquals(restarted, t.withScheduleStart(120));
        assertEquals(120, restarted.toBuilder().steps(400).build().scheduleStart(), "a builder keeps the schedule's start");
        assertEquals(0, t.scheduleStart(), "the fifteen-argument constructor starts the schedule at step 0");
    }

    @Test
    void buildValidatesLikeTheConstructor() {
        BytewiseException e = assertThrows(BytewiseException.class, () -> TrainConfig.builder().minLr(1).build());
        assertTrue(e.getMessage().startsWith("min_lr must be in [0, lr]"), e.getMessage());
        assertThrows(BytewiseException.class, () -> TrainConfig.builder().batch(0).build());
    }
}
