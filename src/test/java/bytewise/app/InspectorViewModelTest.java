package bytewise.app;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.inspect.SanityCheck;
import bytewise.inspect.SanityResult;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The Inspector's view model without the FX toolkit: work and delivery run on the calling thread. */
class InspectorViewModelTest {
    private static final Corpus CORPUS = TestData.proseCorpus(4_000, 3);
    private static final Gpt MODEL = Gpt.initialize(new ModelConfig(32, 32, 1, 2), 11);

    private static InspectorViewModel direct() {
        return new InspectorViewModel(new CurrentThreadTaskExecutor());
    }

    @Test
    void computeMatchesTheEngineAndAlignsSurprisal() {
        InspectorViewModel vm = direct();
        InspectorViewModel.Prediction p = vm.compute(MODEL, CORPUS, 100, 16, 7);
        SanityResult expected = new SanityCheck(MODEL, CORPUS, 16).at(100, 7, 16);
        assertEquals(expected, p.result());
        assertEquals(17, p.tokens().size(), "context bytes + the expected byte");
        assertEquals(17, p.surprisal().length);
        assertTrue(Float.isNaN(p.surprisal()[0]));
        float[] s = new SanityCheck(MODEL, CORPUS, 16).surprisal(100, 17);
        assertEquals(s[15], p.surprisal()[16], 1e-6f, "last cell is the expected byte");
        List<InspectorBarChart.Bar> bars = InspectorViewModel.bars(p);
        assertEquals(p.expectedInTop() ? 7 : 8, bars.size());
        assertEquals(1, bars.stream().filter(InspectorBarChart.Bar::highlighted).count());
    }

    @Test
    void noModelSaysSoAndModelFillsThePrediction() {
        InspectorViewModel vm = direct();
        vm.corpus.set(CORPUS);
        assertEquals(InspectorViewModel.NO_MODEL, vm.messageProperty().get());
        assertNull(vm.predictionProperty().get());
        vm.model.set(MODEL);
        assertEquals(32, vm.contextLength.get(), "context defaults to seq_len");
        assertNotNull(vm.predictionProperty().get());
        assertEquals("", vm.messageProperty().get());
        assertEquals(10, vm.predictionProperty().get().result().top().size());
        vm.topK.set(3);
        assertEquals(3, vm.predictionProperty().get().result().top().size());
        vm.model.set(null);
        assertEquals(InspectorViewModel.NO_MODEL, vm.messageProperty().get());
        assertNull(vm.predictionProperty().get());
    }

    @Test
    void offsetIsClampedToTheData() {
        InspectorViewModel vm = direct();
        vm.corpus.set(CORPUS);
        vm.model.set(MODEL);
        vm.setOffset(1_000_000);
        assertEquals(CORPUS.size() - 32 - 1, vm.offset.get());
        assertEquals(vm.offset.get(), vm.predictionProperty().get().result().offset());
        vm.setOffset(-5);
        assertEquals(0, vm.offset.get());
        vm.contextLength.set(8);
        assertEquals(CORPUS.size() - 8 - 1, vm.maxOffsetProperty().get());
        assertEquals(8, vm.predictionProperty().get().result().contextLength());
    }

    @Test
    void anOffsetPickedBeforeTheModelArrivesIsKept() {
        InspectorViewModel vm = direct();
        vm.corpus.set(CORPUS);
        vm.setOffset(777);
        vm.model.set(MODEL);
        assertEquals(777, vm.predictionProperty().get().result().offset());
    }

    @Test
    void aPickedByteIsTheExpectedOneEvenBeforeTheModelArrives() {
        InspectorViewModel vm = direct();
        vm.corpus.set(CORPUS);
        vm.pickByte(500);
        vm.model.set(MODEL);
        SanityResult r = vm.predictionProperty().get().result();
        assertEquals(500 - 32, r.offset());
        assertEquals(CORPUS.byteAt(500), r.expected());
        vm.pickByte(10); // fewer than a context before it: start at 0
        assertEquals(0, vm.offset.get());
        vm.pickByte(CORPUS.size() - 1);
        assertEquals(CORPUS.byteAt(CORPUS.size() - 1), vm.predictionProperty().get().result().expected());
    }

    @Test
    void inactivePageDefersWorkUntilShownAgain() {
        InspectorViewModel vm = direct();
        vm.corpus.set(CORPUS);
        vm.model.set(MODEL);
        vm.active.set(false);
        Gpt newer = Gpt.initialize(new ModelConfig(32, 32, 1, 2), 12);
        vm.model.set(newer);
        vm.topK.set(4);
        assertSame(MODEL, vm.predictionProperty().get().model(), "nothing computed while hidden");
        vm.active.set(true);
        assertSame(newer, vm.predictionProperty().get().model());
        assertEquals(4, vm.predictionProperty().get().result().top().size());
    }

    @Test
    void tinyCorpusIsReportedPlainly() {
        InspectorViewModel vm = direct();
        vm.corpus.set(Corpus.of("tiny.txt", "abc".getBytes()));
        vm.model.set(MODEL);
        assertTrue(vm.messageProperty().get().contains("fewer than context"), vm.messageProperty().get());
        assertFalse(vm.readyProperty().get());
    }
}
