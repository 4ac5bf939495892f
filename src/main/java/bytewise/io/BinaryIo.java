package bytewise.io;

import bytewise.BytewiseException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Little-endian float streaming and crash-safe writes, shared by checkpoints, run folders and exports. */
final class BinaryIo {
    static final int CHUNK = 1 << 16;

    private BinaryIo() {}

    /** Writes the body of a file. */
    interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /**
     * Writes {@code file} through a temporary file in the same folder, fsyncs it and renames it into
     * place, so a reader sees either the old file or the complete new one.
     */
    static void writeAtomically(Path file, String what, Body body) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            if (dir != null) Files.createDirectories(dir);
            tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            move(tmp, target);
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new BytewiseException("cannot write " + what + " " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the failure above is what the user needs to see
                }
            }
        }
    }

    /** Renames atomically where the file system can, replacing {@code to}. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can fsync a directory; the rename is still atomic
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Writes a[off, off+n) as float32 little-endian. */
    static void writeFloats(FileChannel ch, float[] a, int off, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < n) {
            buf.clear();
            int k = Math.min(n - i, CHUNK / 4);
            buf.asFloatBuffer().put(a, off + i, k);
            buf.limit(k * 4);
            writeFully(ch, buf);
            i += k;
        }
    }

    /** Writes {@code n} float32 zeros. */
    static void writeZeros(FileChannel ch, long n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long bytes = 4 * n;
        while (bytes > 0) {
            buf.clear();
            buf.limit((int) Math.min(bytes, CHUNK));
            bytes -= buf.remaining();
            writeFully(ch, buf);
        }
    }

    /** Fills {@code buf} (up to its limit) from the channel or fails naming {@code what}. */
    static void readFully(FileChannel ch, ByteBuffer buf, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) throw new BytewiseException(what + " ended early (truncated file)");
        }
    }

    /** Reads n float32 little-endian values into out[off, off+n). */
    static void readFloats(FileChannel ch, float[] out, int off, int n, String what) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < n) {
            buf.clear();
            buf.limit(Math.min(CHUNK, (n - i) * 4));
            readFully(ch, buf, what);
            buf.flip();
            int k = buf.remaining() / 4;
            buf.asFloatBuffer().get(out, off + i, k);
            i += k;
        }
    }

    /** Throws unless the heap can still take {@code bytes} more. */
    static void checkHeap(long bytes, String what) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            System.gc(); // garbage counts as used until collected
            free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        if (bytes > free)
            throw new BytewiseException(String.format("%s needs %,d MB of heap; only %,d MB are free", what,
                    bytes >> 20, free >> 20));
    }
}
