package bytewise.app;

import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.fxml.FXMLLoader;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** What the JavaFX tests share: running on the FX thread, looking nodes up there, showing one page. */
final class FxTesting {
    private FxTesting() {}

    /** Runs {@code c} on the FX thread and returns its result; a failure or a 20 s wait fails the test. */
    static <T> T onFx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Looks a node up on the FX thread (walking the scene graph from the test thread can race its updates). */
    static <T extends Node> T find(FxRobot robot, String query, Class<T> type) {
        return onFx(() -> robot.lookup(query).queryAs(type));
    }

    /** A page loaded from its FXML and initialised with a context, in a window of its own. */
    record ShownPage<V>(V view, Scene scene, Stage window) {}

    /**
     * Loads {@code fxml} (under /bytewise/app/), calls {@code init(context)} on its controller and
     * shows it in a new 1280 × 800 stage with the light theme and the studio's stylesheet (a stage of
     * its own: the primary stage is shared, and a test may resize this one). Call on the FX thread.
     */
    static <V extends PageView> ShownPage<V> show(String fxml, AppContext context) throws IOException {
        TextLayoutGuard.install();
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        FXMLLoader loader = new FXMLLoader(FxTesting.class.getResource("/bytewise/app/" + fxml));
        Parent root = loader.load();
        V view = loader.getController();
        view.init(context);
        Scene scene = new Scene(root, 1280, 800);
        var css = FxTesting.class.getResource("/bytewise/assets/studio.css"); // the studio's own stylesheet, if built
        if (css != null) scene.getStylesheets().add(css.toExternalForm());
        Stage window = new Stage();
        window.setScene(scene);
        window.show();
        return new ShownPage<>(view, scene, window);
    }
}
