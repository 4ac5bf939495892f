package bytewise.app;

import javafx.application.Application;

/**
 * Plain main class (not an {@link Application}), so the studio starts from the class path without
 * JavaFX modules: {@code mvn javafx:run}, {@code bin/bytewise} with no arguments. Argument 0, if
 * given, is a text file to open; otherwise the shipped sample opens.
 */
public final class StudioLauncher {
    private StudioLauncher() {}

    public static void main(String[] args) {
        Application.launch(StudioApp.class, args);
    }
}
