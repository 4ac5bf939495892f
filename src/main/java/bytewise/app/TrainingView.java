package bytewise.app;

import bytewise.io.Workspace;
import bytewise.train.TrainConfig;

import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.stage.FileChooser;

import java.io.File;
import java.util.List;
import java.util.Locale;

/**
 * Training page: run controls, the live loss chart ({@link LossChartPanel}: overlaid runs,
 * smoothing, log scale, perplexity, drag-to-zoom, hover values, PNG/CSV export) beside the health
 * tab, progress figures, the learning-rate schedule, a sample refreshed at each evaluation, and run
 * options. The run itself lives in {@link TrainingViewModel}.
 */
public final class TrainingView implements PageView {
    /** The chart's points a curve at most: about one per pixel column of the plot. */
    public static final int MAX_POINTS = 600;

    @FXML private VBox root;
    @FXML private Button trainButton, pauseButton, resumeButton, stopButton, saveButton, reloadButton, replayButton;
    @FXML private ProgressBar progressBar;
    @FXML private Label progressLabel, blockedLabel, alertLabel, overfitLabel, stepLabel, tpsLabel, etaLabel, lossLabel,
            valLabel, pplLabel, gradLabel, lrLabel, sampleTitle, replayLabel, replayFractionLabel;
    @FXML private HBox alertBox;
    @FXML private Slider replaySlider;
    @FXML private VBox chartPanel;
    @FXML private LossChartPanel chartPanelController;
    @FXML private Canvas lrCanvas;
    @FXML private Circle lrMarker;
    @FXML private ScrollPane sideScroll;
    @FXML private TextArea sampleArea;
    @FXML private Spinner<Integer> autosaveSpinner;
    @FXML private CheckBox continueCheck, pauseOnDivergenceCheck;
    @FXML private Button lowerLrButton;

    private Session session;
    private TrainingViewModel training;
    private ScheduleSketch schedule;

