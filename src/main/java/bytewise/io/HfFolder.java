package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.TrainConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A model as a Hugging Face folder that {@code GPT2LMHeadModel.from_pretrained(DIR)} and
 * {@code AutoTokenizer.from_pretrained(DIR)} read: {@code config.json}, {@code model.safetensors}
 * ({@link Safetensors}), {@code tokenizer.json} (byte-level BPE over the 256 byte strings of
 * {@link ByteLevel}, no merges), {@code tokenizer_config.json}, {@code generation_config.json} and a
 * {@code README.md} model card, plus {@code loss.png} when the run's metrics are at hand. Every file
 * is written atomically.
 */
public final class HfFolder {
    /** Beginning and end of text, as in the GGUF export: '\n' and the NUL byte. */
    public static final int BOS = Gguf.BOS, EOS = Gguf.EOS;

    private HfFolder() {}

    /**
     * What the model card tells about the run; any field may be null (or empty) when unknown.
     * {@code sample} is generated text and {@code sampleHow} says how.
     */
    public record Card(String dataName, String dataSha256, TrainConfig training, Long step, Long tokens,
                       Float bestValLoss, List<RunFolder.Metric> metrics, String sample, String sampleHow) {}

    public static void export(Gpt model, Path dir, Card card) {
        ModelConfig cfg = model.config();
        write(dir.resolve("config.json"), json(config(cfg)));
        Safetensors.export(model, dir.resolve("model.safetensors"));
        write(dir.resolve("tokenizer.json"), json(tokenizer()));
        write(dir.resolve("tokenizer_config.json"), json(tokenizerConfig(cfg)));
        write(dir.resolve("generation_config.json"), json(generationConfig(cfg)));
        boolean curve = card.metrics() != null && card.metrics().stream().anyMatch(m -> m.kind().equals("step"));
        if (curve) {
            byte[] png = lossCurvePng(card.metrics());
            BinaryIo.writeAtomically(dir.resolve("loss.png"), "loss curve", ch -> BinaryIo.writeFully(ch, ByteBuffer.wrap(png)));
        }
        write(dir.resolve("README.md"), modelCard(cfg, card, curve));
    }

    private static void write(Path file, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        BinaryIo.writeAtomically(file, "Hugging Face file", ch -> BinaryIo.writeFully(ch, ByteBuffer.wrap(b)));
    }

