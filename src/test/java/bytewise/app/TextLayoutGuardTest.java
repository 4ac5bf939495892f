package bytewise.app;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.junit.jupiter.api.Assertions.assertNotSame;

/** The crash workaround holds JavaFX's shared glyph layout, so no two text layouts ever share one. */
@ExtendWith(ApplicationExtension.class)
class TextLayoutGuardTest {
    @Start
    void start(Stage stage) {
        TextLayoutGuard.install();
        stage.setScene(new Scene(new Label("text laid out after the guard")));
        stage.show();
    }

    @Test
    void everyLayoutGetsAnInstanceOfItsOwn() throws Exception {
        Class<?> c = Class.forName("com.sun.javafx.text.GlyphLayout");
        java.lang.reflect.Field shared = c.getDeclaredField("reusableGL");
        shared.setAccessible(true);
        Object reusable = shared.get(null);
        var getInstance = c.getMethod("getInstance");
        Object a = getInstance.invoke(null), b = getInstance.invoke(null);
        // without the guard the first call hands out the shared instance (and its dispose frees it for the next)
        assertNotSame(reusable, a);
        assertNotSame(reusable, b);
        assertNotSame(a, b);
        c.getMethod("dispose").invoke(a);
        c.getMethod("dispose").invoke(b);
        assertNotSame(reusable, getInstance.invoke(null), "still held after others are disposed");
    }
}
