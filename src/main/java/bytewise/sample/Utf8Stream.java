package bytewise.sample;

import java.nio.charset.StandardCharsets;

/**
 * Decodes bytes arriving one at a time: complete UTF-8 characters come out as soon as their last
 * byte arrives, and any byte that cannot be part of valid UTF-8 comes out escaped as {@code \xNN}.
 * Never throws on bad input.
 */
public final class Utf8Stream {
    private final byte[] pending = new byte[4];
    private int have, need;

    /** Feeds one byte and returns the text it completes (often empty). */
    public String feed(int b) {
        b &= 0xFF;
        StringBuilder out = new StringBuilder(4);
        if (have > 0) {
            if ((b & 0xC0) == 0x80) {
                pending[have++] = (byte) b;
                if (have == need) {
                    String s = new String(pending, 0, have, StandardCharsets.UTF_8);
                    if (s.indexOf('\uFFFD') >= 0 || s.codePointCount(0, s.length()) != 1) escapePending(out);
                    else out.append(s);
                    have = 0;
                }
                return out.toString();
            }
            escapePending(out);
            have = 0;
        }
        if (b < 0x80) {
            out.append((char) b);
        } else if (b >= 0xC2 && b <= 0xF4) {
            pending[0] = (byte) b;
            have = 1;
            need = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        } else {
            out.append(escape(b));
        }
        return out.toString();
    }

    /** Ends the stream: an unfinished character comes out escaped. */
    public String flush() {
        StringBuilder out = new StringBuilder();
        escapePending(out);
        have = 0;
        return out.toString();
    }

    private void escapePending(StringBuilder out) {
        for (int i = 0; i < have; i++) out.append(escape(pending[i] & 0xFF));
    }

    public static String escape(int b) {
        return String.format("\\x%02X", b & 0xFF);
    }

    /** Decodes a whole byte array the same way. */
    public static String decode(byte[] bytes) {
        Utf8Stream s = new Utf8Stream();
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(s.feed(b));
        return sb.append(s.flush()).toString();
    }

    /** One byte shown printably: itself for 32–126, \n \r \t, otherwise \xNN. */
    public static String printable(int b) {
        b &= 0xFF;
        return switch (b) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> "\\\\";
            default -> (b >= 32 && b <= 126) ? String.valueOf((char) b) : escape(b);
        };
    }

    /** Bytes shown printably, one {@link #printable} per byte. */
    public static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(printable(b));
        return sb.toString();
    }
}
