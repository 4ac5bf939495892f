package bytewise.inspect;

/** A coarse kind of byte value, for colouring plots of the 256 byte embeddings. */
public enum ByteClass {
    LOWER("lower"), UPPER("upper"), DIGIT("digit"), WHITESPACE("whitespace"), PUNCTUATION("punctuation"),
    CONTROL("control"), UTF8_LEAD("utf8_lead"), UTF8_CONTINUATION("utf8_continuation"), OTHER("other");

    private final String label;

    ByteClass(String label) {
        this.label = label;
    }

    /** Lower-case name used in JSON. */
    public String label() {
        return label;
    }

    /**
     * ASCII letters, digits, whitespace (tab, newline, vertical tab, form feed, carriage return,
     * space), printable punctuation and symbols, other control bytes (including DEL); above 127
     * UTF-8 continuation bytes (0x80–0xBF), lead bytes of valid sequences (0xC2–0xF4), and the
     * bytes UTF-8 never uses (0xC0, 0xC1, 0xF5–0xFF) as other.
     */
    public static ByteClass of(int b) {
        if (b < 0 || b > 255) throw new IllegalArgumentException("byte out of range: " + b);
        if (b >= 'a' && b <= 'z') return LOWER;
        if (b >= 'A' && b <= 'Z') return UPPER;
        if (b >= '0' && b <= '9') return DIGIT;
        if (b == ' ' || (b >= 9 && b <= 13)) return WHITESPACE;
        if (b > ' ' && b < 127) return PUNCTUATION;
        if (b < 128) return CONTROL;
        if (b <= 0xBF) return UTF8_CONTINUATION;
        if (b >= 0xC2 && b <= 0xF4) return UTF8_LEAD;
        return OTHER;
    }
}
