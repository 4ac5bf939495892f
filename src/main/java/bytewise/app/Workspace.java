package bytewise.app;

import java.nio.file.Path;

/**
 * Where the studio keeps its files: {@code ~/.bytewise} unless the system property
 * {@code bytewise.workspace} names another folder (tests point it at a temporary directory).
 * Holds {@code studio.json} (window, theme, recent files) and {@code runs/} (one folder per run, see
 * {@link bytewise.io.RunFolder}).
 */
public final class Workspace {
    private Workspace() {}

    public static Path root() {
        String p = System.getProperty("bytewise.workspace");
        return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".bytewise");
    }

    public static Path prefsFile() {
        return root().resolve("studio.json");
    }
}
