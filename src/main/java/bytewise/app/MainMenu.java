package bytewise.app;

import bytewise.io.Workspace;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioButton;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The studio's menus and shortcuts: File (open, save, past runs, recent files, export, quit), Run,
 * View and Help, with the file choosers and dialogs behind them. Its own class because the menus'
 * actions are most of the shell's code, apart from navigation, pages and the status bar
 * ({@link MainView}).
 */
final class MainMenu {
    /** Keyboard shortcuts: key, what it does. */
    static final String[][] SHORTCUTS = {
            {"Ctrl+O", "Open a text file"},
            {"Ctrl+Shift+O", "Open a checkpoint"},
            {"Ctrl+S", "Save checkpoint"},
            {"Ctrl+E", "Export metrics CSV"},
            {"Ctrl+Enter, F5", "Train (on the Playground, Ctrl+Enter generates)"},
            {"Ctrl+P / Ctrl+R", "Pause / resume the run"},
            {"Shift+F5", "Stop the run"},
            {"Ctrl+1 … Ctrl+5", "Dataset, Hyperparameters, Training, Inspector, Playground"},
            {"Ctrl+T", "Toggle light / dark theme"},
            {"F1", "This list"},
            {"Ctrl+Q", "Quit"},
            {"Chart", "Drag to zoom, double-click to reset, hover for exact values"},
            {"Dataset preview", "Click a byte to pick it for the Inspector; drop files or a folder to open them"}};

    private final BorderPane root;
    private final Session session;
    private final AppContext context;
    private final MainViewModel vm;
    private final Pages pages;
    private final TrainingViewModel training;
    private final Runnable showRuns;
    private Menu recentMenu;

