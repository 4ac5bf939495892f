package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.Samples;
import bytewise.io.Json;
import bytewise.io.RunFolder;
import bytewise.train.Preset;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The studio reopens where the user left it: the data file, the run (or model file) Train
 * continues, the page and the settings, kept in {@link StudioPrefs#session} and written atomically
 * with the other preferences whenever one of them changes and when the window closes. Needs no
 * FX toolkit.
 */
final class SessionMemory {
    private final AppContext context;
    private final StudioPrefs prefs;
    private final Runnable save;
    private boolean restoring;

    SessionMemory(AppContext context, StudioPrefs prefs, Runnable save) {
        this.context = context;
        this.prefs = prefs;
        this.save = save;
    }

    /** Saves the session whenever the data, the run, the model file or the page changes. */
    void watch() {
        Session s = context.session;
        s.corpus.addListener((o, a, b) -> changed());
        s.page.addListener((o, a, b) -> changed());
        context.training.dataGuard.continuedRun().addListener((o, a, b) -> changed());
        context.training.checkpoints.lastCheckpoint().addListener((o, a, b) -> changed());
    }

    private void changed() {
        if (restoring) return;
        capture();
        save.run();
    }

    /** Takes the session as it is now into the prefs (the caller saves them). */
    void capture() {
        Session s = context.session;
        StudioPrefs.LastSession l = new StudioPrefs.LastSession();
        Corpus c = s.corpus.get();
        if (c != null && c.path() != null) l.dataFile = c.path().toAbsolutePath().normalize().toString();
        else l.sample = c != null && Samples.DEFAULT.equals(c.name());
        Path run = context.training.dataGuard.continuedRun().get();
        if (run != null) l.runDir = run.toAbsolutePath().normalize().toString();
        Path ck = context.training.checkpoints.lastCheckpoint().get();
        if (run == null && ck != null) l.modelFile = ck.toAbsolutePath().toString();
        Page p = s.page.get();
        l.page = p == null ? null : p.name();
        Preset preset = s.settings.get();
        if (preset != null) l.settings = Json.MAPPER.valueToTree(preset);
        l.valFraction = s.valFraction.get();
        l.continueTraining = context.training.continueTraining.get();
        prefs.session = l;
    }

    /** Whether there is a session to restore (else the first start opens the shipped sample). */
    boolean saved() {
        return prefs.session != null;
    }

    /**
     * Reopens the last session: settings first (the data is checked against their context length),
     * then the run (which reopens its own data) or else the data file and model file, and the page.
     * Missing files are said on the status line and the rest still opens.
     */
    void restore() {
        StudioPrefs.LastSession l = prefs.session;
        if (l == null) return;
        Session s = context.session;
        restoring = true;
        try {
            Preset settings = settings(l);
            if (settings != null) s.settings.set(settings);
            if (l.valFraction > 0 && l.valFraction < 1) s.valFraction.set(l.valFraction);
            Page page = page(l.page);
            if (page != null) s.page.set(page);
            String missing = null;
            RunFolder run = null;
            if (l.runDir != null && RunFolder.isRunFolder(Path.of(l.runDir))) run = RunFolder.open(Path.of(l.runDir));
            else if (l.runDir != null) missing = "run " + l.runDir;
            boolean dataThere = l.dataFile != null && Files.isRegularFile(Path.of(l.dataFile));
            if (l.dataFile != null && !dataThere) missing = "data file " + l.dataFile;
            if (run != null) { // the run reopens its own data; the session's file only if the run's is not found
                openRun(run, settings, l, dataThere ? Path.of(l.dataFile) : null);
            } else if (dataThere) {
                context.dataset.open(Path.of(l.dataFile));
            } else {
                context.dataset.openSample();
            }
            if (run == null && l.modelFile != null) {
                context.training.checkpoints.open(Path.of(l.modelFile), null);
            }
            if (missing != null) s.message.set("Reopened the last session, but its " + missing + " is gone");
        } finally {
            restoring = false;
        }
    }

    /** The run opens with its data; the settings the user had (a longer schedule, say) win over the checkpoint's. */
    private void openRun(RunFolder folder, Preset settings, StudioPrefs.LastSession l, Path dataFile) {
        RunFolder.Info info;
        try {
            info = folder.checkedInfo();
        } catch (BytewiseException e) {
            context.session.message.set("Reopened the last session, but its run cannot be read: " + e.getMessage());
            return;
        }
        var opening = context.pastRuns.open(new PastRunsViewModel.Row(folder, info), found -> {
            if (found == PastRunsViewModel.DataFound.MISSING || found == PastRunsViewModel.DataFound.CHANGED) {
                if (dataFile != null) context.dataset.open(dataFile);
                else context.dataset.openSample();
            }
            Preset now = context.session.settings.get();
            if (settings != null && now != null && settings.model().equals(now.model())) context.session.settings.set(settings);
            context.training.continueTraining.set(l.continueTraining);
            if (l.valFraction > 0 && l.valFraction < 1) context.session.valFraction.set(l.valFraction);
        });
        if (opening == null) context.dataset.openSample();
    }

    private static Preset settings(StudioPrefs.LastSession l) {
        if (l.settings == null || l.settings.isNull()) return null;
        try {
            return Json.MAPPER.treeToValue(Json.withTrainingDefaults(l.settings.deepCopy()), Preset.class);
        } catch (JsonProcessingException | RuntimeException e) {
            return null; // settings from another version: the defaults
        }
    }

    private static Page page(String name) {
        if (name == null) return null;
        try {
            return Page.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
