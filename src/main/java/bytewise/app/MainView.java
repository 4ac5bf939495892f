package bytewise.app;

import bytewise.io.Workspace;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The shell: menus, shortcuts, sidebar navigation, page area and status bar (thin; state in {@link MainViewModel}). */
public final class MainView {
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


    @FXML private BorderPane root;
    @FXML private Menu fileMenu, runMenu, viewMenu, helpMenu;
    @FXML private VBox navBox;
    @FXML private Label modelLabel, dataLabel;
    @FXML private StackPane content;
    @FXML private StatusBar statusBar;

    private Session session;
    private AppContext context;
    private MainViewModel vm;
    private Pages pages;
    private TrainingViewModel training;
    private final Map<Page, ToggleButton> nav = new EnumMap<>(Page.class);
    private final ToggleGroup navGroup = new ToggleGroup();
    private Menu recentMenu;

    public void setup(MainViewModel vm, AppContext context) {
        this.vm = vm;
        this.context = context;
        this.session = context.session;
        this.pages = new Pages(context);
        this.training = context.training;
        context.dataset.setOnOpened(vm::addRecent);
        training.autosaveEvery.set(Math.max(0, vm.prefs().autosaveEvery));
        training.autosaveEvery.addListener((o, a, b) -> vm.prefs().autosaveEvery = b.intValue());

        content.setMinSize(0, 0);
        javafx.scene.shape.Rectangle clip = new javafx.scene.shape.Rectangle();
        clip.widthProperty().bind(content.widthProperty());
        clip.heightProperty().bind(content.heightProperty());
        content.setClip(clip);
        buildNav();
        buildMenus();
        buildStatusBar();
        // while a run goes, the step is the run's (as in the header and status bar), not the last published weights'
        modelLabel.textProperty().bind(Bindings.createStringBinding(() -> session.model.get() == null ? "No model yet"
                : String.format(Locale.ROOT, "Model: %,d params, step %,d",
                session.model.get().config().parameterCount(),
                session.runState.get().active() ? session.runStep.get() : session.modelStep.get()),
                session.model, session.modelStep, session.runStep, session.runState));
        dataLabel.textProperty().bind(Bindings.createStringBinding(() -> session.corpus.get() == null ? "No dataset"
                : "Data: " + session.corpus.get().name(), session.corpus));
        session.page.addListener((o, a, p) -> show(p));
        // files or folders dropped anywhere on the window open as the dataset
        root.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) e.acceptTransferModes(javafx.scene.input.TransferMode.COPY);
        });
        root.setOnDragDropped(e -> {
            var files = e.getDragboard().getFiles();
            e.setDropCompleted(context.dataset.drop(files == null ? java.util.List.of()
                    : files.stream().map(File::toPath).toList()));
            e.consume();
        });
        offerInterruptedRuns();
        // load every page now, so menus and shortcuts work before a page was visited
        for (Page p : Page.values()) pages.get(p);
        show(session.page.get());
        vm.theme.addListener((o, a, t) -> applyTheme(t));
        applyTheme(vm.theme.get());
    }

    public Pages pages() {
        return pages;
    }

    public MainViewModel viewModel() {
        return vm;
    }

    private void buildNav() {
        int i = 1;
        for (Page p : Page.values()) {
            ToggleButton b = new ToggleButton(p.title);
            b.setId("nav-" + p.id());
            b.setToggleGroup(navGroup);
            b.setMaxWidth(Double.MAX_VALUE);
            b.getStyleClass().add("nav-button");
            b.setTooltip(new javafx.scene.control.Tooltip(p.title + " (Ctrl+" + i++ + ")"));
            b.setOnAction(e -> {
                session.page.set(p);
                b.setSelected(true);
            });
            nav.put(p, b);
            navBox.getChildren().add(b);
        }
    }

    private void show(Page page) {
        Pages.Loaded l = pages.get(page == null ? Page.DATASET : page);
        content.getChildren().setAll(l.root());
        ToggleButton b = nav.get(l.page());
        if (b != null) b.setSelected(true);
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

    private void buildMenus() {
        recentMenu = new Menu("Recent files");
        vm.recentFiles.addListener((ListChangeListener<String>) c -> rebuildRecent());
        rebuildRecent();
        fileMenu.getItems().setAll(
                item("Open text…", shortcut(KeyCode.O), this::openText),
                item("Open folder…", null, this::openFolder),
                item("Open shipped sample", null, context.dataset::openSample),
                item("Open checkpoint…", shortcut(KeyCode.O, KeyCombination.SHIFT_DOWN), this::openCheckpoint),
                item("Save checkpoint…", shortcut(KeyCode.S), this::saveCheckpoint),
                item("Past runs…", shortcut(KeyCode.R, KeyCombination.SHIFT_DOWN), () -> showRuns()),
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

    private void buildStatusBar() {
        statusBar.textProperty().bind(session.message);
        Label state = statusLabel("status-state");
        state.textProperty().bind(vm.runStateText);
        Label step = statusLabel("status-step");
        step.textProperty().bind(vm.stepText);
        Label speed = statusLabel("status-speed");
        speed.textProperty().bind(vm.speedText);
        Label eta = statusLabel("status-eta");
        eta.textProperty().bind(vm.etaText);
        statusBar.getRightItems().setAll(state, sep(), step, sep(), speed, sep(), eta);
        statusBar.progressProperty().bind(Bindings.when(training.active()).then(training.figures.progress())
                .otherwise(Bindings.when(training.exports.busy()).then(training.exports.progress()).otherwise(0.0)));
    }

    private static Label statusLabel(String id) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("status-item");
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    private static Node sep() {
        javafx.scene.control.Separator s = new javafx.scene.control.Separator(javafx.geometry.Orientation.VERTICAL);
        s.setPadding(new javafx.geometry.Insets(2, 4, 2, 4));
        return s;
    }

    static void applyTheme(String theme) {
        Application.setUserAgentStylesheet(MainViewModel.DARK.equals(theme)
                ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
    }

    // ------------------------------------------------------------------ actions

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
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

    /** Lists the runs in the workspace: open, resume, rename, delete, compare (see {@link PastRunsDialog}). */
    PastRunsDialog showRuns() {
        PastRunsDialog d = new PastRunsDialog(context.pastRuns, session, window(), root.getScene());
        d.show();
        return d;
    }

    /** Run ▸ Train more steps: extends the model's run by a number of steps the user gives. */
    private void trainMore() {
        var rp = training.resumePoint.get();
        if (rp == null) {
            session.message.set("Nothing to extend: train a model or open a run first");
            return;
        }
        javafx.scene.control.TextInputDialog d = new javafx.scene.control.TextInputDialog(String.valueOf(
                Math.max(100, session.settings.get() == null ? 100 : session.settings.get().training().steps())));
        d.initOwner(window());
        d.setTitle("Train more steps");
        d.setHeaderText(String.format(Locale.ROOT, "The model is at step %,d. Train how many more steps? The run and its"
                + " curve go on; the cosine schedule is stretched to the new last step.", rp.state().step()));
        d.showAndWait().ifPresent(text -> {
            try {
                training.trainMoreSteps(Integer.parseInt(text.strip().replace(",", "").replace("_", "")));
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

    /**
     * A bar above the pages offering to resume runs that were interrupted (their process died):
     * filled once the workspace's runs are listed at start.
     */
    private void offerInterruptedRuns() {
        HBox bar = new HBox(10);
        bar.setId("interrupted-bar");
        bar.getStyleClass().add("inline-warning");
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        bar.setPadding(new javafx.geometry.Insets(6, 12, 6, 12));
        bar.setVisible(false);
        bar.setManaged(false);
        Node menus = root.getTop();
        root.setTop(new VBox(menus, bar));
        context.pastRuns.refresh(rows -> {
            var stopped = context.pastRuns.interrupted();
            if (stopped.isEmpty()) return;
            PastRunsViewModel.Row r = stopped.get(0);
            Label text = new Label(String.format(Locale.ROOT, "Run %s was interrupted at step %,d (its process stopped"
                    + " without finishing)%s.", r.name(), r.info().step(),
                    stopped.size() > 1 ? "; " + (stopped.size() - 1) + " more in Past runs" : ""));
            text.setId("interrupted-text");
            text.setMinWidth(0);
            HBox.setHgrow(text, javafx.scene.layout.Priority.ALWAYS);
            javafx.scene.control.Button resume = new javafx.scene.control.Button("Resume");
            resume.setId("interrupted-resume");
            resume.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            javafx.scene.control.Button list = new javafx.scene.control.Button("Past runs…");
            list.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            javafx.scene.control.Button dismiss = new javafx.scene.control.Button("Dismiss");
            dismiss.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            Runnable hide = () -> {
                bar.setVisible(false);
                bar.setManaged(false);
            };
            resume.setOnAction(e -> {
                hide.run();
                context.pastRuns.resume(r);
                session.page.set(Page.TRAINING);
            });
            list.setOnAction(e -> {
                hide.run();
                showRuns();
            });
            dismiss.setOnAction(e -> hide.run());
            bar.getChildren().setAll(text, resume, list, dismiss);
            bar.setVisible(true);
            bar.setManaged(true);
            session.message.set(text.getText() + " Resume it from the bar above, or from File ▸ Past runs.");
        });
    }

    // File menu items that are the Training page's own dialogs
    private void saveCheckpoint() {
        withTrainingView(TrainingView::saveCheckpointDialog);
    }

    private void exportCsv() {
        withTrainingView(TrainingView::exportCsvDialog);
    }

    private void exportPng() {
        session.page.set(Page.TRAINING); // the chart is exported as shown, so show it
        context.executor.runOnFx(0, () -> withTrainingView(TrainingView::exportPngDialog));
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
