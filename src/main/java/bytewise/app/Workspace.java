package bytewise.app;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where the studio keeps its files: {@code ~/.bytewise} unless the system property
 * {@code bytewise.workspace} names another folder (tests point it at a temporary directory).
 * Holds {@code studio.json} (window, theme, recent files) and {@code runs/} (autosaved checkpoints).
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

    /** A new folder name under runs/ for a run started now: {@code runs/20260101-120000-tiny}. */
    public static Path newRunFolder(String presetName) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String safe = presetName == null || presetName.isBlank() ? "custom" : presetName.replaceAll("[^A-Za-z0-9_.-]", "_");
        return root().resolve("runs").resolve(stamp + "-" + safe);
    }
}
