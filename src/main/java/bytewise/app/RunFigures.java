package bytewise.app;

import bytewise.train.StepMetrics;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * A run's figures: training and validation loss, learning rate, gradient norm and progress, plus
 * the session's step, smoothed tokens/s and ETA (the status bar's), and the end-of-run summary. Its
 * own class because it
 * is arithmetic on the step metrics (the tokens/s average, the ETA) apart from the run's state
 * machine in {@link TrainingViewModel}. Needs no FX toolkit.
 */
public final class RunFigures {
    private final Session session;
    private final ReadOnlyDoubleWrapper lr = new ReadOnlyDoubleWrapper(this, "lr", Double.NaN);
    private final ReadOnlyDoubleWrapper gradNorm = new ReadOnlyDoubleWrapper(this, "gradNorm", Double.NaN);
    private final ReadOnlyDoubleWrapper trainLoss = new ReadOnlyDoubleWrapper(this, "trainLoss", Double.NaN);
    private final ReadOnlyDoubleWrapper valLoss = new ReadOnlyDoubleWrapper(this, "valLoss", Double.NaN);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private double tpsEma = Double.NaN;
    private double tokensPerStep;

    RunFigures(Session session) {
        this.session = session;
    }

    public ReadOnlyDoubleProperty lr() { return lr.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty gradNorm() { return gradNorm.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty trainLoss() { return trainLoss.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty valLoss() { return valLoss.getReadOnlyProperty(); }
    /** Share of the run's steps done, 0 to 1. */
    public ReadOnlyDoubleProperty progress() { return progress.getReadOnlyProperty(); }
    /** End-of-run summary: time, mean tokens/s, best validation loss, tokens seen ("" before a run ends). */
    public ReadOnlyStringProperty summary() { return summary.getReadOnlyProperty(); }

    /** A run starts at {@code startStep} of {@code totalSteps}, training {@code tokensPerStep} tokens a step. */
    void start(long startStep, int totalSteps, double tokensPerStep) {
        tpsEma = Double.NaN;
        this.tokensPerStep = tokensPerStep;
        session.runStep.set(startStep);
        session.runTotalSteps.set(totalSteps);
        session.etaSeconds.set(Double.NaN);
        session.tokensPerSecond.set(Double.NaN);
        progress.set(totalSteps == 0 ? 0 : (double) startStep / totalSteps);
    }

    /** Folds a step's speed into the tokens/s average (every step, shown or not). */
    void time(StepMetrics m) {
        if (Double.isFinite(m.tokensPerSecond()))
            tpsEma = Double.isNaN(tpsEma) ? m.tokensPerSecond() : tpsEma + 0.1 * (m.tokensPerSecond() - tpsEma);
    }

    /** Shows the figures of step {@code m} (the last of a delivery). */
    void show(StepMetrics m) {
        session.runStep.set(m.step());
        session.runTotalSteps.set(m.totalSteps());
        session.tokensPerSecond.set(tpsEma);
        session.lastTokensPerSecond.set(tpsEma);
        lr.set(m.lr());
        gradNorm.set(m.gradNorm());
        trainLoss.set(m.loss());
        progress.set(m.totalSteps() == 0 ? 1 : (double) m.step() / m.totalSteps());
        long remaining = m.totalSteps() - m.step();
        session.etaSeconds.set(tpsEma > 0 ? remaining * tokensPerStep / tpsEma : Double.NaN);
    }

    void validated(double loss) {
        valLoss.set(loss);
    }

    /** The run ended: no speed and no ETA any more. */
    void ended() {
        session.tokensPerSecond.set(Double.NaN);
        session.etaSeconds.set(Double.NaN);
    }

    /** Sums up what {@code run} did (see {@link RunData#summary}). */
    void summarize(RunData run) {
        summary.set(run == null ? "" : run.summary());
    }

    void clearSummary() {
        summary.set("");
    }

    /** A checkpoint at {@code step} of {@code totalSteps} was opened. */
    void at(long step, int totalSteps) {
        session.runStep.set(step);
        session.runTotalSteps.set(totalSteps);
        progress.set(totalSteps <= 0 ? 0 : Math.min(1, (double) step / totalSteps));
    }
}