    /** {@code root}: the shell (its window owns the dialogs); {@code showRuns}: File ▸ Past runs. */
    MainMenu(BorderPane root, AppContext context, MainViewModel vm, Pages pages, Runnable showRuns) {
        this.root = root;
        this.context = context;
        this.session = context.session;
        this.vm = vm;
        this.pages = pages;
        this.training = context.training;
        this.showRuns = showRuns;
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    private MenuItem item(String text, KeyCombination key, Runnable action) {
        MenuItem m = new MenuItem(text);
        if (key != null) m.setAccelerator(key);
        m.setOnAction(e -> action.run());
        return m;
    }

    private static KeyCombination shortcut(KeyCode code, KeyCombination.Modifier... more) {
        KeyCombination.Modifier[] mods = new KeyCombination.Modifier[more.length + 1];
        mods[0] = KeyCombination.SHORTCUT_DOWN;
        System.arraycopy(more, 0, mods, 1, more.length);
        return new KeyCodeCombination(code, mods);
    }

    /** Fills the menu bar's four menus (from MainView.fxml) and installs the shortcuts that are no menu item's. */
    void build(Menu fileMenu, Menu runMenu, Menu viewMenu, Menu helpMenu) {
        recentMenu = new Menu("Recent files");
        vm.recentFiles.addListener((ListChangeListener<String>) c -> rebuildRecent());
        rebuildRecent();
        fileMenu.getItems().setAll(
                item("Open text…", shortcut(KeyCode.O), this::openText),
                item("Open folder…", null, this::openFolder),
                item("Open shipped sample", null, context.dataset::openSample),
                item("Open checkpoint…", shortcut(KeyCode.O, KeyCombination.SHIFT_DOWN), this::openCheckpoint),
                item("Save checkpoint…", shortcut(KeyCode.S), this::saveCheckpoint),
                item("Past runs…", shortcut(KeyCode.R, KeyCombination.SHIFT_DOWN), showRuns),
                recentMenu,
                new SeparatorMenuItem(),
                exportMenu(),
                new SeparatorMenuItem(),
                item("Quit", shortcut(KeyCode.Q), this::quit));
        MenuItem train = item("Train", null, training::train);
        // Ctrl+Enter trains everywhere except on the Playground, where it generates (F5 always trains)
        KeyCombination ctrlEnter = shortcut(KeyCode.ENTER);
        train.acceleratorProperty().bind(Bindings.createObjectBinding(
                () -> session.page.get() == Page.PLAYGROUND ? null : ctrlEnter, session.page));
        train.disableProperty().bind(training.canTrain().not());
        MenuItem pause = item("Pause", shortcut(KeyCode.P), training::pause);
        pause.disableProperty().bind(training.canPause().not());
        MenuItem resume = item("Resume", shortcut(KeyCode.R), training::resume);
        resume.disableProperty().bind(training.canResume().not());
        MenuItem stop = item("Stop", new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), training::stop);
        stop.disableProperty().bind(training.canStop().not());
        MenuItem why = new MenuItem();
        why.textProperty().bind(session.trainBlockedReason.map(r -> r.isEmpty() ? "Ready to train" : "Cannot train: " + r));
        why.setDisable(true);
        MenuItem more = item("Train more steps…", shortcut(KeyCode.M, KeyCombination.SHIFT_DOWN), this::trainMore);
        more.disableProperty().bind(training.resumePoint.isNull().or(training.active()));
        javafx.scene.control.CheckMenuItem fineTune = new javafx.scene.control.CheckMenuItem("Fine-tune on this file");
        fineTune.selectedProperty().bindBidirectional(training.dataGuard.fineTuneOnLoadedData);
        fineTune.disableProperty().bind(training.dataGuard.continuedRun().isNull());
        MenuItem locate = item("Locate the run's data…", null, this::locateRunData);
        locate.disableProperty().bind(training.dataGuard.continuedRun().isNull());
        runMenu.getItems().setAll(train, pause, resume, stop, new SeparatorMenuItem(), more, fineTune, locate,
                new SeparatorMenuItem(), why);

        ToggleGroup themes = new ToggleGroup();
        RadioMenuItem light = new RadioMenuItem("Light theme");
        RadioMenuItem dark = new RadioMenuItem("Dark theme");
        light.setToggleGroup(themes);
        dark.setToggleGroup(themes);
        light.setSelected(!MainViewModel.DARK.equals(vm.theme.get()));
        dark.setSelected(MainViewModel.DARK.equals(vm.theme.get()));
        light.setOnAction(e -> vm.theme.set(MainViewModel.LIGHT));
        dark.setOnAction(e -> vm.theme.set(MainViewModel.DARK));
        vm.theme.addListener((o, a, t) -> {
            light.setSelected(!MainViewModel.DARK.equals(t));
            dark.setSelected(MainViewModel.DARK.equals(t));
        });
        MenuItem toggle = item("Toggle theme", shortcut(KeyCode.T),
                () -> vm.theme.set(MainViewModel.DARK.equals(vm.theme.get()) ? MainViewModel.LIGHT : MainViewModel.DARK));
        viewMenu.getItems().setAll(light, dark, toggle, new SeparatorMenuItem());
        KeyCode[] digits = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5};
        for (Page p : Page.values()) {
            viewMenu.getItems().add(item(p.title, shortcut(digits[p.ordinal()]), () -> session.page.set(p)));
        }
        helpMenu.getItems().setAll(
                item("Keyboard shortcuts", new KeyCodeCombination(KeyCode.F1), this::showShortcuts),
                item("About Bytewise", null, this::showAbout));

