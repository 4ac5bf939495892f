package bytewise.io;

import bytewise.BytewiseException;
import bytewise.train.Preset;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes {@link Preset}s as JSON: the built-in ones shipped in the jar, or preset files. */
public final class Presets {
    private Presets() {}

    /** A built-in preset by name (shipped inside the jar), or a preset JSON file by path. */
    public static Preset named(String nameOrPath) {
        if (Preset.BUILT_IN.contains(nameOrPath)) {
            try (InputStream in = Presets.class.getResourceAsStream("/bytewise/presets/" + nameOrPath + ".json")) {
                if (in == null) throw new BytewiseException("built-in preset " + nameOrPath + " is missing from the build");
                return read(Json.MAPPER.readTree(in), "preset " + nameOrPath);
            } catch (JsonProcessingException e) {
                throw Json.problem("preset " + nameOrPath + " is invalid", e);
            } catch (IOException e) {
                throw new BytewiseException("cannot read preset " + nameOrPath + ": " + e.getMessage(), e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p))
            throw new BytewiseException("unknown preset '" + nameOrPath + "' (built-in: " + String.join(", ", Preset.BUILT_IN)
                    + ", or a path to a preset JSON file)");
        return load(p);
    }

    public static Preset load(Path file) {
        try {
            return read(Json.MAPPER.readTree(file.toFile()), "preset " + file.getFileName());
        } catch (NoSuchFileException e) {
            throw new BytewiseException("preset file not found: " + file);
        } catch (JsonProcessingException e) {
            throw Json.problem("preset " + file.getFileName() + " is invalid", e);
        } catch (IOException e) {
            throw new BytewiseException("cannot read preset " + file + ": " + e.getMessage(), e);
        }
    }

    /** A preset from its JSON; files from before a training field was added read it as its default. */
    private static Preset read(JsonNode node, String what) throws JsonProcessingException {
        if (node == null || !node.isObject()) throw new BytewiseException(what + " is not a JSON object");
        return Json.MAPPER.treeToValue(Json.withTrainingDefaults(node), Preset.class);
    }

    public static void save(Preset preset, Path file) {
        try {
            AtomicFile.writeBytes(file, "preset", Json.MAPPER.writeValueAsBytes(preset));
        } catch (IOException e) {
            throw new BytewiseException("cannot save preset " + file + ": " + e.getMessage(), e);
        }
    }
}
