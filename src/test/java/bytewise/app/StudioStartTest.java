package bytewise.app;

import bytewise.io.Workspace;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Started with no arguments, the studio opens the shipped sample with the tiny preset (or, where
 * the sample is missing, says so inline and blocks Train with the reason) and remembers its window.
 */
class StudioStartTest {
    @Test
    void withoutArgumentsTheShippedSampleOpens(@TempDir Path tmp) throws Exception {
        System.setProperty("bytewise.workspace", tmp.toString());
        StudioPrefs prefs = new StudioPrefs();
        prefs.width = 1300; // above the window's minimum (StudioApp.MIN_WIDTH), not the default
        prefs.height = 760;
        prefs.save(Workspace.prefsFile());
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupApplication(StudioApp.class);
        StudioApp app = StudioApp.last();
        Session s = app.session();
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> StudioFlowTest.fx(() ->
                    s.corpus.get() != null || !app.context().dataset.error.get().isEmpty()));
            boolean loaded = StudioFlowTest.fx(() -> s.corpus.get() != null);
            assertEquals("tiny", StudioFlowTest.fx(() -> s.settings.get().name()));
            if (loaded) {
                assertEquals(bytewise.data.Samples.DEFAULT, StudioFlowTest.fx(() -> s.corpus.get().name()));
                assertEquals("", StudioFlowTest.fx(s.trainBlockedReason::get), "press Train at once");
            } else {
                assertEquals("open a dataset first", StudioFlowTest.fx(s.trainBlockedReason::get));
            }
            assertEquals(1300, StudioFlowTest.fx(() -> app.stage().getWidth()), 1, "the window size is remembered");
            Path dir = Path.of("target", "screens");
            Files.createDirectories(dir);
            var img = StudioFlowTest.fx(() -> app.stage().getScene().snapshot(null));
            ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", dir.resolve("studio-start.png").toFile());
        } finally {
            FxToolkit.cleanupApplication(app);
            Platform.runLater(() -> MainView.applyTheme(MainViewModel.LIGHT));
            WaitForAsyncUtils.waitForFxEvents();
        }
        assertTrue(Files.readString(Workspace.prefsFile()).contains("\"width\" : 1300"));
    }
}
