package bytewise.app;

/**
 * What the studio's pages share, built once by {@link StudioApp} and handed to each page's
 * {@link PageView#init}: the {@link Session}, the one {@link TaskExecutor}, and the view-models
 * more than one page or the shell use. Tests build one with their own executor.
 */
public final class AppContext {
    public final Session session;
    public final TaskExecutor executor;
    public final HyperparametersViewModel hyperparameters;
    public final DatasetViewModel dataset;
    public final TrainingViewModel training;
    /** The workspace's past runs (File ▸ Past runs), and the interrupted ones offered for resume at start. */
    public final PastRunsViewModel pastRuns;

    public AppContext(Session session, TaskExecutor executor) {
        this.session = session;
        this.executor = executor;
        this.hyperparameters = new HyperparametersViewModel(session);
        this.dataset = new DatasetViewModel(session, executor);
        this.training = new TrainingViewModel(session, hyperparameters, executor);
        this.pastRuns = new PastRunsViewModel(session, executor, dataset, training);
    }

    /** Application exit: stops a run (waiting for its last checkpoint), then the background threads. */
    public void shutdown() {
        training.shutdown();
        executor.shutdown();
    }
}
