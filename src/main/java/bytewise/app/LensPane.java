package bytewise.app;

import bytewise.inspect.ByteProbability;
import bytewise.inspect.LogitLens;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Inspector's logit-lens tab, over a {@link LensViewModel}: one row per block, its top
 * candidates with probabilities (the expected byte marked), and the expected byte's rank and
 * probability; the last row is the model's own prediction.
 */
final class LensPane extends InspectorTabPane {
    private final LensViewModel vm;
    final TableView<LogitLens.Layer> table = new TableView<>();
    final Label summary = new Label();

    LensPane(LensViewModel vm) {
        this.vm = vm;
        setId("lensPane");
        table.setId("lensTable");
        summary.setId("lensSummary");
        table.getStyleClass().addAll("dense", "striped");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setItems(vm.rows());
        table.setPlaceholder(new Label("No lens yet."));
        summary.setWrapText(true);
        summary.getStyleClass().add("title-4");
        summary.textProperty().bind(vm.summaryProperty());
        Label caption = new Label("What the model would predict if it stopped after each block: that block's residual"
                + " stream read out through the final LayerNorm and the output head. Green: the expected byte."
                + " The last row is the model's own prediction.");
        caption.setWrapText(true);
        caption.getStyleClass().add("text-muted");
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox body = new VBox(8, summary, caption, table);
        setContent(body, vm, vm.resultProperty().isNull());
        vm.resultProperty().addListener((o, a, r) -> columns(r));
        columns(vm.resultProperty().get());
    }

    private int shownTop = -1;

    /** One column per candidate rank (rebuilt only when the number of candidates changes). */
    private void columns(LogitLens.Result r) {
        int k = r == null || r.layers().isEmpty() ? LensViewModel.DEFAULT_TOP : r.layers().get(0).top().size();
        if (k == shownTop) {
            table.refresh(); // the expected byte may have changed
            return;
        }
        shownTop = k;
        List<TableColumn<LogitLens.Layer, ?>> cols = new ArrayList<>();
        TableColumn<LogitLens.Layer, String> block = new TableColumn<>("Block");
        block.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(
                LensViewModel.layerName(f.getValue(), table.getItems().size())));
        block.setPrefWidth(120);
        block.setSortable(false);
        cols.add(block);
        for (int i = 0; i < k; i++) {
            int rank = i;
            TableColumn<LogitLens.Layer, ByteProbability> c = new TableColumn<>("#" + (i + 1));
            c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(
                    rank < f.getValue().top().size() ? f.getValue().top().get(rank) : null));
            c.setCellFactory(col -> new TableCell<>() {
                @Override
                protected void updateItem(ByteProbability b, boolean empty) {
                    super.updateItem(b, empty);
                    if (empty || b == null) {
                        setText(null);
                        setStyle("");
                        return;
                    }
                    setText(String.format(Locale.ROOT, "'%s'  %s", InspectorBarChart.visible(b.printable()),
                            InspectorBarChart.percent(b.probability())));
                    LogitLens.Result res = vm.resultProperty().get();
                    boolean expected = res != null && b.value() == res.expected();
                    setStyle("-fx-font-family: monospace;" + (expected
                            ? " -fx-background-color: -color-success-subtle; -fx-text-fill: -color-success-fg; -fx-font-weight: bold;"
                            : ""));
                }
            });
            c.setPrefWidth(110);
            c.setSortable(false);
            cols.add(c);
        }
        TableColumn<LogitLens.Layer, Integer> rankCol = new TableColumn<>("Expected rank");
        rankCol.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue().expectedRank()));
        rankCol.setPrefWidth(110);
        rankCol.setSortable(false);
        TableColumn<LogitLens.Layer, String> pCol = new TableColumn<>("p(expected)");
        pCol.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(
                String.format(Locale.ROOT, "%.4f", f.getValue().expectedProbability())));
        pCol.setPrefWidth(100);
        pCol.setSortable(false);
        cols.add(rankCol);
        cols.add(pCol);
        table.getColumns().setAll(cols);
    }
}
