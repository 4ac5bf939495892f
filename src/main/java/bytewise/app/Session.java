package bytewise.app;

import bytewise.data.Corpus;
import bytewise.model.Gpt;
import bytewise.train.Preset;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;


/**
 * State shared by the studio's screens, all on the FX thread: the loaded dataset, the chosen
 * settings, the model that inference screens use, the page shown, the run's figures for the status
 * bar, and the status line. Screens observe these properties; none of them blocks. One per studio,
 * inside its {@link AppContext}.
 */
public final class Session {
    /** The dataset being trained on and inspected (null before one is loaded). */
    public final ObjectProperty<Corpus> corpus = new SimpleObjectProperty<>(this, "corpus");
    /** Share of the dataset, at its end, held out for validation. */
    public final DoubleProperty valFraction = new SimpleDoubleProperty(this, "valFraction", 0.1);
    /** The settings the next run will use (model shape + training), edited on the Hyperparameters screen. */
    public final ObjectProperty<Preset> settings = new SimpleObjectProperty<>(this, "settings");
    /**
     * Weights for inference screens (Inspector, Playground): a snapshot, never the live training
     * buffer. Replaced (a new object) whenever newer weights are published: during training at
     * each evaluation and at most every few seconds, when a run stops, and when a checkpoint is opened.
     */
    public final ObjectProperty<Gpt> model = new SimpleObjectProperty<>(this, "model");
    /** Training step the current {@link #model} snapshot was taken at. */
    public final LongProperty modelStep = new SimpleLongProperty(this, "modelStep");
    /** A byte offset the user picked in the dataset preview, for the Inspector to show. */
    public final LongProperty inspectOffset = new SimpleLongProperty(this, "inspectOffset", 0);
    /** Latest one-line status message (errors named plainly). */
    public final StringProperty message = new SimpleStringProperty(this, "message", "");

    /** Page the shell shows; any screen may set it (null shows the Dataset page). */
    public final ObjectProperty<Page> page = new SimpleObjectProperty<>(this, "page", Page.DATASET);
    /** Training run state, for the status bar and the screens that depend on a run. */
    public final ObjectProperty<RunState> runState = new SimpleObjectProperty<>(this, "runState", RunState.IDLE);
    /** Steps done in the current (or last) run, and the run's total. */
    public final LongProperty runStep = new SimpleLongProperty(this, "runStep");
    public final LongProperty runTotalSteps = new SimpleLongProperty(this, "runTotalSteps");
    /** Smoothed training throughput of the current run (NaN when not running). */
    public final DoubleProperty tokensPerSecond = new SimpleDoubleProperty(this, "tokensPerSecond", Double.NaN);
    /** Estimated seconds left in the current run (NaN when unknown). */
    public final DoubleProperty etaSeconds = new SimpleDoubleProperty(this, "etaSeconds", Double.NaN);
    /** Measured tokens/s of the latest run, kept after it ends, for time estimates (NaN before any run). */
    public final DoubleProperty lastTokensPerSecond = new SimpleDoubleProperty(this, "lastTokensPerSecond", Double.NaN);
    /** Why a run cannot start now ("" when it can): invalid settings, no data, a run already going. */
    public final StringProperty trainBlockedReason = new SimpleStringProperty(this, "trainBlockedReason", "");
}
