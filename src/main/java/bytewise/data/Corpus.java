package bytewise.data;

import bytewise.BytewiseException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes a model trains on: one file, or several documents joined with a separator. Files are
 * memory-mapped in chunks so a file (or set) of any size opens without being read into the heap.
 * Small byte arrays (tests, typed text) can be wrapped directly.
 */
public final class Corpus {
    private static final int CHUNK = 1 << 30;
    /**
     * Put between the documents of a set: a visible marker on a line of its own (after a line
     * break, so a document without a final newline still ends its line). It is GPT-2's end-of-text token spelled out in bytes, so a model learns where documents end
     * and generation can be cut there ({@code --stop '<|endoftext|>'}).
     */
    public static final String DEFAULT_SEPARATOR = "\n<|endoftext|>\n";

    /** A document to join: a file to map, or bytes already read. */
    public record Source(String name, Path path, byte[] bytes) {
        public static Source file(String name, Path path) {
            return new Source(name, path, null);
        }

        public static Source bytes(String name, byte[] bytes) {
            return new Source(name, null, bytes);
        }
    }

    /** Where a document sits in the joined bytes. */
    public record Document(String name, long offset, long size) {}

    private final String name;
    private final Path path; // the one file behind a single-file corpus; null for sets and in-memory text
    private final long size;
    private final ByteBuffer[] segments; // documents' chunks and separators, in order (null for in-memory)
    private final long[] starts;         // offset of each segment
    private final boolean uniform;       // every segment but the last is CHUNK long: index by division
    private final byte[] bytes;
    private final List<Source> sources;  // what the documents were read from (for hashing)
    private final List<Document> documents;
    private final byte[] separator;
    private volatile String sha256;
    private volatile List<DataFile> files;

    private Corpus(String name, Path path, long size, ByteBuffer[] segments, long[] starts, boolean uniform,
                   byte[] bytes, List<Source> sources, List<Document> documents, byte[] separator) {
        this.name = name;
        this.path = path;
        this.size = size;
        this.segments = segments;
        this.starts = starts;
        this.uniform = uniform;
        this.bytes = bytes;
        this.sources = sources;
        this.documents = documents;
        this.separator = separator;
    }

    /** Opens a file, refusing with a message what cannot be trained on. */
    public static Corpus open(Path path) {
        if (path == null) throw new BytewiseException("no data file given");
        String shown = path.toString();
        if (Files.isDirectory(path)) throw new BytewiseException("data path is a directory, not a file: " + shown);
        ByteBuffer[] chunks = map(path, false);
        long size = 0;
        long[] starts = new long[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
            starts[i] = size;
            size += chunks[i].capacity();
        }
        String name = path.getFileName().toString();
        return new Corpus(name, path, size, chunks, starts, true, null, List.of(Source.file(name, path)),
                List.of(new Document(name, 0, size)), new byte[0]);
    }

    public static Corpus of(String name, byte[] bytes) {
        if (bytes.length == 0) throw new BytewiseException("text is empty: " + name);
        return new Corpus(name, null, bytes.length, null, null, false, bytes, List.of(Source.bytes(name, bytes)),
                List.of(new Document(name, 0, bytes.length)), new byte[0]);
    }

    /**
     * Joins documents in the order given, with {@code separator} between each two (not before the
     * first nor after the last). Empty documents are left out; a set with nothing left is refused.
     */
    public static Corpus join(String name, List<Source> docs, String separator) {
        byte[] sep = separator == null ? new byte[0] : separator.getBytes(StandardCharsets.UTF_8);
        List<ByteBuffer> segs = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        List<Document> documents = new ArrayList<>();
        List<Source> kept = new ArrayList<>();
        long at = 0;
        for (Source s : docs) {
            ByteBuffer[] parts = s.path() != null ? map(s.path(), true) : new ByteBuffer[]{ByteBuffer.wrap(s.bytes())};
            long len = 0;
            for (ByteBuffer p : parts) len += p.capacity();
            if (len == 0) continue;
            if (!documents.isEmpty() && sep.length > 0) {
                starts.add(at);
                segs.add(ByteBuffer.wrap(sep));
                at += sep.length;
            }
            documents.add(new Document(s.name(), at, len));
            kept.add(s);
            for (ByteBuffer p : parts) {
                starts.add(at);
                segs.add(p);
                at += p.capacity();
            }
        }
        if (documents.isEmpty()) throw new BytewiseException("data set " + name + " is empty: every file in it is empty");
        long[] st = new long[starts.size()];
        for (int i = 0; i < st.length; i++) st[i] = starts.get(i);
        return new Corpus(name, null, at, segs.toArray(ByteBuffer[]::new), st, false, null, List.copyOf(kept),
                List.copyOf(documents), sep);
    }

