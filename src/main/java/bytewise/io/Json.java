package bytewise.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import bytewise.BytewiseException;

import java.util.Map;

/**
 * The project's one JSON mapper: snake_case names, strict about missing and unknown fields and
 * nulls for numbers; optional values are written as explicit nulls.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Compact (one-line) output for --json event streams. */
    public static final ObjectMapper LINES = MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /** Training settings' fields added after their first version, with the value older files mean by leaving them out. */
    private static final Map<String, Integer> LATER_TRAINING_FIELDS = Map.of("schedule_start", 0);

    /**
     * Gives {@code holder}'s "training" object (a checkpoint, run.json, a preset) the training fields older
     * files lack, so the strict mapper reads them; a holder without training settings is left as it is.
     */
    public static JsonNode withTrainingDefaults(JsonNode holder) {
        if (holder != null && holder.get("training") instanceof ObjectNode t)
            LATER_TRAINING_FIELDS.forEach((field, value) -> {
                if (!t.has(field)) t.put(field, value);
            });
        return holder;
    }

    /** One line naming what is wrong in a JSON file, for the user. */
    public static BytewiseException problem(String what, JsonProcessingException e) {
        Throwable cause = e.getCause();
        if (e instanceof ValueInstantiationException && cause instanceof BytewiseException be) {
            return new BytewiseException(what + ": " + be.getMessage(), e);
        }
        String path = "";
        if (e instanceof JsonMappingException jm && !jm.getPath().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (JsonMappingException.Reference r : jm.getPath()) {
                if (r.getFieldName() != null) sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
                else sb.append('[').append(r.getIndex()).append(']');
            }
            path = " (at '" + sb + "')";
        }
        String msg = e.getOriginalMessage();
        if (e instanceof UnrecognizedPropertyException u) msg = "unknown field '" + u.getPropertyName() + "'";
        int nl = msg.indexOf('\n');
        if (nl > 0) msg = msg.substring(0, nl);
        return new BytewiseException(what + ": " + msg + path, e);
    }
}
