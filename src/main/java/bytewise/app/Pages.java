package bytewise.app;

import javafx.fxml.FXMLLoader;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;

import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the studio's pages.
 *
 * <p><b>Page convention.</b> Each page is an FXML file under {@code /bytewise/app/} on the class path
 * ({@code DatasetView.fxml}, {@code HyperparametersView.fxml}, {@code TrainingView.fxml},
 * {@code InspectorView.fxml}, {@code PlaygroundView.fxml}) whose root declares an
 * {@code fx:controller}. That controller implements {@link SessionAware}; right after
 * {@code FXMLLoader.load()}, on the FX thread, the shell calls {@code init(session)} exactly once
 * with the one shared {@link Session}. Controllers keep their own state in a view model and talk to
 * other screens only through the Session's properties (for example {@link Session#page} to switch
 * page, {@link Session#inspectOffset}, {@link Session#model}). A page whose FXML is missing or
 * fails to load is replaced by a placeholder label; the studio still opens.
 */
public final class Pages {
    /** One page: id (as in {@link Session#page}), sidebar title and FXML file name. */
    public record Page(String id, String title, String fxml) {}

    public static final List<Page> ALL = List.of(
            new Page("dataset", "Dataset", "DatasetView.fxml"),
            new Page("hyperparameters", "Hyperparameters", "HyperparametersView.fxml"),
            new Page("training", "Training", "TrainingView.fxml"),
            new Page("inspector", "Inspector", "InspectorView.fxml"),
            new Page("playground", "Playground", "PlaygroundView.fxml"));

    /** A loaded page: its root node and its controller (null for a placeholder). */
    public record Loaded(Page page, Node root, Object controller, String problem) {}

    private final Session session;
    private final Map<String, Loaded> loaded = new LinkedHashMap<>();

    public Pages(Session session) {
        this.session = session;
    }

    /** Loads (once) and returns the page with this id. */
    public Loaded get(String id) {
        Loaded l = loaded.get(id);
        if (l != null) return l;
        Page page = ALL.stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no page " + id));
        l = load(page);
        loaded.put(id, l);
        return l;
    }

    Loaded load(Page page) {
        URL url = Pages.class.getResource("/bytewise/app/" + page.fxml());
        if (url == null) return placeholder(page, page.title() + " is not available in this build.");
        try {
            FXMLLoader loader = new FXMLLoader(url);
            Parent root = loader.load();
            Object c = loader.getController();
            if (c instanceof SessionAware s) s.init(session);
            return new Loaded(page, root, c, null);
        } catch (Exception | LinkageError e) {
            Throwable t = e;
            while (t.getCause() != null) t = t.getCause();
            System.err.println("bytewise: cannot load page " + page.fxml() + ": " + e);
            e.printStackTrace();
            return placeholder(page, page.title() + " could not be loaded: " + t);
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
    public <T> T controller(String id, Class<T> type) {
        Loaded l = get(id);
        return type.isInstance(l.controller()) ? type.cast(l.controller()) : null;
    }
}
