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
    interface Body extends AtomicFile.Body {}

    static void writeAtomically(Path file, String what, Body body) {
        AtomicFile.write(file, what, body);
    }

    static void move(Path from, Path to) throws IOException {
        AtomicFile.move(from, to);
    }

    static void syncDirectory(Path dir) {
        AtomicFile.syncDirectory(dir);
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
        bytewise.model.Memory.requireHeap(bytes, what);
    }
}
