package bytewise.io;

import bytewise.BytewiseException;
import bytewise.data.DataFile;
import bytewise.model.Gpt;
import bytewise.model.ParameterLayout;
import bytewise.model.ModelConfig;
import bytewise.train.TrainConfig;
import bytewise.train.TrainingState;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A saved model: {@code PREFIX.json} (format, config, settings, progress, data file identity) and
 * {@code PREFIX.bin} (magic, version, save id, sizes, float32 little-endian weights, then AdamW m
 * and v when saved).
 *
 * <p>Saving writes both files under temporary names, fsyncs them, moves the previous pair to
 * {@code .prev} and renames the new pair into place. Both files carry the same random save id, so a
 * save interrupted at any point leaves a consistent pair that {@link #load} finds.
 */
public record Checkpoint(Gpt model, TrainConfig training, TrainingState state, String dataName, String dataSha256,
                         List<DataFile> dataFiles) {
    /** Without the per-file list (a checkpoint not trained on data, or from before sets of files). */
    public Checkpoint(Gpt model, TrainConfig training, TrainingState state, String dataName, String dataSha256) {
        this(model, training, state, dataName, dataSha256, null);
    }

    public static final String FORMAT = "bytewise-checkpoint";
    public static final int VERSION = 1;
    static final int MAGIC = 0x4B435742; // "BWCK" read little-endian
    static final int HEADER_BYTES = 24;
    private static final long MAX_JSON_BYTES = 8 << 20; // room for the hashes of a large set of files

    /** The JSON half. */
    public record Meta(String format, int version, ModelConfig model, TrainConfig training, long step, long tokens,
                       long paramCount, boolean optimizerState, String saveId, String dataName, String dataSha256,
                       String created, List<DataFile> dataFiles) {}

    public static Path jsonPath(Path prefix) {
        return sibling(prefix, ".json");
    }

    public static Path binPath(Path prefix) {
        return sibling(prefix, ".bin");
    }

    private static Path sibling(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    /** Accepts "run/model", "run/model.json" or "run/model.bin" and returns the prefix. */
    public static Path prefixOf(Path p) {
        String name = p.getFileName().toString();
        if (name.endsWith(".json") || name.endsWith(".bin"))
            return p.resolveSibling(name.substring(0, name.lastIndexOf('.')));
        return p;
    }

    // ------------------------------------------------------------------ save

    public void save(Path prefix) {
        prefix = prefixOf(prefix.toAbsolutePath());
        ModelConfig cfg = model.config();
        boolean opt = state != null && state.hasOptimizerState();
        long step = state == null ? 0 : state.step(), tokens = state == null ? 0 : state.tokens();
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        long saveId = ByteBuffer.wrap(id).getLong();
        Meta meta = new Meta(FORMAT, VERSION, cfg, training, step, tokens, cfg.parameterCount(), opt,
                Long.toHexString(saveId), dataName, dataSha256, Instant.now().toString(), dataFiles);
        Path json = jsonPath(prefix), bin = binPath(prefix);
        Path jsonTmp = sibling(prefix, ".json.tmp"), binTmp = sibling(prefix, ".bin.tmp");
        Path jsonPrev = sibling(prefix, ".json.prev"), binPrev = sibling(prefix, ".bin.prev");
        try {
            Path dir = prefix.getParent();
            if (dir != null) Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(binTmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                h.putInt(MAGIC).putInt(VERSION).putLong(saveId).putInt((int) cfg.parameterCount()).putInt(opt ? 1 : 0);
                h.flip();
                while (h.hasRemaining()) ch.write(h);
                BinaryIo.writeFloats(ch, model.params(), 0, model.params().length);
                if (opt) {
                    BinaryIo.writeFloats(ch, state.m(), 0, state.m().length);
                    BinaryIo.writeFloats(ch, state.v(), 0, state.v().length);
                }
                ch.force(true);
            }
            try (FileChannel ch = FileChannel.open(jsonTmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(meta)));
                ch.force(true);
            }
            // previous pair to .prev (json first: a missing .json sends load to the .prev pair)
            if (Files.exists(json)) BinaryIo.move(json, jsonPrev);
            if (Files.exists(bin)) BinaryIo.move(bin, binPrev);
            BinaryIo.move(binTmp, bin);
            BinaryIo.move(jsonTmp, json);
            BinaryIo.syncDirectory(dir);
            Files.deleteIfExists(jsonPrev);
            Files.deleteIfExists(binPrev);
        } catch (IOException e) {
            throw new BytewiseException("cannot save checkpoint " + prefix + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ load

    /**
     * Loads {@code PREFIX} (or PREFIX.json / PREFIX.bin), falling back to the pair an interrupted
     * save left behind. Every size is checked against the config and the file length before
     * anything is allocated; any mismatch is refused with a message naming it.
     */
    public static Checkpoint load(Path given) {
        Path prefix = prefixOf(given);
        Path json = jsonPath(prefix), bin = binPath(prefix);
        Path jsonPrev = sibling(prefix, ".json.prev"), binPrev = sibling(prefix, ".bin.prev");
        List<Path[]> candidates = new ArrayList<>();
        candidates.add(new Path[]{json, bin});
        if (Files.exists(jsonPrev)) {
            candidates.add(new Path[]{jsonPrev, binPrev});
            candidates.add(new Path[]{jsonPrev, bin});
        }
        BytewiseException first = null;
        for (Path[] c : candidates) {
            try {
                return loadPair(c[0], c[1]);
            } catch (BytewiseException e) {
                if (first == null) first = e;
            }
        }
        throw first;
    }

    static Checkpoint loadPair(Path json, Path bin) {
        Meta meta = readMeta(json);
        if (meta.model() == null) throw new BytewiseException("checkpoint " + json.getFileName() + " has no model config");
        if (!Files.exists(bin)) throw new BytewiseException("checkpoint weights file is missing: " + bin);
        ModelConfig cfg = meta.model();
        long p = cfg.parameterCount();
        if (meta.paramCount() != p)
            throw new BytewiseException("checkpoint " + json.getFileName() + " says " + meta.paramCount()
                    + " parameters but its model config has " + p);
        int copies = meta.optimizerState() ? 3 : 1;
        long expected = HEADER_BYTES + 4L * p * copies;
        long actual;
        try {
            actual = Files.size(bin);
        } catch (IOException e) {
            throw new BytewiseException("cannot read checkpoint weights " + bin + ": " + e.getMessage(), e);
        }
        if (actual != expected)
            throw new BytewiseException(String.format("checkpoint weights %s has %,d bytes but its config needs %,d"
                    + " (truncated, or from another model)", bin.getFileName(), actual, expected));
        BinaryIo.checkHeap(4L * p * copies, String.format("checkpoint with %,d parameters", p));
        try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining() && ch.read(h) > 0) { }
            h.flip();
            int magic = h.getInt(), version = h.getInt();
            long saveId = h.getLong();
            int count = h.getInt(), flags = h.getInt();
            if (magic != MAGIC) throw new BytewiseException("not a Bytewise weights file (wrong magic): " + bin);
            if (version != VERSION)
                throw new BytewiseException("unsupported weights file version " + version + " (expected " + VERSION + "): " + bin);
            if (!Long.toHexString(saveId).equals(meta.saveId()))
                throw new BytewiseException("checkpoint " + json.getFileName() + " and " + bin.getFileName()
                        + " come from different saves");
            if (count != p) throw new BytewiseException("weights file holds " + count + " parameters, config needs " + p);
            if (((flags & 1) != 0) != meta.optimizerState())
                throw new BytewiseException("weights file and JSON disagree on whether optimizer state is present");
            float[] params = readFloats(ch, (int) p, bin);
            float[] m = meta.optimizerState() ? readFloats(ch, (int) p, bin) : null;
            float[] v = meta.optimizerState() ? readFloats(ch, (int) p, bin) : null;
            Gpt model = new Gpt(cfg, params);
            ParameterLayout.Tensor bad = model.layout().firstNonFiniteTensor(params);
            if (bad != null)
                throw new BytewiseException("checkpoint weights contain NaN or infinity in " + bad.name() + ": " + bin);
            return new Checkpoint(model, meta.training(), new TrainingState(meta.step(), meta.tokens(), m, v),
                    meta.dataName(), meta.dataSha256(), meta.dataFiles());
        } catch (IOException e) {
            throw new BytewiseException("cannot read checkpoint weights " + bin + ": " + e.getMessage(), e);
        }
    }

    public static Meta readMeta(Path json) {
        try {
            if (Files.size(json) > MAX_JSON_BYTES)
                throw new BytewiseException("checkpoint file " + json + " is too large to be a Bytewise checkpoint");
            JsonNode node = Json.MAPPER.readTree(json.toFile());
            if (node == null || !node.isObject())
                throw new BytewiseException("checkpoint file " + json + " is not a JSON object");
            if (!FORMAT.equals(node.path("format").asText()))
                throw new BytewiseException("not a Bytewise checkpoint (format is '" + node.path("format").asText()
                        + "', expected '" + FORMAT + "'): " + json);
            if (node.path("version").asInt() != VERSION)
                throw new BytewiseException("unsupported checkpoint version " + node.path("version") + " (expected "
                        + VERSION + "): " + json);
            // checkpoints from before sets of files have no list: the one file is dataName + dataSha256
            if (!node.has("data_files")) ((com.fasterxml.jackson.databind.node.ObjectNode) node).putNull("data_files");
            return Json.MAPPER.treeToValue(Json.withTrainingDefaults(node), Meta.class);
        } catch (NoSuchFileException e) {
            throw new BytewiseException("checkpoint not found: " + json);
        } catch (JsonProcessingException e) {
            throw Json.problem("checkpoint " + json.getFileName() + " is invalid", e);
        } catch (IOException e) {
            throw new BytewiseException("cannot read checkpoint " + json + ": " + e.getMessage(), e);
        }
    }

    private static float[] readFloats(FileChannel ch, int n, Path bin) throws IOException {
        float[] out = new float[n];
        BinaryIo.readFloats(ch, out, 0, n, "checkpoint weights " + bin.getFileName());
        return out;
    }

}
