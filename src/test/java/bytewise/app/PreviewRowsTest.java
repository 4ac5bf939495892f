package bytewise.app;

import bytewise.data.Corpus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class PreviewRowsTest {
    private static Corpus text(String s) {
        return Corpus.of("t", s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLineLongerThanARowBreaksAtASpaceOrElseMidWord() {
        String words = "lorem ipsum ".repeat(20); // 240 bytes, spaces every 6
        PreviewRows r = PreviewRows.of(text(words), null);
        for (long i = 0; i + 1 < r.count(); i++) {
            assertEquals(' ', words.charAt((int) r.end(i) - 1), "row " + i + " ends after a space");
            assertTrue(r.end(i) - r.start(i) <= PreviewRows.WIDTH);
        }
        String solid = "x".repeat(250);
        PreviewRows s = PreviewRows.of(text(solid), null);
        assertEquals(3, s.count());
        assertEquals(PreviewRows.WIDTH, s.end(0));
        assertEquals(250, s.end(2));
    }

    @Test
    void rowOfFindsTheRowHoldingAnOffset() {
        PreviewRows r = PreviewRows.of(text("ab\ncdef\n\ng"), null);
        assertEquals(4, r.count());
        assertEquals(0, r.rowOf(2));
        assertEquals(1, r.rowOf(3));
        assertEquals(2, r.rowOf(8));
        assertEquals(3, r.rowOf(9));
    }

    @Test
    void fixedRowsServeUntilTheIndexIsBuiltAndBeyondIt() {
        PreviewRows f = PreviewRows.fixed(1000);
        assertEquals(11, f.count());
        assertEquals(960, f.start(10));
        assertEquals(1000, f.end(10));
        assertEquals(10, f.rowOf(999));
        assertNull(PreviewRows.of(text("a\nb\n"), () -> true), "a cancelled index is dropped");
    }
}
