package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * llm.c's GPT-2 float32 model file (what {@code train_gpt2.py} writes and {@code train_gpt2.c} /
 * {@code train_gpt2.cu} read): a header of 256 little-endian int32 (magic 20240326, version,
 * maxT, V, L, NH, C, padded V, then zeros) followed by the 16 parameter tensors as float32
 * little-endian, in llm.c's order and layouts. That order is Bytewise's own, so apart from the
 * header and the padding rows of wte the file is a copy of {@link Gpt#params()}.
 *
 * <p>Version 3 is float32 with wte padded to {@code header[7]} rows (zeros past V). Versions 1 and
 * 2 are read as float32 with no padding (V rows); the file length must then match that layout
 * exactly. Version 5 (bfloat16) is refused.
 */
public final class LlmcFormat {
    public static final int MAGIC = 20240326;
    public static final int VERSION = 3;
    static final int HEADER_INTS = 256;
    static final int HEADER_BYTES = 4 * HEADER_INTS;
    /** llm.c pads the vocabulary to a multiple of 128 for its CUDA kernels. */
    static final int VOCAB_PADDING = 128;

    private LlmcFormat() {}

    public static int paddedVocab(int v) {
        return (v + VOCAB_PADDING - 1) / VOCAB_PADDING * VOCAB_PADDING;
    }

    // ------------------------------------------------------------------ export

    public static void export(Gpt model, Path file) {
        ModelConfig cfg = model.config();
        ParameterLayout lay = model.layout();
        int V = ModelConfig.VOCAB, C = cfg.dModel(), Vp = paddedVocab(V);
        float[] p = model.params();
        BinaryIo.writeAtomically(file, "llm.c checkpoint", ch -> {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0, MAGIC).putInt(4, VERSION).putInt(8, cfg.seqLen()).putInt(12, V).putInt(16, cfg.nLayer())
                    .putInt(20, cfg.nHead()).putInt(24, C).putInt(28, Vp);
            BinaryIo.writeFully(ch, h);
            BinaryIo.writeFloats(ch, p, lay.wte, V * C);
            BinaryIo.writeZeros(ch, (long) (Vp - V) * C);
            BinaryIo.writeFloats(ch, p, lay.wpe, lay.total - lay.wpe); // wpe .. lnfb, already in llm.c order
        });
    }

    // ------------------------------------------------------------------ import

    /**
     * Reads an llm.c float32 checkpoint with V = 256. Every header field is checked, and the byte
     * count it implies is compared with the file length before anything is allocated.
     */
    public static Gpt load(Path file) {
        String name = file.getFileName().toString();
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BytewiseException("llm.c checkpoint not found: " + file);
        } catch (IOException e) {
            throw new BytewiseException("cannot read llm.c checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (size < HEADER_BYTES)
            throw new BytewiseException("llm.c checkpoint " + name + " has " + size + " bytes, less than its "
                    + HEADER_BYTES + "-byte header (truncated file)");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer hb = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            BinaryIo.readFully(ch, hb, "llm.c checkpoint " + name);
            int[] h = new int[HEADER_INTS];
            hb.flip().asIntBuffer().get(h);
            if (h[0] != MAGIC)
                throw new BytewiseException("not an llm.c checkpoint (magic header[0] is " + h[0] + ", expected "
                        + MAGIC + "): " + name);
            int version = h[1];
            if (version == 5)
                throw new BytewiseException("llm.c checkpoint " + name + " is bfloat16 (version 5); only float32"
                        + " (version 3) is supported: write it with train_gpt2.py's float32 export");
            if (version != 1 && version != 2 && version != 3)
                throw new BytewiseException("unsupported llm.c checkpoint version header[1] = " + version
                        + " (expected 3): " + name);
            int maxT = h[2], V = h[3], L = h[4], NH = h[5], C = h[6];
            int Vp = version == 3 ? h[7] : V;
            if (V != ModelConfig.VOCAB)
                throw new BytewiseException("llm.c checkpoint " + name + " has vocab_size header[3] = " + V
                        + "; Bytewise models are byte-level and need " + ModelConfig.VOCAB
                        + " (a GPT-2 BPE model cannot be imported)");
            if (Vp < V)
                throw new BytewiseException("llm.c checkpoint " + name + " has padded_vocab_size header[7] = " + Vp
                        + ", smaller than vocab_size " + V);
            ModelConfig cfg;
            try {
                cfg = new ModelConfig(maxT, C, L, NH);
            } catch (BytewiseException e) {
                throw new BytewiseException("llm.c checkpoint " + name + " header (max_seq_len header[2], num_layers"
                        + " header[4], num_heads header[5], channels header[6]): " + e.getMessage(), e);
            }
            long params = cfg.parameterCount();
            long expected = HEADER_BYTES + 4L * (params + (long) (Vp - V) * C); // fits: every factor is bounded
            if (size != expected)
                throw new BytewiseException(String.format("llm.c checkpoint %s has %,d bytes but its header"
                        + " (maxT %d, V %d, Vp %d, L %d, NH %d, C %d) needs %,d: the file length disagrees with the"
                        + " header (truncated, or not a float32 checkpoint)", name, size, maxT, V, Vp, L, NH, C, expected));
            BinaryIo.checkHeap(4L * params, "llm.c checkpoint " + name);
            ParameterLayout lay = new ParameterLayout(cfg);
            float[] p = new float[lay.total];
            String what = "llm.c checkpoint " + name;
            BinaryIo.readFloats(ch, p, lay.wte, V * C, what);
            ch.position(ch.position() + 4L * (Vp - V) * C); // padded rows are dropped
            BinaryIo.readFloats(ch, p, lay.wpe, lay.total - lay.wpe, what);
            ParameterLayout.Tensor t = lay.firstNonFiniteTensor(p);
            if (t != null)
                throw new BytewiseException("llm.c checkpoint " + name + " has NaN or infinity in " + t.name()
                        + " (element " + (ParameterLayout.firstNonFinite(p, t.offset(), t.size()) - t.offset()) + ")");
            return new Gpt(cfg, p);
        } catch (IOException e) {
            throw new BytewiseException("cannot read llm.c checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
