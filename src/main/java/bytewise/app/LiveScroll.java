package bytewise.app;

import javafx.scene.Node;
import javafx.scene.control.ScrollPane;

/**
 * ScrollPanes around content that changes while training runs.
 *
 * <p>{@code ScrollPaneSkin} caches its viewport as a bitmap ({@code viewRect.setCache(true)}), which
 * pays off when the content only scrolls. Content that changes every half second (the training
 * figures, streamed text, inspector bars) invalidates that cache each time, so the renderer paints
 * the whole viewport into the cache and then the cache onto the screen: a full repaint of the panel
 * for one changed label. With the software pipeline on 2 cores that CPU comes out of training
 * (BENCHMARKS.md, "Painting less").
 */
final class LiveScroll {
    private LiveScroll() {}

    /** Turns the viewport cache off now, or as soon as the skin exists (and again if it is replaced). */
    static void uncache(ScrollPane pane) {
        uncacheViewport(pane);
        pane.skinProperty().addListener((o, a, b) -> uncacheViewport(pane));
    }

    private static void uncacheViewport(ScrollPane pane) {
        for (Node n : pane.getChildrenUnmodifiable())
            if (n.getStyleClass().contains("viewport")) n.setCache(false);
    }
}
