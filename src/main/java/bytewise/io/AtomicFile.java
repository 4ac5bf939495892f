package bytewise.io;

import bytewise.BytewiseException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way Bytewise replaces a file: write a temporary file beside it, fsync, rename over the
 * old one, fsync the folder. A reader (or a crash) sees the old file or the complete new one.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the body of a file. */
    public interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /**
     * Writes {@code file} through a temporary file in the same folder, fsyncs it and renames it into
     * place, so a reader sees either the old file or the complete new one.
     */
    public static void write(Path file, String what, Body body) {
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
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can fsync a directory; the rename is still atomic
        }
    }

    /** Writes {@code bytes} atomically. */
    public static void writeBytes(Path file, String what, byte[] bytes) {
        write(file, what, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Text written through a buffered UTF-8 writer. */
    public interface TextBody {
        void write(Writer w) throws IOException;
    }

    /** Writes UTF-8 text atomically. */
    public static void writeText(Path file, String what, TextBody body) {
        write(file, what, ch -> {
            Writer w = new BufferedWriter(Channels.newWriter(ch, StandardCharsets.UTF_8));
            body.write(w);
            w.flush();
        });
    }
}
