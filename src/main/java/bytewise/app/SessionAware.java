package bytewise.app;

/**
 * Implemented by the controller of every page FXML (Dataset, Hyperparameters, Training, Inspector,
 * Playground). The shell loads the page with {@code FXMLLoader}, then, on the FX thread and before
 * the page is shown, calls {@link #init(Session)} exactly once with the studio's shared session.
 * Controllers must not block in {@code init}; long work goes to background tasks.
 */
public interface SessionAware {
    /** Gives the page the shared session; called once, on the FX thread, right after FXML loading. */
    void init(Session session);
}
