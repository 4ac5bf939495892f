package bytewise.app;

import bytewise.TestData;
import bytewise.io.Presets;
import bytewise.io.RunFolder;
import bytewise.train.Preset;
import bytewise.train.TrainConfig;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;

import static bytewise.app.StudioUnderTest.fx;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Run ▸ Train more steps… in the whole studio: the dialog's shortcut opens it over a finished run,
 * the user gives the steps and picks "Restart", and the same run goes on with a schedule that warms
 * up again, drawn so on the Training page.
 */
class TrainMoreDialogTest {
    @TempDir
    Path tmp;
    private StudioUnderTest studio;
    private StudioApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        studio = StudioUnderTest.start(tmp.resolve("ws"), Files.write(tmp.resolve("essays.txt"), TestData.prose(30_000, 8)));
        app = studio.app;
    }

    @AfterEach
    void close() throws Exception {
        if (studio != null) studio.close();
    }

    private DialogPane dialog() {
        return fx(() -> robot.listWindows().stream().filter(Window::isShowing)
                .map(w -> w.getScene() == null ? null : w.getScene().getRoot())
                .filter(r -> r instanceof DialogPane p && "Train more steps".equals(
                        ((javafx.stage.Stage) p.getScene().getWindow()).getTitle()))
                .map(DialogPane.class::cast).findFirst().orElse(null));
    }

    @Test
    void theDialogRestartsTheScheduleOfTheSameRun() throws Exception {
        Session session = app.session();
        TrainingViewModel training = app.context().training;
        Preset tiny = Presets.named("tiny");
        TrainConfig tc = tiny.training().toBuilder().steps(6).lr(1e-3).minLr(1e-4).warmup(3).evalEvery(6)
                .evalWindows(8).threads(1).build();
        fx(() -> {
            session.settings.set(new Preset("tiny", tiny.description(), tiny.model(), tc));
            session.page.set(Page.TRAINING);
            training.train();
            return null;
        });
        studio.waitUntil("the first run completes", () -> training.state().get() == RunState.COMPLETED);
        Path folder = fx(training.runFolder()::get);

        // Run ▸ Train more steps… by its shortcut (Ctrl+Shift+M)
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.M).release(KeyCode.M, KeyCode.SHIFT, KeyCode.CONTROL);
        studio.waitUntil("the dialog opens", () -> dialog() != null);
        DialogPane pane = dialog();
        assertTrue(fx(pane::getHeaderText).contains("at step 6"), fx(pane::getHeaderText));
        RadioButton extend = fx(() -> (RadioButton) pane.lookup("#train-more-extend"));
        RadioButton restart = fx(() -> (RadioButton) pane.lookup("#train-more-restart"));
        assertTrue(fx(extend::isSelected), "extending (the old behaviour) is the default");
        assertEquals("Restart: warm up and decay again over the new steps", fx(restart::getText));
        TextField steps = fx(() -> (TextField) pane.lookup("#train-more-steps"));
        fx(() -> {
            steps.setText("6");
            return null;
        });
        robot.clickOn(restart);
        assertTrue(fx(restart::isSelected) && !fx(extend::isSelected));
        Files.createDirectories(Path.of("target", "screens"));
        var img = fx(() -> pane.getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png",
                Path.of("target", "screens", "studio-train-more-dialog.png").toFile());
        robot.clickOn((Node) fx(() -> pane.lookupButton(ButtonType.OK)));

        studio.waitUntil("the run goes on to step 12", () -> training.state().get() == RunState.COMPLETED
                && session.runStep.get() == 12);
        assertNull(dialog(), "the dialog closed");
        assertEquals(Page.TRAINING, fx(session.page::get));
        assertEquals(tc.toBuilder().steps(12).scheduleStart(6).build(), fx(() -> session.settings.get().training()));
        assertEquals(folder, fx(training.runFolder()::get), "the same run folder");
        assertEquals(1, fx(() -> training.history.runs().size()), "the same run on the chart");
        RunData run = fx(() -> training.history.runs().get(0));
        assertEquals(12, fx(run::size));
        assertEquals(1e-3 / 3, fx(() -> run.lr(6)), 1e-12, "step 7 warms up again");
        assertEquals(6, RunFolder.open(folder).info().training().scheduleStart());

        // the schedule sketch shows the whole run: the first 6 steps' recorded rates in grey, then the
        // restarted schedule, whose step 12 ends its decay at the right and the bottom
        TrainingView view = fx(() -> app.mainView().pages().controller(Page.TRAINING, TrainingView.class));
        WaitForAsyncUtils.waitForFxEvents();
        Point2D end = fx(view::scheduleMarker);
        assertNotNull(end, "the marker shows the current step");
        javafx.scene.canvas.Canvas canvas = fx(() -> (javafx.scene.canvas.Canvas) robot.lookup("#lrCanvas").query());
        double w = fx(canvas::getWidth);
        assertTrue(end.getX() > w - 10, "the last step is at the right end: " + end + " of width " + w);
        fx(() -> {
            session.runStep.set(7); // the first restarted step: low on the warmup, in the middle (step 7 of 12)
            return null;
        });
        Point2D first = fx(view::scheduleMarker);
        assertNotNull(first);
        double middle = 4 + (w - 8) * 6 / 11;
        assertEquals(middle, first.getX(), 1, "step 7 of 12 is 6/11 of the way: " + first);
        // the earlier steps are drawn left of the restart, in grey; the restarted schedule right of it, in blue
        javafx.scene.image.Image sketch = fx(() -> canvas.snapshot(null, null));
        int[] earlier = colouredColumns(sketch, 0, (int) middle - 2), restarted = colouredColumns(sketch, (int) middle + 2, (int) w);
        assertTrue(earlier[0] > (middle - 8) * 0.8 && earlier[1] == 0,
                "grey line across the first 6 steps, no blue: " + java.util.Arrays.toString(earlier));
        assertTrue(restarted[1] > (w - middle - 8) * 0.8, "blue across the restarted steps: " + java.util.Arrays.toString(restarted));
        Point2D peak = fx(() -> {
            session.runStep.set(9);
            return view.scheduleMarker();
        });
        assertTrue(peak.getY() < first.getY() && peak.getY() < end.getY(),
                "the peak (step 9) is above the warmup's start and the end: " + first + " " + peak + " " + end);
        fx(() -> {
            session.runStep.set(12);
            return null;
        });
        var page = fx(() -> app.stage().getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(page, null), "png",
                Path.of("target", "screens", "studio-training-restarted.png").toFile());
    }

    /**
     * Columns in [x0, x1) of a sketch with a grey pixel (the earlier rates: not the axis line at the
     * bottom, not the label at the top) and with a blue one.
     */
    private static int[] colouredColumns(javafx.scene.image.Image img, int x0, int x1) {
        var px = img.getPixelReader();
        int grey = 0, blue = 0, h = (int) img.getHeight();
        for (int x = Math.max(0, x0); x < Math.min(x1, (int) img.getWidth()); x++) {
            boolean g = false, b = false;
            for (int y = 14; y < h - 6; y++) {
                javafx.scene.paint.Color c = px.getColor(x, y);
                if (c.getOpacity() < 0.3) continue;
                if (c.getBlue() > c.getRed() + 0.2) b = true;
                else if (Math.abs(c.getRed() - c.getBlue()) < 0.05 && c.getRed() < 0.8) g = true;
            }
            if (g) grey++;
            if (b) blue++;
        }
        return new int[]{grey, blue};
    }
}
