package bytewise.io;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class HfFolderTest {
    static final ModelConfig CFG = new ModelConfig(16, 32, 2, 4);
    private static final ObjectMapper M = new ObjectMapper();

    private static Path exported(Path dir, List<RunFolder.Metric> metrics) {
        Gpt m = GgufLlamaCppTest.randomModel(CFG, 5);
        Path out = dir.resolve("hf");
        HfFolder.export(m, out, new HfFolder.Card("essays.txt", "ab".repeat(32), null, 120L, 7680L, 1.9876f, metrics,
                "The river | runs\n", "Greedy (temperature 0), 200 bytes after the prompt"));
        return out;
    }

    /** Every valid UTF-8 byte value: all of ASCII, and lead and continuation bytes of 2-, 3- and 4-byte characters. */
    static String everyUtf8Byte() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < 128; c++) sb.append((char) c);
        for (int c = 0x80; c < 0x800; c += 0x1F) sb.append((char) c);          // leads C2..DF, continuations
        for (int c = 0x800; c < 0x10000; c += 0x3F1) if (c < 0xD800 || c > 0xDFFF) sb.append((char) c); // E0..EF
        for (int c = 0x10000; c < 0x110000; c += 0x3F01) sb.appendCodePoint(c); // F0..F4
        sb.append("\u00bf\u07ff\uffff\uDBFF\uDFFF");
        return sb.toString();
    }

    @Test
    void realTokenizerEncodesTextToItsBytesAndDecodesBack(@TempDir Path dir) throws Exception {
        Path hf = exported(dir, List.of());
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(hf.resolve("tokenizer.json"),
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"))) {
            List<String> texts = new ArrayList<>(List.of("The river runs.", "  two  spaces\tand\ttabs\n\n",
                    "naïve café – 東京 🙂 ĀĊĠ", "Ā is token 0's string but text: its bytes", "\u0000\u0001\u007f",
                    "don't  'll 's 123 4.5e6", everyUtf8Byte()));
            SplittableRandom r = new SplittableRandom(9);
            for (int i = 0; i < 20; i++) { // random code points of every length
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < 60; j++) {
                    int cp = switch (r.nextInt(4)) {
                        case 0 -> r.nextInt(0x80);
                        case 1 -> 0x80 + r.nextInt(0x780);
                        case 2 -> 0x800 + r.nextInt(0xD000);
                        default -> 0x10000 + r.nextInt(0x100000);
                    };
                    sb.appendCodePoint(cp);
                }
                texts.add(sb.toString());
            }
            java.util.Set<Integer> covered = new java.util.HashSet<>();
            for (String text : texts) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                Encoding e = tok.encode(text, false, false);
                long[] ids = e.getIds();
                assertEquals(bytes.length, ids.length, text);
                for (int i = 0; i < bytes.length; i++) {
                    assertEquals(bytes[i] & 0xFF, ids[i], "byte " + i + " of " + text);
                    assertEquals(ByteLevel.token(bytes[i] & 0xFF), e.getTokens()[i], "token string of byte " + (bytes[i] & 0xFF));
                    covered.add(bytes[i] & 0xFF);
                }
                assertEquals(text, tok.decode(ids, false), "decoding gives the text back");
            }
            // valid UTF-8 uses 243 byte values; C0, C1 and F5..FF never occur in it
            assertEquals(243, covered.size());
            // every id alone decodes to its byte: what the byte means as UTF-8 (U+FFFD when it is not valid alone)
            for (int b = 0; b < 256; b++) {
                assertEquals(new String(new byte[]{(byte) b}, StandardCharsets.UTF_8), tok.decode(new long[]{b}, false),
                        "id " + b);
            }
            // and ids of a multi-byte character, however they arrive, decode to it
            assertEquals("é東", tok.decode(new long[]{0xC3, 0xA9, 0xE6, 0x9D, 0xB1}, false));
        }
    }

    @Test
    void tokenizerJsonIsTheDocumentedByteLevelBpe(@TempDir Path dir) throws Exception {
        JsonNode t = M.readTree(exported(dir, List.of()).resolve("tokenizer.json").toFile());
        assertEquals("BPE", t.at("/model/type").asText());
        assertEquals(256, t.at("/model/vocab").size());
        for (int b = 0; b < 256; b++) assertEquals(b, t.at("/model/vocab").get(ByteLevel.token(b)).asInt());
        assertEquals(0, t.at("/model/merges").size());
        assertEquals("ByteLevel", t.at("/pre_tokenizer/type").asText());
        assertFalse(t.at("/pre_tokenizer/add_prefix_space").asBoolean(true));
        assertEquals("ByteLevel", t.at("/decoder/type").asText());
        assertEquals(0, t.get("added_tokens").size());
    }

    @Test
    void configAndCardDescribeTheModel(@TempDir Path dir) throws Exception {
        List<RunFolder.Metric> metrics = new ArrayList<>();
        for (int s = 1; s <= 100; s++) metrics.add(new RunFolder.Metric("step", s, 64L * s, 5.5 - s * 0.03, 1e-3, 1, 1, s));
        metrics.add(new RunFolder.Metric("eval", 50, 3200, 4.2, 0, 0, 0, 50));
        Path hf = exported(dir, metrics);
        JsonNode c = M.readTree(hf.resolve("config.json").toFile());
        assertEquals("gpt2", c.get("model_type").asText());
        assertEquals("GPT2LMHeadModel", c.get("architectures").get(0).asText());
        assertEquals(256, c.get("vocab_size").asInt());
        assertEquals(CFG.seqLen(), c.get("n_positions").asInt());
        assertEquals(CFG.seqLen(), c.get("n_ctx").asInt());
        assertEquals(CFG.dModel(), c.get("n_embd").asInt());
        assertEquals(CFG.nLayer(), c.get("n_layer").asInt());
        assertEquals(CFG.nHead(), c.get("n_head").asInt());
        assertTrue(c.get("n_inner").isNull());
        assertEquals("gelu_new", c.get("activation_function").asText());
        assertEquals(1e-5, c.get("layer_norm_epsilon").asDouble());
        assertTrue(c.get("tie_word_embeddings").asBoolean());
        for (String id : new String[]{"bos_token_id", "eos_token_id"})
            assertTrue(c.get(id).asInt() >= 0 && c.get(id).asInt() < 256, id);
        JsonNode tc = M.readTree(hf.resolve("tokenizer_config.json").toFile());
        assertFalse(tc.get("clean_up_tokenization_spaces").asBoolean(true));
        JsonNode g = M.readTree(hf.resolve("generation_config.json").toFile());
        assertEquals(c.get("eos_token_id").asInt(), g.get("eos_token_id").asInt());

        Path st = hf.resolve("model.safetensors");
        assertArrayEquals(GgufLlamaCppTest.randomModel(CFG, 5).params(), Safetensors.load(st).params());
        assertEquals("pt", SafetensorsTest.Parsed.of(st).header().get("__metadata__").get("format").asText());

        String card = Files.readString(hf.resolve("README.md"));
        for (String s : new String[]{"essays.txt", "ab".repeat(32), "120", "7,680", "1.9876", "loss.png",
                "```text\nThe river | runs\n```", "context 16 bytes, d_model 32, 2 layers, 4 heads"})
            assertTrue(card.contains(s), s + " in\n" + card);
        BufferedImage png = ImageIO.read(hf.resolve("loss.png").toFile());
        assertEquals(800, png.getWidth());
        int blue = 0, orange = 0;
        for (int x = 0; x < png.getWidth(); x++)
            for (int y = 0; y < png.getHeight(); y++) {
                int rgb = png.getRGB(x, y) & 0xFFFFFF;
                if (rgb == 0x1F77B4) blue++;
                if (rgb == 0xFF7F0E) orange++;
            }
        assertTrue(blue > 150 && orange > 10, blue + " blue, " + orange + " orange pixels");
    }

    @Test
    void noCurveWithoutMetrics(@TempDir Path dir) throws Exception {
        Path hf = exported(dir, List.of());
        assertFalse(Files.exists(hf.resolve("loss.png")));
        assertFalse(Files.readString(hf.resolve("README.md")).contains("loss.png"));
        try (var s = Files.list(hf)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
    }
}
