package bytewise.app;

import javafx.application.Platform;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The whole studio, started headless on a data file in a workspace of the test's own, for flows
 * through its real window. Closing it stops any run, closes the window, puts the light theme back
 * and restores the workspace property.
 */
final class StudioUnderTest implements AutoCloseable {
    final StudioApp app;
    private final String workspaceBefore;

    private StudioUnderTest(StudioApp app, String workspaceBefore) {
        this.app = app;
        this.workspaceBefore = workspaceBefore;
    }

    /** Starts the studio on {@code data} in {@code workspace} and waits until the data is loaded. */
    static StudioUnderTest start(Path workspace, Path data) throws Exception {
        String before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", workspace.toString());
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupApplication(StudioApp.class, data.toString());
        StudioUnderTest studio = new StudioUnderTest(StudioApp.last(), before);
        assertNotNull(studio.app, "the studio did not start");
        studio.waitUntil("the dataset is loaded", () -> studio.app.session().corpus.get() != null);
        return studio;
    }

    static <T> T fx(Callable<T> c) {
        return FxTesting.onFx(c);
    }

    /** Waits up to a minute for {@code condition} (checked on the FX thread); fails with the status line. */
    void waitUntil(String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> fx(condition));
        } catch (Exception e) {
            fail("timed out waiting until " + what + " (status: " + fx(() -> app.session().message.get()) + ")");
        }
    }

    @Override
    public void close() throws Exception {
        fx(() -> {
            app.context().training.stop();
            return null;
        });
        FxToolkit.cleanupApplication(app);
        Platform.runLater(() -> MainView.applyTheme(MainViewModel.LIGHT));
        WaitForAsyncUtils.waitForFxEvents();
        if (workspaceBefore == null) System.clearProperty("bytewise.workspace");
        else System.setProperty("bytewise.workspace", workspaceBefore);
    }
}
