package bytewise.app;

import bytewise.io.Workspace;
import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * File ▸ Past runs: the workspace's runs in a table (status checked: interrupted runs say so), with
 * Open, Resume, Rename, Delete (to the trash, after a confirmation) and Compare, which draws the
 * selected runs on one chart beside a table of their settings, differences highlighted. A thin
 * view over {@link PastRunsViewModel}.
 */
final class PastRunsDialog {
    private final PastRunsViewModel vm;
    private final Session session;
    final Stage stage = new Stage();
    final TableView<PastRunsViewModel.Row> table = new TableView<>();
    final LossChart chart = new LossChart();
    final TableView<PastRunsViewModel.SettingRow> settings = new TableView<>();
    private final VBox compareBox = new VBox(8);
    /** Asks the user to confirm a deletion (tests answer it themselves). */
    Function<String, Boolean> confirm = PastRunsDialog::askConfirm;
    /** Asks for a run's new name, empty when cancelled (tests answer it themselves). */
    Function<String, Optional<String>> askName = PastRunsDialog::askName;

    PastRunsDialog(PastRunsViewModel vm, Session session, Window owner, Scene styled) {
        this.vm = vm;
        this.session = session;
        table.setId("runs-table");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setPlaceholder(new Label("Loading runs…"));
        table.getColumns().add(column("Name", PastRunsViewModel.Row::name, 230));
        table.getColumns().add(column("Started", r -> r.info().created() == null ? ""
                : r.info().created().replace('T', ' ').replaceAll("\\.\\d+Z$", "").replaceAll("Z$", ""), 150));
        table.getColumns().add(column("Dataset", r -> r.info().dataName(), 150));
        table.getColumns().add(column("Preset", r -> r.info().preset(), 70));
        table.getColumns().add(column("Steps", r -> String.format(Locale.ROOT, "%,d", r.info().step()), 70));
        table.getColumns().add(column("Best val loss", r -> r.info().bestValLoss() == null ? "—"
                : String.format(Locale.ROOT, "%.4f", r.info().bestValLoss()), 100));
        table.getColumns().add(column("Status", r -> r.info().status(), 100));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setRowFactory(tv -> {
            TableRow<PastRunsViewModel.Row> row = new TableRow<>() {
                @Override
                protected void updateItem(PastRunsViewModel.Row r, boolean empty) {
                    super.updateItem(r, empty);
                    getStyleClass().remove("run-interrupted");
                    if (!empty && r != null && "interrupted".equals(r.info().status())) getStyleClass().add("run-interrupted");
                }
            };
            row.setOnMouseClicked(ev -> {
                if (ev.getClickCount() == 2 && !row.isEmpty()) open();
            });
            return row;
        });
        table.setItems(vm.runs);

        var selected = table.getSelectionModel().getSelectedItems();
        var one = Bindings.size(selected).isEqualTo(1);
        Button open = button("runs-open", "Open", this::open, "Its curves join the chart, its newest checkpoint and its data file open; Train continues it");
        open.disableProperty().bind(one.not());
        Button resume = button("runs-resume", "Resume", this::resume, "Open the run and train on to its last step, in the same run");
        resume.disableProperty().bind(Bindings.createBooleanBinding(() -> selected.size() != 1
                || List.of("completed").contains(selected.get(0).info().status()), selected));
        Button rename = button("runs-rename", "Rename…", this::rename, "Give the run a name (kept in its run.json)");
        rename.disableProperty().bind(one.not());
        Button delete = button("runs-delete", "Delete…", this::delete, "Move the run's folder to " + Workspace.trash());
        delete.disableProperty().bind(one.not());
        Button compare = button("runs-compare", "Compare", this::compare, "Draw the selected runs on one chart, with their settings side by side");
        compare.disableProperty().bind(Bindings.size(selected).lessThan(1));
        Button close = button("runs-close", "Close", stage::close, null);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox buttons = new HBox(8, open, resume, rename, delete, compare, gap, close);
        buttons.setAlignment(Pos.CENTER_LEFT);

        Label header = new Label("Runs in " + Workspace.runs() + ", newest first. Select several (Ctrl+click) to compare them.");
        header.setWrapText(true);
        header.getStyleClass().add("muted");
        VBox top = new VBox(8, header, table, buttons);
        VBox.setVgrow(table, Priority.ALWAYS);
        top.setPadding(new Insets(12));

        settings.setId("runs-settings");
        settings.setPlaceholder(new Label("Select runs and press Compare"));
        settings.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY); // a column per run: scroll, never squeeze
        settings.setRowFactory(tv -> new TableRow<>() {
            @Override
            protected void updateItem(PastRunsViewModel.SettingRow r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().remove("setting-differs");
                if (!empty && r != null && r.differs()) getStyleClass().add("setting-differs");
            }
        });
        chart.setMinSize(300, 200);
        SplitPane compareSplit = new SplitPane(chart, settings);
        compareSplit.setDividerPositions(0.5);
        Label compareHint = new Label("Solid: training loss · dashed with dots, in each run's second colour: validation loss · highlighted rows: settings that differ");
        compareHint.getStyleClass().add("muted");
        compareBox.getChildren().setAll(compareHint, compareSplit);
        VBox.setVgrow(compareSplit, Priority.ALWAYS);
        compareBox.setPadding(new Insets(0, 12, 12, 12));
        compareBox.setVisible(false);
        compareBox.setManaged(false);

