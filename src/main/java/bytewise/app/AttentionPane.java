package bytewise.app;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.List;
import java.util.Locale;

/**
 * The Inspector's attention tab, over an {@link AttentionViewModel}: the chosen layer's and head's
 * heatmap (or all heads of the layer), hover for the byte pair and weight, and the strip of what the
 * last context byte looks at.
 */
final class AttentionPane extends InspectorTabPane {
    private final AttentionViewModel vm;
    final AttentionHeatmap heatmap = new AttentionHeatmap();
    final Label hover = new Label(HOVER_HINT);
    final FlowPane lastStrip = new FlowPane(1, 3);
    final Spinner<Integer> layerSpinner = new Spinner<>(), headSpinner = new Spinner<>();
    final CheckBox allHeads = new CheckBox("All heads");
    private final Label stripTitle = new Label("What the last byte looks at");
    // bidirectional bindings hold weak references: keep the adapters alive
    private final javafx.beans.property.ObjectProperty<Integer> layerObj, headObj;

    static final String HOVER_HINT = "Hover a cell for the byte pair and its weight.";

    AttentionPane(AttentionViewModel vm) {
        this.vm = vm;
        getStyleClass().add("attention-pane");
        setId("attentionPane");
        heatmap.setId("attentionHeatmap");
        lastStrip.setId("attentionLastStrip");
        layerSpinner.setId("attentionLayer");
        headSpinner.setId("attentionHead");
        allHeads.setId("attentionAllHeads");
        hover.setId("attentionHover");

        SpinnerValueFactory.IntegerSpinnerValueFactory lf = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
        lf.maxProperty().bind(vm.layersProperty().subtract(1));
        layerSpinner.setValueFactory(lf);
        layerObj = vm.layer.asObject();
        lf.valueProperty().bindBidirectional(layerObj);
        SpinnerValueFactory.IntegerSpinnerValueFactory hf = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
        hf.maxProperty().bind(vm.headsProperty().subtract(1));
        headSpinner.setValueFactory(hf);
        headObj = vm.head.asObject();
        hf.valueProperty().bindBidirectional(headObj);
        layerSpinner.setPrefWidth(80);
        headSpinner.setPrefWidth(80);
        headSpinner.disableProperty().bind(vm.allHeads);
        allHeads.selectedProperty().bindBidirectional(vm.allHeads);

        HBox controls = new HBox(8, new Label("Layer"), layerSpinner, new Label("Head"), headSpinner, allHeads);
        controls.setAlignment(Pos.CENTER_LEFT);
        hover.setWrapText(true);
        hover.setMinHeight(40);
        hover.getStyleClass().add("text-muted");
        stripTitle.getStyleClass().add("title-4");
        Label stripCaption = new Label("Each context byte shaded by how much the last byte's query attends to it"
                + " (chosen layer and head).");
        stripCaption.setWrapText(true);
        stripCaption.getStyleClass().add("text-muted");
        lastStrip.setPadding(new Insets(6));
        ScrollPane stripScroll = new ScrollPane(lastStrip);
        stripScroll.setFitToWidth(true);
        stripScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        LiveScroll.forLiveContent(stripScroll);
        VBox.setVgrow(stripScroll, Priority.ALWAYS);
        Label legend = new Label("Rows: query positions (the byte attending) · columns: key positions (the bytes it reads)."
                + " Darker = more weight; above the diagonal is blank: a byte never sees later bytes."
                + " In all-heads mode, click a head to open it.");
        legend.setWrapText(true);
        legend.getStyleClass().add("text-muted");
        VBox side = new VBox(10, controls, hover, legend, stripTitle, stripCaption, stripScroll);
        side.setPrefWidth(360);
        side.setMinWidth(300);
        side.setMaxWidth(420);
        HBox.setHgrow(heatmap, Priority.ALWAYS);
        HBox body = new HBox(16, heatmap, side);
        setContent(body, vm, vm.mapsProperty().isNull());

        heatmap.setOnHover(c -> {
            AttentionViewModel.Maps m = vm.mapsProperty().get();
            hover.setText(c == null || m == null ? HOVER_HINT
                    : (vm.allHeads.get() ? "head " + c.head() + ": " : "") + AttentionViewModel.describeCell(m, c.query(), c.key(), c.weight()));
        });
        heatmap.setOnPick(h -> {
            vm.head.set(h);
            vm.allHeads.set(false);
        });
        vm.layerMapsProperty().addListener((o, a, b) -> show());
        vm.allHeads.addListener((o, a, b) -> show());
        show();
    }

    private void show() {
        AttentionViewModel.Maps m = vm.mapsProperty().get();
        List<float[][]> maps = vm.layerMapsProperty().get();
        heatmap.show(maps, m == null ? List.of() : m.tokens(), vm.allHeads.get() ? -1 : vm.head.get());
        renderStrip(m, vm.lastRow());
    }

    private void renderStrip(AttentionViewModel.Maps m, float[] row) {
        if (m == null || row == null) {
            lastStrip.getChildren().clear();
            return;
        }
        List<String> tokens = m.tokens();
        Label[] cells = new Label[tokens.size()];
        for (int i = 0; i < cells.length; i++) {
            Label cell = new Label(InspectorBarChart.visible(tokens.get(i)));
            cell.getStyleClass().add("attention-strip-cell");
            javafx.scene.paint.Color c = AttentionHeatmap.heat(row[i]);
            boolean last = i == cells.length - 1;
            cell.setStyle(String.format(Locale.ROOT, "-fx-font-family: monospace; -fx-font-size: 15px; -fx-padding: 2;"
                            + " -fx-background-color: rgba(%d, %d, %d, %.3f);%s", Math.round(c.getRed() * 255),
                    Math.round(c.getGreen() * 255), Math.round(c.getBlue() * 255), c.getOpacity(),
                    last ? " -fx-border-color: -color-success-emphasis; -fx-border-width: 2;" : ""));
            Tooltip t = new Tooltip(AttentionViewModel.describeCell(m, cells.length - 1, i, row[i]));
            t.setShowDelay(Duration.millis(120));
            cell.setTooltip(t);
            cell.setUserData(row[i]);
            cells[i] = cell;
        }
        lastStrip.getChildren().setAll(cells);
    }
}
