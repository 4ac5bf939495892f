package bytewise.app;

import bytewise.TestData;
import bytewise.data.Corpus;
import bytewise.io.Presets;
import bytewise.io.RunFolder;
import bytewise.io.RunRecorder;
import bytewise.io.Workspace;
import bytewise.model.Gpt;
import bytewise.train.EvalMetrics;
import bytewise.train.Preset;
import bytewise.train.RunOutcome;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import bytewise.train.Trainer;
import bytewise.train.TrainingListener;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.layout.HBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The studio keeps the user's work, headless: a restart reopens the session (data, run, page,
 * settings); an interrupted run (a stale run folder, as a killed process leaves it) is offered at
 * start and resumes in its folder; the past-runs window opens a run with its data, compares runs
 * and deletes one to the trash.
 */
class StudioSessionTest {
    @TempDir
    Path tmp;
    private String before;
    private StudioApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void workspace() throws Exception {
        before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", tmp.resolve("ws").toString());
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() throws Exception {
        if (app != null) stopStudio();
        Platform.runLater(() -> MainView.applyTheme(MainViewModel.LIGHT));
        WaitForAsyncUtils.waitForFxEvents();
        if (before == null) System.clearProperty("bytewise.workspace");
        else System.setProperty("bytewise.workspace", before);
    }

    private Session startStudio(String... args) throws Exception {
        FxToolkit.setupApplication(StudioApp.class, args);
        app = StudioApp.last();
        assertNotNull(app);
        return app.session();
    }

    private void stopStudio() throws Exception {
        StudioApp a = app;
        app = null;
        fx(() -> {
            a.context().training.stop();
            return null;
        });
        FxToolkit.cleanupApplication(a);
    }

    private static <T> T fx(Callable<T> c) {
        return FxTesting.onFx(c);
    }

    private void waitUntil(String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> fx(condition));
        } catch (Exception e) {
            fail("timed out waiting until " + what + " (status: " + fx(() -> app == null ? "" : app.session().message.get()) + ")");
        }
    }

    private static Preset tiny(int steps) {
        Preset t = Presets.named("tiny");
        TrainConfig tc = t.training().toBuilder().steps(steps).evalEvery(6).evalWindows(8).threads(1).build();
        return new Preset("tiny", t.description(), t.model(), tc);
    }

    @Test
    void aRestartReopensTheDataTheRunThePageAndTheSettings() throws Exception {
        Path data = Files.write(tmp.resolve("essays.txt"), TestData.prose(30_000, 3));
        Session s = startStudio(data.toString());
        waitUntil("the data is loaded", () -> s.corpus.get() != null);
        fx(() -> {
            s.settings.set(tiny(6));
            app.context().training.train();
            return null;
        });
        waitUntil("the run completes", () -> app.context().training.state().get() == RunState.COMPLETED);
        Path run = fx(() -> app.context().training.runFolder().get());
        fx(() -> {
            Preset p = s.settings.get(); // the user raises the steps for next time, and looks at the Inspector
            s.settings.set(new Preset(p.name(), p.description(), p.model(), p.training().withSteps(24)));
            s.valFraction.set(0.2);
            s.page.set(Page.INSPECTOR);
            return null;
        });
        stopStudio();

        Session again = startStudio(); // no arguments: the last session
        waitUntil("the run's model is open", () -> again.model.get() != null && again.corpus.get() != null);
        assertEquals(data.toAbsolutePath(), fx(() -> again.corpus.get().path().toAbsolutePath()));
        assertEquals(Page.INSPECTOR, fx(again.page::get));
        assertEquals(6, fx(again.modelStep::get));
        assertEquals(run, fx(() -> app.context().training.dataGuard.continuedRun().get()), "Train continues the same run");
        waitUntil("the settings are the user's", () -> again.settings.get().training().steps() == 24);
        assertEquals(0.2, fx(again.valFraction::get), 1e-9);
        assertEquals(1, fx(() -> app.context().training.history.runs().size()), "the run's curve is on the chart");
        waitUntil("the data is checked", () -> again.trainBlockedReason.get().isEmpty());
    }

    @Test
    void anInterruptedRunIsOfferedAtStartAndResumesInItsFolder() throws Exception {
        Path data = Files.write(tmp.resolve("notes.txt"), TestData.prose(30_000, 4));
        Preset p = tiny(20);
        Corpus corpus = Corpus.open(data);
        RunFolder folder = RunFolder.create(Workspace.runs(), new RunFolder.Info("2026-01-01T00:00:00Z", "tiny",
                corpus.name(), corpus.sha256(), p.model(), p.training(), 0, null, "running", null,
                data.toAbsolutePath().toString(), null, null, List.of(), corpus.files()));
        try (Trainer trainer = new Trainer(Gpt.initialize(p.model(), 1), corpus.split(0.1), p.training(), null);
             RunRecorder recorder = new RunRecorder(folder, trainer, 4, 1)) {
            trainer.run(new TrainingListener() {
                @Override public void onStep(StepMetrics m) {
                    recorder.onStep(m);
                    if (m.step() == 8) trainer.cancel();
                }
                @Override public void onEval(EvalMetrics m) { recorder.onEval(m); }
                @Override public void onFinish(RunOutcome o) { } // killed: run.json still says running
            });
        } // the recorder's close drops the lock, as the OS does for a killed process

        Session s = startStudio(); // a first start: the sample, and the offer
        waitUntil("the interrupted run is offered", () -> app.stage().getScene().lookup("#interrupted-bar") != null
                && app.stage().getScene().lookup("#interrupted-bar").isVisible());
        String offer = fx(() -> ((javafx.scene.control.Label) app.stage().getScene().lookup("#interrupted-text")).getText());
        assertTrue(offer.contains("was interrupted at step 8"), offer);
        assertEquals("interrupted", RunFolder.open(folder.dir()).info().status());

        robot.clickOn((Node) fx(() -> app.stage().getScene().lookup("#interrupted-resume")));
        waitUntil("the run resumes and completes", () -> app.context().training.state().get() == RunState.COMPLETED);
        assertEquals(data.toAbsolutePath(), fx(() -> s.corpus.get().path().toAbsolutePath()), "its data was reopened");
        assertEquals(folder.dir(), fx(() -> app.context().training.runFolder().get()), "the same run folder");
        RunFolder.Info info = RunFolder.open(folder.dir()).info();
        assertEquals("completed", info.status());
        assertEquals(20, info.step());
        RunData curve = fx(() -> app.context().training.history.runs().get(0));
        assertEquals(20, fx(curve::size), "one curve, steps 1..20");
        assertFalse(fx(() -> app.stage().getScene().lookup("#interrupted-bar").isVisible()));
    }

    @Test
    void thePastRunsWindowOpensARunWithItsDataComparesAndDeletes() throws Exception {
        Path a = Files.write(tmp.resolve("a.txt"), TestData.prose(30_000, 5));
        Path b = Files.write(tmp.resolve("b.txt"), TestData.prose(30_000, 6));
        Session s = startStudio(a.toString());
        waitUntil("the data is loaded", () -> s.corpus.get() != null);
        fx(() -> {
            s.settings.set(tiny(6));
            app.context().training.train();
            return null;
        });
        waitUntil("run 1 completes", () -> app.context().training.state().get() == RunState.COMPLETED);
        Path first = fx(() -> app.context().training.runFolder().get());
        fx(() -> app.context().dataset.open(b));
        waitUntil("b is loaded", () -> s.corpus.get().name().equals("b.txt"));
        fx(() -> {
            app.context().training.continueTraining.set(false);
            s.settings.set(tiny(12));
            app.context().training.train();
            return null;
        });
        waitUntil("run 2 completes", () -> app.context().training.state().get() == RunState.COMPLETED
                && !first.equals(app.context().training.runFolder().get()));
        Path second = fx(() -> app.context().training.runFolder().get());

        PastRunsDialog d = fx(() -> app.mainView().showRuns());
        waitUntil("both runs are listed", () -> d.table.getItems().size() == 2);
        // compare both: one chart, a settings table with the differing rows marked
        fx(() -> {
            d.table.getSelectionModel().selectAll();
            d.compare();
            return null;
        });
        waitUntil("the settings table is filled", () -> !d.settings.getItems().isEmpty());
        assertEquals(3, fx(() -> d.settings.getColumns().size()), "the setting, then one column per run");
        assertTrue(fx(() -> d.settings.getItems().stream().anyMatch(r -> r.setting().equals("Steps") && r.differs())));
        assertTrue(fx(() -> d.chart.displayedPoints()) >= 18, "both curves are drawn");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fx(() -> d.settings.lookupAll(".setting-differs").size()) > 0, "differences are highlighted");

        // delete the second, confirming
        fx(() -> {
            d.confirm = text -> text.contains("to the trash");
            d.table.getSelectionModel().clearSelection();
            d.table.getItems().stream().filter(r -> r.folder().dir().equals(second)).findFirst()
                    .ifPresent(r -> d.table.getSelectionModel().select(r));
            return null;
        });
        robot.clickOn((Node) fx(() -> d.stage.getScene().lookup("#runs-delete")));
        waitUntil("the run leaves the list", () -> d.table.getItems().size() == 1);
        assertFalse(Files.exists(second));
        assertTrue(Files.exists(Workspace.trash().resolve(second.getFileName()).resolve("run.json")));

        // open the first: its data (a.txt) comes back although b.txt is loaded
        fx(() -> {
            d.table.getSelectionModel().clearSelection();
            d.table.getSelectionModel().select(0);
            return null;
        });
        robot.clickOn((Node) fx(() -> d.stage.getScene().lookup("#runs-open")));
        waitUntil("a.txt is reopened", () -> s.corpus.get().name().equals("a.txt") && s.modelStep.get() == 6);
        assertEquals(first, fx(() -> app.context().training.dataGuard.continuedRun().get()));
        assertEquals(Page.TRAINING, fx(s.page::get));
        assertFalse(fx(() -> d.stage.isShowing()), "the window closes on Open");
    }

    /** Labels, buttons and menus whose text the skin cut short ("…") among the showing, laid-out nodes under {@code n}. */
    private static void clipped(javafx.scene.Parent n, List<String> out) {
        for (Node c : n.getChildrenUnmodifiable()) {
            if (!c.isVisible() || c instanceof javafx.scene.control.ScrollPane || c instanceof javafx.scene.control.TableView
                    || c instanceof javafx.scene.control.ListView || c instanceof javafx.scene.control.TextInputControl) continue;
            if (c instanceof javafx.scene.control.Labeled l && l.getText() != null && !l.getText().isEmpty()
                    && !(c.getParent() instanceof javafx.scene.control.ComboBoxBase<?>)) {
                Node t = l.lookup(".text");
                // the skin puts the ellipsis string where it cut the text
                if (t instanceof javafx.scene.text.Text text && !text.getText().equals(l.getText())
                        && text.getText().endsWith(l.getEllipsisString()) && !l.getText().endsWith(l.getEllipsisString()))
                    out.add(l.getClass().getSimpleName() + " '" + l.getText() + "' cut to '" + text.getText() + "'");
            }
            if (c instanceof javafx.scene.Parent p) clipped(p, out);
        }
    }

    @Test
    void nothingIsCutShortAtTheWindowsMinimumSizeNorAt1280By800() throws Exception {
        Path data = Files.write(tmp.resolve("essays.txt"), TestData.prose(30_000, 8));
        Session s = startStudio(data.toString());
        waitUntil("the data is loaded", () -> s.corpus.get() != null);
        fx(() -> {
            s.settings.set(tiny(6));
            app.context().training.train();
            return null;
        });
        waitUntil("the run completes", () -> app.context().training.state().get() == RunState.COMPLETED);
        assertEquals(StudioApp.MIN_WIDTH, fx(() -> app.stage().getMinWidth()));
        assertEquals(StudioApp.MIN_HEIGHT, fx(() -> app.stage().getMinHeight()));
        for (double[] size : new double[][]{{StudioApp.MIN_WIDTH, StudioApp.MIN_HEIGHT}, {1280, 800}}) {
            fx(() -> {
                app.stage().setWidth(size[0]);
                app.stage().setHeight(size[1]);
                return null;
            });
            for (Page p : List.of(Page.DATASET, Page.TRAINING, Page.PLAYGROUND)) {
                fx(() -> {
                    s.page.set(p);
                    return null;
                });
                WaitForAsyncUtils.waitForFxEvents();
                WaitForAsyncUtils.sleep(300, TimeUnit.MILLISECONDS);
                WaitForAsyncUtils.waitForFxEvents();
                List<String> cut = fx(() -> {
                    List<String> out = new java.util.ArrayList<>();
                    app.stage().getScene().getRoot().applyCss();
                    app.stage().getScene().getRoot().layout();
                    clipped(app.stage().getScene().getRoot(), out);
                    return out;
                });
                assertEquals(List.of(), cut, p + " at " + size[0] + "×" + size[1]);
            }
        }
    }

    @Test
    void closingTheWindowMidRunSavesTheRunSaysSoAndThenCloses() throws Exception {
        Path data = Files.write(tmp.resolve("long.txt"), TestData.prose(30_000, 9));
        Session s = startStudio(data.toString());
        waitUntil("the data is loaded", () -> s.corpus.get() != null);
        fx(() -> {
            s.settings.set(tiny(1_000_000));
            app.context().training.train();
            return null;
        });
        waitUntil("the run is under way", () -> s.runStep.get() >= 3);
        fx(() -> {
            app.stage().fireEvent(new javafx.stage.WindowEvent(app.stage(), javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST));
            return null;
        });
        String said = fx(s.message::get);
        assertTrue(said.startsWith("Closing: saving the run at step"), said);
        waitUntil("the run is saved", () -> !app.context().training.active().get());
        Path run = fx(() -> app.context().training.runFolder().get());
        waitUntil("it says the run is saved", () -> s.message.get().startsWith("Saved the run at step"));
        waitUntil("the window closes", () -> !app.stage().isShowing());
        RunFolder.Info info = RunFolder.open(run).info();
        assertEquals("cancelled", info.status());
        assertEquals(info.step(), RunFolder.open(run).latestCheckpoint().orElseThrow().state().step(),
                "the last checkpoint is the step it stopped at");
    }
}
