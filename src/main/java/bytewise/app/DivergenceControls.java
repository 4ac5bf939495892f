package bytewise.app;

import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Tooltip;

/**
 * The Training page's divergence controls over a {@link DivergenceViewModel}: the choice to pause
 * (not stop) when a run diverges, and the button beside the alert that goes on at a lower learning
 * rate. Its own class so the page's controller keeps to the run's own controls.
 */
final class DivergenceControls {
    private DivergenceControls() {}

    /** Binds {@code pauseRun} and {@code lowerLr} (from TrainingView.fxml) to {@code divergence}. */
    static void bind(CheckBox pauseRun, Button lowerLr, DivergenceViewModel divergence) {
        pauseRun.selectedProperty().bindBidirectional(divergence.pauseRun);
        pauseRun.setTooltip(new Tooltip("When the loss stops being finite, goes above"
                + " ln 256 + 1 or stays far above its recent median, pause so you can look (Resume goes on anyway)"
                + " instead of stopping the run. A loss that is not finite always stops."));
        lowerLr.textProperty().bind(divergence.lowerLrAction());
        lowerLr.visibleProperty().bind(divergence.lowerLrAction().isNotEmpty());
        lowerLr.managedProperty().bind(lowerLr.visibleProperty());
        lowerLr.setOnAction(e -> divergence.resumeAtLowerLr());
    }
}
