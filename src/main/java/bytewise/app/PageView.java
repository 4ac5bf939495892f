package bytewise.app;

/**
 * Implemented by the controller of every page FXML (see {@link Page}). The shell loads the page with
 * {@code FXMLLoader}, then, on the FX thread and before the page is shown, calls {@link #init}
 * exactly once with the studio's {@link AppContext}. Controllers must not block in {@code init};
 * long work goes to {@link BackgroundTask}s.
 */
public interface PageView {
    /** Gives the page the studio's shared objects; called once, on the FX thread, right after FXML loading. */
    void init(AppContext context);
}
