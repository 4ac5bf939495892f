package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class GgufTest {
    static final ModelConfig CFG = new ModelConfig(16, 32, 2, 2);

    private static Path exported(Path dir, Gguf.Precision precision) {
        Path f = dir.resolve("model.gguf");
        Gguf.export(GgufLlamaCppTest.randomModel(CFG, 3), f, precision);
        return f;
    }

    @Test
    void f32RoundTripsExactly(@TempDir Path dir) {
        Gpt m = GgufLlamaCppTest.randomModel(CFG, 3);
        Path f = exported(dir, Gguf.Precision.F32);
        Gpt back = Gguf.load(f);
        assertEquals(CFG, back.config());
        assertArrayEquals(m.params(), back.params());
        assertEquals(ModelFiles.Format.GGUF, ModelFiles.detect(f));
        assertArrayEquals(m.params(), ModelFiles.loadAny(f).model().params());
        assertFalse(Files.exists(dir.resolve("model.gguf.tmp")));
    }

    @Test
    void f16RoundsTheMatricesOnly(@TempDir Path dir) throws Exception {
        Gpt m = GgufLlamaCppTest.randomModel(CFG, 3);
        Path f16 = exported(dir, Gguf.Precision.F16);
        long f16Size = Files.size(f16);
        Gpt back = Gguf.load(f16);
        ParameterLayout lay = m.layout();
        int rounded = 0;
        for (ParameterLayout.Tensor t : lay.tensors()) {
            boolean matrix = t.name().equals("wte") || t.name().equals("wpe") || t.name().endsWith("w") && !t.name().startsWith("ln");
            for (int i = t.offset(); i < t.offset() + t.size(); i++) {
                float v = m.params()[i];
                float want = matrix ? Float.float16ToFloat(Float.floatToFloat16(v)) : v;
                assertEquals(want, back.params()[i], 0f, t.name() + "[" + (i - t.offset()) + "]");
                if (want != v) rounded++;
            }
        }
        assertTrue(rounded > lay.total / 2, "most matrix weights change when rounded to F16");
        Path f32 = dir.resolve("f32.gguf");
        Gguf.export(m, f32, Gguf.Precision.F32);
        assertTrue(f16Size < Files.size(f32) * 0.6, f16Size + " vs " + Files.size(f32));
    }

    @Test
    void headerFollowsTheSpec(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(exported(dir, Gguf.Precision.F32));
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("GGUF", new String(b, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(3, h.getInt(4));
        assertEquals(2 + 12 * CFG.nLayer() + 2 + 1, h.getLong(8), "tensor count");
        assertEquals(19, h.getLong(16), "metadata count");
        // first key: general.architecture = "gpt2" (uint64 length, bytes, uint32 type 8 = string, string)
        assertEquals(20, h.getLong(24));
        assertEquals("general.architecture", new String(b, 32, 20, StandardCharsets.UTF_8));
        assertEquals(8, h.getInt(52));
        assertEquals(4, h.getLong(56));
        assertEquals("gpt2", new String(b, 64, 4, StandardCharsets.UTF_8));
        // every byte-level token string is in the file, as are the keys llama.cpp requires
        String all = new String(b, StandardCharsets.UTF_8);
        for (String key : new String[]{"gpt2.context_length", "gpt2.embedding_length", "gpt2.feed_forward_length",
                "gpt2.block_count", "gpt2.attention.head_count", "gpt2.attention.layer_norm_epsilon",
                "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.merges",
                "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.add_bos_token",
                "blk.1.attn_qkv.weight", "blk.0.ffn_down.bias", "output_norm.weight", "position_embd.weight"})
            assertTrue(all.contains(key), key);
        // the last tensor is output.weight, a copy of token_embd; the file ends with it (32-byte aligned)
        Gpt m = GgufLlamaCppTest.randomModel(CFG, 3);
        int n = 256 * CFG.dModel();
        float[] tail = new float[n];
        ByteBuffer.wrap(b, b.length - 4 * n, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(tail);
        assertArrayEquals(Arrays.copyOfRange(m.params(), m.layout().wte, m.layout().wte + n), tail);
        assertEquals(0, (b.length - 4 * n) % 32);
    }

    @Test
    void byteLevelAlphabetIsGpt2s() {
        assertEquals("Ā", ByteLevel.token(0));
        assertEquals("Ċ", ByteLevel.token('\n'));
        assertEquals("Ġ", ByteLevel.token(' '));
        assertEquals("A", ByteLevel.token('A'));
        assertEquals("ÿ", ByteLevel.token(0xFF));
        assertEquals("ġ", ByteLevel.token(0x7F)); // DEL: 0x00-0x20 take U+0100..U+0120, so 0x7F is U+0121
        assertEquals("Ń", ByteLevel.token(0xAD)); // soft hyphen, the last remapped byte: U+0143
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int b = 0; b < 256; b++) {
            assertEquals(1, ByteLevel.token(b).length());
            assertTrue(seen.add(ByteLevel.token(b)));
            assertEquals(b, ByteLevel.byteOf(ByteLevel.token(b)));
        }
        assertEquals(-1, ByteLevel.byteOf("AB"));
    }

    // ------------------------------------------------------------------ hostile files

    private static BytewiseException refused(Path f) {
        return assertThrows(BytewiseException.class, () -> Gguf.load(f));
    }

    private static Path patched(Path f, int at, byte[] bytes) throws Exception {
        byte[] b = Files.readAllBytes(f);
        System.arraycopy(bytes, 0, b, at, bytes.length);
        Path out = f.resolveSibling("patched-" + at + ".gguf");
        Files.write(out, b);
        return out;
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @Test
    void refusesWrongMagicVersionAndCounts(@TempDir Path dir) throws Exception {
        Path f = exported(dir, Gguf.Precision.F32);
        assertTrue(refused(patched(f, 0, "GGML".getBytes())).getMessage().startsWith("not a GGUF file"));
        assertTrue(refused(patched(f, 4, new byte[]{1, 0, 0, 0})).getMessage().contains("GGUF version 1"));
        assertTrue(refused(patched(f, 8, le64(1L << 40))).getMessage().contains("claims 1099511627776 tensors"));
        assertTrue(refused(patched(f, 16, le64(-1))).getMessage().contains("claims 18446744073709551615 metadata"));
        assertTrue(refused(patched(f, 24, le64(1L << 50))).getMessage().contains("metadata key of 1125899906842624 bytes"));
        assertTrue(refused(patched(f, 52, new byte[]{99, 0, 0, 0})).getMessage().contains("unknown value type 99"));
        assertTrue(refused(patched(f, 64, "gptj".getBytes())).getMessage().contains("architecture 'gptj'"));
        // the tensor count one too high: the infos run into the data, which is read as garbage and refused
        BytewiseException e = refused(patched(f, 8, le64(2 + 12 * CFG.nLayer() + 2 + 2)));
        assertTrue(e.getMessage().startsWith("GGUF file"), e.getMessage());
    }

    @Test
    void refusesTruncatedFilesAtEveryStage(@TempDir Path dir) throws Exception {
        Path f = exported(dir, Gguf.Precision.F32);
        byte[] b = Files.readAllBytes(f);
        for (int cut : new int[]{0, 3, 8, 23, 30, 60, 500, 3000, 6000, b.length / 2, b.length - 1}) {
            Path t = dir.resolve("cut-" + cut + ".gguf");
            Files.write(t, Arrays.copyOf(b, cut));
            BytewiseException e = refused(t);
            assertTrue(e.getMessage().contains("GGUF"), cut + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("too short"), cut + ": " + e.getMessage());
        }
    }

    @Test
    void refusesNanAndAnUntiedHead(@TempDir Path dir) throws Exception {
        Path f = exported(dir, Gguf.Precision.F32);
        long size = Files.size(f);
        int n = 4 * 256 * CFG.dModel();
        byte[] nan = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array();
        // output_norm.bias is the C floats just before output.weight
        BytewiseException e = refused(patched(f, (int) size - n - 4, nan));
        assertTrue(e.getMessage().contains("NaN or infinity in tensor 'output_norm.bias'"), e.getMessage());
        e = refused(patched(f, (int) size - 8, new byte[]{0, 0, (byte) 0x80, 0x3f}));
        assertTrue(e.getMessage().contains("output.weight differs from token_embd.weight"), e.getMessage());
    }

    @Test
    void refusesAVocabularyThatIsNotBytes(@TempDir Path dir) throws Exception {
        Path f = exported(dir, Gguf.Precision.F32);
        byte[] b = Files.readAllBytes(f);
        // token 65 is "A" (uint64 length 1, then 'A'), right after token 64 "@"
        byte[] pattern = {1, 0, 0, 0, 0, 0, 0, 0, '@', 1, 0, 0, 0, 0, 0, 0, 0, 'A'};
        int at = indexOf(b, pattern);
        assertTrue(at > 0);
        BytewiseException e = refused(patched(f, at + pattern.length - 1, new byte[]{'B'}));
        assertTrue(e.getMessage().contains("token 65 is 'B'"), e.getMessage());
    }

    private static int indexOf(byte[] b, byte[] p) {
        outer:
        for (int i = 0; i + p.length <= b.length; i++) {
            for (int j = 0; j < p.length; j++) if (b[i + j] != p[j]) continue outer;
            return i;
        }
        return -1;
    }
}
