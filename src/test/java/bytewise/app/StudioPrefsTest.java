package bytewise.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class StudioPrefsTest {
    @Test
    void roundTripsAndKeepsRecentFilesDeduplicatedAndBounded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cfg/studio.json");
        StudioPrefs p = StudioPrefs.load(file);
        assertEquals(1280, p.width);
        p.theme = "dark";
        p.width = 1500;
        for (int i = 0; i < 12; i++) p.addRecent(dir.resolve("f" + i + ".txt"));
        p.addRecent(dir.resolve("f5.txt"));
        assertNull(p.save(file));
        assertFalse(Files.exists(file.resolveSibling("studio.json.tmp")));
        StudioPrefs q = StudioPrefs.load(file);
        assertEquals("dark", q.theme);
        assertEquals(1500, q.width);
        assertEquals(StudioPrefs.MAX_RECENT, q.recentFiles.size());
        assertTrue(q.recentFiles.get(0).endsWith("f5.txt"));
        assertEquals(1, q.recentFiles.stream().filter(s -> s.endsWith("f5.txt")).count());
    }

    @Test
    void aCorruptFileGivesTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("studio.json");
        Files.writeString(file, "{not json");
        StudioPrefs p = StudioPrefs.load(file);
        assertEquals("light", p.theme);
        assertTrue(p.recentFiles.isEmpty());
    }

    @Test
    void mainViewModelFormatsTheStatusBar(@TempDir Path dir) {
        Session s = new Session();
        MainViewModel vm = new MainViewModel(s, new StudioPrefs(), dir.resolve("p.json"));
        assertEquals("step —", vm.stepText.get());
        s.runTotalSteps.set(2000);
        s.runStep.set(1234);
        assertEquals("step 1,234 / 2,000", vm.stepText.get());
        s.tokensPerSecond.set(5300.4);
        assertEquals("5,300 tok/s", vm.speedText.get());
        s.etaSeconds.set(62);
        assertEquals("ETA 1 min 02 s", vm.etaText.get());
        s.runState.set(RunState.PAUSED); // the figures from before the pause would mislead
        assertEquals("paused", vm.speedText.get());
        assertEquals("ETA paused", vm.etaText.get());
        s.runState.set(RunState.RUNNING);
        assertEquals("5,300 tok/s", vm.speedText.get());
        vm.theme.set(MainViewModel.DARK);
        assertEquals("dark", StudioPrefs.load(dir.resolve("p.json")).theme, "the theme is remembered");
    }
}
