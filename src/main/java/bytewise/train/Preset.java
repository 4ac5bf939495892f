package bytewise.train;

import bytewise.model.ModelConfig;

import java.util.List;

/**
 * A named model + training configuration. Stored as JSON (samples/presets/NAME.json); reading
 * and writing them is {@link bytewise.io.Presets}'s job, so the engine stays free of file formats.
 */
public record Preset(String name, String description, ModelConfig model, TrainConfig training) {
    public static final List<String> BUILT_IN = List.of("tiny", "small", "medium");
}
