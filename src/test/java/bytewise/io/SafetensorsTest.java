package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    static final ModelConfig CFG = LlmcFormatTest.CFG; // (16, 32, 2, 2)
    private static final ObjectMapper M = new ObjectMapper();

    /** A parsed safetensors file: header and data section, to inspect or to rewrite. */
    record Parsed(ObjectNode header, byte[] data) {
        static Parsed of(Path f) throws Exception {
            byte[] all = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            ObjectNode h = (ObjectNode) M.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
            return new Parsed(h, Arrays.copyOfRange(all, 8 + (int) n, all.length));
        }

        float[] tensor(String name) {
            JsonNode t = header.get(name);
            int b = t.get("data_offsets").get(0).asInt(), e = t.get("data_offsets").get(1).asInt();
            float[] out = new float[(e - b) / 4];
            ByteBuffer.wrap(data, b, e - b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        void write(Path f) throws Exception {
            byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            out.write(json);
            out.write(data);
            Files.write(f, out.toByteArray());
        }
    }

    private static Path exported(Path dir) {
        Path f = dir.resolve("model.safetensors");
        Safetensors.export(LlmcFormatTest.model(), f);
        return f;
    }

    private static String refusal(Path f) {
        return assertThrows(BytewiseException.class, () -> Safetensors.load(f)).getMessage();
    }

    @Test
    void roundTripKeepsEveryParameterAndTheLogits(@TempDir Path dir) {
        Gpt m = LlmcFormatTest.model();
        Path f = dir.resolve("model.safetensors");
        Safetensors.export(m, f);
        Gpt back = Safetensors.load(f);
        assertEquals(CFG, back.config());
        assertArrayEquals(m.params(), back.params());
        String text = "we walk to market with old friends";
        float[][] a = LlmcFormatTest.logits(m, text), b = LlmcFormatTest.logits(back, text);
        for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], "position " + i);
    }

    @Test
    void headerHasHuggingFaceNamesShapesAndContiguousOffsets(@TempDir Path dir) throws Exception {
        Path f = exported(dir);
        byte[] all = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        assertEquals('{', all[8]);
        Parsed p = Parsed.of(f);
        int T = 16, C = 32;
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("wte.weight", new int[]{256, C});
        expected.put("wpe.weight", new int[]{T, C});
        for (int l = 0; l < 2; l++) {
            String h = "h." + l + ".";
            expected.put(h + "ln_1.weight", new int[]{C});
            expected.put(h + "ln_1.bias", new int[]{C});
            expected.put(h + "attn.c_attn.weight", new int[]{C, 3 * C});
            expected.put(h + "attn.c_attn.bias", new int[]{3 * C});
            expected.put(h + "attn.c_proj.weight", new int[]{C, C});
            expected.put(h + "attn.c_proj.bias", new int[]{C});
            expected.put(h + "ln_2.weight", new int[]{C});
            expected.put(h + "ln_2.bias", new int[]{C});
            expected.put(h + "mlp.c_fc.weight", new int[]{C, 4 * C});
            expected.put(h + "mlp.c_fc.bias", new int[]{4 * C});
            expected.put(h + "mlp.c_proj.weight", new int[]{4 * C, C});
            expected.put(h + "mlp.c_proj.bias", new int[]{C});
        }
        expected.put("ln_f.weight", new int[]{C});
        expected.put("ln_f.bias", new int[]{C});

        List<String> names = new ArrayList<>();
        for (Iterator<String> it = p.header().fieldNames(); it.hasNext(); ) names.add(it.next());
        assertEquals("__metadata__", names.get(0));
        assertEquals(new ArrayList<>(expected.keySet()), names.subList(1, names.size()));
        long at = 0;
        for (var e : expected.entrySet()) {
            JsonNode t = p.header().get(e.getKey());
            assertEquals("F32", t.get("dtype").asText(), e.getKey());
            int[] shape = new int[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asInt();
            assertArrayEquals(e.getValue(), shape, e.getKey());
            long b = t.get("data_offsets").get(0).asLong(), end = t.get("data_offsets").get(1).asLong();
            assertEquals(at, b, e.getKey() + " starts where the previous tensor ends");
            assertEquals(4L * Arrays.stream(shape).asLongStream().reduce(1, (x, y) -> x * y), end - b, e.getKey());
            at = end;
        }
        assertEquals(at, p.data().length, "the data section is exactly the tensors");

        JsonNode meta = p.header().get("__metadata__");
        assertEquals("pt", meta.get("format").asText());
        assertEquals("bytewise", meta.get("producer").asText());
        JsonNode mc = M.readTree(meta.get("model_config").asText());
        assertEquals(16, mc.get("seq_len").asInt());
        assertEquals(32, mc.get("d_model").asInt());
        assertEquals(2, mc.get("n_layer").asInt());
        assertEquals(2, mc.get("n_head").asInt());
        assertEquals(256, mc.get("vocab").asInt());
        assertEquals("16", meta.get("n_positions").asText());
        assertEquals("32", meta.get("n_embd").asText());
        assertEquals("2", meta.get("n_layer").asText());
        assertEquals("2", meta.get("n_head").asText());
        assertEquals("256", meta.get("vocab_size").asText());
        for (Iterator<JsonNode> it = meta.elements(); it.hasNext(); ) assertTrue(it.next().isTextual());
    }

    @Test
    void weightMatricesAreStoredConv1DStyleTransposed(@TempDir Path dir) throws Exception {
        Gpt m = LlmcFormatTest.model();
        Path f = dir.resolve("m.safetensors");
        Safetensors.export(m, f);
        Parsed p = Parsed.of(f);
        ParameterLayout lay = m.layout();
        float[] w = m.params();
        int C = 32;
        for (int l = 0; l < 2; l++) {
            float[] cAttn = p.tensor("h." + l + ".attn.c_attn.weight"); // (C, 3C)
            float[] fc = p.tensor("h." + l + ".mlp.c_fc.weight"); // (C, 4C)
            float[] fcProj = p.tensor("h." + l + ".mlp.c_proj.weight"); // (4C, C)
            float[] proj = p.tensor("h." + l + ".attn.c_proj.weight"); // (C, C)
            for (int i = 0; i < C; i++) {
                for (int j = 0; j < 3 * C; j++)
                    assertEquals(w[lay.qkvw(l) + j * C + i], cAttn[i * 3 * C + j], "c_attn[" + i + "][" + j + "]");
                for (int j = 0; j < 4 * C; j++) {
                    assertEquals(w[lay.fcw(l) + j * C + i], fc[i * 4 * C + j]);
                    assertEquals(w[lay.fcprojw(l) + i * 4 * C + j], fcProj[j * C + i]);
                }
                for (int j = 0; j < C; j++) assertEquals(w[lay.attprojw(l) + j * C + i], proj[i * C + j]);
            }
            assertArrayEquals(Arrays.copyOfRange(w, lay.qkvb(l), lay.qkvb(l) + 3 * C), p.tensor("h." + l + ".attn.c_attn.bias"));
        }
        assertArrayEquals(Arrays.copyOfRange(w, lay.wte, lay.wte + 256 * C), p.tensor("wte.weight"));
        assertArrayEquals(Arrays.copyOfRange(w, lay.wpe, lay.wpe + 16 * C), p.tensor("wpe.weight"));
    }

    @Test
    void acceptsTransformerPrefixTiedLmHeadMaskBuffersAndHuggingFaceMetadata(@TempDir Path dir) throws Exception {
        Gpt m = LlmcFormatTest.model();
        Parsed p = Parsed.of(exported(dir));
        // rename as GPT2LMHeadModel does, keep only HF-style metadata, add lm_head and a mask buffer
        ObjectNode h = M.createObjectNode();
        ObjectNode meta = h.putObject("__metadata__");
        meta.put("format", "pt");
        meta.put("n_head", "2");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(p.data());
        for (Iterator<Map.Entry<String, JsonNode>> it = p.header().fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().equals("__metadata__")) h.set("transformer." + e.getKey(), e.getValue());
        }
        int at = p.data().length;
        ObjectNode lm = h.putObject("lm_head.weight");
        lm.put("dtype", "F32");
        lm.putArray("shape").add(256).add(32);
        lm.putArray("data_offsets").add(at).add(at + 256 * 32 * 4);
        data.write(Arrays.copyOfRange(p.data(), 0, 256 * 32 * 4)); // the same bytes as wte
        at += 256 * 32 * 4;
        ObjectNode mask = h.putObject("transformer.h.0.attn.bias");
        mask.put("dtype", "BOOL");
        mask.putArray("shape").add(1).add(1).add(16).add(16);
        mask.putArray("data_offsets").add(at).add(at + 256);
        data.write(new byte[256]);
        Path f = dir.resolve("hf.safetensors");
        new Parsed(h, data.toByteArray()).write(f);
        Gpt back = Safetensors.load(f);
        assertEquals(CFG, back.config());
        assertArrayEquals(m.params(), back.params());

        // an untied lm_head would change the logits: refused
        byte[] d = data.toByteArray();
        d[p.data().length] ^= 1;
        new Parsed(h, d).write(f);
        assertTrue(refusal(f).contains("lm_head"), refusal(f));
    }

    @Test
    void headCountMustComeFromMetadata(@TempDir Path dir) throws Exception {
        Parsed p = Parsed.of(exported(dir));
        p.header().remove("__metadata__");
        Path f = dir.resolve("nometa.safetensors");
        p.write(f);
        assertTrue(refusal(f).contains("n_head"), refusal(f));
    }

    @Test
    void refusesMissingTensorWrongDtypeWrongShapeAndNaN(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        // missing: drop a tensor and its bytes (the last one, so offsets stay contiguous)
        Parsed p = Parsed.of(exported(dir));
        JsonNode last = p.header().remove("ln_f.bias");
        new Parsed(p.header(), Arrays.copyOf(p.data(), last.get("data_offsets").get(0).asInt())).write(f);
        assertTrue(refusal(f).contains("missing tensor 'ln_f.bias'"), refusal(f));

        p = Parsed.of(exported(dir));
        ((ObjectNode) p.header().get("h.1.ln_2.weight")).put("dtype", "I32");
        p.write(f);
        assertTrue(refusal(f).contains("dtype I32"), refusal(f));

        p = Parsed.of(exported(dir));
        ObjectNode t = (ObjectNode) p.header().get("h.0.attn.c_attn.weight");
        t.putArray("shape").add(3 * 32).add(32); // nn.Linear layout instead of Conv1D
        p.write(f);
        assertTrue(refusal(f).contains("shape [96, 32], expected [32, 96]"), refusal(f));

        p = Parsed.of(exported(dir));
        int b = p.header().get("h.1.mlp.c_proj.weight").get("data_offsets").get(0).asInt();
        ByteBuffer.wrap(p.data()).order(ByteOrder.LITTLE_ENDIAN).putFloat(b + 8, Float.NaN);
        p.write(f);
        assertTrue(refusal(f).contains("NaN") && refusal(f).contains("h.1.mlp.c_proj.weight"), refusal(f));

        p = Parsed.of(exported(dir));
        ObjectNode wte = (ObjectNode) p.header().get("wte.weight");
        wte.putArray("shape").add(128).add(64); // same byte count, wrong vocabulary
        p.write(f);
        assertTrue(refusal(f).contains("256"), refusal(f));

        p = Parsed.of(exported(dir));
        ((ObjectNode) p.header().get("__metadata__")).put("model_config", "{\"seq_len\":16,\"d_model\":32,\"n_layer\":2,\"n_head\":3,\"vocab\":256}");
        p.write(f);
        assertTrue(refusal(f).contains("divisible"), refusal(f));
    }

    @Test
    void refusesBadOffsetsAndTruncation(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Parsed p = Parsed.of(exported(dir));
        // two tensors sharing bytes
        ((ObjectNode) p.header().get("ln_f.bias")).set("data_offsets", p.header().get("ln_f.weight").get("data_offsets"));
        p.write(f);
        assertTrue(refusal(f).contains("overlap"), refusal(f));

        p = Parsed.of(exported(dir));
        new Parsed(p.header(), Arrays.copyOf(p.data(), p.data().length - 4)).write(f);
        assertTrue(refusal(f).contains("outside"), refusal(f));

        p = Parsed.of(exported(dir));
        new Parsed(p.header(), Arrays.copyOf(p.data(), p.data().length + 8)).write(f);
        assertTrue(refusal(f).contains("cover"), refusal(f));

        Files.write(f, Arrays.copyOf(Files.readAllBytes(exported(dir)), 5));
        assertTrue(refusal(f).contains("too short"), refusal(f));
    }

    @Test
    void refusesHeaderLengthsLargerThanTheFileOrTheLimit(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("len.safetensors");
        long[] lengths = {1L << 20, 100L << 30, -1L, Long.MIN_VALUE};
        for (long n : lengths) {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
            b.put("{\"wte.weight\":{}}".getBytes(StandardCharsets.UTF_8));
            Files.write(f, b.array());
            String msg = refusal(f);
            assertTrue(msg.contains("header of"), msg);
        }
        Files.writeString(f, "not json at all");
        assertThrows(BytewiseException.class, () -> Safetensors.load(f));
    }

    @Test
    void hostileHeaderClaimingBillionsOfParametersIsRefusedWithoutAllocating(@TempDir Path dir) throws Exception {
        // a valid config of ~1.6 billion floats (6 GB, over the test heap) with offsets far past a tiny file
        ObjectNode h = M.createObjectNode();
        h.putObject("__metadata__").put("n_head", "16");
        long at = 0;
        for (Safetensors.Entry e : Safetensors.entries(new ModelConfig(1024, 8192, 2, 16))) {
            ObjectNode t = h.putObject(e.name());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (int d : e.shape()) shape.add(d);
            t.putArray("data_offsets").add(at).add(at + 4 * e.size());
            at += 4 * e.size();
        }
        Path f = dir.resolve("huge.safetensors");
        new Parsed(h, new byte[64]).write(f);
        assertTrue(refusal(f).contains("outside"), refusal(f));
        // the same tensors all pointing at one small range
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            ((ObjectNode) e.getValue()).putArray("shape").add(4);
            ((ObjectNode) e.getValue()).putArray("data_offsets").add(0).add(16);
        }
        new Parsed(h, new byte[16]).write(f);
        assertThrows(BytewiseException.class, () -> Safetensors.load(f));
        // a shape whose element count overflows
        ObjectNode bad = M.createObjectNode();
        ObjectNode t = bad.putObject("wte.weight");
        t.put("dtype", "F32");
        t.putArray("shape").add(Long.MAX_VALUE / 2).add(Long.MAX_VALUE / 2);
        t.putArray("data_offsets").add(0).add(16);
        new Parsed(bad, new byte[16]).write(f);
        assertTrue(refusal(f).contains("absurdly large"), refusal(f));
    }

    @Test
    void detectionRecognisesSafetensorsByContentAndName(@TempDir Path dir) throws Exception {
        Path f = exported(dir);
        Path renamed = Files.copy(f, dir.resolve("weights.dat"));
        assertEquals(ModelFiles.Format.SAFETENSORS, ModelFiles.detect(f));
        assertEquals(ModelFiles.Format.SAFETENSORS, ModelFiles.detect(renamed));
        assertArrayEquals(LlmcFormatTest.model().params(), ModelFiles.loadAny(renamed).model().params());
        assertEquals(ModelFiles.Format.BYTEWISE, ModelFiles.detect(dir.resolve("some-prefix")));
    }
}
