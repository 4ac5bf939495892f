package bytewise.app;

import atlantafx.base.theme.Styles;
import bytewise.BytewiseException;
import bytewise.train.Preset;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.stage.FileChooser;
import javafx.util.Duration;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** Hyperparameters page: thin controller building validated fields from {@link HyperparametersViewModel}. */
public final class HyperparametersView implements PageView {
    @FXML private ScrollPane root;
    @FXML private ComboBox<String> presetCombo;
    @FXML private Button loadButton, saveButton;
    @FXML private Label descriptionLabel, reasonLabel, warningLabel, hintLabel, paramsLabel, memoryLabel, flopsLabel, timeLabel;
    @FXML private GridPane modelGrid, trainGrid;

    private HyperparametersViewModel vm;
    private Session session;

    @Override
    public void init(AppContext context) {
        this.session = context.session;
        vm = context.hyperparameters;
        List<String> names = new ArrayList<>(Preset.BUILT_IN);
        names.add(HyperparametersViewModel.CUSTOM);
        presetCombo.getItems().setAll(names);
        presetCombo.valueProperty().bindBidirectional(vm.preset);
        presetCombo.setTooltip(new Tooltip("tiny: seconds-scale demo · small: a few minutes · medium: a long run."
                + " Editing any value switches to custom."));
        descriptionLabel.textProperty().bind(vm.description);
        reasonLabel.textProperty().bind(vm.reason.map(r -> r.isEmpty() ? "" : "Cannot train: " + r));
        reasonLabel.visibleProperty().bind(vm.reason.isNotEmpty());
        warningLabel.textProperty().bind(vm.warning.map(w -> w.isEmpty() ? "" : "⚠ " + w));
        warningLabel.visibleProperty().bind(vm.warning.isNotEmpty().and(vm.reason.isEmpty()));
        hintLabel.visibleProperty().bind(vm.warning.isEmpty().and(vm.reason.isEmpty()));
        saveButton.disableProperty().bind(vm.valid.not());
        paramsLabel.textProperty().bind(vm.paramsText);
        memoryLabel.textProperty().bind(vm.memoryText);
        flopsLabel.textProperty().bind(vm.flopsText);
        timeLabel.textProperty().bind(vm.timeText);
        fill(modelGrid, HyperparametersViewModel.MODEL_FIELDS);
        fill(trainGrid, HyperparametersViewModel.TRAIN_FIELDS);
    }

    private void fill(GridPane grid, List<HyperparametersViewModel.Field> fields) {
        int row = 0;
        for (HyperparametersViewModel.Field f : fields) {
            Label label = new Label(f.label());
            label.getStyleClass().add("field-label");
            TextField field = new TextField();
            field.setId("hp-" + f.key());
            field.setPrefColumnCount(9);
            field.textProperty().bindBidirectional(vm.values.get(f.key()));
            Tooltip tip = new Tooltip(f.help());
            tip.setShowDelay(Duration.millis(300));
            tip.setWrapText(true);
            tip.setMaxWidth(360);
            field.setTooltip(tip);
            label.setTooltip(tip);
            Label err = new Label();
            err.setId("hp-" + f.key() + "-error");
            err.textProperty().bind(f.key().equals("lr")
                    ? javafx.beans.binding.Bindings.createStringBinding(() -> vm.errors.get("lr").get().isEmpty()
                    ? vm.lrRange.get() : vm.errors.get("lr").get(), vm.errors.get("lr"), vm.lrRange)
                    : vm.errors.get(f.key()).map(e -> e.isEmpty() ? f.range() : e));
            // the message column takes what is left and cuts long text (full text in a tooltip): fields keep their place
            err.setMinWidth(0);
            err.setPrefWidth(40);
            err.setMaxWidth(Double.MAX_VALUE);
            Tooltip errTip = new Tooltip();
            errTip.textProperty().bind(err.textProperty());
            err.setTooltip(errTip);
            vm.errors.get(f.key()).addListener((o, a, e) -> err.getStyleClass().setAll("label", e.isEmpty() ? "muted" : "field-error"));
            err.getStyleClass().setAll("label", "muted");
            vm.errors.get(f.key()).addListener((o, a, e) -> field.pseudoClassStateChanged(Styles.STATE_DANGER, !e.isEmpty()));
            grid.addRow(row++, label, field, err);
        }
    }

    @FXML
    private void onLoad() {
        FileChooser fc = chooser("Load preset");
        File f = fc.showOpenDialog(root.getScene().getWindow());
        if (f == null) return;
        try {
            vm.loadPreset(f.toPath());
            session.message.set("Loaded preset " + f.getName());
        } catch (BytewiseException e) {
            session.message.set(e.getMessage());
        }
    }

    @FXML
    private void onSave() {
        FileChooser fc = chooser("Save preset");
        fc.setInitialFileName("my-preset.json");
        File f = fc.showSaveDialog(root.getScene().getWindow());
        if (f == null) return;
        try {
            vm.savePreset(f.toPath());
            session.message.set("Saved preset " + f.getName());
        } catch (BytewiseException e) {
            session.message.set(e.getMessage());
        }
    }

    private static FileChooser chooser(String title) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Preset JSON", "*.json"));
        return fc;
    }
}
