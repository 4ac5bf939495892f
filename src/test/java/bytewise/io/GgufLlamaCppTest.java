package bytewise.io;

import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import bytewise.sample.Decoder;
import bytewise.sample.Generator;
import bytewise.sample.SamplingSettings;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The GGUF export in the real llama.cpp (the native library inside de.kherud:llama 4.1.0, llama.cpp
 * build b4916): it loads, tokenizes text to its bytes, and continues a prompt greedily with the
 * same bytes and the same next-byte probabilities as Bytewise.
 */
class GgufLlamaCppTest {
    static final ModelConfig CFG = new ModelConfig(32, 32, 2, 2);
    /** Where de.kherud:llama extracts its native library (its own folder, so nothing else in /tmp is touched). */
    static final Path NATIVE = Path.of("target", "jllama-native").toAbsolutePath();
    static final int GEN = 20;

    @BeforeAll
    static void nativeFolder() throws Exception {
        Files.createDirectories(NATIVE);
        System.setProperty("de.kherud.llama.tmpdir", NATIVE.toString());
        LlamaModel.setLogger(null, (level, msg) -> { }); // llama.cpp's load log is long
    }

    /**
     * Every weight random, gains and biases included (GPT-2's initialisation leaves them at 1 and 0,
     * which would hide a swapped tensor), with a peaked output: the embedding rows of bytes other than
     * printable ASCII and '\n' are shrunk, so greedy text is readable ASCII.
     */
    static Gpt randomModel(ModelConfig cfg, long seed) {
        ParameterLayout lay = new ParameterLayout(cfg);
        float[] p = new float[lay.total];
        SplittableRandom r = new SplittableRandom(seed);
        for (ParameterLayout.Tensor t : lay.tensors()) {
            String n = t.name();
            int in = t.shape()[t.shape().length - 1];
            for (int i = t.offset(); i < t.offset() + t.size(); i++) {
                double g = r.nextGaussian();
                p[i] = (float) (n.startsWith("ln") && n.endsWith("w") ? 1 + 0.2 * g
                        : n.endsWith("b") ? 0.1 * g
                        : n.equals("wte") ? 0.6 * g
                        : n.equals("wpe") ? 0.3 * g
                        : g / Math.sqrt(in));
            }
        }
        int C = cfg.dModel();
        for (int b = 0; b < 256; b++) {
            if ((b >= 32 && b < 127) || b == '\n') continue;
            for (int j = 0; j < C; j++) p[lay.wte + b * C + j] *= 0.1f;
        }
        return new Gpt(cfg, p);
    }

    static int[] ints(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xFF;
        return out;
    }

