package bytewise.train;

import bytewise.BytewiseException;
import bytewise.io.Json;
import bytewise.model.ModelConfig;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** A named model + training configuration, stored as JSON (samples/presets/NAME.json). */
public record Preset(String name, String description, ModelConfig model, TrainConfig training) {
    public static final List<String> BUILT_IN = List.of("tiny", "small", "medium");

    /** A built-in preset by name (shipped inside the jar), or a preset JSON file by path. */
    public static Preset named(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            try (InputStream in = Preset.class.getResourceAsStream("/bytewise/presets/" + nameOrPath + ".json")) {
                if (in == null) throw new BytewiseException("built-in preset " + nameOrPath + " is missing from the build");
                return Json.MAPPER.readValue(in, Preset.class);
            } catch (JsonProcessingException e) {
                throw Json.problem("preset " + nameOrPath + " is invalid", e);
            } catch (IOException e) {
                throw new BytewiseException("cannot read preset " + nameOrPath + ": " + e.getMessage(), e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p))
            throw new BytewiseException("unknown preset '" + nameOrPath + "' (built-in: " + String.join(", ", BUILT_IN)
                    + ", or a path to a preset JSON file)");
        return load(p);
    }

    public static Preset load(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), Preset.class);
        } catch (NoSuchFileException e) {
            throw new BytewiseException("preset file not found: " + file);
        } catch (JsonProcessingException e) {
            throw Json.problem("preset " + file.getFileName() + " is invalid", e);
        } catch (IOException e) {
            throw new BytewiseException("cannot read preset " + file + ": " + e.getMessage(), e);
        }
    }

    public void save(Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(this));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BytewiseException("cannot save preset " + file + ": " + e.getMessage(), e);
        }
    }
}
