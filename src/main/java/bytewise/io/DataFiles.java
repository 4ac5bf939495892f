package bytewise.io;

import bytewise.BytewiseException;
import bytewise.data.Corpus;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns what the user named as data (one file, several files, folders) into a {@link Corpus}.
 * Folders are walked recursively; their files are picked by include patterns (globs on the file
 * name, or on the path inside the folder when the pattern has a '/'), hidden files and folders are
 * skipped, and files come in the order of their path inside the folder (plain string order, the
 * same on every machine). Files named directly keep the order given. Documents are joined with
 * {@link Corpus#DEFAULT_SEPARATOR} unless another separator is given.
 */
public final class DataFiles {
    /** Text-like files: prose, markup, data and common source code. */
    public static final String DEFAULT_INCLUDE = "*.txt,*.md,*.markdown,*.rst,*.tex,*.org,*.html,*.htm,*.xml,"
            + "*.json,*.csv,*.tsv,*.yaml,*.yml,*.toml,*.java,*.kt,*.scala,*.py,*.c,*.h,*.cc,*.cpp,*.hpp,*.cs,*.go,"
            + "*.rs,*.js,*.ts,*.rb,*.php,*.sh,*.sql,*.css";
    /** More files than this in one set are refused (each is mapped; the run records each one's hash). */
    public static final int MAX_FILES = 10_000;

    private DataFiles() {}

    /**
     * Opens {@code paths} as one corpus. One regular file opens as itself (its name and hash as
     * before); anything else becomes a set joined with {@code separator} (null: the default).
     * {@code include} (null: {@link #DEFAULT_INCLUDE}) applies to files found in folders.
     */
    public static Corpus open(List<Path> paths, String include, String separator) {
        if (paths == null || paths.isEmpty()) throw new BytewiseException("no data file given");
        if (paths.size() == 1 && !Files.isDirectory(paths.get(0))) return Corpus.open(paths.get(0));
        List<Corpus.Source> docs = collect(paths, include);
        return Corpus.join(setName(paths, docs.size()), docs, separator == null ? Corpus.DEFAULT_SEPARATOR : separator);
    }

    /** The documents {@code paths} name, in order, without duplicates. */
    public static List<Corpus.Source> collect(List<Path> paths, String include) {
        String patterns = include == null || include.isBlank() ? DEFAULT_INCLUDE : include;
        List<Matcher> matchers = matchers(patterns);
        List<Corpus.Source> out = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path p : paths) {
            if (p == null) continue;
            if (!Files.exists(p)) throw new BytewiseException("data file not found: " + p);
            if (Files.isDirectory(p)) {
                int[] empty = {0};
                List<Corpus.Source> found = walk(p, matchers, empty);
                if (found.isEmpty() && empty[0] > 0)
                    throw new BytewiseException("folder " + p + ": every file matching " + patterns + " is empty");
                if (found.isEmpty())
                    throw new BytewiseException("folder " + p + " has no files matching " + patterns
                            + " (hidden files are skipped); choose other include patterns");
                for (Corpus.Source s : found) if (seen.add(real(s.path()))) add(out, s, p);
            } else if (seen.add(real(p))) {
                add(out, Corpus.Source.file(p.getFileName().toString(), p), p);
            }
        }
        return out;
    }

    private static void add(List<Corpus.Source> out, Corpus.Source s, Path given) {
        if (out.size() >= MAX_FILES)
            throw new BytewiseException(String.format("data set has more than %,d files (at %s); pick a smaller folder"
                    + " or narrower include patterns", MAX_FILES, given));
        out.add(s);
    }

    private record Matcher(PathMatcher glob, boolean onPath) {}

    private static List<Matcher> matchers(String patterns) {
        List<Matcher> out = new ArrayList<>();
        for (String raw : patterns.split(",")) {
            String g = raw.trim();
            if (g.isEmpty()) continue;
            try {
                out.add(new Matcher(FileSystems.getDefault().getPathMatcher("glob:" + g), g.contains("/")));
            } catch (IllegalArgumentException e) {
                throw new BytewiseException("include pattern '" + g + "' is not a valid glob: " + e.getMessage());
            }
        }
        if (out.isEmpty()) throw new BytewiseException("no include patterns given (e.g. *.txt,*.md)");
        return out;
    }

    /** The non-empty matching files under {@code root}, sorted; {@code empty[0]} counts the empty ones left out. */
    private static List<Corpus.Source> walk(Path root, List<Matcher> matchers, int[] empty) {
        List<String> rels = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (hidden(file) || !Files.isRegularFile(file)) return FileVisitResult.CONTINUE;
                    String rel = slashes(root.relativize(file));
                    Path relPath = Path.of(rel);
                    for (Matcher m : matchers) {
                        if (m.glob().matches(m.onPath() ? relPath : file.getFileName())) {
                            if (size(file, a) == 0) {
                                empty[0]++; // nothing to train on, and it would count as a document
                                break;
                            }
                            rels.add(rel);
                            if (rels.size() > MAX_FILES)
                                throw new BytewiseException(String.format("folder %s has more than %,d matching files;"
                                        + " pick a smaller folder or narrower include patterns", root, MAX_FILES));
                            break;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof AccessDeniedException)
                        throw new BytewiseException("cannot read " + file + " in data folder " + root + " (permission denied)");
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new BytewiseException("cannot read data folder " + root + ": " + e.getMessage(), e);
        }
        rels.sort(null); // String order of the '/'-separated path: the same on every machine and file system
        String top = root.toAbsolutePath().normalize().getFileName() == null ? ""
                : root.toAbsolutePath().normalize().getFileName() + "/";
        List<Corpus.Source> out = new ArrayList<>(rels.size());
        for (String rel : rels) out.add(Corpus.Source.file(top + rel, root.resolve(rel)));
        return out;
    }

    private static long size(Path file, BasicFileAttributes a) {
        if (!a.isSymbolicLink()) return a.size();
        try {
            return Files.size(file); // the linked file's size
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean hidden(Path p) {
        Path n = p.getFileName();
        return n != null && n.toString().startsWith(".");
    }

    private static String slashes(Path rel) {
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) sb.append(sb.length() == 0 ? "" : "/").append(part);
        return sb.toString();
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** "essays (12 files)" for one folder, "a.txt + 2 more" for several files or folders. */
    static String setName(List<Path> paths, int files) {
        Path first = paths.get(0).toAbsolutePath().normalize();
        String head = first.getFileName() == null ? first.toString() : first.getFileName().toString();
        if (paths.size() == 1) return head + " (" + files + (files == 1 ? " file)" : " files)");
        return head + " + " + (paths.size() - 1) + " more (" + files + (files == 1 ? " file)" : " files)");
    }

    /** A separator typed on a command line: \n, \r, \t and \\ stand for themselves. */
    public static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case '\\' -> sb.append('\\');
                default -> sb.append('\\').append(n);
            }
        }
        return sb.toString();
    }
}
