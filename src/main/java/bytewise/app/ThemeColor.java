package bytewise.app;

import javafx.scene.control.Label;
import javafx.scene.paint.Color;

/**
 * A theme colour read from CSS, for drawing on a canvas: a hidden label styled with a class whose
 * text fill is the colour, so the loss chart and the canvas panes follow the light and dark themes
 * (listen to {@link #textFillProperty} to redraw when the theme changes).
 */
final class ThemeColor extends Label {
    private final Color fallback;

    /** {@code fallback}: the colour until the stylesheet has been applied. */
    ThemeColor(String styleClass, Color fallback) {
        this.fallback = fallback;
        getStyleClass().add(styleClass);
        setManaged(false);
        setOpacity(0);
        setMouseTransparent(true);
    }

    Color get() {
        return getTextFill() instanceof Color c ? c : fallback;
    }
}
