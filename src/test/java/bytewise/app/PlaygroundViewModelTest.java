package bytewise.app;

import bytewise.BytewiseException;
import bytewise.inspect.ByteProbability;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.sample.GeneratedByte;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The Playground's settings and helpers without the FX toolkit. */
class PlaygroundViewModelTest {
    @Test
    void validatesEverySetting() {
        PlaygroundViewModel vm = new PlaygroundViewModel(new CurrentThreadTaskExecutor());
        assertNull(vm.validate());
        vm.temperature.set(2.5);
        assertTrue(vm.validate().contains("Temperature"));
        vm.temperature.set(0);
        assertNull(vm.validate(), "0 is greedy");
        vm.topK.set(300);
        assertTrue(vm.validate().contains("Top-k"));
        vm.topK.set(0);
        vm.topP.set(0.01);
        assertTrue(vm.validate().contains("Top-p"));
        vm.topP.set(0.05);
        vm.length.set(0);
        assertTrue(vm.validate().contains("Length"));
        assertThrows(BytewiseException.class, () -> vm.settings(1));
        vm.length.set(4096);
        assertNull(vm.validate());
        vm.length.set(4097);
        assertNotNull(vm.validate());
    }

    @Test
    void settingsCarryTheValuesAndStopEscapes() {
        PlaygroundViewModel vm = new PlaygroundViewModel(new CurrentThreadTaskExecutor());
        vm.temperature.set(0.5);
        vm.topK.set(40);
        vm.topP.set(0.9);
        vm.length.set(100);
        vm.asciiOnly.set(true);
        vm.stop.set("\\n\\n");
        SamplingSettings s = vm.settings(99);
        assertEquals(new SamplingSettings(0.5, 40, 0.9, true, 99, 100, "\n\n"), s);
        vm.stop.set("");
        assertNull(vm.settings(1).stop());
    }

    @Test
    void generateIsDisabledWithAReasonWithoutAModel() {
        PlaygroundViewModel vm = new PlaygroundViewModel(new CurrentThreadTaskExecutor());
        assertEquals(PlaygroundViewModel.NO_MODEL, vm.disabledReasonProperty().get());
        assertFalse(vm.canGenerateProperty().get());
        vm.model.set(Gpt.initialize(new ModelConfig(16, 16, 1, 2), 1));
        assertEquals("", vm.disabledReasonProperty().get());
        assertTrue(vm.canGenerateProperty().get());
        vm.temperature.set(3);
        assertFalse(vm.canGenerateProperty().get());
        assertTrue(vm.disabledReasonProperty().get().contains("Temperature"));
    }

    @Test
    void alternativesAreTheMostLikelyBytesInOrder() {
        Gpt model = Gpt.initialize(new ModelConfig(16, 16, 1, 2), 3);
        List<GeneratedByte> bytes = new ArrayList<>();
        new Generator(model).generate("ab".getBytes(StandardCharsets.UTF_8), SamplingSettings.defaults(), bytes::add, null);
        GeneratedByte b = bytes.get(0);
        List<ByteProbability> alt = PlaygroundViewModel.alternatives(b, 8);
        assertEquals(8, alt.size());
        for (int i = 1; i < alt.size(); i++) assertTrue(alt.get(i - 1).probability() >= alt.get(i).probability());
        for (float p : b.distribution()) assertTrue(p <= alt.get(0).probability());
    }
}
