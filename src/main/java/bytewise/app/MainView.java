package bytewise.app;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;

import java.io.File;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The shell: sidebar navigation, page area, status bar and the interrupted-runs bar, with the menus
 * and shortcuts of {@link MainMenu} (thin; state in {@link MainViewModel}).
 */
public final class MainView {
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
        new MainMenu(root, context, vm, pages, this::showRuns).build(fileMenu, runMenu, viewMenu, helpMenu);
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

    /** Lists the runs in the workspace: open, resume, rename, delete, compare (see {@link PastRunsDialog}). */
    PastRunsDialog showRuns() {
        PastRunsDialog d = new PastRunsDialog(context.pastRuns, session, window(), root.getScene());
        d.show();
        return d;
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
}
