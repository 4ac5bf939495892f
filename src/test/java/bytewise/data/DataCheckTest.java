package bytewise.data;

import bytewise.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Warnings for data that looks binary or degenerate, and none for ordinary text. */
class DataCheckTest {
    private static List<DataWarning.Kind> kinds(byte[] b) {
        return DataCheck.of(Corpus.of("x", b)).stream().map(DataWarning::kind).toList();
    }

    @Test
    void ordinaryTextHasNoWarnings() {
        assertEquals(List.of(), kinds(TestData.prose(200_000, 1)));
        String mixed = "Grüße aus Köln — naïve café, 日本語のテキスト, ✓ done.\n\tindented line\r\n";
        assertEquals(List.of(), kinds(mixed.repeat(2000).getBytes(StandardCharsets.UTF_8)));
        // source code with indentation and a ruler line is still text
        String code = "    public static void main(String[] args) {\n        // " + "-".repeat(78)
                + "\n        System.out.println(\"hello\");\n    }\n";
        assertEquals(List.of(), kinds((code + new String(TestData.prose(400, 2), StandardCharsets.UTF_8)).repeat(300)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void zerosWarnOfRunsControlBytesAndFewDistinctValues() {
        List<DataWarning> w = DataCheck.of(Corpus.of("zeros", new byte[3 << 20]));
        List<DataWarning.Kind> k = w.stream().map(DataWarning::kind).toList();
        assertTrue(k.containsAll(List.of(DataWarning.Kind.LONG_RUNS, DataWarning.Kind.CONTROL_BYTES,
                DataWarning.Kind.FEW_DISTINCT_BYTES)), k.toString());
        assertFalse(k.contains(DataWarning.Kind.INVALID_UTF8), "NUL is valid UTF-8");
        String runs = w.stream().filter(x -> x.kind() == DataWarning.Kind.LONG_RUNS).findFirst().orElseThrow().message();
        assertTrue(runs.contains("all of the bytes") && runs.contains("3,145,728 × NUL"), runs);
        String few = w.stream().filter(x -> x.kind() == DataWarning.Kind.FEW_DISTINCT_BYTES).findFirst().orElseThrow().message();
        assertTrue(few.startsWith("only 1 distinct byte value "), few);
    }

    @Test
    void randomBytesWarnOfInvalidUtf8AndControlBytes() {
        byte[] b = new byte[1 << 20];
        new SplittableRandom(5).nextBytes(b);
        List<DataWarning.Kind> k = kinds(b);
        assertTrue(k.contains(DataWarning.Kind.INVALID_UTF8) && k.contains(DataWarning.Kind.CONTROL_BYTES), k.toString());
        assertFalse(k.contains(DataWarning.Kind.FEW_DISTINCT_BYTES), "random bytes use all 256 values");
        assertFalse(k.contains(DataWarning.Kind.LONG_RUNS));
    }

    @Test
    void fewDistinctBytesAloneWarn() {
        assertEquals(List.of(DataWarning.Kind.FEW_DISTINCT_BYTES), kinds(TestData.repeated("ACGT\nTTGCA\n", 100_000)));
    }

    @Test
    void latin1TextWarnsOfInvalidUtf8Only() {
        byte[] text = new String(TestData.prose(100_000, 3), StandardCharsets.UTF_8)
                .replace('e', 'é').getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of(DataWarning.Kind.INVALID_UTF8), kinds(text));
    }

    @Test
    void invalidUtf8CountsOnlyTheBadBytes() {
        assertEquals(0, DataCheck.invalidUtf8("añ€𝄞".getBytes(StandardCharsets.UTF_8), 10, false, false));
        assertEquals(2, DataCheck.invalidUtf8(new byte[]{(byte) 0xC0, (byte) 0x80, 'a'}, 3, false, false), "overlong");
        assertEquals(1, DataCheck.invalidUtf8(new byte[]{'a', (byte) 0xFF, 'b'}, 3, false, false));
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertEquals(0, DataCheck.invalidUtf8(new byte[]{'a', euro[0], euro[1]}, 3, false, true), "cut at a block's end");
        assertEquals(2, DataCheck.invalidUtf8(new byte[]{'a', euro[0], euro[1]}, 3, false, false), "cut at the data's end");
    }

    @Test
    void aRunContinuesAcrossBlocksThatFollowEachOther() {
        DataCheck c = new DataCheck();
        byte[] half = TestData.repeated("=", 100);
        byte[] text = TestData.prose(2000, 4);
        c.accept(text, text.length, false, false, false);
        c.accept(half, half.length, true, false, false);
        c.accept(half, half.length, true, false, false); // 200 '=' in a row: a long run
        assertTrue(c.warnings().stream().anyMatch(w -> w.kind() == DataWarning.Kind.LONG_RUNS), c.warnings().toString());
        DataCheck apart = new DataCheck();
        apart.accept(text, text.length, false, false, false);
        apart.accept(half, half.length, true, false, false);
        apart.accept(half, half.length, false, false, false); // two separate runs of 100
        assertTrue(apart.warnings().stream().noneMatch(w -> w.kind() == DataWarning.Kind.LONG_RUNS));
        assertEquals(c.warnings(), c.warnings(), "asking twice gives the same answer");
    }

    @Test
    void aCharacterCutAtTheEndIsInvalidOnlyWhenItsBytesCannotContinueIt() {
        byte[] cut = {'a', (byte) 0xE2, (byte) 0x82}; // the euro sign, 2 of its 3 bytes
        assertEquals(0, DataCheck.invalidUtf8(cut, 3, false, true));
        assertEquals(2, DataCheck.invalidUtf8(cut, 3, false, false));
        byte[] broken = {'a', (byte) 0xE2, 'b'}; // a lead byte then ASCII: the 'b' is fine
        assertEquals(1, DataCheck.invalidUtf8(broken, 3, false, true));
        assertEquals(1, DataCheck.invalidUtf8(broken, 3, false, false));
    }
}