        root.sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) installSceneShortcuts(scene);
        });
        if (root.getScene() != null) installSceneShortcuts(root.getScene());
    }

    private void installSceneShortcuts(Scene scene) {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), training::train);
    }

    private void rebuildRecent() {
        recentMenu.getItems().clear();
        for (String s : vm.recentFiles) {
            MenuItem m = new MenuItem(s);
            m.setMnemonicParsing(false);
            m.setOnAction(e -> context.dataset.open(Path.of(s)));
            recentMenu.getItems().add(m);
        }
        if (vm.recentFiles.isEmpty()) {
            MenuItem none = new MenuItem("(none)");
            none.setDisable(true);
            recentMenu.getItems().add(none);
        } else {
            recentMenu.getItems().addAll(new SeparatorMenuItem(), item("Clear recent files", null, vm::clearRecent));
        }
    }


    private void openText() {
        DatasetView dv = pages.controller(Page.DATASET, DatasetView.class);
        if (dv == null) session.message.set("The Dataset page could not be loaded");
        else dv.openDialog();
    }

    /** Every format the command line's --load reads; the file's first bytes decide, not its name. */
    static final FileChooser.ExtensionFilter[] MODEL_FILTERS = {
            new FileChooser.ExtensionFilter("All model files", "*.json", "*.bin", "*.safetensors", "*.gguf"),
            new FileChooser.ExtensionFilter("Bytewise checkpoint (NAME.json + NAME.bin)", "*.json", "*.bin"),
            new FileChooser.ExtensionFilter("llm.c checkpoint", "*.bin"),
            new FileChooser.ExtensionFilter("safetensors (Hugging Face GPT-2)", "*.safetensors"),
            new FileChooser.ExtensionFilter("GGUF (llama.cpp)", "*.gguf"),
            new FileChooser.ExtensionFilter("Any file", "*")};

    private void openFolder() {
        DatasetView dv = pages.controller(Page.DATASET, DatasetView.class);
        if (dv == null) session.message.set("The Dataset page could not be loaded");
        else dv.openFolderDialog();
    }

    private void openCheckpoint() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open checkpoint or model (Bytewise, llm.c, safetensors, GGUF)");
        fc.getExtensionFilters().addAll(MODEL_FILTERS);
        File f = fc.showOpenDialog(window());
        if (f != null) training.checkpoints.open(f.toPath());
    }

    /** File ▸ Export: the run's metrics and chart, and the model in every format the command line writes. */
    private Menu exportMenu() {
        Menu m = new Menu("Export");
        m.setId("menu-export");
        m.getItems().addAll(
                item("Metrics CSV…", shortcut(KeyCode.E), this::exportCsv),
                item("Chart PNG…", null, this::exportPng),
                new SeparatorMenuItem());
        for (ModelExport.Kind k : ModelExport.Kind.values()) {
            MenuItem it = item("Model as " + k.title + "…", null, () -> exportModel(k));
            it.setId("export-" + k.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            it.disableProperty().bind(session.model.isNull());
            m.getItems().add(it);
        }
        return m;
    }

    private void exportModel(ModelExport.Kind kind) {
        ModelExport ex = training.exports;
        File target;
        if (kind.folder) {
            javafx.stage.DirectoryChooser dc = new javafx.stage.DirectoryChooser();
            dc.setTitle("Export " + kind.title + ": choose or create an empty folder");
            target = dc.showDialog(window());
        } else {
            FileChooser fc = new FileChooser();
            fc.setTitle("Export " + kind.title);
            fc.setInitialFileName(ex.suggestedName(kind));
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind.title, "*." + kind.extension));
            target = fc.showSaveDialog(window());
        }
        if (target != null) ex.export(kind, target.toPath(), null);
    }


    /**
     * Run ▸ Train more steps: extends the model's run by a number of steps the user gives, either continuing
     * the decay over the new total or restarting the schedule (a new warmup and decay over the new steps).
     */
    private void trainMore() {
        var rp = training.resumePoint.get();
        if (rp == null) {
            session.message.set("Nothing to extend: train a model or open a run first");
            return;
        }
        Dialog<ButtonType> d = new Dialog<>();
        d.initOwner(window());
        d.setTitle("Train more steps");
        d.setHeaderText(String.format(Locale.ROOT, "The model is at step %,d. Train how many more steps? The run and its"
                + " curve go on.", rp.state().step()));
        TextField steps = new TextField(String.valueOf(
                Math.max(100, session.settings.get() == null ? 100 : session.settings.get().training().steps())));
        steps.setId("train-more-steps");
        ToggleGroup schedule = new ToggleGroup();
        RadioButton extend = new RadioButton(
                "Continue the decay over the new total");
        extend.setId("train-more-extend");
        extend.setTooltip(new Tooltip("The cosine schedule is stretched to the new last step"));
        RadioButton restart = new RadioButton(
                "Restart: warm up and decay again over the new steps");
        restart.setId("train-more-restart");
        restart.setTooltip(new Tooltip(String.format(Locale.ROOT,
                "The schedule starts again at step %,d: warmup to the peak rate, then a cosine to the minimum",
                rp.state().step())));
        extend.setToggleGroup(schedule);
        restart.setToggleGroup(schedule);
        extend.setSelected(true); // what Train more steps did before there was a choice
        VBox content = new VBox(8, new Label("More steps:"), steps,
                new Label("Learning-rate schedule:"), extend, restart);
        d.getDialogPane().setContent(content);
        d.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        Platform.runLater(steps::requestFocus);
        d.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> {
            String text = steps.getText();
            try {
                training.trainMoreSteps(Integer.parseInt(text.strip().replace(",", "").replace("_", "")),
                        restart.isSelected());
                session.page.set(Page.TRAINING);
            } catch (NumberFormatException e) {
                session.message.set("Train more steps: '" + text + "' is not a whole number of steps");
            }
        });
    }

    /** Run ▸ Locate the run's data: a file chooser, then the SHA-256 check. */
    private void locateRunData() {
        if (training.dataGuard.continuedRun().get() == null) {
            session.message.set("No run is open: open one with File ▸ Past runs first");
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Locate the data file this run was trained on");
        File f = fc.showOpenDialog(window());
        if (f != null) context.pastRuns.locateData(f.toPath());
    }


    // File menu items that are the Training page's own dialogs
    private void saveCheckpoint() {
        withTrainingView(TrainingView::saveCheckpointDialog);
    }

    private void exportCsv() {
        withTrainingView(v -> v.chartPanel().exportCsvDialog());
    }

    private void exportPng() {
        session.page.set(Page.TRAINING); // the chart is exported as shown, so show it
        context.executor.runOnFx(0, () -> withTrainingView(v -> v.chartPanel().exportPngDialog()));
    }

    private void withTrainingView(java.util.function.Consumer<TrainingView> action) {
        TrainingView tv = pages.controller(Page.TRAINING, TrainingView.class);
        if (tv == null) session.message.set("The Training page could not be loaded");
        else action.accept(tv);
    }

    private void quit() {
        Window w = window();
        if (w != null) w.fireEvent(new javafx.stage.WindowEvent(w, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST));
        // mid-run the close handler saves the run first and closes the window itself
        if (w != null && w.isShowing() && !training.active().get()) ((javafx.stage.Stage) w).close();
    }


    private void showShortcuts() {
        Alert a = new Alert(Alert.AlertType.INFORMATION, "", ButtonType.CLOSE);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts");
        javafx.scene.layout.GridPane t = new javafx.scene.layout.GridPane();
        t.setHgap(18);
        t.setVgap(6);
        t.setPadding(new javafx.geometry.Insets(8, 14, 8, 14));
        for (int i = 0; i < SHORTCUTS.length; i++) {
            Label k = new Label(SHORTCUTS[i][0]);
            k.getStyleClass().add("field-value");
            Label d = new Label(SHORTCUTS[i][1]);
            t.addRow(i, k, d);
        }
        a.getDialogPane().setContent(t);
        a.initOwner(window());
        a.show();
    }

    private void showAbout() {
        Alert a = new Alert(Alert.AlertType.INFORMATION, "", ButtonType.CLOSE);
        a.setTitle("About Bytewise");
        a.setHeaderText("Bytewise studio");
        a.setContentText("Train small byte-level GPT models on your own text, watch them learn, inspect their"
                + " predictions and play with them.\n\nJava " + System.getProperty("java.version") + ", JavaFX "
                + System.getProperty("javafx.runtime.version") + "\nWorkspace: " + Workspace.root()
                + (Files.exists(Workspace.root()) ? "" : " (not created yet)"));
        a.initOwner(window());
        a.show();
    }
}
