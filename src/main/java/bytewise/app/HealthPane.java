package bytewise.app;

import bytewise.train.TrainingHealth;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Training page's health tab, over a {@link HealthViewModel}: the latest report as a table
 * (per layer and tensor group: gradient norm, weight norm, log10 update/weight) beside a chart of
 * the ratios against the 1e-3 rule of thumb and the residual stream's RMS per block, under a line
 * with the share of clipped steps.
 */
final class HealthPane extends VBox {
    final TableView<TrainingHealth.Row> table = new TableView<>();
    final HealthChart chart = new HealthChart();
    final Label summary = new Label();

    HealthPane(HealthViewModel vm) {
        super(8);
        setId("healthPane");
        table.setId("healthTable");
        chart.setId("healthChart");
        summary.setId("healthSummary");
        getStyleClass().add("card");
        setPadding(new Insets(10));
        summary.getStyleClass().add("title-4");
        summary.setWrapText(true);
        summary.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        summary.textProperty().bind(vm.summaryProperty());
        Label caption = new Label("Measured every " + bytewise.io.TrainingRun.HEALTH_EVERY + " steps and recorded in the"
                + " run folder's health.csv. An update/weight ratio near 1e-3 is the usual healthy pace for Adam;"
                + " much higher, the weights churn; much lower, they barely move.");
        caption.setWrapText(true);
        caption.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        caption.getStyleClass().add("text-muted");
        table.getStyleClass().addAll("dense", "striped");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No health figures yet."));
        table.setItems(vm.rows());
        table.getColumns().setAll(List.of(
                column("Block", 56, r -> r.layer() < 0 ? "—" : String.valueOf(r.layer())),
                column("Group", 112, r -> r.group().label()),
                column("‖grad‖", 88, r -> String.format(Locale.ROOT, "%.3e", r.gradNorm())),
                column("‖weight‖", 84, r -> String.format(Locale.ROOT, "%.3f", r.weightNorm())),
                ratioColumn()));
        table.setPrefWidth(480);
        table.setMinWidth(440);
        HBox.setHgrow(chart, Priority.ALWAYS);
        HBox body = new HBox(14, table, chart);
        VBox.setVgrow(body, Priority.ALWAYS);
        getChildren().addAll(summary, caption, body);
        vm.reportProperty().addListener((o, a, r) -> chart.show(r));
        chart.show(vm.reportProperty().get());
    }

    private static TableColumn<TrainingHealth.Row, String> column(String title, double width,
                                                                 Function<TrainingHealth.Row, String> value) {
        TableColumn<TrainingHealth.Row, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setSortable(false);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }

    private static TableColumn<TrainingHealth.Row, Double> ratioColumn() {
        TableColumn<TrainingHealth.Row, Double> c = new TableColumn<>("log Δw/w");
        c.setPrefWidth(86);
        c.setSortable(false);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(f.getValue().updateRatioLog10()));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                if (empty || v == null) {
                    setText(null);
                    setStyle("");
                    return;
                }
                setText(String.format(Locale.ROOT, "%.2f", v));
                setStyle(HealthViewModel.offRule(v) ? "-fx-text-fill: -color-danger-fg; -fx-font-weight: bold;" : "");
            }
        });
        return c;
    }
}
