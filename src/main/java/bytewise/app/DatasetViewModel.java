package bytewise.app;

import bytewise.BytewiseException;
import bytewise.data.Corpus;
import bytewise.data.DataWarning;
import bytewise.io.DataFiles;
import bytewise.data.Samples;
import bytewise.data.Split;
import bytewise.train.Preset;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.function.Consumer;

/**
 * Dataset screen state: opening files (validated on a background thread; a bad file leaves the
 * previous dataset loaded and sets {@link #error}), statistics of the loaded corpus (histogram in a
 * background task), the train/validation split, and lazily read preview rows.
 */
public final class DatasetViewModel {
    /** Widest preview row in bytes (rows break at newlines and between words: {@link PreviewRows}). */
    public static final int ROW_BYTES = PreviewRows.WIDTH;

    private final Session session;
    public final StringProperty name = new SimpleStringProperty("—");
    public final StringProperty sizeText = new SimpleStringProperty("—");
    public final StringProperty distinctText = new SimpleStringProperty("—");
    public final StringProperty utf8Text = new SimpleStringProperty("—");
    public final StringProperty asciiText = new SimpleStringProperty("—");
    public final StringProperty splitText = new SimpleStringProperty("");
    public final StringProperty statsNote = new SimpleStringProperty("");
    /** Inline problem with the last file the user tried to open ("" when none). */
    public final StringProperty error = new SimpleStringProperty("");
    public final ObjectProperty<long[]> histogram = new SimpleObjectProperty<>();
    public final BooleanProperty busy = new SimpleBooleanProperty();
    public final DoubleProperty statsProgress = new SimpleDoubleProperty(0);
    public final LongProperty rowCount = new SimpleLongProperty();
    /** Where preview rows start; replaced (fixed-width first, then at newlines) when the dataset changes. */
    public final ObjectProperty<PreviewRows> rows = new SimpleObjectProperty<>(PreviewRows.fixed(0));
    /** The data looks binary or degenerate: one line per warning ("" when none); training is still allowed. */
    public final StringProperty warningText = new SimpleStringProperty("");
    public final ObjectProperty<List<DataWarning>> warnings = new SimpleObjectProperty<>(List.of());
    /** Include patterns for folders (null: {@link DataFiles#DEFAULT_INCLUDE}). */
    public final StringProperty include = new SimpleStringProperty();
    /** Offset the user clicked in the preview (-1 = none yet). */
    public final LongProperty selectedOffset = new SimpleLongProperty(-1);
    /** Called with each file opened successfully (the shell adds it to the recent files). */
    private Consumer<Path> onOpened = p -> {};

    private final TaskExecutor executor;
    private BackgroundTask<DatasetStats> statsTask;
    private BackgroundTask<Corpus> openTask;
    private BackgroundTask<PreviewRows> rowsTask;

    public DatasetViewModel(Session session, TaskExecutor executor) {
        this.session = session;
        this.executor = executor;
        session.corpus.addListener((o, a, c) -> corpusChanged(c));
        session.valFraction.addListener((o, a, b) -> updateSplit());
        corpusChanged(session.corpus.get());
    }

    public void setOnOpened(Consumer<Path> onOpened) {
        this.onOpened = onOpened == null ? p -> {} : onOpened;
    }

    /** Context length the file must fit (from the chosen settings; tiny's when none are chosen yet). */
    private int seqLen() {
        Preset p = session.settings.get();
        return p != null ? p.model().seqLen() : 64;
    }

    /**
     * Opens a text file in the background. On success it becomes {@link Session#corpus}; on failure
     * (missing, empty, a directory, unreadable, too short) the old dataset stays and {@link #error}
     * says why.
     */
    public BackgroundTask<Corpus> open(Path path) {
        return open(List.of(path));
    }

    /**
     * Opens files and folders as one dataset (folders recursively, by {@link #include}; see
     * {@link DataFiles}), in the background, like {@link #open(Path)}.
     */
    public BackgroundTask<Corpus> open(List<Path> paths) {
        double frac = session.valFraction.get();
        int seq = seqLen();
        String patterns = include.get();
        List<Path> given = List.copyOf(paths);
        return opening(BackgroundTask.wrap(() -> {
            Corpus c = DataFiles.open(given, patterns, null);
            Split.of(c, frac).requireWindows(seq);
            return c;
        }), given.size() == 1 ? given.get(0) : null);
    }

    /**
     * Files or folders dropped on the window: they open as the dataset and the Dataset page shows.
     * Returns whether the drop was taken (false for a drop with no files).
     */
    public boolean drop(List<Path> paths) {
        if (paths == null || paths.isEmpty()) return false;
        open(paths);
        session.page.set(Page.DATASET);
        return true;
    }

    /** Opens the shipped sample (samples/pocket-essays.txt, or the copy inside the jar). */
    public BackgroundTask<Corpus> openSample() {
        return opening(BackgroundTask.wrap(Samples::defaultCorpus), null);
    }

