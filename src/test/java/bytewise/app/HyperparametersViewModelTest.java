package bytewise.app;

import bytewise.io.Presets;
import bytewise.TestData;
import bytewise.train.Preset;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Validation and derived figures of the Hyperparameters screen, without the FX toolkit. */
class HyperparametersViewModelTest {
    private final Session session = new Session();
    private final HyperparametersViewModel vm = new HyperparametersViewModel(session);

    @Test
    void startsOnTinyAndWritesValidSettingsToTheSession() {
        assertEquals("tiny", vm.preset.get());
        assertTrue(vm.valid.get(), vm.reason.get());
        assertEquals("64", vm.values.get("d_model").get());
        assertNotNull(session.settings.get());
        assertEquals(Presets.named("tiny").model(), session.settings.get().model());
        assertNotEquals("—", vm.paramsText.get());
        assertTrue(vm.timeText.get().startsWith("—"), "no speed measured yet");
        session.lastTokensPerSecond.set(10_000);
        assertTrue(vm.timeText.get().contains("10,000 tok/s"), vm.timeText.get());
    }

    @Test
    void headsMustDivideDModel() {
        vm.values.get("heads").set("3");
        assertFalse(vm.valid.get());
        assertTrue(vm.reason.get().contains("divisible"), vm.reason.get());
        assertEquals(4, session.settings.get().model().nHead(), "invalid settings never reach the session");
        vm.values.get("heads").set("8");
        assertTrue(vm.valid.get());
        assertEquals(8, session.settings.get().model().nHead());
        assertEquals(HyperparametersViewModel.CUSTOM, vm.preset.get());
    }

    @Test
    void nonNumericTextIsNamedOnItsField() {
        vm.values.get("lr").set("fast");
        assertFalse(vm.valid.get());
        assertEquals("'fast' is not a number", vm.errors.get("lr").get());
        assertTrue(vm.reason.get().startsWith("Learning rate:"), vm.reason.get());
        vm.values.get("steps").set("1.5");
        assertEquals("'1.5' is not a whole number", vm.errors.get("steps").get());
        vm.values.get("lr").set("1e-3");
        vm.values.get("steps").set("1,000");
        assertTrue(vm.valid.get(), vm.reason.get());
        assertEquals(1000, session.settings.get().training().steps());
    }

    @Test
    void engineRangesAndDataLengthAreChecked() {
        vm.values.get("beta2").set("1.5");
        assertTrue(vm.reason.get().contains("beta2"), vm.reason.get());
        vm.values.get("beta2").set("0.99");
        vm.values.get("warmup").set("500");
        assertTrue(vm.reason.get().contains("warmup"), vm.reason.get());
        vm.values.get("warmup").set("0");
        session.corpus.set(TestData.proseCorpus(500, 1));
        vm.values.get("seq_len").set("128");
        assertTrue(vm.reason.get().contains("too short"), vm.reason.get());
        session.valFraction.set(0.4);
        assertTrue(vm.valid.get(), vm.reason.get());
        assertEquals(0.4, session.settings.get().training().valFraction(), 1e-12);
    }

    @Test
    void batchTooBigForTheHeapIsRefused() {
        vm.values.get("seq_len").set("4096");
        vm.values.get("batch").set("65536");
        assertFalse(vm.valid.get());
        assertTrue(vm.reason.get().contains("batch"), vm.reason.get());
    }

    @Test
    void presetsApplyAndRoundTripThroughJson(@org.junit.jupiter.api.io.TempDir Path dir) {
        vm.preset.set("small");
        assertEquals("128", vm.values.get("d_model").get());
        assertEquals("small", session.settings.get().name());
        vm.values.get("seed").set("42");
        Path file = dir.resolve("mine.json");
        vm.savePreset(file);
        vm.preset.set("tiny");
        assertEquals("1337", vm.values.get("seed").get());
        vm.loadPreset(file);
        assertEquals("42", vm.values.get("seed").get());
        assertEquals("128", vm.values.get("d_model").get());
    }

    @Test
    void settingsSetElsewhereAreShown() {
        Preset medium = Presets.named("medium");
        session.settings.set(medium);
        assertEquals("medium", vm.preset.get());
        assertEquals("384", vm.values.get("d_model").get());
    }

    @Test
    void anUnusualLearningRateIsWarnedAboutButStillTrains() {
        assertEquals("", vm.warning.get(), "tiny's own rate is usual");
        assertEquals("4.7e-05 – 7.1e-03", vm.lrRange.get(), "the usual range for d_model 64, beside the field");
        vm.values.get("lr").set("5");
        vm.values.get("min_lr").set("5");
        assertTrue(vm.valid.get(), "warned, not refused: " + vm.reason.get());
        assertEquals(5.0, session.settings.get().training().lr());
        assertTrue(vm.warning.get().startsWith("Learning rate 5.00 is high for d_model 64"), vm.warning.get());
        vm.values.get("lr").set("1e-7");
        vm.values.get("min_lr").set("0");
        assertTrue(vm.warning.get().contains("low"), vm.warning.get());
        vm.values.get("d_model").set("512");
        vm.values.get("lr").set("5e-3");
        assertTrue(vm.warning.get().contains("high for d_model 512"), "the range follows the width: " + vm.warning.get());
        vm.values.get("d_model").set("64");
        assertEquals("", vm.warning.get(), "5e-3 is usual at d_model 64");
        vm.values.get("lr").set("abc");
        assertEquals("", vm.warning.get(), "no warning while the value does not parse (the error says why)");
    }
}
