package bytewise.app;

import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;

/**
 * What the Inspector's inside-the-model tabs (over an {@link InspectorTabViewModel}) look like
 * around their content, built once: the content with the tabs' padding, greyed out while there is
 * nothing to show, under a card saying why.
 */
abstract class InspectorTabPane extends StackPane {
    /** Shows {@code body} under the card of {@code vm}'s message; the body is disabled while {@code empty}. */
    protected final void setContent(Region body, InspectorTabViewModel<?, ?> vm, ObservableBooleanValue empty) {
        body.setPadding(new Insets(10, 4, 4, 4));
        body.disableProperty().bind(empty);
        Label message = new Label();
        message.getStyleClass().addAll("inspector-message", "title-4");
        message.setWrapText(true);
        message.setMaxWidth(640);
        message.setStyle("-fx-background-color: -color-bg-default; -fx-border-color: -color-accent-muted;"
                + " -fx-border-radius: 8; -fx-background-radius: 8; -fx-padding: 14 22 14 22;");
        message.textProperty().bind(vm.messageProperty());
        message.visibleProperty().bind(vm.messageProperty().isNotEmpty());
        getChildren().setAll(body, message);
    }
}
