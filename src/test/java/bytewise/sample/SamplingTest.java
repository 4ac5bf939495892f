package bytewise.sample;

import bytewise.BytewiseException;
import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SamplingTest {
    private static final ModelConfig CFG = new ModelConfig(16, 32, 2, 2);

    private static Gpt noisyModel() {
        Gpt m = Gpt.initialize(CFG, 1);
        SplittableRandom r = new SplittableRandom(2);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) (r.nextGaussian() * 0.2);
        return m;
    }

    @Test
    void kvCacheDecoderGivesTheSameDistributionsAsTheBatchedForward() {
        Gpt m = noisyModel();
        int T = CFG.seqLen();
        int[] x = new int[T];
        for (int t = 0; t < T; t++) x[t] = "Hello, KV cache!".charAt(t);
        try (WorkerPool pool = new WorkerPool(2)) {
            ForwardBackward fb = new ForwardBackward(m, 1, pool);
            fb.forward(x, null, 1);
            float[] batched = fb.probabilities().clone();
            Decoder d = new Decoder(m);
            for (int t = 0; t < T; t++) {
                d.push(x[t]);
                float[] p = d.probabilities();
                for (int v = 0; v < 256; v++) assertEquals(batched[t * 256 + v], p[v], 2e-5, "t=" + t + " v=" + v);
            }
        }
    }

    @Test
    void aDecoderOnTwoWorkersGivesTheSameBitsAsOnOneThroughSlides() {
        // wide enough that the mat-vecs are split across the workers (d_model 100 also leaves a
        // part-filled panel), with a shadow row after each slide; head size 9, and three heads
        // that two workers share unevenly
        for (ModelConfig cfg : List.of(new ModelConfig(12, 128, 2, 4), new ModelConfig(10, 100, 2, 4),
                new ModelConfig(11, 36, 2, 4), new ModelConfig(10, 96, 2, 3))) {
            Gpt m = Gpt.initialize(cfg, 3);
            SplittableRandom r = new SplittableRandom(4);
            float[] p = m.params();
            for (int i = 0; i < p.length; i++) p[i] += (float) (r.nextGaussian() * 0.05);
            try (WorkerPool pool = new WorkerPool(2)) {
                Decoder one = new Decoder(m), two = new Decoder(m, pool);
                for (int i = 0; i < 5 * cfg.seqLen(); i++) {
                    int b = "split across two workers, bit for bit. ".charAt(i % 39);
                    float[] want = one.push(b).clone(), got = two.push(b);
                    for (int v = 0; v < 256; v++)
                        assertEquals(Float.floatToIntBits(want[v]), Float.floatToIntBits(got[v]), cfg + " i=" + i + " v=" + v);
                }
            }
        }
    }

    @Test
    void aShortInferenceWindowEqualsThePrefixOfAPaddedFullWindow() {
        Gpt m = noisyModel();
        int T = CFG.seqLen(), n = 5;
        int[] full = new int[T];
        for (int t = 0; t < T; t++) full[t] = "causal attention".charAt(t % 16);
        try (WorkerPool pool = new WorkerPool(2)) {
            ForwardBackward fb = new ForwardBackward(m, 1, pool, false);
            fb.forwardLogits(full, T);
            float[] padded = java.util.Arrays.copyOf(fb.logits(), n * 256);
            fb.forwardLogits(full, n);
            assertArrayEquals(padded, java.util.Arrays.copyOf(fb.logits(), n * 256));
        }
    }

    @Test
    void slidingWindowKeepsTheNewestHalf() {
        Gpt m = noisyModel();
        int T = CFG.seqLen();
        Decoder long_ = new Decoder(m);
        byte[] text = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i <= T; i++) long_.push(text[i]); // T + 1 pushes: the window slid once
        assertEquals(T / 2 + 1, long_.contextLength());
        // the same as a fresh decoder given the kept half at once, then the new byte
        Decoder fresh = new Decoder(m);
        int keep = T / 2;
        int[] kept = new int[keep];
        for (int i = 0; i < keep; i++) kept[i] = text[T - keep + i];
        // the shadow cache holds exactly what feeding the kept bytes one at a time gives
        Decoder stepwise = new Decoder(m);
        for (int i = T - keep; i <= T; i++) stepwise.push(text[i]);
        assertArrayEquals(stepwise.probabilities(), long_.probabilities());
        // and a batched prefill of them agrees up to float rounding
        fresh.prefill(kept, keep);
        fresh.push(text[T]);
        for (int v = 0; v < 256; v++) assertEquals(fresh.probabilities()[v], long_.probabilities()[v], 1e-6);
    }

    @Test
    void manySlidesAfterALongPromptMatchAFreshWindowEachTime() {
        Gpt m = noisyModel();
        int T = CFG.seqLen(), keep = T / 2;
        byte[] text = "Sliding windows keep the newest half of the context; the rest is forgotten. "
                .repeat(4).getBytes(StandardCharsets.US_ASCII);
        int promptLen = T - 3; // more than the kept half: the prefill fills the shadow too
        int[] prompt = new int[promptLen];
        for (int i = 0; i < promptLen; i++) prompt[i] = text[i];
        try (WorkerPool pool = new WorkerPool(2)) {
            Decoder d = new Decoder(m, pool);
            d.prefill(prompt, promptLen);
            int windowStart = 0;
            for (int i = promptLen; i < text.length; i++) {
                if (d.contextLength() == T) windowStart = i - keep;
                d.push(text[i]);
                assertEquals(i + 1 - windowStart, d.contextLength(), "i=" + i);
                if (i % 17 == 0 || i == text.length - 1) {
                    // the same window prefilled from scratch
                    int n = i + 1 - windowStart;
                    int[] w = new int[n];
                    for (int j = 0; j < n; j++) w[j] = text[windowStart + j];
                    Decoder fresh = new Decoder(m);
                    fresh.prefill(w, n);
                    float[] want = fresh.probabilities(), got = d.probabilities();
                    for (int v = 0; v < 256; v++) assertEquals(want[v], got[v], 2e-5, "i=" + i + " v=" + v);
                }
            }
            assertTrue(text.length - promptLen > 3 * T, "the test slides several times");
        }
    }

    @Test
    void greedyIsArgmaxAndTopKOneIsGreedy() {
        float[] logits = new float[256];
        logits['q'] = 5f;
        logits['r'] = 4.9f;
        Sampler greedy = new Sampler(new SamplingSettings(0, 0, 1, false, 1, 1, null));
        assertEquals('q', greedy.pick(logits));
        Sampler k1 = new Sampler(new SamplingSettings(1.5, 1, 1, false, 1, 1, null));
        for (int i = 0; i < 50; i++) assertEquals('q', k1.pick(logits));
    }

    @Test
    void temperatureOneSamplesTheSoftmax() {
        float[] logits = new float[256];
        java.util.Arrays.fill(logits, -30f);
        logits['a'] = 2f;
        logits['b'] = 1f;
        logits['c'] = 0f;
        double[] expected = {0.665, 0.245, 0.090};
        for (double temp : new double[]{1.0, 0.5}) {
            Sampler s = new Sampler(new SamplingSettings(temp, 0, 1, false, 7, 1, null));
            int[] counts = new int[256];
            int n = 40_000;
            for (int i = 0; i < n; i++) counts[s.pick(logits)]++;
            double[] exp = temp == 1.0 ? expected : new double[]{0.867, 0.117, 0.016};
            for (int j = 0; j < 3; j++) assertEquals(exp[j], counts['a' + j] / (double) n, 0.01, "temp " + temp);
        }
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        float[] logits = new float[256];
        java.util.Arrays.fill(logits, -30f);
        logits['a'] = 2f; // p 0.665
        logits['b'] = 1f; // 0.245
        logits['c'] = 0f; // 0.090
        Sampler s = new Sampler(new SamplingSettings(1, 0, 0.8, false, 3, 1, null));
        int c = 0;
        for (int i = 0; i < 5000; i++) {
            int b = s.pick(logits);
            assertTrue(b == 'a' || b == 'b', "outside the 0.8 nucleus: " + b);
            if (b == 'b') c++;
        }
        assertEquals(0.245 / 0.91, c / 5000.0, 0.03);
        Sampler tight = new Sampler(new SamplingSettings(1, 0, 0.5, false, 3, 1, null));
        for (int i = 0; i < 100; i++) assertEquals('a', tight.pick(logits));
    }

    @Test
    void asciiOnlyNeverEmitsOtherBytes() {
        float[] logits = new float[256];
        for (int i = 128; i < 256; i++) logits[i] = 10f; // the model strongly prefers non-ASCII
        Sampler s = new Sampler(new SamplingSettings(1, 0, 1, true, 5, 1, null));
        for (int i = 0; i < 2000; i++) assertTrue(SamplingSettings.isAsciiAllowed(s.pick(logits)));
        Sampler g = new Sampler(new SamplingSettings(0, 0, 1, true, 5, 1, null));
        assertTrue(SamplingSettings.isAsciiAllowed(g.pick(logits)));
    }

    @Test
    void generationIsReproducibleStreamsEveryByteAndStopsAtTheStopString() {
        Gpt m = noisyModel();
        Generator g = new Generator(m);
        SamplingSettings s = new SamplingSettings(1.0, 0, 1.0, false, 11, 200, null);
        List<GeneratedByte> seen = new ArrayList<>();
        Generator.Result a = g.generate("Hi".getBytes(), s, seen::add, null);
        Generator.Result b = g.generate("Hi".getBytes(), s, null, null);
        assertArrayEquals(a.bytes(), b.bytes());
        assertEquals(200, a.bytes().length);
        assertEquals(200, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(a.bytes()[i] & 0xFF, seen.get(i).value());
            float sum = 0;
            for (float p : seen.get(i).distribution()) sum += p;
            assertEquals(1f, sum, 1e-4);
        }
        // stop string: the first occurrence of a byte pair in a greedy run
        SamplingSettings greedy = new SamplingSettings(0, 0, 1, false, 1, 100, null);
        byte[] run = g.generate("Hi".getBytes(), greedy, null, null).bytes();
        String stop = new String(run, 10, 1, StandardCharsets.ISO_8859_1);
        if (run[10] >= 32 && run[10] < 127) {
            int first = new String(run, StandardCharsets.ISO_8859_1).indexOf(stop);
            Generator.Result r = g.generate("Hi".getBytes(), new SamplingSettings(0, 0, 1, false, 1, 100, stop), null, null);
            assertTrue(r.stoppedByString());
            assertEquals(first + 1, r.bytes().length);
        }
        // cancellation before the first byte
        Generator.Result c = g.generate("Hi".getBytes(), s, null, () -> true);
        assertTrue(c.cancelled());
    }

    @Test
    void utf8StreamDecodesMultiByteCharactersAndEscapesInvalidBytes() {
        Utf8Stream u = new Utf8Stream();
        byte[] cafe = "café—✓😀".getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        for (byte b : cafe) {
            String p = u.feed(b);
            pieces.add(p);
            sb.append(p);
        }
        assertEquals("café—✓😀", sb.toString());
        assertEquals("", pieces.get(3), "the first byte of é completes nothing");
        assertEquals("\\xFF", Utf8Stream.decode(new byte[]{(byte) 0xFF}));
        assertEquals("a\\xC3b", Utf8Stream.decode(new byte[]{'a', (byte) 0xC3, 'b'}));
        assertEquals("\\xE2\\x82", Utf8Stream.decode(new byte[]{(byte) 0xE2, (byte) 0x82}));
        assertEquals("\\xC0\\x80", Utf8Stream.decode(new byte[]{(byte) 0xC0, (byte) 0x80}), "overlong NUL");
        assertEquals("\\xED\\xA0\\x80", Utf8Stream.decode(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}), "surrogate");
        assertEquals("\\x80", Utf8Stream.decode(new byte[]{(byte) 0x80}));
    }

    @Test
    void impossibleSettingsAreRefused() {
        assertThrows(BytewiseException.class, () -> new SamplingSettings(-1, 0, 1, false, 1, 1, null));
        assertThrows(BytewiseException.class, () -> new SamplingSettings(1, 300, 1, false, 1, 1, null));
        assertThrows(BytewiseException.class, () -> new SamplingSettings(1, 0, 0, false, 1, 1, null));
        assertThrows(BytewiseException.class, () -> new SamplingSettings(1, 0, 1, false, 1, -5, null));
    }
}
