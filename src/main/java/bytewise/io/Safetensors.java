package bytewise.io;

import bytewise.BytewiseException;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.model.ParameterLayout;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model as a safetensors file with Hugging Face GPT-2 tensor names ({@code wte.weight},
 * {@code h.0.attn.c_attn.weight}, ...), all float32.
 *
 * <p>File: an unsigned 64-bit little-endian header length N, N bytes of JSON (padded with spaces
 * to a multiple of 8) mapping each tensor name to its dtype, shape and [begin, end) byte offsets
 * in the data section that follows, plus a {@code __metadata__} object of strings holding the
 * Bytewise config; then the raw little-endian data, tensors back to back.
 *
 * <p>Hugging Face's GPT-2 uses Conv1D layers, which store weight matrices (in, out); Bytewise
 * stores them (out, in) like nn.Linear, so the four per-layer matrices are transposed on export
 * and back on import. The output projection is tied to {@code wte.weight}, so no
 * {@code lm_head.weight} is written.
 */
public final class Safetensors {
    /** Refuse headers larger than this before reading them. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    /** "pt": the value Hugging Face's loaders require; the producer goes under "producer". */
    static final String FORMAT = "pt";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Safetensors() {}

    /** One HF tensor: where it lives in our buffer, its HF shape, and whether it is our (out, in) transposed. */
    record Entry(String name, int offset, int[] shape, boolean transposed) {
        long size() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    /** The tensors in file order, with HF names and shapes. */
    static List<Entry> entries(ModelConfig cfg) {
        ParameterLayout lay = new ParameterLayout(cfg);
        int V = ModelConfig.VOCAB, T = cfg.seqLen(), C = cfg.dModel();
        List<Entry> list = new ArrayList<>();
        list.add(new Entry("wte.weight", lay.wte, new int[]{V, C}, false));
        list.add(new Entry("wpe.weight", lay.wpe, new int[]{T, C}, false));
        for (int l = 0; l < cfg.nLayer(); l++) {
            String h = "h." + l + ".";
            list.add(new Entry(h + "ln_1.weight", lay.ln1w(l), new int[]{C}, false));
            list.add(new Entry(h + "ln_1.bias", lay.ln1b(l), new int[]{C}, false));
            list.add(new Entry(h + "attn.c_attn.weight", lay.qkvw(l), new int[]{C, 3 * C}, true));
            list.add(new Entry(h + "attn.c_attn.bias", lay.qkvb(l), new int[]{3 * C}, false));
            list.add(new Entry(h + "attn.c_proj.weight", lay.attprojw(l), new int[]{C, C}, true));
            list.add(new Entry(h + "attn.c_proj.bias", lay.attprojb(l), new int[]{C}, false));
            list.add(new Entry(h + "ln_2.weight", lay.ln2w(l), new int[]{C}, false));
            list.add(new Entry(h + "ln_2.bias", lay.ln2b(l), new int[]{C}, false));
            list.add(new Entry(h + "mlp.c_fc.weight", lay.fcw(l), new int[]{C, 4 * C}, true));
            list.add(new Entry(h + "mlp.c_fc.bias", lay.fcb(l), new int[]{4 * C}, false));
            list.add(new Entry(h + "mlp.c_proj.weight", lay.fcprojw(l), new int[]{4 * C, C}, true));
            list.add(new Entry(h + "mlp.c_proj.bias", lay.fcprojb(l), new int[]{C}, false));
        }
        list.add(new Entry("ln_f.weight", lay.lnfw, new int[]{C}, false));
        list.add(new Entry("ln_f.bias", lay.lnfb, new int[]{C}, false));
        return list;
    }

    /** The metadata written with every export. */
    static Map<String, String> metadata(ModelConfig cfg) {
        ObjectNode mc = MAPPER.createObjectNode();
        mc.put("seq_len", cfg.seqLen()).put("d_model", cfg.dModel()).put("n_layer", cfg.nLayer())
                .put("n_head", cfg.nHead()).put("vocab", ModelConfig.VOCAB);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("producer", "bytewise");
        m.put("model_config", mc.toString());
        m.put("n_positions", Integer.toString(cfg.seqLen()));
        m.put("n_embd", Integer.toString(cfg.dModel()));
        m.put("n_layer", Integer.toString(cfg.nLayer()));
        m.put("n_head", Integer.toString(cfg.nHead()));
        m.put("vocab_size", Integer.toString(ModelConfig.VOCAB));
        return m;
    }

    // ------------------------------------------------------------------ export

