package bytewise.data;

import bytewise.BytewiseException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Split sizes and the refusal of parts too short for one window. */
class SplitTest {

    private static Corpus corpus(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ('a' + i % 26);
        return Corpus.of("notes.txt", b);
    }

    @Test
    void sizes() {
        Split s = Split.of(corpus(1000), 0.1);
        assertEquals(900, s.trainEnd());
        assertEquals(900, s.trainSize());
        assertEquals(100, s.valSize());
        assertTrue(s.hasValidation());
        assertEquals(0.1, s.valFraction());

        Split none = corpus(1000).split(0.0);
        assertEquals(1000, none.trainSize());
        assertEquals(0, none.valSize());
        assertFalse(none.hasValidation());

        Split quarter = Split.of(corpus(10_001), 0.25);
        assertEquals(2500, quarter.valSize(), "floor(10001 · 0.25)");
        assertEquals(7501, quarter.trainSize());

        // a fraction too small for one byte leaves no validation part
        Split tiny = Split.of(corpus(50), 0.01);
        assertEquals(0, tiny.valSize());
        assertFalse(tiny.hasValidation());
    }

    @Test
    void invalidFractionsAreRefused() {
        for (double f : new double[]{-0.1, 1.0, 1.5, Double.NaN}) {
            BytewiseException e = assertThrows(BytewiseException.class, () -> Split.of(corpus(100), f), "fraction " + f);
            assertTrue(e.getMessage().contains("validation fraction"), e.getMessage());
        }
    }

    @Test
    void requireWindowsAcceptsPartsThatHoldOneWindow() {
        Split s = Split.of(corpus(100), 0.1); // 90 + 10
        assertDoesNotThrow(() -> s.requireWindows(9)); // a window is seq_len + 1 = 10 bytes
        Split none = Split.of(corpus(100), 0.0);
        assertDoesNotThrow(() -> none.requireWindows(99));
    }

    @Test
    void requireWindowsRefusesAShortValidationPart() {
        Split s = Split.of(corpus(100), 0.1);
        BytewiseException e = assertThrows(BytewiseException.class, () -> s.requireWindows(10));
        String m = e.getMessage();
        assertTrue(m.contains("notes.txt"), m);
        assertTrue(m.contains("validation part"), m);
        assertTrue(m.contains("has 10 bytes"), m);
        assertTrue(m.contains("seq_len 10 needs at least 11"), m);
    }

    @Test
    void requireWindowsRefusesAShortTrainingPart() {
        Split s = Split.of(corpus(100), 0.1);
        BytewiseException e = assertThrows(BytewiseException.class, () -> s.requireWindows(90));
        String m = e.getMessage();
        assertTrue(m.contains("notes.txt"), m);
        assertTrue(m.contains("training part has 90 bytes"), m);
        assertTrue(m.contains("seq_len 90 needs at least 91"), m);

        Split none = Split.of(corpus(100), 0.0);
        e = assertThrows(BytewiseException.class, () -> none.requireWindows(100));
        assertTrue(e.getMessage().contains("training part has 100 bytes"), e.getMessage());
    }
}
