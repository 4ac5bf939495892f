package bytewise.app;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Shell state, usable without the FX toolkit: the theme, the recent files (persisted through
 * {@link StudioPrefs}) and the status-bar texts derived from the session.
 */
public final class MainViewModel {
    public static final String LIGHT = "light", DARK = "dark";

    private final Session session;
    private final StudioPrefs prefs;
    private final Path prefsFile;
    public final StringProperty theme = new SimpleStringProperty(this, "theme", LIGHT);
    public final ObservableList<String> recentFiles = FXCollections.observableArrayList();
    /** "Running", "Paused", … */
    public final StringBinding runStateText;
    /** "step 120 / 200" or "". */
    public final StringBinding stepText;
    /** "5,300 tok/s" or "". */
    public final StringBinding speedText;
    /** "ETA 1 min 02 s" or "". */
    public final StringBinding etaText;

    public MainViewModel(Session session, StudioPrefs prefs, Path prefsFile) {
        this.session = session;
        this.prefs = prefs;
        this.prefsFile = prefsFile;
        theme.set(DARK.equals(prefs.theme) ? DARK : LIGHT);
        recentFiles.setAll(prefs.recentFiles);
        theme.addListener((o, a, t) -> {
            prefs.theme = t;
            save();
        });
        runStateText = Bindings.createStringBinding(() -> session.runState.get().label, session.runState);
        stepText = Bindings.createStringBinding(() -> session.runTotalSteps.get() <= 0 ? "step —"
                : String.format(Locale.ROOT, "step %,d / %,d", session.runStep.get(), session.runTotalSteps.get()),
                session.runStep, session.runTotalSteps);
        // paused: no speed and no time left to speak of (the figures from before the pause would mislead)
        speedText = Bindings.createStringBinding(() -> session.runState.get() == RunState.PAUSED ? "paused"
                : Double.isFinite(session.tokensPerSecond.get())
                ? String.format(Locale.ROOT, "%,.0f tok/s", session.tokensPerSecond.get()) : "— tok/s",
                session.tokensPerSecond, session.runState);
        etaText = Bindings.createStringBinding(() -> session.runState.get() == RunState.PAUSED ? "ETA paused"
                : Double.isFinite(session.etaSeconds.get())
                ? "ETA " + Format.duration(session.etaSeconds.get()) : "ETA —", session.etaSeconds, session.runState);
    }

    public Session session() {
        return session;
    }

    public StudioPrefs prefs() {
        return prefs;
    }

    public void addRecent(Path p) {
        prefs.addRecent(p);
        recentFiles.setAll(prefs.recentFiles);
        save();
    }

    public void clearRecent() {
        prefs.recentFiles.clear();
        recentFiles.clear();
        save();
    }

    public void rememberWindow(double w, double h, boolean maximized) {
        if (!maximized && w >= 400 && h >= 300) {
            prefs.width = w;
            prefs.height = h;
        }
        prefs.maximized = maximized;
    }

    /** Writes the prefs file (atomically); problems go to the status line. */
    public void save() {
        String err = prefs.save(prefsFile);
        if (err != null) session.message.set(err);
    }
}