        // the comparison joins below the table when there is one to show (never an empty pane)
        SplitPane main = new SplitPane(top);
        main.setOrientation(Orientation.VERTICAL);
        compareBox.visibleProperty().addListener((o, a, shown) -> {
            if (shown && !main.getItems().contains(compareBox)) {
                main.getItems().add(compareBox);
                main.setDividerPositions(0.36);
            }
        });
        Scene scene = new Scene(main, 1180, 740);
        if (styled != null) scene.getStylesheets().setAll(styled.getStylesheets());
        stage.setScene(scene);
        stage.setTitle("Past runs");
        stage.setMinWidth(760);
        stage.setMinHeight(420);
        if (owner != null) stage.initOwner(owner);
        vm.refresh(rows -> table.setPlaceholder(new Label("No runs yet: every training run is recorded here")));
    }

    void show() {
        stage.show();
    }

    private PastRunsViewModel.Row chosen() {
        return table.getSelectionModel().getSelectedItem();
    }

    private void open() {
        PastRunsViewModel.Row r = chosen();
        if (r == null) return;
        vm.open(r, null);
        session.page.set(Page.TRAINING);
        stage.close();
    }

    private void resume() {
        PastRunsViewModel.Row r = chosen();
        if (r == null) return;
        vm.resume(r);
        session.page.set(Page.TRAINING);
        stage.close();
    }

    private void rename() {
        PastRunsViewModel.Row r = chosen();
        if (r == null) return;
        askName.apply(r.name()).ifPresent(name -> vm.rename(r, name));
    }

    private void delete() {
        PastRunsViewModel.Row r = chosen();
        if (r == null) return;
        if (confirm.apply("Move run " + r.name() + " to the trash?\n\nIts folder goes to " + Workspace.trash()
                + ", where you can restore or empty it.")) vm.delete(r);
    }

    void compare() {
        List<PastRunsViewModel.Row> rows = new ArrayList<>(table.getSelectionModel().getSelectedItems());
        if (rows.isEmpty()) return;
        vm.compare(rows, data -> {
            List<LossChart.Curve> curves = new ArrayList<>();
            for (RunData d : data)
                curves.add(new LossChart.Curve(d.name, Color.web(LossChartPanel.PALETTE[d.colorIndex % LossChartPanel.PALETTE.length]),
                        Color.web(LossChartPanel.VAL_PALETTE[d.colorIndex % LossChartPanel.VAL_PALETTE.length]),
                        ChartData.train(d, ChartData.X.STEP, ChartData.Y.LOSS, false, 0.6, 2000),
                        ChartData.validation(d, ChartData.X.STEP, ChartData.Y.LOSS, false, 2000),
                        ChartData.overfit(d, ChartData.X.STEP, ChartData.Y.LOSS, false)));
            chart.setCurves(curves, ChartData.X.STEP.label, ChartData.yLabel(ChartData.Y.LOSS, false), false);
            showSettings(rows);
            compareBox.setVisible(true);
            compareBox.setManaged(true);
        });
    }

    private void showSettings(List<PastRunsViewModel.Row> rows) {
        settings.getColumns().clear();
        TableColumn<PastRunsViewModel.SettingRow, String> name = new TableColumn<>("Setting");
        name.setCellValueFactory(cd -> new SimpleStringProperty(cd.getValue().setting()));
        name.setPrefWidth(150);
        name.setMinWidth(120);
        settings.getColumns().add(name);
        for (int i = 0; i < rows.size(); i++) {
            int k = i;
            TableColumn<PastRunsViewModel.SettingRow, String> c = new TableColumn<>(rows.get(i).name());
            c.setCellValueFactory(cd -> new SimpleStringProperty(cd.getValue().values().get(k)));
            c.setPrefWidth(Math.max(130, Math.min(260, 7.5 * rows.get(i).name().length() + 50)));
            c.setMinWidth(100);
            c.setGraphic(LossChartPanel.swatches(i));
            c.setCellFactory(col -> new TableCell<>() {
                @Override
                protected void updateItem(String v, boolean empty) {
                    super.updateItem(v, empty);
                    setText(empty ? null : v);
                    if (!empty && v != null) setTooltip(new javafx.scene.control.Tooltip(v));
                }
            });
            settings.getColumns().add(c);
        }
        // the settings that differ first: they are what a comparison is about
        List<PastRunsViewModel.SettingRow> table = new ArrayList<>(PastRunsViewModel.settingsTable(rows));
        table.sort(java.util.Comparator.comparing(r -> !r.differs()));
        settings.getItems().setAll(table);
    }

    private static Button button(String id, String text, Runnable action, String tip) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        b.setMinWidth(Region.USE_PREF_SIZE);
        if (tip != null) b.setTooltip(new javafx.scene.control.Tooltip(tip));
        return b;
    }

    private static TableColumn<PastRunsViewModel.Row, String> column(String title,
            Function<PastRunsViewModel.Row, String> value, double width) {
        TableColumn<PastRunsViewModel.Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new SimpleStringProperty(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private static boolean askConfirm(String text) {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, text, ButtonType.OK, ButtonType.CANCEL);
        a.setTitle("Delete run");
        a.setHeaderText("Delete run");
        return a.showAndWait().filter(b -> b == ButtonType.OK).isPresent();
    }

    private static Optional<String> askName(String current) {
        TextInputDialog d = new TextInputDialog(current);
        d.setTitle("Rename run");
        d.setHeaderText("Name this run (empty: the folder's name)");
        return d.showAndWait();
    }
}
