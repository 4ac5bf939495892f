package bytewise.app;

/**
 * Works around a JavaFX race on Linux that crashes the JVM. JavaFX keeps one shared glyph layout
 * and hands it to whichever thread lays text out next; {@code PangoGlyphLayout.dispose()} gives it
 * back before freeing its runs. So text laid out on the FX thread (labels) while the render thread
 * draws canvas text (the charts, the attention map, the embedding map) can corrupt it: a
 * ConcurrentModificationException in the render thread, then SIGSEGV (seen in a full test run).
 * Holding the shared instance for the life of the application makes every later layout take a new
 * one of its own. Call before any text is shown.
 */
final class TextLayoutGuard {
    private static Object held;

    private TextLayoutGuard() {}

    static synchronized void install() {
        if (held != null) return;
        try {
            held = Class.forName("com.sun.javafx.text.GlyphLayout").getMethod("getInstance").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // JavaFX on the module path without com.sun.javafx.text exported: nothing to hold
            held = e;
            System.err.println("bytewise: could not apply the JavaFX text layout workaround: " + e);
        }
    }
}
