package bytewise.data;

import bytewise.BytewiseException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file's bytes, memory-mapped in chunks so a file of any size opens without being read into the
 * heap. Small byte arrays (tests, typed text) can be wrapped directly.
 */
public final class Corpus {
    private static final int CHUNK = 1 << 30;

    private final String name;
    private final Path path; // null for in-memory text
    private final long size;
    private final MappedByteBuffer[] chunks;
    private final byte[] bytes;
    private volatile String sha256;

    private Corpus(String name, Path path, long size, MappedByteBuffer[] chunks, byte[] bytes) {
        this.name = name;
        this.path = path;
        this.size = size;
        this.chunks = chunks;
        this.bytes = bytes;
    }

    /** Opens a file, refusing with a message what cannot be trained on. */
    public static Corpus open(Path path) {
        if (path == null) throw new BytewiseException("no data file given");
        String shown = path.toString();
        if (!Files.exists(path)) throw new BytewiseException("data file not found: " + shown);
        if (Files.isDirectory(path)) throw new BytewiseException("data path is a directory, not a file: " + shown);
        if (!Files.isReadable(path)) throw new BytewiseException("data file is not readable (permission denied): " + shown);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new BytewiseException("data file is empty: " + shown);
            int n = (int) ((size + CHUNK - 1) / CHUNK);
            MappedByteBuffer[] chunks = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i * CHUNK;
                chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(CHUNK, size - start));
            }
            return new Corpus(path.getFileName().toString(), path, size, chunks, null);
        } catch (NoSuchFileException e) {
            throw new BytewiseException("data file not found: " + shown);
        } catch (AccessDeniedException e) {
            throw new BytewiseException("data file is not readable (permission denied): " + shown);
        } catch (IOException e) {
            throw new BytewiseException("cannot read data file " + shown + ": " + e.getMessage(), e);
        }
    }

    public static Corpus of(String name, byte[] bytes) {
        if (bytes.length == 0) throw new BytewiseException("text is empty: " + name);
        return new Corpus(name, null, bytes.length, null, bytes);
    }

    public String name() {
        return name;
    }

    /** The file behind this corpus, or null for in-memory text. */
    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** The byte at {@code i} as 0..255. */
    public int byteAt(long i) {
        if (bytes != null) return bytes[(int) i] & 0xFF;
        try {
            return chunks[(int) (i / CHUNK)].get((int) (i % CHUNK)) & 0xFF;
        } catch (IndexOutOfBoundsException | InternalError e) {
            // a mapped file cut short under us faults on access (the JVM reports it as InternalError)
            throw new BytewiseException("data file " + name + " changed or disappeared while in use (reading offset "
                    + i + "); reopen it to continue", e);
        }
    }

    /** Copies {@code n} bytes from {@code offset} as 0..255 values into {@code dst[at..]}. */
    public void read(long offset, int[] dst, int at, int n) {
        for (int i = 0; i < n; i++) dst[at + i] = byteAt(offset + i);
    }

    /** Copies up to {@code n} raw bytes from {@code offset}. */
    public byte[] slice(long offset, int n) {
        int len = (int) Math.max(0, Math.min(n, size - offset));
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) out[i] = (byte) byteAt(offset + i);
        return out;
    }

    /** Hex SHA-256 of the content, computed once (streams the file, never loads it whole). */
    public String sha256() {
        String s = sha256;
        if (s != null) return s;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (bytes != null) {
                md.update(bytes);
            } else {
                try (InputStream in = Files.newInputStream(path)) {
                    byte[] buf = new byte[1 << 16];
                    for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
                }
            }
            s = HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new BytewiseException("cannot read data file " + name + ": " + e.getMessage(), e);
        }
        sha256 = s;
        return s;
    }

    /** Splits off the last {@code valFraction} of the bytes for validation. */
    public Split split(double valFraction) {
        return Split.of(this, valFraction);
    }
}