    private static String json(ObjectNode node) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GPT2Config: Bytewise's shape with GPT-2's defaults spelled out (no dropout: Bytewise trains without). */
    static ObjectNode config(ModelConfig cfg) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.putArray("architectures").add("GPT2LMHeadModel");
        c.put("model_type", "gpt2");
        c.put("vocab_size", ModelConfig.VOCAB);
        c.put("n_positions", cfg.seqLen());
        c.put("n_ctx", cfg.seqLen());
        c.put("n_embd", cfg.dModel());
        c.put("n_layer", cfg.nLayer());
        c.put("n_head", cfg.nHead());
        c.putNull("n_inner");
        c.put("activation_function", "gelu_new");
        c.put("layer_norm_epsilon", 1e-5);
        c.put("resid_pdrop", 0.0);
        c.put("embd_pdrop", 0.0);
        c.put("attn_pdrop", 0.0);
        c.put("initializer_range", 0.02);
        c.put("scale_attn_weights", true);
        c.put("use_cache", true);
        c.put("bos_token_id", BOS);
        c.put("eos_token_id", EOS);
        c.put("tie_word_embeddings", true);
        c.put("torch_dtype", "float32");
        return c;
    }

    /**
     * tokenizer.json: a BPE model whose vocabulary is the 256 byte-level strings (id = byte) with no
     * merges, GPT-2's ByteLevel pre-tokenizer (no prefix space) and ByteLevel decoder. No added or
     * special tokens: text containing a token's character (say 'Ā') must still encode to its bytes.
     */
    static ObjectNode tokenizer() {
        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("version", "1.0");
        t.putNull("truncation");
        t.putNull("padding");
        t.putArray("added_tokens");
        t.putNull("normalizer");
        t.set("pre_tokenizer", byteLevel(false, true));
        t.set("post_processor", byteLevel(true, false));
        t.set("decoder", byteLevel(true, true));
        ObjectNode m = t.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        m.putNull("unk_token");
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", false);
        m.put("byte_fallback", false);
        m.put("ignore_merges", false);
        ObjectNode vocab = m.putObject("vocab");
        for (int b = 0; b < 256; b++) vocab.put(ByteLevel.token(b), b);
        m.putArray("merges");
        return t;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    /**
     * A plain fast tokenizer with no special tokens (GPT2TokenizerFast would add a 257th token,
     * "<|endoftext|>"), and no clean-up of spaces on decoding, which would change the bytes.
     */
    static ObjectNode tokenizerConfig(ModelConfig cfg) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("model_max_length", cfg.seqLen());
        c.put("add_bos_token", false);
        c.put("add_eos_token", false);
        c.put("clean_up_tokenization_spaces", false);
        c.putObject("added_tokens_decoder");
        return c;
    }

    static ObjectNode generationConfig(ModelConfig cfg) {
        ObjectNode g = Json.MAPPER.createObjectNode();
        g.put("bos_token_id", BOS);
        g.put("eos_token_id", EOS);
        g.put("pad_token_id", EOS);
        g.put("max_length", cfg.seqLen());
        return g;
    }

    // ------------------------------------------------------------------ model card

    static String modelCard(ModelConfig cfg, Card card, boolean curve) {
        StringBuilder s = new StringBuilder();
        s.append("---\nlibrary_name: transformers\npipeline_tag: text-generation\ntags:\n- bytewise\n- gpt2\n- byte-level\n---\n\n");
        s.append("# Byte-level GPT-2").append(card.dataName() == null ? "" : " trained on " + md(card.dataName())).append("\n\n");
        s.append("A small GPT-2 trained with Bytewise on raw bytes: its vocabulary is the 256 byte"
                + " values (token id = byte value), so any file can be its text and there is no learned tokenizer.\n\n");
        s.append("| | |\n|---|---|\n");
        row(s, "data", card.dataName() == null ? "unknown" : "`" + card.dataName().replace("`", "'") + "`");
        row(s, "data sha256", card.dataSha256() == null ? "unknown" : "`" + card.dataSha256() + "`");
        row(s, "model", String.format(Locale.ROOT, "context %d bytes, d_model %d, %d layer%s, %d heads, %,d parameters",
                cfg.seqLen(), cfg.dModel(), cfg.nLayer(), cfg.nLayer() == 1 ? "" : "s", cfg.nHead(), cfg.parameterCount()));
        row(s, "steps", card.step() == null ? "unknown" : String.format(Locale.ROOT, "%,d", card.step()));
        row(s, "tokens seen", card.tokens() == null ? "unknown" : String.format(Locale.ROOT, "%,d", card.tokens()));
        row(s, "best validation loss", card.bestValLoss() == null ? "not recorded"
                : String.format(Locale.ROOT, "%.4f nats/byte (perplexity %.2f)", card.bestValLoss(), Math.exp(card.bestValLoss())));
        TrainConfig t = card.training();
        if (t != null)
            row(s, "training", String.format(Locale.ROOT, "batch %d, lr %.2g to %.2g (warmup %d), AdamW β %.3g/%.3g,"
                            + " weight decay %.3g, clip %.3g, seed %d", t.batch(), t.lr(), t.minLr(), t.warmup(), t.beta1(),
                    t.beta2(), t.weightDecay(), t.gradClip(), t.seed()));
        s.append('\n');
        if (curve) {
            List<RunFolder.Metric> m = card.metrics();
            RunFolder.Metric first = m.stream().filter(x -> x.kind().equals("step")).findFirst().orElseThrow();
            RunFolder.Metric last = m.stream().filter(x -> x.kind().equals("step")).reduce((a, b) -> b).orElseThrow();
            s.append("## Loss\n\n![Training loss (blue) and validation loss (orange dots) against steps](loss.png)\n\n");
            s.append(String.format(Locale.ROOT, "Training loss %.4f at step %d, %.4f at step %d (nats per byte)."
                    + " The plot's vertical axis runs from 0 to the highest loss.%n%n", first.loss(), first.step(),
                    last.loss(), last.step()));
        }
        if (card.sample() != null) {
            s.append("## Sample\n\n").append(card.sampleHow() == null ? "" : card.sampleHow() + ":\n\n");
            String fence = card.sample().contains("```") ? "~~~~" : "```";
            s.append(fence).append("text\n").append(card.sample()).append(card.sample().endsWith("\n") ? "" : "\n")
                    .append(fence).append("\n\n");
        }
        s.append("""
                ## Use

                ```python
                from transformers import AutoTokenizer, GPT2LMHeadModel
                tok = AutoTokenizer.from_pretrained("DIR")
                model = GPT2LMHeadModel.from_pretrained("DIR")
                ids = tok("The river", return_tensors="pt").input_ids   # the text's UTF-8 bytes
                out = model.generate(ids, max_new_tokens=40, do_sample=False)
                print(tok.decode(out[0]))
                ```

                The tokenizer is GPT-2's byte-level BPE with exactly 256 tokens and no merges, so valid UTF-8
                text encodes to its bytes. `bos_token_id` is 10 (newline, the context Bytewise starts from)
                and `eos_token_id` is 0 (the NUL byte); neither is added to the text. The context is
                %d bytes: longer inputs must be cut to their last %d bytes.
                """.formatted(cfg.seqLen(), cfg.seqLen()));
        return s.toString();
    }

    private static void row(StringBuilder s, String k, String v) {
        s.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
    }

    private static String md(String s) {
        return s.replaceAll("[\\\\`*_\\[\\]<>#|]", "");
    }

    /**
     * The loss curve as a PNG: training loss per step (blue), validation loss (orange dots), the
     * vertical axis from 0 to the highest loss, a light grid at tenths. No text, so no fonts are needed.
     */
    static byte[] lossCurvePng(List<RunFolder.Metric> metrics) {
        int w = 800, h = 400, pad = 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            long maxStep = 1;
            double maxLoss = 1e-9;
            for (RunFolder.Metric m : metrics) {
                if (!Double.isFinite(m.loss())) continue;
                maxStep = Math.max(maxStep, m.step());
                maxLoss = Math.max(maxLoss, m.loss());
            }
            g.setColor(new Color(0xE6E6E6));
            for (int i = 0; i <= 10; i++) {
                int y = pad + (h - 2 * pad) * i / 10, x = pad + (w - 2 * pad) * i / 10;
                g.drawLine(pad, y, w - pad, y);
                g.drawLine(x, pad, x, h - pad);
            }
            Path2D.Double line = new Path2D.Double();
            boolean started = false;
            for (RunFolder.Metric m : metrics) {
                if (!m.kind().equals("step") || !Double.isFinite(m.loss())) continue;
                double x = pad + (w - 2.0 * pad) * m.step() / maxStep, y = h - pad - (h - 2.0 * pad) * m.loss() / maxLoss;
                if (started) line.lineTo(x, y);
                else line.moveTo(x, y);
                started = true;
            }
            g.setColor(new Color(0x1F77B4));
            g.setStroke(new BasicStroke(1.5f));
            g.draw(line);
            g.setColor(new Color(0xFF7F0E));
            for (RunFolder.Metric m : metrics) {
                if (!m.kind().equals("eval") || !Double.isFinite(m.loss())) continue;
                double x = pad + (w - 2.0 * pad) * m.step() / maxStep, y = h - pad - (h - 2.0 * pad) * m.loss() / maxLoss;
                g.fillOval((int) Math.round(x) - 4, (int) Math.round(y) - 4, 8, 8);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) throw new BytewiseException("no PNG writer in this Java runtime");
        } catch (IOException e) {
            throw new BytewiseException("cannot draw the loss curve: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
