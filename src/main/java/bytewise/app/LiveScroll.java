package bytewise.app;

import javafx.scene.Node;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;

import java.util.List;

/**
 * ScrollPanes around content that changes while training runs.
 *
 * <p>{@code ScrollPaneSkin} caches its viewport as a bitmap ({@code viewRect.setCache(true)}), which
 * pays off when the content only scrolls. Content that changes every half second (the training
 * figures, streamed text, inspector bars) invalidates that cache each time, so the renderer paints
 * the whole viewport into the cache and then the cache onto the screen: a full repaint of the panel
 * for one changed label. With the software pipeline on 2 cores that CPU comes out of training
 * (BENCHMARKS.md, "Painting less").
 *
 * <p>The theme gives the pane and its viewport transparent fills, and the software pipeline
 * rasterises a fill even when it is fully transparent: over the Playground's output those two fills
 * took about 40% of the renderer's time for a frame that scrolls the text (BENCHMARKS.md,
 * "Playground: transparent fills"). They are dropped (what they drew was nothing; the content still takes the mouse wheel).
 */
final class LiveScroll {
    private LiveScroll() {}

    /**
     * Turns the viewport cache off and drops the invisible fills, now or as soon as the skin exists
     * (and again if it is replaced).
     */
    static void forLiveContent(ScrollPane pane) {
        dropTransparentFills(pane);
        prepareViewport(pane);
        pane.skinProperty().addListener((o, a, b) -> prepareViewport(pane));
    }

    private static void prepareViewport(ScrollPane pane) {
        for (Node n : pane.getChildrenUnmodifiable())
            if (n.getStyleClass().contains("viewport")) {
                n.setCache(false);
                if (n instanceof Region viewport) dropTransparentFills(viewport);
            }
    }

    /** Keeps a region's background free of fully transparent fills, whatever CSS sets later. */
    private static void dropTransparentFills(Region region) {
        visibleFillsOnly(region);
        region.backgroundProperty().addListener((o, was, now) -> visibleFillsOnly(region));
    }

    private static void visibleFillsOnly(Region region) {
        Background bg = region.getBackground();
        if (bg == null || bg.getFills().stream().noneMatch(LiveScroll::invisible)) return;
        List<BackgroundFill> visible = bg.getFills().stream().filter(f -> !invisible(f)).toList();
        region.setBackground(visible.isEmpty() && bg.getImages().isEmpty() ? null : new Background(visible, bg.getImages()));
    }

    private static boolean invisible(BackgroundFill fill) {
        return fill.getFill() instanceof Color c && c.getOpacity() == 0;
    }
}
