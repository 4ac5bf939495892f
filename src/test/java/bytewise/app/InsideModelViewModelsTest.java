package bytewise.app;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.inspect.AttentionMaps;
import bytewise.inspect.ByteProbability;
import bytewise.inspect.EmbeddingPca;
import bytewise.inspect.ForwardTrace;
import bytewise.inspect.LogitLens;
import bytewise.inspect.SanityCheck;
import bytewise.inspect.SanityResult;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Inspector's attention, logit-lens and embedding view-models without the FX toolkit: work and
 * delivery run on the calling thread, so each change is computed before the setter returns.
 */
class InsideModelViewModelsTest {
    private static final Corpus CORPUS = TestData.proseCorpus(4_000, 5);
    private static final ModelConfig CFG = new ModelConfig(16, 32, 2, 4);
    private static final Gpt MODEL = perturbed(CFG, 3);

    /** An initialised model with every weight nudged, so heads and layers differ from one another. */
    private static Gpt perturbed(ModelConfig cfg, long seed) {
        Gpt m = Gpt.initialize(cfg, seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) (rng.nextGaussian() * 0.05);
        return m;
    }

    private static void assertSameMatrix(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int q = 0; q < expected.length; q++) assertArrayEquals(expected[q], actual[q], what + " row " + q);
    }

    private static AttentionViewModel attention() {
        AttentionViewModel vm = new AttentionViewModel(new CurrentThreadTaskExecutor());
        vm.contextLength.set(12);
        vm.offset.set(100);
        vm.corpus.set(CORPUS);
        vm.model.set(MODEL);
        return vm;
    }

    @Test
    void theShownAttentionMatrixIsTheEnginesAndFollowsLayerHeadAndOffset() {
        AttentionViewModel vm = attention();
        assertEquals("", vm.messageProperty().get());
        assertEquals(2, vm.layersProperty().get());
        assertEquals(4, vm.headsProperty().get());
        ForwardTrace at100 = AttentionMaps.at(MODEL, CORPUS, 100, 12);
        assertSameMatrix(at100.attentionMap(0, 0), vm.matrixProperty().get(), "layer 0 head 0");
        vm.head.set(3);
        assertSameMatrix(at100.attentionMap(0, 3), vm.matrixProperty().get(), "layer 0 head 3");
        vm.layer.set(1);
        assertSameMatrix(at100.attentionMap(1, 3), vm.matrixProperty().get(), "layer 1 head 3");
        assertFalse(java.util.Arrays.deepEquals(at100.attentionMap(0, 3), at100.attentionMap(1, 3)),
                "the layers' maps differ, so the comparison above tells them apart");
        assertArrayEquals(at100.attentionMap(1, 3)[11], vm.lastRow(), "the last byte's row");
        List<float[][]> all = vm.layerMapsProperty().get();
        assertEquals(4, all.size());
        for (int h = 0; h < 4; h++) assertSameMatrix(at100.attentionMap(1, h), all.get(h), "small multiple " + h);

        vm.offset.set(700);
        ForwardTrace at700 = AttentionMaps.at(MODEL, CORPUS, 700, 12);
        assertSameMatrix(at700.attentionMap(1, 3), vm.matrixProperty().get(), "after the offset moved");
        assertEquals(700, vm.mapsProperty().get().offset());
        assertEquals(bytewise.sample.Utf8Stream.printable(CORPUS.byteAt(700)), vm.mapsProperty().get().tokens().get(0));
        // the rows are causal distributions: above the diagonal is 0
        float[][] m = vm.matrixProperty().get();
        for (int q = 0; q < m.length; q++) {
            double sum = 0;
            for (int k = 0; k < m.length; k++) {
                if (k > q) assertEquals(0f, m[q][k]);
                sum += m[q][k];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void attentionClampsLayerAndHeadAndNamesProblems() {
        AttentionViewModel vm = attention();
        vm.layer.set(9);
        assertEquals(1, vm.layer.get(), "clamped to the last layer");
        vm.head.set(-2);
        assertEquals(0, vm.head.get());
        vm.offset.set(CORPUS.size()); // past the data: the engine's message, nothing shown
        assertNull(vm.matrixProperty().get());
        assertTrue(vm.messageProperty().get().contains("offset must be in 0.."), vm.messageProperty().get());
        vm.offset.set(5);
        assertNotNull(vm.matrixProperty().get());
        vm.model.set(null);
        assertEquals(InspectorViewModel.NO_MODEL, vm.messageProperty().get());
        assertNull(vm.matrixProperty().get());
    }

    @Test
    void aHiddenViewComputesNothingUntilShown() {
        AttentionViewModel vm = new AttentionViewModel(new CurrentThreadTaskExecutor());
        vm.active.set(false);
        vm.contextLength.set(8);
        vm.corpus.set(CORPUS);
        vm.model.set(MODEL);
        assertNull(vm.matrixProperty().get(), "nothing computed while hidden");
        vm.active.set(true);
        assertSameMatrix(AttentionMaps.at(MODEL, CORPUS, 0, 8).attentionMap(0, 0), vm.matrixProperty().get(), "on show");
    }

    @Test
    void hoverTextNamesTheBytePairAndWeight() {
        AttentionViewModel vm = attention();
        AttentionViewModel.Maps m = vm.mapsProperty().get();
        String s = AttentionViewModel.describeCell(m, 5, 2, 0.25f);
        String q = InspectorBarChart.visible(bytewise.sample.Utf8Stream.printable(CORPUS.byteAt(105)));
        String k = InspectorBarChart.visible(bytewise.sample.Utf8Stream.printable(CORPUS.byteAt(102)));
        assertEquals("query byte 105 '" + q + "' → key byte 102 '" + k + "': weight 0.2500", s);
    }

    @Test
    void theLensRowsAreTheEnginesAndTheLastIsTheModelsOwnPrediction() {
        LensViewModel vm = new LensViewModel(new CurrentThreadTaskExecutor());
        assertEquals(InspectorViewModel.NO_MODEL, vm.messageProperty().get());
        vm.contextLength.set(16);
        vm.offset.set(300);
        vm.corpus.set(CORPUS);
        vm.model.set(MODEL);
        LogitLens.Result expected = LogitLens.at(MODEL, CORPUS, 300, 16, LensViewModel.DEFAULT_TOP);
        assertEquals(expected.layers(), vm.rows());
        assertEquals(expected.expected(), vm.resultProperty().get().expected());
        SanityResult own = new SanityCheck(MODEL, CORPUS, 16).at(300, LensViewModel.DEFAULT_TOP, 0);
        LogitLens.Layer last = vm.rows().get(vm.rows().size() - 1);
        assertEquals(own.expectedRank(), last.expectedRank());
        assertEquals(own.expectedProbability(), last.expectedProbability(), 1e-5f);
        assertEquals(own.top().stream().map(ByteProbability::value).toList(),
                last.top().stream().map(ByteProbability::value).toList());
        assertTrue(vm.summaryProperty().get().startsWith("Expected " + InspectorViewModel.describeByte(expected.expected())),
                vm.summaryProperty().get());

        vm.offset.set(1200);
        assertEquals(LogitLens.at(MODEL, CORPUS, 1200, 16, LensViewModel.DEFAULT_TOP).layers(), vm.rows());
        vm.top.set(2);
        assertEquals(2, vm.rows().get(0).top().size());
        assertEquals("block 1 (output)", LensViewModel.layerName(vm.rows().get(1), 2));
        assertEquals("block 0", LensViewModel.layerName(vm.rows().get(0), 2));
    }

    @Test
    void lensSummarySaysFromWhichBlockTheModelIsSure() {
        ByteProbability e = ByteProbability.of('e', 0.5f);
        List<ByteProbability> top = List.of(e);
        LogitLens.Result r = new LogitLens.Result(0, 8, 'e', List.of(new LogitLens.Layer(0, top, 0.1f, 4),
                new LogitLens.Layer(1, top, 0.3f, 1), new LogitLens.Layer(2, top, 0.5f, 1)));
        assertEquals("Expected 'e'  (0x65): the top choice from block 1 on · p = 0.5000 at the output", LensViewModel.summary(r));
        LogitLens.Result notYet = new LogitLens.Result(0, 8, 'e', List.of(new LogitLens.Layer(0, top, 0.1f, 1),
                new LogitLens.Layer(1, top, 0.05f, 3)));
        assertEquals("Expected 'e'  (0x65): rank 3 of 256 · p = 0.0500 at the output", LensViewModel.summary(notYet));
    }

    @Test
    void theEmbeddingMapIsTheEnginesProjectionWithByteCountsAndFollowsTheModel() {
        EmbeddingViewModel vm = new EmbeddingViewModel(new CurrentThreadTaskExecutor());
        assertEquals(InspectorViewModel.NO_MODEL, vm.messageProperty().get());
        vm.corpus.set(CORPUS);
        vm.model.set(MODEL);
        vm.modelStep.set(40);
        EmbeddingPca.Result expected = EmbeddingPca.bytes(MODEL, CORPUS);
        EmbeddingViewModel.Map map = vm.mapProperty().get();
        assertEquals(expected.points(), map.pca().points());
        assertArrayEquals(expected.explained(), map.pca().explained());
        assertEquals(40, map.step());
        long[] counts = EmbeddingPca.count(CORPUS);
        assertEquals(counts['e'], map.pca().points().get('e').count());
        assertTrue(map.pca().points().get('e').count() > 0);
        assertEquals(String.format(java.util.Locale.ROOT, "x: PC1, %.1f%% of the variance · y: PC2, %.1f%% · model at step 40",
                expected.explained()[0] * 100, expected.explained()[1] * 100), vm.captionProperty().get());

        Gpt next = perturbed(CFG, 8); // training published new weights
        vm.model.set(next);
        assertEquals(EmbeddingPca.bytes(next, CORPUS).points(), vm.mapProperty().get().pca().points());
        assertNotEquals(expected.points(), vm.mapProperty().get().pca().points());
        vm.corpus.set(null);
        assertEquals(-1, vm.mapProperty().get().pca().points().get('e').count(), "no data: no counts");
    }

    @Test
    void embeddingLabelsAndHover() {
        assertEquals("a", EmbeddingViewModel.label('a'));
        assertEquals("␣", EmbeddingViewModel.label(' '));
        assertEquals("\\n", EmbeddingViewModel.label('\n'));
        assertEquals("C3", EmbeddingViewModel.label(0xC3));
        EmbeddingPca.Point p = new EmbeddingPca.Point('a', 1.5, -0.25, bytewise.inspect.ByteClass.LOWER, 1234);
        assertEquals("byte 0x61 'a' (lower) at (1.500, -0.250) · 1,234 times in the data", EmbeddingViewModel.describe(p));
    }
}