    @Override
    public void init(AppContext context) {
        this.session = context.session;
        training = context.training;
        schedule = new ScheduleSketch(lrCanvas, lrMarker);
        LiveScroll.forLiveContent(sideScroll);

        trainButton.disableProperty().bind(training.canTrain().not());
        pauseButton.disableProperty().bind(training.canPause().not());
        resumeButton.disableProperty().bind(training.canResume().not());
        stopButton.disableProperty().bind(training.canStop().not());
        saveButton.disableProperty().bind(training.resumePoint.isNull().and(training.active().not()));
        trainButton.setTooltip(new Tooltip("Start training (Ctrl+Enter or F5)"));

        blockedLabel.textProperty().bind(session.trainBlockedReason.map(r -> "Train is disabled: " + r));
        blockedLabel.visibleProperty().bind(session.trainBlockedReason.isNotEmpty().and(training.active().not()));
        blockedLabel.managedProperty().bind(blockedLabel.visibleProperty());
        alertLabel.textProperty().bind(training.alert());
        alertBox.visibleProperty().bind(training.alert().isNotEmpty());
        alertBox.managedProperty().bind(alertBox.visibleProperty());
        reloadButton.visibleProperty().bind(training.checkpoints.lastCheckpoint().isNotNull());
        reloadButton.managedProperty().bind(reloadButton.visibleProperty());
        overfitLabel.textProperty().bind(training.overfitNotice());
        overfitLabel.visibleProperty().bind(training.overfitNotice().isNotEmpty());
        overfitLabel.managedProperty().bind(overfitLabel.visibleProperty());

        progressBar.progressProperty().bind(training.figures.progress());
        progressLabel.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%s · %,d / %,d",
                session.runState.get().label, session.runStep.get(), session.runTotalSteps.get()),
                session.runState, session.runStep, session.runTotalSteps));
        stepLabel.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%,d / %,d",
                session.runStep.get(), session.runTotalSteps.get()), session.runStep, session.runTotalSteps));
        tpsLabel.textProperty().bind(Bindings.createStringBinding(() -> session.runState.get() == RunState.PAUSED ? "paused"
                : Format.number(session.tokensPerSecond.get(), "%,.0f"), session.tokensPerSecond, session.runState));
        etaLabel.textProperty().bind(Bindings.createStringBinding(() -> session.runState.get() == RunState.PAUSED ? "paused"
                : Format.duration(session.etaSeconds.get()), session.etaSeconds, session.runState));
        lossLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.trainLoss().get(), "%.4f"), training.figures.trainLoss()));
        valLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.valLoss().get(), "%.4f"), training.figures.valLoss()));
        pplLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(Math.exp(training.figures.valLoss().get()), "%.2f"),
                training.figures.valLoss()));
        gradLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.gradNorm().get(), "%.3f"), training.figures.gradNorm()));
        lrLabel.textProperty().bind(Bindings.createStringBinding(() -> Format.number(training.figures.lr().get(), "%.2e"), training.figures.lr()));
        sampleArea.textProperty().bind(training.sample.text());
        sampleArea.setPromptText("A short sample appears here at each evaluation.");
        sampleTitle.textProperty().bind(Bindings.createStringBinding(() -> training.sample.step().get() < 0 ? "Sample"
                : "Sample at step " + training.sample.step().get(), training.sample.step()));

        autosaveSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 1_000_000,
                training.autosaveEvery.get(), 100));
        autosaveSpinner.valueProperty().addListener((o, a, v) -> training.autosaveEvery.set(v == null ? 0 : v));
        training.autosaveEvery.addListener((o, a, v) -> {
            if (!v.equals(autosaveSpinner.getValue())) autosaveSpinner.getValueFactory().setValue(v.intValue());
        });
        autosaveSpinner.setTooltip(new Tooltip("Write a checkpoint into " + Workspace.root().resolve("runs")
                + "/<time>-<preset>/ every this many steps, and at least every minute (0 = every minute only); the latest one is kept, with the best."));
        continueCheck.selectedProperty().bindBidirectional(training.continueTraining);
        DivergenceControls.bind(pauseOnDivergenceCheck, lowerLrButton, training.divergence);
        continueCheck.disableProperty().bind(training.resumePoint.isNull().or(training.active()));
        continueCheck.textProperty().bind(Bindings.createStringBinding(() -> training.resumePoint.get() == null
                ? "Continue from loaded / last weights"
                : "Continue from step " + training.resumePoint.get().state().step(), training.resumePoint));
        replayLabel.textProperty().bind(Bindings.createStringBinding(() -> training.replayFile.get() == null
                ? "none (replay off)" : training.replayFile.get().getFileName().toString(), training.replayFile));
        replaySlider.valueProperty().bindBidirectional(training.replayFraction);
        replaySlider.disableProperty().bind(training.replayFile.isNull());
        replaySlider.setTooltip(new Tooltip("Share of every batch drawn from the replay file, so fine-tuning does not"
                + " erase what the model learned from it."));
        replayFractionLabel.textProperty().bind(training.replayFraction.multiply(100).asString(Locale.ROOT, "%.0f%%"));

        chartPanelController.init(session, training, context.executor);
        training.state().addListener((o, a, s) -> drawSchedule());
        session.runStep.addListener((o, a, b) -> schedule.moveTo(b.longValue()));
        session.settings.addListener((o, a, b) -> drawSchedule());
        drawSchedule();
        installHealthTab();
        installRunControls(context);
    }

    /**
     * Puts the loss chart's card in a "Loss" tab and adds a "Health" tab beside it (per-layer
     * gradient and weight norms, update/weight ratios, activation RMS, clipped steps).
     */
    private void installHealthTab() {
        VBox card = chartPanel;
        HBox row = (HBox) card.getParent();
        javafx.scene.control.TabPane tabs = new javafx.scene.control.TabPane();
        tabs.setId("trainingTabs");
        tabs.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setMinWidth(0);
        HBox.setHgrow(tabs, javafx.scene.layout.Priority.ALWAYS);
        row.getChildren().set(row.getChildren().indexOf(card), tabs);
        javafx.scene.control.Tab loss = new javafx.scene.control.Tab("Loss", card);
        javafx.scene.control.Tab health = new javafx.scene.control.Tab("Health", new HealthPane(training.health));
        loss.setId("lossTab");
        health.setId("healthTab");
        tabs.getTabs().setAll(loss, health);
        training.health.active.bind(tabs.sceneProperty().isNotNull().and(health.selectedProperty()));
    }

    /**
     * Under the progress bar: the end-of-run summary, "Train more steps" for a finished run, and,
     * when the loaded data is not the continued run's, "Fine-tune on this file" (built here, not in
     * the FXML, so the page's other rows stay as they are).
     */
    private void installRunControls(AppContext context) {
        Label summary = new Label();
        summary.setId("run-summary");
        summary.getStyleClass().add("run-summary");
        summary.setWrapText(true);
        summary.setMaxWidth(Double.MAX_VALUE);
        summary.textProperty().bind(training.figures.summary().map(t -> "Run finished: " + t));
        summary.visibleProperty().bind(training.figures.summary().isNotEmpty().and(training.active().not()));
        summary.managedProperty().bind(summary.visibleProperty());
        Button more = new Button("Train 1,000 more steps");
        more.setId("train-more");
        more.setMinWidth(Region.USE_PREF_SIZE);
        more.setOnAction(e -> training.trainMoreSteps(1000, false));
        more.setTooltip(new Tooltip("Continue the same run, curve and decay for 1,000 more steps (Run ▸ Train more steps…"
                + " for another number, or to restart the schedule)"));
        more.visibleProperty().bind(summary.visibleProperty().and(training.continueTraining.or(
                training.resumePoint.isNotNull())));
        more.managedProperty().bind(more.visibleProperty());
        HBox summaryRow = new HBox(10, summary, more);
        summaryRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(summary, javafx.scene.layout.Priority.ALWAYS);
        summaryRow.visibleProperty().bind(summary.visibleProperty());
        summaryRow.managedProperty().bind(summaryRow.visibleProperty());

        Button fineTune = new Button("Fine-tune on this file");
        fineTune.setId("fine-tune");
        fineTune.setMinWidth(Region.USE_PREF_SIZE);
        fineTune.setOnAction(e -> training.dataGuard.fineTuneOnLoadedData.set(true));
        fineTune.setTooltip(new Tooltip("Continue the run on the loaded data instead of its own (recorded in the run)"));
        Button locate = new Button("Locate the run's data…");
        locate.setId("locate-data");
        locate.setMinWidth(Region.USE_PREF_SIZE);
        locate.setOnAction(e -> {
            javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
            fc.setTitle("Locate the data file this run was trained on");
            java.io.File f = fc.showOpenDialog(root.getScene() == null ? null : root.getScene().getWindow());
            if (f != null) context.pastRuns.locateData(f.toPath());
        });
        HBox dataRow = new HBox(10, fineTune, locate);
        dataRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        dataRow.visibleProperty().bind(training.dataGuard.dataConflict().isNotEmpty().and(training.active().not()));
        dataRow.managedProperty().bind(dataRow.visibleProperty());
        // banners wrap to as many lines as their text needs: never cut short, whatever the width
        for (Label l : List.of(blockedLabel, alertLabel, overfitLabel, summary)) l.setMinHeight(Region.USE_PREF_SIZE);
        int at = root.getChildren().indexOf(blockedLabel);
        root.getChildren().add(at + 1, dataRow);
        root.getChildren().add(at, summaryRow);
    }

    /** The loss chart's card (tests zoom, hover and export it; the File menu exports through it). */
    public LossChartPanel chartPanel() {
        return chartPanelController;
    }

    // ------------------------------------------------------------------ learning-rate schedule

    /** The schedule of the run (or of the settings when idle), redrawn only when it changes. */
    private void drawSchedule() {
        RunData r = training.history.current.get();
        TrainConfig tc = training.active().get() && r != null ? r.config()
                : session.settings.get() != null ? session.settings.get().training() : null;
        schedule.show(tc, session.runStep.get(), r == null || tc == null ? ScheduleSketch.Earlier.NONE : before(r, tc.scheduleStart()));
    }

    /** The learning rates run {@code r} recorded up to step {@code last}. */
    private static ScheduleSketch.Earlier before(RunData r, long last) {
        int n = 0;
        while (n < r.size() && r.step(n) <= last) n++;
        double[] steps = new double[n], lr = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = r.step(i);
            lr[i] = r.lr(i);
        }
        return new ScheduleSketch.Earlier(steps, lr);
    }

    /** Where the schedule marker is, in lrCanvas coordinates, or null when hidden (tests use it). */
    Point2D scheduleMarker() {
        return schedule.marker();
    }

    // ------------------------------------------------------------------ actions

    @FXML
    private void onTrain() {
        training.train();
    }

    @FXML
    private void onPause() {
        training.pause();
    }

    @FXML
    private void onResume() {
        training.resume();
    }

    @FXML
    private void onStop() {
        training.stop();
    }

    @FXML
    private void onSave() {
        saveCheckpointDialog();
    }

    @FXML
    private void onReload() {
        training.checkpoints.reloadLast();
    }

    @FXML
    private void onReplay() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Replay text for fine-tuning (cancel to turn replay off)");
        File f = fc.showOpenDialog(root.getScene().getWindow());
        training.replayFile.set(f == null ? null : f.toPath());
    }

    // the dialogs behind this page's buttons and the File menu's items

    /** Asks where to save the current weights (with optimizer state) and saves them there. */
    public void saveCheckpointDialog() {
        if (training.resumePoint.get() == null && !training.active().get()) {
            session.message.set("Nothing to save yet: train or open a checkpoint first");
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Save checkpoint (writes NAME.json and NAME.bin)");
        fc.setInitialFileName("model");
        File f = fc.showSaveDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (f != null) training.checkpoints.save(f.toPath());
    }
}
