package bytewise.app;

import bytewise.io.Presets;
import bytewise.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The training service's gating of Train, without the FX toolkit. */
class TrainingServiceTest {
    @Test
    void trainIsBlockedWithAReasonUntilThereIsDataAndValidSettings() {
        Session s = new Session();
        s.settings.set(Presets.named("tiny"));
        TrainingService svc = TrainingService.of(s);
        assertSame(svc, TrainingService.of(s), "one service per session");
        assertFalse(svc.canTrain.get());
        assertEquals("open a dataset first", s.trainBlockedReason.get());
        s.corpus.set(TestData.proseCorpus(20_000, 1));
        assertTrue(svc.canTrain.get(), s.trainBlockedReason.get());
        HyperparametersViewModel.of(s).values.get("heads").set("3");
        assertFalse(svc.canTrain.get());
        assertTrue(s.trainBlockedReason.get().contains("divisible"));
        svc.train(); // refuses, and says why
        assertTrue(s.message.get().startsWith("Cannot train:"), s.message.get());
        assertEquals(TrainingService.State.IDLE, svc.state.get());
        assertEquals("Idle", s.runState.get());
    }
}
