package bytewise.app;

/** Where the Training page's run is; the status bar shows {@link #label}. */
public enum RunState {
    IDLE("Idle"), STARTING("Starting"), RUNNING("Running"), PAUSED("Paused"), STOPPING("Stopping"),
    COMPLETED("Completed"), STOPPED("Stopped"), DIVERGED("Diverged"), FAILED("Failed");

    public final String label;

    RunState(String label) {
        this.label = label;
    }

    /** A run exists and has not ended. */
    public boolean active() {
        return this == STARTING || this == RUNNING || this == PAUSED || this == STOPPING;
    }
}