    static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (Math.exp(logits[i] - max) / sum);
        return p;
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
        return best;
    }

    /** Bytewise's greedy continuation of {@code prompt}. */
    static byte[] greedy(Gpt model, byte[] prompt, int n) {
        Generator.Result r = new Generator(model).generate(prompt, new SamplingSettings(0, 0, 1, false, 1, n, null), null, null);
        assertEquals(n, r.bytes().length);
        return r.bytes();
    }

    /**
     * llama.cpp as an application runs it, through de.kherud:llama's API: its tokenizer, and its
     * sampler at temperature 0. That API's server thread sometimes never answers (seen in about one
     * run in four by hand, on the first request or a later one); a request that gets no answer in
     * 60 s ends this test as aborted (skipped) instead of hanging the build. The test below checks
     * the same bytes through llama.cpp's C API, which has no such thread.
     */
    @Test
    void llamaCppTokenizesToBytesAndCompletesLikeBytewise(@TempDir Path dir) throws Exception {
        Gpt model = randomModel(CFG, 11);
        Path file = dir.resolve("model.gguf");
        Gguf.export(model, file, Gguf.Precision.F32);
        String prompt = "The river ";
        byte[] ours = greedy(model, prompt.getBytes(StandardCharsets.UTF_8), GEN);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "llama.cpp request");
            t.setDaemon(true);
            return t;
        });
        LlamaModel llama = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(CFG.seqLen())
                .setThreads(1).setCacheTypeK(CacheType.F32).setCacheTypeV(CacheType.F32));
        assertArrayEquals(ints(prompt.getBytes(StandardCharsets.UTF_8)), llama.encode(prompt),
                "tokens of an ASCII prompt are its bytes");
        String multi = "naïve – 東京 🙂\n\t";
        assertArrayEquals(ints(multi.getBytes(StandardCharsets.UTF_8)), llama.encode(multi),
                "tokens of multi-byte UTF-8 text are its bytes");
        Future<String> answer = worker.submit(() ->
                llama.complete(new InferenceParameters(prompt).setTemperature(0).setNPredict(GEN)));
        String text;
        try {
            text = answer.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException hung) {
            Assumptions.abort("de.kherud:llama 4.1.0's server thread did not answer in 60 s (its intermittent hang);"
                    + " the C API test checks the same continuation");
            return;
        }
        llama.close();
        worker.shutdown();
        assertEquals(new String(ours, StandardCharsets.ISO_8859_1), text,
                "llama.cpp's greedy continuation (Bytewise's is printable ASCII by construction)");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a native hang fails the test, not the build
    void llamaCppContinuesThePromptWithBytewisesBytesAndProbabilities(@TempDir Path dir) {
        Gpt model = randomModel(CFG, 11);
        Path file = dir.resolve("model.gguf");
        Gguf.export(model, file, Gguf.Precision.F32);
        byte[] promptBytes = "The river ".getBytes(StandardCharsets.UTF_8);
        Generator.Result ours = new Generator(model).generate(promptBytes,
                new SamplingSettings(0, 0, 1, false, 1, GEN, null), null, null);

        // llama.cpp's logits at every position of the continuation, against Bytewise's and against a
        // double-precision reference with llama.cpp's F16-table GELU and with the exact one
        int[] all = new int[promptBytes.length + GEN];
        System.arraycopy(ints(promptBytes), 0, all, 0, promptBytes.length);
        System.arraycopy(ints(ours.bytes()), 0, all, promptBytes.length, GEN);
        double[][] refGgml = ReferenceGpt.probabilities(model, all, true), refExact = ReferenceGpt.probabilities(model, all, false);
        try (LlamaCpp c = new LlamaCpp(NATIVE, file, CFG.seqLen())) {
            Decoder d = new Decoder(model);
            float[] theirs = c.prefill(ints(promptBytes));
            d.prefill(ints(promptBytes), promptBytes.length);
            double llamaVsBytewise = 0, llamaVsGgmlRef = 0, bytewiseVsExactRef = 0;
            for (int i = 0; i < GEN; i++) {
                int at = promptBytes.length + i - 1;
                float[] pt = softmax(theirs), pm = d.probabilities();
                for (int b = 0; b < 256; b++) {
                    llamaVsBytewise = Math.max(llamaVsBytewise, Math.abs(pt[b] - pm[b]));
                    llamaVsGgmlRef = Math.max(llamaVsGgmlRef, Math.abs(pt[b] - refGgml[at][b]));
                    bytewiseVsExactRef = Math.max(bytewiseVsExactRef, Math.abs(pm[b] - refExact[at][b]));
                }
                int next = all[at + 1];
                assertEquals(next, argmax(theirs), "llama.cpp's most likely byte at generated position " + i);
                assertEquals(next, argmax(pm), "Bytewise's most likely byte at generated position " + i);
                theirs = c.decode(next);
                d.push(next);
            }
            System.out.printf("max |p difference| over %d positions x 256 bytes: llama.cpp vs Bytewise %.3g,"
                    + " llama.cpp vs reference with ggml's GELU %.3g, Bytewise vs exact reference %.3g%n", GEN,
                    llamaVsBytewise, llamaVsGgmlRef, bytewiseVsExactRef);
            // llama.cpp computes this model to 1e-4 (measured 1.0e-5) once its F16-table GELU is accounted for
            assertTrue(llamaVsGgmlRef < 1e-4, "llama.cpp differs from the reference by " + llamaVsGgmlRef);
            assertTrue(bytewiseVsExactRef < 1e-5, "Bytewise differs from the reference by " + bytewiseVsExactRef);
            // that GELU alone moves this deliberately peaked model's probabilities by up to 2.8e-4
            assertTrue(llamaVsBytewise < 1e-3, "llama.cpp differs from Bytewise by " + llamaVsBytewise);
        }
    }
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void llamaCppRunsTheF16ExportLikeBytewiseRunsItsImport(@TempDir Path dir) {
        Gpt model = randomModel(CFG, 12);
        Path file = dir.resolve("model-f16.gguf");
        Gguf.export(model, file, Gguf.Precision.F16);
        Gpt imported = Gguf.load(file); // the F16-rounded weights in float32
        byte[] prompt = "A quiet town ".getBytes(StandardCharsets.UTF_8);
        Generator.Result ours = new Generator(imported).generate(prompt,
                new SamplingSettings(0, 0, 1, false, 1, GEN / 2, null), null, null);
        try (LlamaCpp c = new LlamaCpp(NATIVE, file, CFG.seqLen())) {
            Decoder d = new Decoder(imported);
            float[] theirs = c.prefill(ints(prompt));
            d.prefill(ints(prompt), prompt.length);
            double worst = 0;
            for (int i = 0; i < ours.bytes().length; i++) {
                float[] pt = softmax(theirs), pm = d.probabilities();
                for (int b = 0; b < 256; b++) worst = Math.max(worst, Math.abs(pt[b] - pm[b]));
                int next = ours.bytes()[i] & 0xFF;
                assertEquals(next, argmax(theirs), "llama.cpp's most likely byte at generated position " + i);
                theirs = c.decode(next);
                d.push(next);
            }
            System.out.printf("F16 export: max |p difference| llama.cpp vs Bytewise on the imported weights %.3g%n", worst);
            // llama.cpp also rounds activations to F16 before F16 matrix products
            assertTrue(worst < 1e-3, "probabilities differ by up to " + worst); // measured 6e-5
        }
    }
}