    /** Maps a file in chunks; an empty file is refused unless {@code allowEmpty} (then no chunks). */
    private static ByteBuffer[] map(Path path, boolean allowEmpty) {
        String shown = path.toString();
        if (!Files.exists(path)) throw new BytewiseException("data file not found: " + shown);
        if (!Files.isReadable(path)) throw new BytewiseException("data file is not readable (permission denied): " + shown);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0 && !allowEmpty) throw new BytewiseException("data file is empty: " + shown);
            int n = (int) ((size + CHUNK - 1) / CHUNK);
            ByteBuffer[] chunks = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i * CHUNK;
                chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(CHUNK, size - start));
            }
            return chunks;
        } catch (NoSuchFileException e) {
            throw new BytewiseException("data file not found: " + shown);
        } catch (AccessDeniedException e) {
            throw new BytewiseException("data file is not readable (permission denied): " + shown);
        } catch (IOException e) {
            throw new BytewiseException("cannot read data file " + shown + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The one file behind this corpus, or null for in-memory text and for sets of documents. */
    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** The documents, in order, with where each starts (one for a single file or text). */
    public List<Document> documents() {
        return documents;
    }

    /** The bytes put between documents (empty for a single document). */
    public byte[] separator() {
        return separator.clone();
    }

    /** The document holding byte {@code offset}, or null when the offset is in a separator or outside. */
    public Document documentAt(long offset) {
        int lo = 0, hi = documents.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Document d = documents.get(mid);
            if (offset < d.offset()) hi = mid - 1;
            else if (offset >= d.offset() + d.size()) lo = mid + 1;
            else return d;
        }
        return null;
    }

    /** The byte at {@code i} as 0..255. */
    public int byteAt(long i) {
        if (bytes != null) return bytes[(int) i] & 0xFF;
        try {
            int k = uniform ? (int) (i / CHUNK) : segment(i);
            return segments[k].get((int) (i - starts[k])) & 0xFF;
        } catch (IndexOutOfBoundsException | InternalError e) {
            // a mapped file cut short under us faults on access (the JVM reports it as InternalError)
            throw new BytewiseException("data file " + name + " changed or disappeared while in use (reading offset "
                    + i + "); reopen it to continue", e);
        }
    }

    private int segment(long i) {
        int k = Arrays.binarySearch(starts, i);
        return k >= 0 ? k : -k - 2;
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

    /** Hex SHA-256 of all the bytes (documents and separators), computed once, files streamed. */
    public String sha256() {
        String s = sha256;
        if (s == null) hash();
        return sha256;
    }

    /** Every document with its size and SHA-256, in order (hashed once, together with {@link #sha256}). */
    public List<DataFile> files() {
        List<DataFile> f = files;
        if (f == null) hash();
        return files;
    }

    /** One pass over the content: each document's digest and the whole corpus's. */
    private synchronized void hash() {
        if (sha256 != null && files != null) return;
        MessageDigest all = sha();
        List<DataFile> out = new ArrayList<>();
        byte[] buf = new byte[1 << 16];
        for (int d = 0; d < sources.size(); d++) {
            Source src = sources.get(d);
            if (d > 0) all.update(separator);
            MessageDigest one = sha();
            long n = 0;
            if (src.bytes() != null) {
                one.update(src.bytes());
                all.update(src.bytes());
                n = src.bytes().length;
            } else {
                try (InputStream in = Files.newInputStream(src.path())) {
                    for (int r; (r = in.read(buf)) > 0; n += r) {
                        one.update(buf, 0, r);
                        all.update(buf, 0, r);
                    }
                } catch (IOException e) {
                    throw new BytewiseException("cannot read data file " + src.path() + ": " + e.getMessage(), e);
                }
            }
            out.add(new DataFile(src.name(), n, HexFormat.of().formatHex(one.digest())));
        }
        files = List.copyOf(out);
        sha256 = HexFormat.of().formatHex(all.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits off the last {@code valFraction} of the bytes for validation. */
    public Split split(double valFraction) {
        return Split.of(this, valFraction);
    }
}
