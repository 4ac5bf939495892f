package bytewise.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import bytewise.BytewiseException;

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
