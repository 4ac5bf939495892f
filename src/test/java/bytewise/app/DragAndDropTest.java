package bytewise.app;

import bytewise.TestData;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static bytewise.app.StudioUnderTest.fx;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Files dropped on the studio's window, delivered as the toolkit delivers a drop: a drag started on
 * a label the test puts in the sidebar ({@code startDragAndDrop} with the files on its dragboard) is
 * carried by the mouse (Monocle's drag-and-drop loop: View.notifyDragEnter, Over, Drop) onto a page,
 * and the scene picks the node under the pointer and sends it DRAG_OVER, then DRAG_DROPPED.
 */
class DragAndDropTest {
    @TempDir
    Path tmp;
    private StudioUnderTest studio;
    private StudioApp app;
    private Label handle;
    private volatile List<File> dragged = List.of();
    /** DRAG_DROPPED events the studio's scene delivered. */
    private volatile int drops;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        studio = StudioUnderTest.start(tmp.resolve("ws"), Files.write(tmp.resolve("first.txt"), TestData.prose(20_000, 1)));
        app = studio.app;
        handle = fx(() -> {
            // the drag source, as a file manager would be one: a label in the studio's sidebar whose drag carries
            // `dragged` as files (Monocle keeps a pressed mouse's events in the window it was pressed in, so a drag
            // from another window never reaches the studio)
            Label h = new Label("drag me");
            h.setId("drag-source");
            h.setOnDragDetected(e -> {
                Dragboard db = h.startDragAndDrop(TransferMode.COPY);
                ClipboardContent content = new ClipboardContent();
                if (dragged.isEmpty()) content.putString("just some text");
                else content.putFiles(dragged);
                db.setContent(content);
                e.consume();
            });
            ((javafx.scene.layout.Pane) app.stage().getScene().lookup("#sidebar")).getChildren().add(h);
            // what the scene delivers (Monocle's DRAG_DONE always reports copy-or-move, so the source cannot tell)
            app.stage().getScene().addEventFilter(DragEvent.DRAG_DROPPED, e -> drops++);
            return h;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void close() throws Exception {
        if (studio != null) studio.close();
    }

    /** Drags {@code files} (none: a text) from the sidebar and drops them on {@code target}'s centre. */
    private void dragOnto(List<File> files, Node target) {
        dragged = files;
        Point2D at = fx(() -> {
            var b = target.localToScreen(target.getBoundsInLocal());
            return new Point2D(b.getCenterX(), b.getCenterY());
        });
        robot.drag(handle, MouseButton.PRIMARY).dropTo(at);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void aFileAndThenAFolderDroppedOnTheWindowOpenAsTheDataset() throws Exception {
        Session session = app.session();
        fx(() -> {
            session.page.set(Page.TRAINING);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        Path file = Files.write(tmp.resolve("dropped.txt"), TestData.prose(12_000, 2));
        // on the Training page: the window's own handler (MainView) takes it and shows the Dataset page
        dragOnto(List.of(file.toFile()), fx(() -> app.stage().getScene().lookup("#lrCanvas")));
        studio.waitUntil("the dropped file is the dataset", () -> session.corpus.get() != null
                && session.corpus.get().name().equals("dropped.txt"));
        assertEquals(1, drops, "one drop delivered");
        assertEquals(Page.DATASET, fx(session.page::get));
        assertTrue(fx(session.message::get).startsWith("Opened dropped.txt ("), fx(session.message::get));

        // a folder, on the Dataset page's preview (the page's handler)
        Path folder = Files.createDirectories(tmp.resolve("essays"));
        Files.write(folder.resolve("one.txt"), TestData.prose(6_000, 3));
        Files.write(folder.resolve("two.md"), TestData.prose(6_000, 4));
        dragOnto(List.of(folder.toFile()), fx(() -> app.stage().getScene().lookup("#preview")));
        studio.waitUntil("the dropped folder is the dataset", () -> session.corpus.get().documents().size() == 2);
        assertEquals(2, drops);
        assertEquals(List.of("essays/one.txt", "essays/two.md"), fx(() -> session.corpus.get().documents().stream()
                .map(d -> d.name()).toList()));
        String name = fx(() -> session.corpus.get().name());
        assertTrue(fx(session.message::get).startsWith("Opened " + name + " ("), fx(session.message::get));

        // a drag without files (a piece of text) reaches the page and is refused: nothing opens, nothing is said
        var corpus = fx(session.corpus::get);
        String said = fx(session.message::get);
        dragOnto(List.of(), fx(() -> app.stage().getScene().lookup("#preview")));
        assertEquals(3, drops, "the drop was delivered");
        WaitForAsyncUtils.waitForFxEvents();
        assertSame(corpus, fx(session.corpus::get));
        assertEquals(said, fx(session.message::get));
        assertFalse(fx(() -> app.context().dataset.busy.get()), "nothing is being opened");
    }
}
