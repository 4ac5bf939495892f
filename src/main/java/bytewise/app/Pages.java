package bytewise.app;

import javafx.fxml.FXMLLoader;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;

import java.net.URL;
import java.util.EnumMap;
import java.util.Map;

/**
 * Loads the studio's pages.
 *
 * <p><b>Page convention.</b> Each {@link Page} is an FXML file under {@code /bytewise/app/} on the
 * class path whose root declares an {@code fx:controller}. That controller implements
 * {@link PageView}; right after {@code FXMLLoader.load()}, on the FX thread, the shell calls
 * {@code init(context)} exactly once with the one {@link AppContext}. Controllers keep their own
 * state in a view model and talk to other screens only through the context (for example
 * {@link Session#page} to switch page, {@link Session#inspectOffset}, {@link Session#model}). A page
 * whose FXML is missing or fails to load is replaced by a placeholder label; the studio still opens.
 */
public final class Pages {
    /** A loaded page: its root node and its controller (null for a placeholder). */
    public record Loaded(Page page, Node root, Object controller, String problem) {}

    private final AppContext context;
    private final Map<Page, Loaded> loaded = new EnumMap<>(Page.class);

    public Pages(AppContext context) {
        this.context = context;
    }

    /** Loads (once) and returns {@code page}. */
    public Loaded get(Page page) {
        return loaded.computeIfAbsent(page, p -> load(p, p.fxml));
    }

    /** Loads {@code page} from {@code fxml} (a missing or broken file gives a placeholder). */
    Loaded load(Page page, String fxml) {
        URL url = Pages.class.getResource("/bytewise/app/" + fxml);
        if (url == null) return placeholder(page, page.title + " is not available in this build.");
        try {
            FXMLLoader loader = new FXMLLoader(url);
            Parent root = loader.load();
            Object c = loader.getController();
            if (c instanceof PageView v) v.init(context);
            return new Loaded(page, root, c, null);
        } catch (Exception | LinkageError e) {
            Throwable t = e;
            while (t.getCause() != null) t = t.getCause();
            System.err.println("bytewise: cannot load page " + fxml + ": " + e);
            e.printStackTrace();
            return placeholder(page, page.title + " could not be loaded: " + t);
        }
    }

    private static Loaded placeholder(Page page, String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add("placeholder");
        StackPane p = new StackPane(l);
        StackPane.setAlignment(l, Pos.CENTER);
        p.getStyleClass().add("page");
        return new Loaded(page, p, null, text);
    }

    /** The controller of a page, if it is loaded and of that type. */
    public <T> T controller(Page page, Class<T> type) {
        Loaded l = get(page);
        return type.isInstance(l.controller()) ? type.cast(l.controller()) : null;
    }
}
