package bytewise.app;

import bytewise.io.Presets;
import bytewise.io.Workspace;
import javafx.application.Application;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/**
 * The studio application. Raw parameter 0, if given, is a text file to open; otherwise the shipped
 * sample opens. The {@code tiny} preset is selected, so a new user can press Train at once.
 */
public final class StudioApp extends Application {
    /** The window's minimum size. */
    public static final double MIN_WIDTH = 1240, MIN_HEIGHT = 720;
    private static volatile StudioApp last;

    private Session session;
    private AppContext context;
    private MainView main;
    private MainViewModel vm;
    private SessionMemory memory;
    private Stage stage;

    /** The most recently started instance (tests use it to reach the session). */
    public static StudioApp last() {
        return last;
    }

    public Session session() {
        return session;
    }

    /** What the pages share (built once in {@link #start}). */
    public AppContext context() {
        return context;
    }

    public MainView mainView() {
        return main;
    }

    public Stage stage() {
        return stage;
    }

    @Override
    public void start(Stage stage) throws Exception {
        TextLayoutGuard.install();
        this.stage = stage;
        session = new Session();
        context = new AppContext(session, new FxTaskExecutor());
        StudioPrefs prefs = StudioPrefs.load(Workspace.prefsFile());
        vm = new MainViewModel(session, prefs, Workspace.prefsFile());
        MainView.applyTheme(vm.theme.get());
        // bytewise.studio.preset / bytewise.studio.train: scripted starts (BENCHMARKS.md's
        // studio-versus-CLI measurement) and mvn javafx:run's first run (small); else tiny
        String presetName = System.getProperty("bytewise.studio.preset", "tiny");
        session.settings.set(Presets.named(presetName));

        FXMLLoader loader = new FXMLLoader(StudioApp.class.getResource("/bytewise/app/MainView.fxml"));
        Parent root = loader.load();
        main = loader.getController();
        main.setup(vm, context);

        Scene scene = new Scene(root, prefs.width, prefs.height);
        URL css = StudioApp.class.getResource("/bytewise/assets/studio.css");
        if (css != null) scene.getStylesheets().add(css.toExternalForm());
        stage.setScene(scene);
        stage.setWidth(prefs.width);
        stage.setHeight(prefs.height);
        stage.titleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> session.corpus.get() == null
                ? "Bytewise" : "Bytewise — " + session.corpus.get().name(), session.corpus));
        // the smallest window every page still fits in without clipping (checked at this size in the tests)
        stage.setMinWidth(MIN_WIDTH);
        stage.setMinHeight(MIN_HEIGHT);
        for (String name : List.of("bytewise-16.png", "bytewise-32.png", "bytewise.png", "bytewise-128.png", "bytewise-256.png")) {
            try (InputStream icon = StudioApp.class.getResourceAsStream("/bytewise/assets/icons/" + name)) {
                if (icon != null) stage.getIcons().add(new Image(icon));
            }
        }
        if (prefs.maximized) stage.setMaximized(true);
        stage.setOnCloseRequest(e -> {
            if (closeAfterSaving()) e.consume();
            else rememberWindow();
        });

        List<String> args = getParameters().getRaw();
        memory = new SessionMemory(context, prefs, vm::save);
        // a file named on the command line starts a fresh session on it; otherwise the last one reopens
        boolean restore = (args.isEmpty() || args.get(0).isBlank()) && memory.saved();
        boolean autoTrain = Boolean.getBoolean("bytewise.studio.train");
        // seconds between the Training page showing and the run starting, as a user's click would be
        double trainAfter = Double.parseDouble(System.getProperty("bytewise.studio.trainAfter", "0"));
        session.corpus.addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends bytewise.data.Corpus> o,
                                bytewise.data.Corpus a, bytewise.data.Corpus c) {
                session.corpus.removeListener(this); // the first dataset only
                if (restore && !autoTrain) return; // the user's own session: no first-start hint
                context.executor.runOnFx(0, () -> {
                    session.message.set(session.message.get() + " · the " + presetName
                            + " preset is selected: press Train (Ctrl+Enter) to start");
                    if (autoTrain) {
                        session.page.set(Page.TRAINING);
                        context.executor.runOnFx(trainAfter, context.training::train);
                    }
                });
            }
        });
        DatasetViewModel data = context.dataset;
        if (restore) memory.restore();
        else if (!args.isEmpty() && !args.get(0).isBlank()) data.open(Path.of(args.get(0)));
        else data.openSample();
        memory.watch();
        stage.show();
        last = this;
    }

    /**
     * Closing the window mid-run: the run stops at the next step, its recorder saves the checkpoint,
     * the window says so, and closes once it is saved. Returns whether the close waits for that.
     */
    private boolean closeAfterSaving() {
        TrainingViewModel t = context.training;
        if (!t.active().get()) return false;
        session.message.set(String.format(java.util.Locale.ROOT, "Closing: saving the run at step %,d first…",
                session.runStep.get()));
        t.stop();
        t.state().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends RunState> o, RunState a, RunState now) {
                if (now.active()) return;
                t.state().removeListener(this);
                // after the run's own "Stopped at step …", which this state change is part of
                context.executor.runOnFx(0, () -> {
                    Path folder = t.runFolder().get();
                    session.message.set(String.format(java.util.Locale.ROOT, "Saved the run at step %,d%s; closing",
                            session.runStep.get(), folder == null ? "" : " in " + folder));
                    System.err.println(session.message.get()); // the window is about to go: say it where a terminal sees it
                    context.executor.runOnFx(0.6, () -> {
                        rememberWindow();
                        stage.close();
                    });
                });
            }
        });
        return true;
    }

    private void rememberWindow() {
        if (memory != null) memory.capture();
        if (stage != null && vm != null) {
            vm.rememberWindow(stage.getWidth(), stage.getHeight(), stage.isMaximized());
            vm.save();
        }
    }

    @Override
    public void stop() {
        rememberWindow();
        if (context != null) context.shutdown();
    }
}