    /** Runs an open; a newer open supersedes it (its result is then dropped). */
    private BackgroundTask<Corpus> opening(BackgroundTask<Corpus> t, Path path) {
        if (openTask != null) openTask.cancel();
        openTask = t;
        busy.set(true);
        return t.onSuccess(c -> {
            if (t.isCancelled()) return;
            busy.set(false);
            error.set("");
            session.corpus.set(c);
            session.message.set("Opened " + c.name() + " (" + Format.bytes(c.size()) + ")");
            if (path != null) onOpened.accept(path); // a file or a folder: both reopen from the recent list
        }).onFailure(x -> {
            if (t.isCancelled()) return;
            busy.set(false);
            String msg = x instanceof BytewiseException ? x.getMessage()
                    : "cannot open " + (path == null ? "the sample" : path) + ": " + x;
            Corpus old = session.corpus.get();
            error.set(msg + (old != null ? " — still using " + old.name() : ""));
            session.message.set(msg);
        }).executeWith(executor);
    }

    private void corpusChanged(Corpus c) {
        if (statsTask != null) statsTask.cancel();
        if (rowsTask != null) rowsTask.cancel();
        histogram.set(null);
        warnings.set(List.of());
        warningText.set("");
        selectedOffset.set(-1);
        if (c == null) {
            name.set("—");
            sizeText.set("—");
            distinctText.set("—");
            utf8Text.set("—");
            asciiText.set("—");
            statsNote.set("");
            setRows(PreviewRows.fixed(0));
            updateSplit();
            return;
        }
        name.set(c.name());
        sizeText.set(Format.bytes(c.size()) + " (" + Format.count(c.size(), "byte") + ")"); // a set's name gives its file count
        distinctText.set("…");
        utf8Text.set("…");
        asciiText.set("…");
        setRows(PreviewRows.fixed(c.size()));
        BackgroundTask<PreviewRows> rt = BackgroundTask.of(task -> PreviewRows.of(c, task::isCancelled));
        rowsTask = rt;
        rt.onSuccess(r -> {
            if (session.corpus.get() == c && !rt.isCancelled() && r != null) setRows(r);
        }).executeWith(executor);
        updateSplit();
        statsNote.set(c.size() > DatasetStats.SAMPLE_LIMIT ? "Computing statistics over a 64 MB sample…" : "Computing statistics…");
        statsProgress.set(0);
        BackgroundTask<DatasetStats> t = BackgroundTask.of(task ->
                DatasetStats.compute(c, task::isCancelled, task::updateProgress));
        statsTask = t;
        t.withProgress(statsProgress::set).onSuccess(s -> {
            if (session.corpus.get() != c || t.isCancelled()) return;
            statsProgress.set(1);
            histogram.set(s.histogram());
            distinctText.set(s.distinct() + " of 256");
            utf8Text.set(s.validUtf8() ? "valid" : "not valid");
            asciiText.set(s.ascii() ? "yes" : "no");
            warnings.set(s.warnings());
            warningText.set(s.warnings().stream().map(DataWarning::message).collect(Collectors.joining("\n")));
            statsNote.set(s.sampled()
                    ? String.format(Locale.ROOT, "Statistics from a %s sample of evenly spaced blocks (the file is %s).",
                    Format.bytes(s.bytesRead()), Format.bytes(c.size()))
                    : c.documents().size() > 1 ? "Statistics over every file of the set." : "Statistics over the whole file.");
        }).onFailure(e -> {
            if (!t.isCancelled()) statsNote.set("Statistics failed: " + e.getMessage());
        }).executeWith(executor);
    }

    private void updateSplit() {
        Corpus c = session.corpus.get();
        double f = session.valFraction.get();
        if (c == null) {
            splitText.set(String.format(Locale.ROOT, "Validation %.0f%%", f * 100));
            return;
        }
        try {
            Split s = Split.of(c, f);
            splitText.set(String.format(Locale.ROOT, "Train %s · validation %s (%.0f%%)",
                    Format.count(s.trainSize(), "byte"), Format.count(s.valSize(), "byte"), f * 100));
        } catch (BytewiseException e) {
            splitText.set(e.getMessage());
        }
    }

    private void setRows(PreviewRows r) {
        rows.set(r);
        rowCount.set(r.count());
    }

    /** First byte of preview row {@code row}. */
    public long rowStart(long row) {
        return rows.get().start(row);
    }

    /** Text of preview row {@code row}: one character per byte (see {@link DatasetStats#printable}). */
    public String rowText(long row) {
        Corpus c = session.corpus.get();
        if (c == null) return "";
        PreviewRows r = rows.get();
        long off = r.start(row);
        if (off >= c.size()) return "";
        return DatasetStats.printable(c.slice(off, (int) Math.min(ROW_BYTES, r.end(row) - off)));
    }

    /** The document holding byte {@code offset} of a set of files ("" for a single file or a separator). */
    public String documentAt(long offset) {
        Corpus c = session.corpus.get();
        if (c == null || c.documents().size() < 2) return "";
        Corpus.Document d = c.documentAt(offset);
        return d == null ? "separator" : d.name();
    }

    /** The user picked byte {@code offset} in the preview: the Inspector will show it. */
    public void select(long offset) {
        Corpus c = session.corpus.get();
        if (c == null || offset < 0) return;
        long o = Math.min(offset, c.size() - 1);
        selectedOffset.set(o);
        session.inspectOffset.set(o);
    }
}
