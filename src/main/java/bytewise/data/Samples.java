package bytewise.data;

import bytewise.BytewiseException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample text that ships with Bytewise (in samples/ and inside the jar). */
public final class Samples {
    public static final String DEFAULT = "pocket-essays.txt";

    private Samples() {}

    /** The shipped sample: from samples/ beside the app if present, else from the jar. */
    public static Corpus defaultCorpus() {
        Path file = defaultFile();
        if (file != null) return Corpus.open(file);
        try (InputStream in = Samples.class.getResourceAsStream("/bytewise/samples/" + DEFAULT)) {
            if (in == null) throw new BytewiseException("the shipped sample " + DEFAULT + " is missing from the build");
            return Corpus.of(DEFAULT, in.readAllBytes());
        } catch (IOException e) {
            throw new BytewiseException("cannot read the shipped sample: " + e.getMessage(), e);
        }
    }

    /** samples/pocket-essays.txt under -Dbytewise.home or the working directory, or null. */
    public static Path defaultFile() {
        for (String base : new String[]{System.getProperty("bytewise.home"), "."}) {
            if (base == null) continue;
            Path p = Path.of(base, "samples", DEFAULT);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
