package bytewise.app;

import bytewise.inspect.ByteClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;

/**
 * The Inspector's byte-embedding tab, over an {@link EmbeddingViewModel}: the map, the axes'
 * variance shares and the model step, a legend of byte classes, and hover for a byte's details.
 */
final class EmbeddingPane extends InspectorTabPane {
    final EmbeddingMap map = new EmbeddingMap();
    final Label caption = new Label(), hover = new Label(HOVER_HINT);

    static final String HOVER_HINT = "Hover a point for its byte. Larger, stronger points occur more often in the data;"
            + " faint dots never occur.";

    EmbeddingPane(EmbeddingViewModel vm) {
        setId("embeddingPane");
        map.setId("embeddingMap");
        caption.setId("embeddingCaption");
        hover.setId("embeddingHover");
        caption.getStyleClass().add("title-4");
        caption.textProperty().bind(vm.captionProperty());
        hover.getStyleClass().add("text-muted");
        hover.setWrapText(true);
        hover.setMinHeight(20);
        FlowPane legend = new FlowPane(14, 4);
        for (ByteClass c : ByteClass.values()) {
            Label l = new Label(c.label().replace('_', ' '), new Circle(5, EmbeddingMap.color(c)));
            l.getStyleClass().add("text-small");
            legend.getChildren().add(l);
        }
        legend.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(map, Priority.ALWAYS);
        VBox body = new VBox(6, caption, legend, map, hover);
        setContent(body, vm, vm.mapProperty().isNull());
        map.setOnHover(p -> hover.setText(p == null ? HOVER_HINT : EmbeddingViewModel.describe(p)));
        vm.mapProperty().addListener((o, a, m) -> map.show(m == null ? null : m.pca()));
        EmbeddingViewModel.Map m = vm.mapProperty().get();
        map.show(m == null ? null : m.pca());
    }
}
