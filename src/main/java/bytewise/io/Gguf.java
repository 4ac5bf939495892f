package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as a GGUF file (version 3) that llama.cpp runs with its {@code gpt2} architecture.
 *
 * <p>File (all little-endian): the bytes {@code GGUF}, uint32 version, uint64 tensor count, uint64
 * metadata count; the metadata as key (uint64 length + UTF-8), uint32 value type, value; the tensor
 * infos as name, uint32 dimension count, uint64 dimensions (innermost first: ne[0] is the length of
 * a row), uint32 ggml type, uint64 offset into the data section; then padding to
 * {@link #ALIGNMENT} and the tensor data, each tensor starting on an aligned offset.
 *
 * <p>Tensors are llama.cpp's GPT-2 names ({@code token_embd}, {@code position_embd},
 * {@code blk.N.attn_norm}, {@code attn_qkv}, {@code attn_output}, {@code ffn_norm}, {@code ffn_up},
 * {@code ffn_down}, {@code output_norm}). ggml stores a weight matrix as ne = [in, out], which is
 * row-major (out, in): Bytewise's own layout, so no tensor is transposed. The output layer is tied
 * to the token embedding; {@code output.weight} is written as a copy of {@code token_embd} because
 * the llama.cpp tested here requires it, and on import it must equal {@code token_embd}.
 *
 * <p>The tokenizer is GPT-2's byte-level BPE with exactly 256 tokens (token i is
 * {@link ByteLevel#token(int) byte i's string}) and no merges, so llama.cpp tokenizes valid UTF-8
 * text to its bytes.
 */
public final class Gguf {
    /** The bytes "GGUF" read as a little-endian int32. */
    public static final int MAGIC = 0x46554747;
    public static final int VERSION = 3;
    public static final int ALIGNMENT = 32;
    /** Beginning of text: '\n', the context Bytewise starts an empty prompt from (llama.cpp does not add it). */
    public static final int BOS = '\n';
    /** End of text: the NUL byte, which text does not contain (llama.cpp's default, 11, would be 0x0B). */
    public static final int EOS = 0;
    public static final float LAYER_NORM_EPS = 1e-5f;
    /** Refuse more tensors or metadata entries than this before reading them. */
    static final long MAX_COUNT = 1 << 16;
    /** Refuse longer strings than this before reading them. */
    static final long MAX_STRING = 1 << 20;

    static final int GGML_F32 = 0, GGML_F16 = 1;
    static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    /** How the weight matrices are stored; vectors (norms, biases) are always F32. */
    public enum Precision { F32, F16 }

    private Gguf() {}

    /** One tensor: its GGUF name, where it lives in our buffer, and its ggml dims (innermost first). */
    record Spec(String name, int offset, long[] dims) {
        long count() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }

        boolean matrix() {
            return dims.length == 2;
        }
    }

    /** The tensors in file order. */
    static List<Spec> specs(ModelConfig cfg) { // without output.weight (see output())
        ParameterLayout lay = new ParameterLayout(cfg);
        long V = ModelConfig.VOCAB, T = cfg.seqLen(), C = cfg.dModel();
        List<Spec> list = new ArrayList<>();
        list.add(new Spec("token_embd.weight", lay.wte, new long[]{C, V}));
        list.add(new Spec("position_embd.weight", lay.wpe, new long[]{C, T}));
        for (int l = 0; l < cfg.nLayer(); l++) {
            String b = "blk." + l + ".";
            list.add(new Spec(b + "attn_norm.weight", lay.ln1w(l), new long[]{C}));
            list.add(new Spec(b + "attn_norm.bias", lay.ln1b(l), new long[]{C}));
            list.add(new Spec(b + "attn_qkv.weight", lay.qkvw(l), new long[]{C, 3 * C}));
            list.add(new Spec(b + "attn_qkv.bias", lay.qkvb(l), new long[]{3 * C}));
            list.add(new Spec(b + "attn_output.weight", lay.attprojw(l), new long[]{C, C}));
            list.add(new Spec(b + "attn_output.bias", lay.attprojb(l), new long[]{C}));
            list.add(new Spec(b + "ffn_norm.weight", lay.ln2w(l), new long[]{C}));
            list.add(new Spec(b + "ffn_norm.bias", lay.ln2b(l), new long[]{C}));
            list.add(new Spec(b + "ffn_up.weight", lay.fcw(l), new long[]{C, 4 * C}));
            list.add(new Spec(b + "ffn_up.bias", lay.fcb(l), new long[]{4 * C}));
            list.add(new Spec(b + "ffn_down.weight", lay.fcprojw(l), new long[]{4 * C, C}));
            list.add(new Spec(b + "ffn_down.bias", lay.fcprojb(l), new long[]{C}));
        }
        list.add(new Spec("output_norm.weight", lay.lnfw, new long[]{C}));
        list.add(new Spec("output_norm.bias", lay.lnfb, new long[]{C}));
        return list;
    }

    /**
     * The output layer, a copy of token_embd: llama.cpp's gpt2 loader up to at least build b4916
     * (the one in de.kherud:llama 4.1.0) requires {@code output.weight}; later builds fall back to
     * token_embd when it is missing. Written, it costs 256·C more values and works in both.
     */
    static Spec output(ModelConfig cfg) {
        return new Spec("output.weight", new ParameterLayout(cfg).wte, new long[]{cfg.dModel(), ModelConfig.VOCAB});
    }

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    // ------------------------------------------------------------------ export

    public static void export(Gpt model, Path file, Precision precision) {
        ModelConfig cfg = model.config();
        float[] p = model.params();
        List<Spec> specs = new ArrayList<>(specs(cfg));
        specs.add(output(cfg));
        if (precision == Precision.F16) {
            for (Spec s : specs) {
                if (!s.matrix()) continue;
                for (int i = s.offset(); i < s.offset() + s.count(); i++) {
                    if (Math.abs(p[i]) > 65504f)
                        throw new BytewiseException("cannot export " + s.name() + " as F16: weight " + p[i]
                                + " is beyond F16's range (65504); export F32 instead");
                }
            }
        }
        Out h = new Out();
        h.u32(MAGIC).u32(VERSION).u64(specs.size()).u64(19); // 19 metadata entries, written below
        h.key("general.architecture").str("gpt2");
        h.key("general.name").str("bytewise");
        h.key("general.alignment").u32v(ALIGNMENT);
        h.key("general.file_type").u32v(precision == Precision.F16 ? 1 : 0); // ALL_F32 / MOSTLY_F16
        h.key("gpt2.context_length").u32v(cfg.seqLen());
        h.key("gpt2.embedding_length").u32v(cfg.dModel());
        h.key("gpt2.feed_forward_length").u32v(4 * cfg.dModel());
        h.key("gpt2.block_count").u32v(cfg.nLayer());
        h.key("gpt2.attention.head_count").u32v(cfg.nHead());
        h.key("gpt2.attention.layer_norm_epsilon").u32(FLOAT32).f32(LAYER_NORM_EPS);
        h.key("tokenizer.ggml.model").str("gpt2");
        h.key("tokenizer.ggml.pre").str("gpt-2");
        h.key("tokenizer.ggml.tokens").u32(ARRAY).u32(STRING).u64(256);
        for (int b = 0; b < 256; b++) h.rawStr(ByteLevel.token(b));
        h.key("tokenizer.ggml.token_type").u32(ARRAY).u32(INT32).u64(256);
        for (int b = 0; b < 256; b++) h.u32(1); // NORMAL
        h.key("tokenizer.ggml.merges").u32(ARRAY).u32(STRING).u64(0);
        h.key("tokenizer.ggml.bos_token_id").u32v(BOS);
        h.key("tokenizer.ggml.eos_token_id").u32v(EOS);
        h.key("tokenizer.ggml.add_bos_token").u32(BOOL).u8(0);
        h.key("tokenizer.ggml.add_eos_token").u32(BOOL).u8(0);
        long at = 0;
        for (Spec s : specs) {
            h.rawStr(s.name()).u32(s.dims().length);
            for (long d : s.dims()) h.u64(d);
            boolean half = precision == Precision.F16 && s.matrix();
            h.u32(half ? GGML_F16 : GGML_F32).u64(at);
            at = align(at + s.count() * (half ? 2 : 4));
        }
        while (h.size() % ALIGNMENT != 0) h.u8(0);
        byte[] header = h.bytes();
        BinaryIo.writeAtomically(file, "GGUF file", ch -> {
            BinaryIo.writeFully(ch, ByteBuffer.wrap(header));
            for (Spec s : specs) { // each tensor padded to the alignment, as the offsets above say
                boolean half = precision == Precision.F16 && s.matrix();
                long n = s.count() * (half ? 2 : 4);
                if (half) writeHalves(ch, p, s.offset(), (int) s.count());
                else BinaryIo.writeFloats(ch, p, s.offset(), (int) s.count());
                BinaryIo.writeFully(ch, ByteBuffer.allocate((int) (align(n) - n)));
            }
        });
    }

    private static void writeHalves(FileChannel ch, float[] a, int off, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BinaryIo.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            if (!buf.hasRemaining()) {
                buf.flip();
                BinaryIo.writeFully(ch, buf);
                buf.clear();
            }
            buf.putShort(Float.floatToFloat16(a[off + i]));
        }
        buf.flip();
        BinaryIo.writeFully(ch, buf);
    }

    /** A little-endian byte builder for the header. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Out u8(int v) {
            bytes.write(v);
            return this;
        }

        Out u32(int v) {
            bytes.write(scratch.putInt(0, v).array(), 0, 4);
            return this;
        }

        Out u64(long v) {
            bytes.write(scratch.putLong(0, v).array(), 0, 8);
            return this;
        }

        Out f32(float v) {
            bytes.write(scratch.putFloat(0, v).array(), 0, 4);
            return this;
        }

        Out rawStr(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes.write(b, 0, b.length);
            return this;
        }

        Out key(String k) {
            return rawStr(k);
        }

        Out str(String v) {
            return u32(STRING).rawStr(v);
        }

        Out u32v(int v) {
            return u32(UINT32).u32(v);
        }

        int size() {
            return bytes.size();
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    // ------------------------------------------------------------------ import

    /** An array value: its element type, length, and the elements when it is short enough to keep. */
    record Array(int type, long length, List<Object> values) {}

    /** A tensor as the file describes it. */
    record Described(String name, long[] dims, int type, long offset) {}

    /** What the header holds. */
    record Header(int version, Map<String, Object> metadata, Map<String, Described> tensors, long dataStart) {}

    /**
     * Reads a GGUF file of the shape {@link #export} writes: llama.cpp's {@code gpt2} architecture
     * with the 256-token byte-level vocabulary, F32 or F16 tensors. Every count, length and offset is
     * checked against the file's size before anything is allocated.
     */
    public static Gpt load(Path file) {
        String what = "GGUF file " + file.getFileName();
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BytewiseException("GGUF file not found: " + file);
        } catch (IOException e) {
            throw new BytewiseException("cannot read " + what + ": " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(ch, size, what);
            ModelConfig cfg = config(h.metadata(), what);
            checkTokenizer(h.metadata(), what);
            List<Spec> specs = specs(cfg);
            long dataLen = size - h.dataStart();
            for (Spec s : specs) {
                Described d = h.tensors().get(s.name());
                if (d == null) throw new BytewiseException(what + " is missing tensor '" + s.name() + "'");
                checkTensor(d, s.dims(), dataLen, what, cfg);
            }
            Described output = h.tensors().get("output.weight");
            if (output != null) checkTensor(output, output(cfg).dims(), dataLen, what, cfg);
            for (String k : h.tensors().keySet()) {
                if (!k.equals("output.weight") && specs.stream().noneMatch(s -> s.name().equals(k)))
                    throw new BytewiseException(what + " has unexpected tensor '" + k + "' for " + cfg);
            }
            ParameterLayout lay = new ParameterLayout(cfg);
            BinaryIo.checkHeap(4L * lay.total, what);
            float[] p = new float[lay.total];
            for (Spec s : specs) {
                Described d = h.tensors().get(s.name());
                read(ch, h.dataStart() + d.offset(), d.type(), p, s.offset(), (int) s.count(), what);
                for (int i = s.offset(); i < s.offset() + s.count(); i++) {
                    if (!Float.isFinite(p[i]))
                        throw new BytewiseException(what + " has NaN or infinity in tensor '" + s.name() + "'");
                }
            }
            if (output != null) {
                float[] out = new float[ModelConfig.VOCAB * cfg.dModel()];
                read(ch, h.dataStart() + output.offset(), output.type(), out, 0, out.length, what);
                if (!Arrays.equals(out, 0, out.length, p, lay.wte, lay.wte + out.length))
                    throw new BytewiseException(what + ": output.weight differs from token_embd.weight; Bytewise ties"
                            + " the output layer to the token embedding, so an untied model cannot be imported");
            }
            return new Gpt(cfg, p);
        } catch (IOException e) {
            throw new BytewiseException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    private static void checkTensor(Described d, long[] dims, long dataLen, String what, ModelConfig cfg) {
        if (!Arrays.equals(d.dims(), dims))
            throw new BytewiseException(what + ": tensor '" + d.name() + "' has dims " + Arrays.toString(d.dims())
                    + ", expected " + Arrays.toString(dims) + " for " + cfg);
        if (d.type() != GGML_F32 && d.type() != GGML_F16)
            throw new BytewiseException(what + ": tensor '" + d.name() + "' has ggml type " + typeName(d.type())
                    + "; only F32 and F16 can be imported (a quantized model cannot)");
        long bytes = (d.type() == GGML_F16 ? 2 : 4) * d.dims()[0] * (d.dims().length > 1 ? d.dims()[1] : 1);
        if (d.offset() > dataLen || bytes > dataLen - d.offset())
            throw new BytewiseException(what + ": tensor '" + d.name() + "' at data offset " + d.offset() + " needs "
                    + bytes + " bytes but the data section has " + dataLen + " (truncated file)");
    }

    private static String typeName(int t) {
        String[] names = {"F32", "F16", "Q4_0", "Q4_1", "4 (removed Q4_2)", "5 (removed Q4_3)", "Q5_0", "Q5_1", "Q8_0",
                "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
                "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};
        return t >= 0 && t < names.length ? names[t] : Integer.toUnsignedString(t);
    }

    private static void read(FileChannel ch, long at, int type, float[] out, int off, int n, String what)
            throws IOException {
        ch.position(at);
        if (type == GGML_F32) {
            BinaryIo.readFloats(ch, out, off, n, what);
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(BinaryIo.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < n) {
            buf.clear();
            buf.limit(Math.min(BinaryIo.CHUNK, (n - i) * 2));
            BinaryIo.readFully(ch, buf, what);
            buf.flip();
            while (buf.hasRemaining()) out[off + i++] = Float.float16ToFloat(buf.getShort());
        }
    }

    /** The model shape from the gpt2.* metadata; everything Bytewise cannot represent is refused. */
    private static ModelConfig config(Map<String, Object> meta, String what) {
        Object arch = meta.get("general.architecture");
        if (arch == null) throw new BytewiseException(what + " has no general.architecture");
        if (!"gpt2".equals(arch))
            throw new BytewiseException(what + " has architecture '" + arch + "'; Bytewise imports only 'gpt2'");
        int T = uint(meta, "gpt2.context_length", what), C = uint(meta, "gpt2.embedding_length", what);
        int L = uint(meta, "gpt2.block_count", what), H = uint(meta, "gpt2.attention.head_count", what);
        if (meta.containsKey("gpt2.attention.head_count_kv") && uint(meta, "gpt2.attention.head_count_kv", what) != H)
            throw new BytewiseException(what + ": gpt2.attention.head_count_kv differs from head_count"
                    + " (grouped-query attention); Bytewise needs them equal");
        if (meta.containsKey("gpt2.feed_forward_length") && uint(meta, "gpt2.feed_forward_length", what) != 4L * C)
            throw new BytewiseException(what + ": gpt2.feed_forward_length is " + meta.get("gpt2.feed_forward_length")
                    + "; Bytewise's MLP is 4 x embedding_length = " + 4L * C);
        Object eps = meta.get("gpt2.attention.layer_norm_epsilon");
        if (eps != null && (!(eps instanceof Double d) || Math.abs(d - LAYER_NORM_EPS) > 1e-9))
            throw new BytewiseException(what + ": gpt2.attention.layer_norm_epsilon is " + eps
                    + "; Bytewise's LayerNorm uses 1e-5");
        try {
            return new ModelConfig(T, C, L, H);
        } catch (BytewiseException e) {
            throw new BytewiseException(what + " metadata (gpt2.context_length, embedding_length, block_count,"
                    + " attention.head_count): " + e.getMessage(), e);
        }
    }

    private static int uint(Map<String, Object> meta, String key, String what) {
        Object v = meta.get(key);
        if (v == null) throw new BytewiseException(what + " is missing metadata " + key);
        if (!(v instanceof Long n)) throw new BytewiseException(what + ": metadata " + key + " is not an integer: " + v);
        if (n < 1 || n > Integer.MAX_VALUE) throw new BytewiseException(what + ": metadata " + key + " is " + n);
        return (int) (long) n;
    }

    /** The vocabulary must be the 256 byte-level tokens in byte order, or token ids are not bytes. */
    private static void checkTokenizer(Map<String, Object> meta, String what) {
        Object model = meta.get("tokenizer.ggml.model");
        if (model != null && !"gpt2".equals(model))
            throw new BytewiseException(what + " has tokenizer.ggml.model '" + model + "'; Bytewise needs the byte-level"
                    + " 'gpt2' tokenizer with 256 tokens");
        if (!(meta.get("tokenizer.ggml.tokens") instanceof Array tokens) || tokens.type() != STRING)
            throw new BytewiseException(what + " has no tokenizer.ggml.tokens string array, so its token ids cannot be"
                    + " matched to bytes");
        if (tokens.length() != ModelConfig.VOCAB)
            throw new BytewiseException(what + " has a vocabulary of " + tokens.length() + " tokens; Bytewise models are"
                    + " byte-level and need " + ModelConfig.VOCAB + " (a BPE model cannot be imported)");
        for (int b = 0; b < 256; b++) {
            Object t = tokens.values().get(b);
            if (!ByteLevel.token(b).equals(t))
                throw new BytewiseException(what + ": token " + b + " is '" + t + "', not the byte-level string '"
                        + ByteLevel.token(b) + "' of byte " + b + " (the vocabulary is not bytes in order)");
        }
    }

    // ------------------------------------------------------------------ header parsing

    /** Reads the header, buffering the channel; every read is checked against the file size. */
    static Header readHeader(FileChannel ch, long size, String what) throws IOException {
        In in = new In(ch, size, what);
        if (size < 24) throw new BytewiseException(what + " has " + size + " bytes, too short for a GGUF header");
        int magic = in.i32();
        if (magic != MAGIC)
            throw new BytewiseException("not a GGUF file (magic is 0x" + Integer.toHexString(magic)
                    + ", expected the bytes 'GGUF'): " + what);
        int version = in.i32();
        if (version != 2 && version != 3)
            throw new BytewiseException(what + " has GGUF version " + Integer.toUnsignedString(version)
                    + "; versions 2 and 3 are supported");
        long nTensors = in.i64(), nKv = in.i64();
        if (nTensors < 0 || nTensors > MAX_COUNT)
            throw new BytewiseException(what + " claims " + Long.toUnsignedString(nTensors) + " tensors (at most "
                    + MAX_COUNT + " allowed)");
        if (nKv < 0 || nKv > MAX_COUNT)
            throw new BytewiseException(what + " claims " + Long.toUnsignedString(nKv) + " metadata entries (at most "
                    + MAX_COUNT + " allowed)");
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = in.str("metadata key");
            int type = in.i32();
            Object v = in.value(type, key, true);
            if (meta.put(key, v) != null) throw new BytewiseException(what + " has metadata key '" + key + "' twice");
        }
        long alignment = ALIGNMENT;
        Object a = meta.get("general.alignment");
        if (a != null) {
            if (!(a instanceof Long n) || n < 1 || n > 1 << 20 || Long.bitCount(n) != 1)
                throw new BytewiseException(what + ": general.alignment is " + a + ", not a power of two");
            alignment = n;
        }
        Map<String, Described> tensors = new LinkedHashMap<>();
        for (long i = 0; i < nTensors; i++) {
            String name = in.str("tensor name");
            int nDims = in.i32();
            if (nDims < 1 || nDims > 4)
                throw new BytewiseException(what + ": tensor '" + name + "' has " + Integer.toUnsignedString(nDims)
                        + " dimensions (1 to 4 allowed)");
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.i64();
                if (dims[d] < 1 || dims[d] > Integer.MAX_VALUE)
                    throw new BytewiseException(what + ": tensor '" + name + "' has dimension "
                            + Long.toUnsignedString(dims[d]));
            }
            int type = in.i32();
            long offset = in.i64();
            if (offset < 0 || offset % alignment != 0)
                throw new BytewiseException(what + ": tensor '" + name + "' has data offset "
                        + Long.toUnsignedString(offset) + ", not a multiple of the alignment " + alignment);
            if (tensors.put(name, new Described(name, dims, type, offset)) != null)
                throw new BytewiseException(what + " has tensor '" + name + "' twice");
        }
        long dataStart = (in.position() + alignment - 1) / alignment * alignment;
        if (dataStart > size)
            throw new BytewiseException(what + " ends before its tensor data (truncated file)");
        return new Header(version, meta, tensors, dataStart);
    }

    /** A bounds-checked little-endian reader over the start of a file. */
    private static final class In {
        private final FileChannel ch;
        private final long size;
        private final String what;
        private final ByteBuffer buf = ByteBuffer.allocate(BinaryIo.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        private long bufStart;

        In(FileChannel ch, long size, String what) {
            this.ch = ch;
            this.size = size;
            this.what = what;
            buf.limit(0);
        }

        long position() {
            return bufStart + buf.position();
        }

        long remaining() {
            return size - position();
        }

        private void need(long n, String field) throws IOException {
            if (n > remaining())
                throw new BytewiseException(what + " ends inside its header, reading " + field + " (truncated file)");
            if (buf.remaining() >= n) return;
            long pos = position();
            buf.clear();
            ch.position(pos);
            while (buf.position() < n && ch.read(buf) > 0) { }
            buf.flip();
            bufStart = pos;
            if (buf.remaining() < n) throw new BytewiseException(what + " ended early (truncated file)");
        }

        int i32() throws IOException {
            need(4, "a 4-byte field");
            return buf.getInt();
        }

        long i64() throws IOException {
            need(8, "an 8-byte field");
            return buf.getLong();
        }

        String str(String field) throws IOException {
            long n = i64();
            if (n < 0 || n > MAX_STRING)
                throw new BytewiseException(what + " has a " + field + " of " + Long.toUnsignedString(n)
                        + " bytes (at most " + MAX_STRING + " allowed)");
            if (n > remaining())
                throw new BytewiseException(what + " ends inside a " + field + " (truncated file)");
            byte[] b = new byte[(int) n];
            int at = 0;
            while (at < n) {
                int k = (int) Math.min(n - at, BinaryIo.CHUNK);
                need(k, field);
                buf.get(b, at, k);
                at += k;
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        /** A metadata value: Long for integers, Double for floats, Boolean, String, or {@link Array}. */
        Object value(int type, String key, boolean arrayAllowed) throws IOException {
            switch (type) {
                case UINT8 -> { need(1, key); return (long) (buf.get() & 0xFF); }
                case INT8 -> { need(1, key); return (long) buf.get(); }
                case UINT16 -> { need(2, key); return (long) (buf.getShort() & 0xFFFF); }
                case INT16 -> { need(2, key); return (long) buf.getShort(); }
                case UINT32 -> { need(4, key); return buf.getInt() & 0xFFFFFFFFL; }
                case INT32 -> { need(4, key); return (long) buf.getInt(); }
                case FLOAT32 -> { need(4, key); return (double) buf.getFloat(); }
                case BOOL -> {
                    need(1, key);
                    byte b = buf.get();
                    if (b != 0 && b != 1) throw new BytewiseException(what + ": metadata " + key + " is a bool of value " + b);
                    return b == 1;
                }
                case STRING -> { return str("string value of " + key); }
                case UINT64, INT64 -> { need(8, key); return buf.getLong(); }
                case FLOAT64 -> { need(8, key); return buf.getDouble(); }
                case ARRAY -> {
                    if (!arrayAllowed) throw new BytewiseException(what + ": metadata " + key + " nests arrays");
                    int et = i32();
                    long n = i64();
                    long min = switch (et) {
                        case UINT8, INT8, BOOL -> 1;
                        case UINT16, INT16 -> 2;
                        case UINT32, INT32, FLOAT32 -> 4;
                        case STRING, UINT64, INT64, FLOAT64 -> 8;
                        default -> throw new BytewiseException(what + ": metadata " + key + " is an array of unknown"
                                + " type " + Integer.toUnsignedString(et));
                    };
                    if (n < 0 || n > remaining() / min)
                        throw new BytewiseException(what + ": metadata " + key + " claims " + Long.toUnsignedString(n)
                                + " elements, more than the file holds");
                    List<Object> kept = n <= 4096 ? new ArrayList<>((int) n) : null;
                    for (long i = 0; i < n; i++) {
                        Object v = value(et, key, false);
                        if (kept != null) kept.add(v);
                    }
                    return new Array(et, n, kept);
                }
                default -> throw new BytewiseException(what + ": metadata " + key + " has unknown value type "
                        + Integer.toUnsignedString(type));
            }
        }
    }
}
