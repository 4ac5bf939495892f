package bytewise.io;

import java.nio.file.Path;

/**
 * The one rule for where Bytewise keeps its files: {@code ~/.bytewise} unless the system property
 * {@code bytewise.workspace} names another folder (tests point it at a temporary directory).
 * Holds {@code studio.json} (the studio's window, theme and recent files) and {@code runs/} (one
 * {@link RunFolder} per run, the studio's and the command line's alike).
 */
public final class Workspace {
    private Workspace() {}

    public static Path root() {
        String p = System.getProperty("bytewise.workspace");
        return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".bytewise");
    }

    /** Where runs are recorded. */
    public static Path runs() {
        return root().resolve("runs");
    }

    /** Where deleted runs go (a folder the user can empty or restore from). */
    public static Path trash() {
        return root().resolve("trash");
    }

    /** The studio's preferences file. */
    public static Path prefsFile() {
        return root().resolve("studio.json");
    }
}
