package bytewise.app;

/** The studio's pages, in sidebar order (Ctrl+1 … Ctrl+5): title and FXML file under /bytewise/app/. */
public enum Page {
    DATASET("Dataset", "DatasetView.fxml"),
    HYPERPARAMETERS("Hyperparameters", "HyperparametersView.fxml"),
    TRAINING("Training", "TrainingView.fxml"),
    INSPECTOR("Inspector", "InspectorView.fxml"),
    PLAYGROUND("Playground", "PlaygroundView.fxml");

    public final String title, fxml;

    Page(String title, String fxml) {
        this.title = title;
        this.fxml = fxml;
    }

    /** Lower-case name, as in node ids ({@code #nav-training}) and screenshot names. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
