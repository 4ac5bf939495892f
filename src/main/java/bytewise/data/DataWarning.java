package bytewise.data;

/** Something about a data set that suggests it is not the text the user meant to train on. */
public record DataWarning(Kind kind, String message) {
    public enum Kind {
        /** Very few distinct byte values: a model learns little beyond repeating them. */
        FEW_DISTINCT_BYTES,
        /** A large share of the bytes sit in long runs of one repeated byte (zeros, padding). */
        LONG_RUNS,
        /** Many NUL or other control bytes: binary data, or UTF-16 text. */
        CONTROL_BYTES,
        /** Many bytes are not valid UTF-8: binary data, or text in a legacy encoding. */
        INVALID_UTF8
    }
}
