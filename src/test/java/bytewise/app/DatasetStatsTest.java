package bytewise.app;

import bytewise.data.Corpus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class DatasetStatsTest {
    @Test
    void histogramDistinctAsciiAndUtf8() {
        DatasetStats s = DatasetStats.compute(Corpus.of("a", "aab\n".getBytes(StandardCharsets.UTF_8)), null, null);
        assertEquals(2, s.histogram()['a']);
        assertEquals(3, s.distinct());
        assertTrue(s.ascii());
        assertTrue(s.validUtf8());
        assertFalse(s.sampled());
        DatasetStats u = DatasetStats.compute(Corpus.of("u", "héllo ✓ 𝄞".getBytes(StandardCharsets.UTF_8)), null, null);
        assertFalse(u.ascii());
        assertTrue(u.validUtf8());
        DatasetStats bad = DatasetStats.compute(Corpus.of("b", new byte[]{'a', (byte) 0xC3, 'b'}), null, null);
        assertFalse(bad.validUtf8());
    }

    @Test
    void utf8Validator() {
        assertTrue(DatasetStats.validUtf8("añ€𝄞".getBytes(StandardCharsets.UTF_8), false, false));
        assertFalse(DatasetStats.validUtf8(new byte[]{(byte) 0xC0, (byte) 0x80}, false, false), "overlong");
        assertFalse(DatasetStats.validUtf8(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, false, false), "surrogate");
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertFalse(DatasetStats.validUtf8(new byte[]{euro[0], euro[1]}, false, false));
        assertTrue(DatasetStats.validUtf8(new byte[]{euro[0], euro[1]}, false, true), "cut at the end of a block");
        assertTrue(DatasetStats.validUtf8(new byte[]{euro[2], 'a'}, true, false), "cut at the start of a block");
    }

    @Test
    void aCharacterSplitAcrossBlocksIsStillValid() {
        byte[] b = new byte[DatasetStats.BLOCK + 10];
        java.util.Arrays.fill(b, (byte) 'x');
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(euro, 0, b, DatasetStats.BLOCK - 1, 3);
        assertTrue(DatasetStats.compute(Corpus.of("s", b), null, null).validUtf8());
        b[DatasetStats.BLOCK] = 'x'; // now broken right at the boundary
        assertFalse(DatasetStats.compute(Corpus.of("s", b), null, null).validUtf8());
    }

    @Test
    void printableIsOneCharacterPerByte() {
        byte[] b = {'a', '\n', '\t', 0, (byte) 0xE2, ' '};
        String s = DatasetStats.printable(b);
        assertEquals(b.length, s.length());
        assertEquals("a↵→·· ", s);
    }
}
