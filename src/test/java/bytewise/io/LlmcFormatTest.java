package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import bytewise.sample.Decoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class LlmcFormatTest {
    static final ModelConfig CFG = new ModelConfig(16, 32, 2, 2);

    /** A model whose biases and gains are not at their initial values, so every tensor is exercised. */
    static Gpt model() {
        Gpt m = Gpt.initialize(CFG, 11);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) p[i] += (float) Math.sin(i * 0.37) * 0.01f;
        return m;
    }

    /** Logits after each byte of a text, from a fresh decoder. */
    static float[][] logits(Gpt m, String text) {
        Decoder d = new Decoder(m);
        byte[] b = text.getBytes();
        float[][] out = new float[b.length][];
        for (int i = 0; i < b.length; i++) out[i] = d.push(b[i] & 0xFF).clone();
        return out;
    }

    private static int headerInt(Path f, int index) throws Exception {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
            r.seek(4L * index);
            byte[] b = new byte[4];
            r.readFully(b);
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
    }

    private static void putInt(Path f, long offset, int value) throws Exception {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(offset);
            r.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }
    }

    private static String refusal(Path f) {
        return assertThrows(BytewiseException.class, () -> LlmcFormat.load(f)).getMessage();
    }

    @Test
    void roundTripKeepsEveryParameterAndTheLogits(@TempDir Path dir) {
        Gpt m = model();
        Path f = dir.resolve("model.bin");
        LlmcFormat.export(m, f);
        Gpt back = LlmcFormat.load(f);
        assertEquals(CFG, back.config());
        assertArrayEquals(m.params(), back.params());
        String text = "the river runs past a quiet town";
        float[][] a = logits(m, text), b = logits(back, text);
        for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], "position " + i);
        assertFalse(Files.exists(dir.resolve("model.bin.tmp")));
    }

    @Test
    void headerFieldsAndLayoutAreLlmcs(@TempDir Path dir) throws Exception {
        Gpt m = model();
        Path f = dir.resolve("m.bin");
        LlmcFormat.export(m, f);
        int[] expected = {20240326, 3, 16, 256, 2, 2, 32, 256};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], headerInt(f, i), "header[" + i + "]");
        for (int i = expected.length; i < 256; i++) assertEquals(0, headerInt(f, i), "header[" + i + "]");
        // V = 256 is already a multiple of 128: no padding rows, so the data is the flat buffer verbatim
        assertEquals(1024 + 4L * CFG.parameterCount(), Files.size(f));
        byte[] all = Files.readAllBytes(f);
        ByteBuffer data = ByteBuffer.wrap(all, 1024, all.length - 1024).order(ByteOrder.LITTLE_ENDIAN);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) assertEquals(Float.floatToRawIntBits(p[i]), data.getInt(), "param " + i);
        // spot checks against llm.c's offsets: lnfb is last, qkvw follows ln1b
        ParameterLayout lay = m.layout();
        int C = 32, L = 2, V = 256, T = 16;
        assertEquals(V * C + T * C + 2 * L * C, lay.qkvw);
        assertEquals(Float.floatToRawIntBits(p[lay.lnfb + C - 1]),
                ByteBuffer.wrap(all, all.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    @Test
    void paddedRowsOfAVersion3FileAreDropped(@TempDir Path dir) throws Exception {
        // an llm.c writer padding V = 256 to 384 rows (a multiple of 128 larger than needed)
        Gpt m = model();
        int C = CFG.dModel(), Vp = 384;
        float[] p = m.params();
        ByteBuffer b = ByteBuffer.allocate(1024 + 4 * (p.length + (Vp - 256) * C)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(20240326).putInt(3).putInt(16).putInt(256).putInt(2).putInt(2).putInt(C).putInt(Vp);
        b.position(1024);
        for (int i = 0; i < 256 * C; i++) b.putFloat(p[i]);
        for (int i = 0; i < (Vp - 256) * C; i++) b.putFloat(7f); // padding rows, whatever they hold
        for (int i = 256 * C; i < p.length; i++) b.putFloat(p[i]);
        Path f = dir.resolve("padded.bin");
        Files.write(f, b.array());
        assertArrayEquals(p, LlmcFormat.load(f).params());
    }

    @Test
    void unpaddedVersion1FileLoads(@TempDir Path dir) throws Exception {
        Gpt m = model();
        Path f = dir.resolve("v1.bin");
        LlmcFormat.export(m, f);
        putInt(f, 4, 1);
        putInt(f, 28, 0); // version 1 had no padded-vocab field
        assertArrayEquals(m.params(), LlmcFormat.load(f).params());
    }

    @Test
    void refusesWrongMagicVersionAndVocab(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.bin");
        LlmcFormat.export(model(), f);
        putInt(f, 0, 20240327);
        assertTrue(refusal(f).contains("magic"), refusal(f));
        putInt(f, 0, 20240326);
        putInt(f, 4, 5);
        assertTrue(refusal(f).contains("bfloat16"), refusal(f));
        putInt(f, 4, 4);
        assertTrue(refusal(f).contains("version"), refusal(f));
        putInt(f, 4, 3);
        putInt(f, 12, 50257);
        putInt(f, 28, 50304);
        assertTrue(refusal(f).contains("vocab_size"), refusal(f));
        putInt(f, 12, 256);
        putInt(f, 28, 128);
        assertTrue(refusal(f).contains("padded_vocab_size"), refusal(f));
        putInt(f, 28, 256);
        putInt(f, 20, 3); // 3 heads do not divide 32 channels
        assertTrue(refusal(f).contains("divisible"), refusal(f));
        putInt(f, 20, 2);
        assertEquals(CFG, LlmcFormat.load(f).config());
    }

    @Test
    void refusesTruncatedAndOverlongFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.bin");
        LlmcFormat.export(model(), f);
        long size = Files.size(f);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(size - 4);
        }
        assertTrue(refusal(f).contains("file length disagrees"), refusal(f));
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(size + 4);
        }
        assertTrue(refusal(f).contains("file length disagrees"), refusal(f));
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(100);
        }
        assertTrue(refusal(f).contains("header"), refusal(f));
    }

    @Test
    void hostileHeadersAreRefusedBeforeAllocating(@TempDir Path dir) throws Exception {
        // a valid shape of ~1.6 billion parameters (6 GB, over the test heap) in a 1 KB file
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(20240326).putInt(3).putInt(1024).putInt(256).putInt(2).putInt(16).putInt(8192).putInt(256);
        Path f = dir.resolve("huge.bin");
        Files.write(f, b.array());
        assertTrue(refusal(f).contains("file length disagrees"), refusal(f));
        // sizes past every limit, and a padded vocabulary of 2^31 - 1 rows
        int[][] headers = {
                {20240326, 3, Integer.MAX_VALUE, 256, Integer.MAX_VALUE, 1, Integer.MAX_VALUE, 256},
                {20240326, 3, 65536, 256, 1024, 16, 16384, 256},
                {20240326, 3, 16, 256, 2, 2, 32, Integer.MAX_VALUE},
                {20240326, 3, -1, 256, 2, 2, 32, 256},
        };
        for (int[] h : headers) {
            ByteBuffer hb = ByteBuffer.allocate(1024 + 64).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : h) hb.putInt(v);
            Files.write(f, hb.array());
            assertThrows(BytewiseException.class, () -> LlmcFormat.load(f));
        }
    }

    @Test
    void refusesNaNAndInfinityNamingTheTensor(@TempDir Path dir) throws Exception {
        Gpt m = model();
        Path f = dir.resolve("m.bin");
        LlmcFormat.export(m, f);
        ParameterLayout lay = m.layout();
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(1024 + 4L * (lay.fcw + 5));
            r.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array());
        }
        String msg = refusal(f);
        assertTrue(msg.contains("NaN") && msg.contains("fcw"), msg);
        LlmcFormat.export(m, f);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(1024 + 4L * lay.lnfb);
            r.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.POSITIVE_INFINITY).array());
        }
        assertTrue(refusal(f).contains("lnfb"), refusal(f));
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        assertTrue(refusal(dir.resolve("nope.bin")).contains("not found"));
    }

    @Test
    void exportReplacesAnExistingFileAndDetectionFindsIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.bin");
        Files.writeString(f, "old contents");
        Gpt m = model();
        LlmcFormat.export(m, f);
        assertEquals(ModelFiles.Format.LLMC, ModelFiles.detect(f));
        Checkpoint c = ModelFiles.loadAny(f);
        assertNull(c.training());
        assertNull(c.state());
        assertArrayEquals(m.params(), c.model().params());
    }
}
