package bytewise.app;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** ScrollPanes around live content paint what changed, not their whole viewport through a bitmap cache. */
class LiveScrollTest {
    @BeforeAll
    static void toolkit() throws Exception {
        org.testfx.api.FxToolkit.registerPrimaryStage();
    }

    private static Node viewport(ScrollPane pane) {
        return pane.getChildrenUnmodifiable().stream().filter(n -> n.getStyleClass().contains("viewport"))
                .findFirst().orElseThrow(() -> new AssertionError("no viewport in " + pane.getChildrenUnmodifiable()));
    }

    @Test
    void theViewportIsNotCachedBeforeOrAfterTheSkinExists() {
        boolean[] cached = FxTesting.onFx(() -> {
            ScrollPane plain = new ScrollPane(new Label("plain")), early = new ScrollPane(new Label("early"));
            LiveScroll.forLiveContent(early); // before its skin exists: applied when the skin comes
            ScrollPane late = new ScrollPane(new Label("late"));
            Scene scene = new Scene(new HBox(plain, early, late), 400, 200);
            scene.getRoot().applyCss(); // creates the skins
            scene.getRoot().layout();
            LiveScroll.forLiveContent(late); // after
            return new boolean[]{viewport(plain).isCache(), viewport(early).isCache(), viewport(late).isCache()};
        });
        assertTrue(cached[0], "JavaFX caches a ScrollPane's viewport (what this works around)");
        assertFalse(cached[1], "uncached when the skin arrived after the call");
        assertFalse(cached[2], "uncached when the skin was there before the call");
    }

    @Test
    void invisibleFillsAreDroppedAndStayDroppedWhenCssAppliesAgain() {
        Object[] seen = FxTesting.onFx(() -> {
            ScrollPane pane = new ScrollPane(new Label("live"));
            pane.setStyle("-fx-background-color: transparent, red; -fx-background-insets: 0, 1;");
            LiveScroll.forLiveContent(pane);
            Scene scene = new Scene(new HBox(pane), 400, 200);
            scene.getStylesheets().add("data:text/css,.scroll-pane > .viewport { -fx-background-color: rgba(0,0,0,0); }");
            scene.getRoot().applyCss();
            Region viewport = (Region) viewport(pane);
            Object first = fills(pane) + " / " + fills(viewport);
            pane.setStyle("-fx-background-color: transparent, blue; -fx-background-insets: 0, 2;"); // CSS sets a new background
            scene.getRoot().applyCss();
            return new Object[]{first, fills(pane) + " / " + fills(viewport)};
        });
        assertEquals("[0xff0000ff] / []", seen[0], "only the visible fill is left, on the pane; none on the viewport");
        assertEquals("[0x0000ffff] / []", seen[1], "and again after CSS set a new background");
    }

    private static String fills(Region r) {
        return r.getBackground() == null ? "[]" : r.getBackground().getFills().stream().map(f -> String.valueOf(f.getFill())).toList().toString();
    }
}