    public static void export(Gpt model, Path file) {
        ModelConfig cfg = model.config();
        List<Entry> entries = entries(cfg);
        ObjectNode header = MAPPER.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata(cfg).forEach(meta::put);
        long at = 0;
        for (Entry e : entries) {
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (int d : e.shape()) shape.add(d);
            long end = at + 4 * e.size();
            t.putArray("data_offsets").add(at).add(end);
            at = end;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int n = (json.length + 7) / 8 * 8;
        byte[] padded = Arrays.copyOf(json, n);
        Arrays.fill(padded, json.length, n, (byte) ' ');
        float[] p = model.params();
        BinaryIo.writeAtomically(file, "safetensors file", ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
            BinaryIo.writeFully(ch, len);
            BinaryIo.writeFully(ch, ByteBuffer.wrap(padded));
            for (Entry e : entries) {
                if (!e.transposed()) BinaryIo.writeFloats(ch, p, e.offset(), (int) e.size());
                else writeTransposed(ch, p, e.offset(), e.shape()[1], e.shape()[0]);
            }
        });
    }

    /** Writes our (out, in) matrix at off as (in, out), row-major. */
    private static void writeTransposed(FileChannel ch, float[] p, int off, int out, int in) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BinaryIo.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                if (!buf.hasRemaining()) {
                    buf.flip();
                    BinaryIo.writeFully(ch, buf);
                    buf.clear();
                }
                buf.putFloat(p[off + j * in + i]);
            }
        }
        buf.flip();
        BinaryIo.writeFully(ch, buf);
    }

    // ------------------------------------------------------------------ import

    /** A tensor as the header describes it. */
    private record Described(String name, String dtype, long[] shape, long begin, long end) {}

    /**
     * Reads a Bytewise or Hugging Face GPT-2 safetensors file (names optionally prefixed by
     * {@code transformer.}). The header's length, every tensor's dtype, shape and byte range, and
     * the config are checked before the weights are allocated.
     */
    public static Gpt load(Path file) {
        String name = file.getFileName().toString();
        String what = "safetensors file " + name;
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BytewiseException("safetensors file not found: " + file);
        } catch (IOException e) {
            throw new BytewiseException("cannot read " + what + ": " + e.getMessage(), e);
        }
        if (size < 8)
            throw new BytewiseException(what + " has " + size + " bytes, too short for the 8-byte header length");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            BinaryIo.readFully(ch, lb, what);
            long n = lb.getLong(0); // unsigned: a negative value is above 2^63
            if (n < 0 || n > MAX_HEADER_BYTES)
                throw new BytewiseException(what + " claims a header of " + Long.toUnsignedString(n)
                        + " bytes (more than the " + (MAX_HEADER_BYTES >> 20) + " MB allowed)");
            if (n > size - 8)
                throw new BytewiseException(what + " claims a header of " + n + " bytes but the file has only "
                        + (size - 8) + " bytes after the length (truncated file, or not safetensors)");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            BinaryIo.readFully(ch, hb, what);
            JsonNode header;
            try {
                header = MAPPER.readTree(hb.array());
            } catch (JsonProcessingException e) {
                throw Json.problem(what + " has an invalid JSON header", e);
            }
            if (header == null || !header.isObject())
                throw new BytewiseException(what + " header is not a JSON object");
            long dataStart = 8 + n, dataLen = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, Described> tensors = parseTensors(header, dataLen, meta, what);
            ModelConfig cfg = config(tensors, meta, what);
            List<Entry> entries = entries(cfg);

            // check every tensor we need before allocating
            for (Entry e : entries) {
                Described d = tensors.get(e.name());
                if (d == null) throw new BytewiseException(what + " is missing tensor '" + e.name() + "'");
                if (!d.dtype().equals("F32"))
                    throw new BytewiseException(what + ": tensor '" + d.name() + "' has dtype " + d.dtype()
                            + "; only F32 is supported");
                if (!Arrays.equals(d.shape(), Arrays.stream(e.shape()).asLongStream().toArray()))
                    throw new BytewiseException(what + ": tensor '" + d.name() + "' has shape "
                            + Arrays.toString(d.shape()) + ", expected " + Arrays.toString(e.shape()) + " for " + cfg);
            }
            Set<String> known = new HashSet<>();
            for (Entry e : entries) known.add(e.name());
            for (String k : tensors.keySet()) {
                if (!k.equals("lm_head.weight") && !isMaskBuffer(k) && !known.contains(k))
                    throw new BytewiseException(what + " has unexpected tensor '" + k + "' for " + cfg);
            }
            Described head = tensors.get("lm_head.weight");
            if (head != null && !(head.dtype().equals("F32") && Arrays.equals(head.shape(), tensors.get("wte.weight").shape())))
                throw new BytewiseException(what + ": lm_head.weight must be F32 of wte.weight's shape (it is tied"
                        + " to wte.weight), got " + head.dtype() + " " + Arrays.toString(head.shape()));

            ParameterLayout lay = new ParameterLayout(cfg);
            BinaryIo.checkHeap(4L * lay.total, what);
            float[] p = new float[lay.total];
            for (Entry e : entries) {
                Described d = tensors.get(e.name());
                ch.position(dataStart + d.begin());
                if (!e.transposed()) BinaryIo.readFloats(ch, p, e.offset(), (int) e.size(), what);
                else readTransposed(ch, p, e.offset(), e.shape()[1], e.shape()[0], what);
                if (ParameterLayout.firstNonFinite(p, e.offset(), (int) e.size()) >= 0)
                    throw new BytewiseException(what + " has NaN or infinity in tensor '" + d.name() + "'");
            }
            if (head != null) {
                float[] lm = new float[ModelConfig.VOCAB * cfg.dModel()];
                ch.position(dataStart + head.begin());
                BinaryIo.readFloats(ch, lm, 0, lm.length, what);
                if (!Arrays.equals(lm, 0, lm.length, p, lay.wte, lay.wte + lm.length))
                    throw new BytewiseException(what + ": lm_head.weight differs from wte.weight; Bytewise ties the"
                            + " output projection to the token embedding, so an untied model cannot be imported");
            }
            return new Gpt(cfg, p);
        } catch (IOException e) {
            throw new BytewiseException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /** Hugging Face GPT-2's causal-mask buffers (not weights), present in some of its files. */
    private static boolean isMaskBuffer(String name) {
        return name.matches("h\\.\\d+\\.attn\\.(masked_)?bias");
    }

    /** Reads an (in, out) row-major matrix into our (out, in) layout at off. */
    private static void readTransposed(FileChannel ch, float[] p, int off, int out, int in, String what) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BinaryIo.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long total = (long) in * out, k = 0;
        while (k < total) {
            buf.clear();
            buf.limit((int) Math.min(BinaryIo.CHUNK, 4 * (total - k)));
            BinaryIo.readFully(ch, buf, what);
            buf.flip();
            while (buf.hasRemaining()) {
                int i = (int) (k / out), j = (int) (k % out);
                p[off + j * in + i] = buf.getFloat();
                k++;
            }
        }
    }

    /** Validates the header's entries; fills {@code meta}; returns tensors by name without "transformer.". */
    private static Map<String, Described> parseTensors(JsonNode header, long dataLen, Map<String, String> meta,
                                                       String what) {
        Map<String, Described> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            JsonNode v = f.getValue();
            if (key.equals("__metadata__")) {
                if (!v.isObject()) throw new BytewiseException(what + ": __metadata__ is not an object");
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = m.next();
                    if (!e.getValue().isTextual())
                        throw new BytewiseException(what + ": __metadata__ value '" + e.getKey() + "' is not a string");
                    meta.put(e.getKey(), e.getValue().asText());
                }
                continue;
            }
            String name = key.startsWith("transformer.") ? key.substring("transformer.".length()) : key;
            String where = what + ": tensor '" + key + "'";
            if (!v.isObject()) throw new BytewiseException(where + " is not described by an object");
            JsonNode dtype = v.get("dtype"), shape = v.get("shape"), offsets = v.get("data_offsets");
            if (dtype == null || !dtype.isTextual()) throw new BytewiseException(where + " has no dtype");
            if (shape == null || !shape.isArray()) throw new BytewiseException(where + " has no shape");
            if (offsets == null || !offsets.isArray() || offsets.size() != 2)
                throw new BytewiseException(where + " has no data_offsets [begin, end]");
            long[] dims = new long[shape.size()];
            long count = 1;
            for (int i = 0; i < dims.length; i++) {
                JsonNode d = shape.get(i);
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0)
                    throw new BytewiseException(where + " has an invalid shape " + shape);
                dims[i] = d.asLong();
                count = dims[i] == 0 ? 0 : count > Long.MAX_VALUE / 64 / dims[i] ? -1 : count * dims[i];
                if (count < 0) throw new BytewiseException(where + " has an absurdly large shape " + shape);
            }
            JsonNode b = offsets.get(0), e = offsets.get(1);
            if (!b.isIntegralNumber() || !e.isIntegralNumber() || !b.canConvertToLong() || !e.canConvertToLong())
                throw new BytewiseException(where + " has invalid data_offsets " + offsets);
            long begin = b.asLong(), end = e.asLong();
            if (begin < 0 || end < begin || end > dataLen)
                throw new BytewiseException(where + " has data_offsets " + offsets + " outside the " + dataLen
                        + " bytes of data in the file (truncated file?)");
            int width = dtypeBytes(dtype.asText());
            if (width > 0 && end - begin != count * width)
                throw new BytewiseException(where + " has " + (end - begin) + " bytes of data but its shape "
                        + shape + " and dtype " + dtype.asText() + " need " + count * width);
            if (tensors.put(name, new Described(key, dtype.asText(), dims, begin, end)) != null)
                throw new BytewiseException(what + " has tensor '" + name + "' twice");
        }
        // the tensors must tile the data section exactly: no overlaps, no gaps
        List<Described> sorted = new ArrayList<>(tensors.values());
        sorted.sort((x, y) -> x.begin() != y.begin() ? Long.compare(x.begin(), y.begin()) : Long.compare(x.end(), y.end()));
        long at = 0;
        for (Described d : sorted) {
            if (d.begin() != at)
                throw new BytewiseException(what + ": tensor '" + d.name() + "' starts at byte " + d.begin()
                        + " of the data, expected " + at + " (tensors overlap or leave gaps)");
            at = d.end();
        }
        if (at != dataLen)
            throw new BytewiseException(what + ": the tensors cover " + at + " bytes of data but the file has "
                    + dataLen + " after the header");
        return tensors;
    }

    private static int dtypeBytes(String dtype) {
        return switch (dtype) {
            case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
            case "I16", "U16", "F16", "BF16" -> 2;
            case "I32", "U32", "F32" -> 4;
            case "I64", "U64", "F64" -> 8;
            default -> 0; // unknown: its size is not checked here; a required tensor is refused as not F32
        };
    }

    /** The model config: shapes give T, C and L; the head count must come from the metadata. */
    private static ModelConfig config(Map<String, Described> tensors, Map<String, String> meta, String what) {
        Described wte = tensors.get("wte.weight"), wpe = tensors.get("wpe.weight");
        if (wte == null) throw new BytewiseException(what + " is missing tensor 'wte.weight'");
        if (wpe == null) throw new BytewiseException(what + " is missing tensor 'wpe.weight'");
        if (wte.shape().length != 2) throw new BytewiseException(what + ": wte.weight is not a matrix");
        if (wpe.shape().length != 2) throw new BytewiseException(what + ": wpe.weight is not a matrix");
        if (wte.shape()[0] != ModelConfig.VOCAB)
            throw new BytewiseException(what + ": wte.weight has " + wte.shape()[0] + " rows (vocabulary size); Bytewise"
                    + " models are byte-level and need " + ModelConfig.VOCAB);
        long C = wte.shape()[1], T = wpe.shape()[0];
        int layers = 0;
        for (String k : tensors.keySet()) {
            if (!k.startsWith("h.")) continue;
            int dot = k.indexOf('.', 2);
            String idx = dot < 0 ? "" : k.substring(2, dot);
            if (!idx.matches("\\d{1,4}")) throw new BytewiseException(what + " has unexpected tensor '" + k + "'");
            layers = Math.max(layers, Integer.parseInt(idx) + 1);
        }
        Integer heads = null;
        String mc = meta.get("model_config");
        if (mc != null) {
            try {
                JsonNode node = MAPPER.readTree(mc);
                JsonNode nh = node == null ? null : node.get("n_head");
                if (nh == null || !nh.canConvertToInt()) throw new BytewiseException(what + ": metadata model_config has no n_head");
                heads = nh.asInt();
                JsonNode vocab = node.get("vocab");
                if (vocab != null && vocab.asInt() != ModelConfig.VOCAB)
                    throw new BytewiseException(what + ": metadata model_config has vocab " + vocab + ", expected 256");
                check(node, "seq_len", T, what);
                check(node, "d_model", C, what);
                check(node, "n_layer", layers, what);
            } catch (JsonProcessingException e) {
                throw Json.problem(what + ": metadata model_config is not valid JSON", e);
            }
        } else if (meta.containsKey("n_head")) {
            try {
                heads = Integer.parseInt(meta.get("n_head").trim());
            } catch (NumberFormatException e) {
                throw new BytewiseException(what + ": metadata n_head '" + meta.get("n_head") + "' is not a number");
            }
        }
        if (heads == null)
            throw new BytewiseException(what + " has no head count: its __metadata__ needs \"n_head\" (or a Bytewise"
                    + " \"model_config\"), which the tensor shapes cannot tell");
        if (layers == 0) throw new BytewiseException(what + " has no transformer blocks (no h.0.* tensors)");
        if (C > Integer.MAX_VALUE || T > Integer.MAX_VALUE)
            throw new BytewiseException(what + ": wte.weight / wpe.weight shapes are too large");
        if (wpe.shape()[1] != C)
            throw new BytewiseException(what + ": wpe.weight has width " + wpe.shape()[1] + " but wte.weight has " + C);
        try {
            return new ModelConfig((int) T, (int) C, layers, heads);
        } catch (BytewiseException e) {
            throw new BytewiseException(what + ": " + e.getMessage(), e);
        }
    }

    private static void check(JsonNode node, String field, long actual, String what) {
        JsonNode v = node.get(field);
        if (v != null && v.asLong() != actual)
            throw new BytewiseException(what + ": metadata model_config says " + field + " " + v.asLong()
                    + " but the tensors give " + actual);
    }
}
