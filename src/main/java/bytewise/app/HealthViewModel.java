package bytewise.app;

import bytewise.train.TrainingHealth;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.Locale;

/**
 * The Training page's health tab: the latest {@link TrainingHealth.Report} the run measured (per
 * layer and tensor group: gradient norm, weight norm, log10 update/weight ratio; the residual
 * stream's RMS after each block; clipped steps), and the run's share of clipped steps so far.
 * Reports arrive with the run's events on the FX thread. Needs no FX toolkit.
 */
public final class HealthViewModel {
    /** The usual healthy log10 update/weight ratio for Adam (an update about a thousandth of the weights). */
    public static final double RULE_OF_THUMB_LOG10 = -3;

    private final ReadOnlyObjectWrapper<TrainingHealth.Report> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ObservableList<TrainingHealth.Row> rows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", NO_REPORT);
    private long clipped, steps;
    private TrainingHealth.Report latest;
    /**
     * Whether the health tab is showing. While it is not, reports are only counted: a table and a
     * chart redrawn twice a second behind another tab cost the FX thread CSS and layout passes that
     * training's cores pay for. Showing the tab publishes the latest report.
     */
    public final BooleanProperty active = new SimpleBooleanProperty(this, "active", true);

    public HealthViewModel() {
        active.addListener((o, was, on) -> {
            if (on && latest != null && latest != report.get()) publish(latest);
        });
    }

    static final String NO_REPORT = "Train to see the health of each layer (measured every few steps).";

    public ReadOnlyObjectProperty<TrainingHealth.Report> reportProperty() { return report.getReadOnlyProperty(); }
    /** The latest report's rows: each block's tensor groups, then the embeddings and the final LayerNorm. */
    public ObservableList<TrainingHealth.Row> rows() { return rows; }
    /** Step, clipped share of the last window and of the run. */
    public ReadOnlyStringProperty summaryProperty() { return summary.getReadOnlyProperty(); }

    /** A new run starts: forget the last one's figures. */
    public void reset() {
        clipped = 0;
        steps = 0;
        latest = null;
        report.set(null);
        rows.clear();
        summary.set(NO_REPORT);
    }

    /** A report from the running training (FX thread). */
    public void apply(TrainingHealth.Report r) {
        clipped += r.clippedSteps();
        steps += r.windowSteps();
        latest = r;
        if (active.get()) publish(r);
    }

    private void publish(TrainingHealth.Report r) {
        report.set(r);
        rows.setAll(r.rows());
        summary.set(String.format(Locale.ROOT, "Step %d · gradient clipped in %.0f%% of the last %d steps, %.1f%% of the run so far",
                r.step(), r.clippedShare() * 100, r.windowSteps(), clippedShareOfRun() * 100));
    }

    /** Share of this run's steps (since Train) whose gradient was clipped. */
    public double clippedShareOfRun() {
        return steps == 0 ? 0 : (double) clipped / steps;
    }

    /** Whether a log10 update/weight ratio is far from the rule of thumb (over 10× away). */
    static boolean offRule(double log10Ratio) {
        return !(Math.abs(log10Ratio - RULE_OF_THUMB_LOG10) <= 1);
    }
}
