package bytewise.app;

import bytewise.BytewiseException;
import bytewise.io.AtomicFile;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings remembered between sessions (window size, theme, recent files), stored as JSON in
 * {@link bytewise.io.Workspace#prefsFile()} and written atomically (temporary file, then rename).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class StudioPrefs {
    public static final int MAX_RECENT = 8;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public double width = 1280;
    public double height = 800;
    public boolean maximized;
    public String theme = "light";
    public List<String> recentFiles = new ArrayList<>();
    public int autosaveEvery = 0;
    /** Where the user left off (null: never saved, the first start opens the shipped sample). */
    public LastSession session;

    /**
     * What the studio reopens: the data file (or the shipped sample), the run or model file Train
     * continues, the page, the settings (a preset as {@link bytewise.io.Presets} writes it) and the
     * validation share.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class LastSession {
        public String dataFile;
        public boolean sample;
        public String runDir;
        public String modelFile;
        public String page;
        public com.fasterxml.jackson.databind.JsonNode settings;
        public double valFraction = 0.1;
        public boolean continueTraining;
    }

    /** Reads the file; a missing or unreadable file gives the defaults. */
    public static StudioPrefs load(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                StudioPrefs p = MAPPER.readValue(file.toFile(), StudioPrefs.class);
                if (p.recentFiles == null) p.recentFiles = new ArrayList<>();
                if (!(p.width >= 400) || !(p.height >= 300)) {
                    p.width = 1280;
                    p.height = 800;
                }
                return p;
            }
        } catch (IOException | RuntimeException e) {
            // a corrupt prefs file must never stop the studio from opening
        }
        return new StudioPrefs();
    }

    /** Writes atomically; returns an error message or null. */
    public String save(Path file) {
        try {
            AtomicFile.writeBytes(file, "studio settings", MAPPER.writeValueAsBytes(this));
            return null;
        } catch (IOException e) {
            return "cannot save studio settings " + file + ": " + e.getMessage();
        } catch (BytewiseException e) {
            return e.getMessage();
        }
    }

    /** Moves {@code path} to the front of the recent list (deduplicated, at most {@link #MAX_RECENT}). */
    public void addRecent(Path path) {
        String s = path.toAbsolutePath().normalize().toString();
        recentFiles.remove(s);
        recentFiles.add(0, s);
        while (recentFiles.size() > MAX_RECENT) recentFiles.remove(recentFiles.size() - 1);
    }
}
