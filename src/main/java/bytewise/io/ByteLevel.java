package bytewise.io;

import java.util.HashMap;
import java.util.Map;

/**
 * GPT-2's byte-level alphabet ({@code bytes_to_unicode} in OpenAI's encoder.py, the ByteLevel
 * pre-tokenizer of Hugging Face tokenizers, {@code unicode_byte_to_utf8} in llama.cpp): every byte
 * value is shown as one printable Unicode character. Printable Latin-1 bytes ('!'..'~', '¡'..'¬',
 * '®'..'ÿ') stand for themselves; the other 68 bytes (controls, space, DEL, NBSP, soft hyphen)
 * become U+0100 upwards in byte order, so byte 0x20 (space) is 'Ġ' (U+0120) and 0x0A is 'Ċ'.
 *
 * <p>A Bytewise model's vocabulary, exported for tools that expect GPT-2's tokenizer, is these
 * 256 one-character strings with token id = byte value and no merges.
 */
public final class ByteLevel {
    private static final String[] TOKENS = new String[256];
    private static final Map<String, Integer> IDS = new HashMap<>();

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            TOKENS[b] = String.valueOf((char) (printable ? b : next++));
            IDS.put(TOKENS[b], b);
        }
    }

    private ByteLevel() {}

    /** The one-character string that stands for byte {@code b} (0..255). */
    public static String token(int b) {
        return TOKENS[b];
    }

    /** The byte a token string stands for, or -1 if it is not one of the 256. */
    public static int byteOf(String token) {
        Integer b = IDS.get(token);
        return b == null ? -1 : b;
    }
}
