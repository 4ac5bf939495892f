package bytewise.io;

import bytewise.BytewiseException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens a model in any format Bytewise reads, recognised by its first bytes. */
public final class ModelFiles {
    private ModelFiles() {}

    public enum Format { BYTEWISE, LLMC, SAFETENSORS, GGUF }

    /**
     * Loads a Bytewise checkpoint (PREFIX, PREFIX.json or PREFIX.bin), an llm.c float32 {@code .bin}
     * (int32 magic 20240326 at offset 0), a {@code .safetensors} file or a GGUF file (bytes "GGUF"). Foreign formats carry
     * only weights, so their checkpoint has no training settings or state (both null).
     */
    public static Checkpoint loadAny(Path path) {
        return switch (detect(path)) {
            case LLMC -> new Checkpoint(LlmcFormat.load(path), null, null, null, null);
            case SAFETENSORS -> new Checkpoint(Safetensors.load(path), null, null, null, null);
            case GGUF -> new Checkpoint(Gguf.load(path), null, null, null, null);
            case BYTEWISE -> {
                notAStrayBin(path);
                yield Checkpoint.load(path);
            }
        };
    }

    /** Fills {@code head} with the file's first bytes (fewer when it is shorter), flipped for reading; returns the file's size. */
    private static long readHead(Path path, ByteBuffer head) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            while (head.hasRemaining() && ch.read(head) > 0) { }
            head.flip();
            return size;
        } catch (IOException e) {
            throw new BytewiseException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    /** A .bin file with no .json beside it is not half of a Bytewise pair: say what its first bytes are not. */
    private static void notAStrayBin(Path path) {
        if (path.getFileName() == null || !path.getFileName().toString().endsWith(".bin") || !Files.isRegularFile(path)
                || Files.exists(Checkpoint.jsonPath(Checkpoint.prefixOf(path)))) return;
        ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        long size = readHead(path, head);
        if (head.limit() == 4 && head.getInt(0) == Checkpoint.MAGIC) return; // Bytewise weights: load names the missing .json
        throw new BytewiseException(String.format(java.util.Locale.ROOT, "%s is not a model file Bytewise reads:"
                + " %s; an llm.c checkpoint starts with the int32 %d, a Bytewise weights file with \"BWCK\" (and has"
                + " a .json beside it), a GGUF file with \"GGUF\"", path, describeHead(head, size), LlmcFormat.MAGIC));
    }

    /**
     * The format of {@code path}: an existing regular file is recognised by its first bytes (llm.c
     * magic; Bytewise "BWCK"; "GGUF"; safetensors' length followed by '{'), or by a {@code .safetensors}
     * or {@code .gguf} name (existing or not); anything else (a prefix, a .json) is treated as a
     * Bytewise checkpoint.
     */
    public static Format detect(Path path) {
        boolean stName = path.getFileName() != null && path.getFileName().toString().endsWith(".safetensors");
        boolean ggufName = path.getFileName() != null && path.getFileName().toString().endsWith(".gguf");
        if (!Files.isRegularFile(path)) // load names what is missing
            return stName ? Format.SAFETENSORS : ggufName ? Format.GGUF : Format.BYTEWISE;
        ByteBuffer head = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
        long size = readHead(path, head);
        if (head.limit() >= 4 && head.getInt(0) == LlmcFormat.MAGIC) return Format.LLMC;
        if (head.limit() >= 4 && head.getInt(0) == Checkpoint.MAGIC) return Format.BYTEWISE;
        if (head.limit() >= 4 && head.getInt(0) == Gguf.MAGIC) return Format.GGUF;
        if (ggufName) return Format.GGUF;
        if (stName) return Format.SAFETENSORS;
        if (head.limit() == 9 && head.get(8) == '{' && head.getLong(0) > 0 && head.getLong(0) <= size - 8) return Format.SAFETENSORS;
        return Format.BYTEWISE;
    }

    private static String describeHead(ByteBuffer head, long size) {
        if (size == 0) return "it is empty";
        if (head.limit() < 4) return "it has only " + size + " bytes";
        return String.format(java.util.Locale.ROOT, "its first four bytes are %02x %02x %02x %02x (int32 %d)",
                head.get(0), head.get(1), head.get(2), head.get(3), head.getInt(0));
    }
}
