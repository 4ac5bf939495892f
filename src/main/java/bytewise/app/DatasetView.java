package bytewise.app;

import javafx.collections.ObservableListBase;
import javafx.fxml.FXML;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.VBox;
import javafx.scene.layout.Region;
import javafx.scene.Node;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.scene.layout.HBox;
import javafx.stage.FileChooser;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Dataset page: thin controller binding {@link DatasetViewModel} to DatasetView.fxml. */
public final class DatasetView implements PageView {
    @FXML private VBox root;
    @FXML private Button openButton, folderButton, sampleButton, inspectButton;
    @FXML private javafx.scene.control.TextField includeField;
    @FXML private Label hintLabel, warningLabel, errorLabel, nameLabel, sizeLabel, distinctLabel, utf8Label, asciiLabel, splitLabel, statsNote,
            valPercent, offsetLabel;
    @FXML private Slider valSlider;
    @FXML private ProgressBar statsProgress;
    @FXML private BarChart<String, Number> histogram;
    @FXML private ListView<Long> preview;
    @FXML private javafx.scene.control.CheckBox logCounts;

    private Session session;
    private DatasetViewModel vm;

    @Override
    public void init(AppContext context) {
        this.session = context.session;
        vm = context.dataset;
        // the strip keeps its height: an error over a warning over the hint, never pushing the cards down
        errorLabel.textProperty().bind(vm.error);
        errorLabel.visibleProperty().bind(vm.error.isNotEmpty());
        warningLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> vm.warningText.get().isEmpty()
                ? "" : "⚠ This data may not be text: " + vm.warningText.get().replace("\n", " · "), vm.warningText));
        warningLabel.visibleProperty().bind(vm.warningText.isNotEmpty().and(vm.error.isEmpty()));
        Tooltip warningTip = new Tooltip();
        warningTip.textProperty().bind(vm.warningText);
        warningTip.setWrapText(true);
        warningTip.setMaxWidth(560);
        warningLabel.setTooltip(warningTip);
        hintLabel.visibleProperty().bind(vm.warningText.isEmpty().and(vm.error.isEmpty()));
        nameLabel.setTooltip(filesTip);
        session.corpus.addListener((o, a, c) -> filesTip.setText(filesText(c)));
        filesTip.setText(filesText(session.corpus.get()));
        nameLabel.textProperty().bind(vm.name);
        sizeLabel.textProperty().bind(vm.sizeText);
        distinctLabel.textProperty().bind(vm.distinctText);
        utf8Label.textProperty().bind(vm.utf8Text);
        asciiLabel.textProperty().bind(vm.asciiText);
        splitLabel.textProperty().bind(vm.splitText);
        statsNote.textProperty().bind(vm.statsNote);
        statsProgress.progressProperty().bind(vm.statsProgress);
        statsProgress.visibleProperty().bind(vm.statsProgress.lessThan(1).and(session.corpus.isNotNull()).or(vm.busy));
        openButton.disableProperty().bind(vm.busy);
        sampleButton.disableProperty().bind(vm.busy);
        folderButton.disableProperty().bind(vm.busy);
        includeField.textProperty().bindBidirectional(vm.include);
        includeField.setTooltip(new Tooltip("Which files of a folder to take: comma-separated patterns on the file name"
                + " (or on the path inside the folder when a pattern has a '/'). Empty: common text and source files ("
                + bytewise.io.DataFiles.DEFAULT_INCLUDE.replace(",", ", ") + ")."));
        valSlider.valueProperty().bindBidirectional(session.valFraction);
        valSlider.setTooltip(new Tooltip("Share of the file, at its end, held out to measure validation loss (0–50%)."));
        valPercent.textProperty().bind(session.valFraction.multiply(100).asString(Locale.ROOT, "%.0f%%"));
        inspectButton.disableProperty().bind(vm.selectedOffset.lessThan(0));
        offsetLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> vm.selectedOffset.get() < 0 ? "" : String.format(Locale.ROOT, "Offset %,d", vm.selectedOffset.get()),
                vm.selectedOffset));

        histogram.setVerticalGridLinesVisible(false);
        vm.histogram.addListener((o, a, h) -> showHistogram(h));
        logCounts.setTooltip(new Tooltip("Show log10(count + 1), so rare bytes are visible next to common ones"));
        logCounts.selectedProperty().addListener((o, a, b) -> showHistogram(vm.histogram.get()));
        showHistogram(vm.histogram.get());

        preview.setFixedCellSize(22);
        preview.setPlaceholder(new Label("Open a text file (or drop one here) to see its bytes."));
        preview.setCellFactory(lv -> new PreviewCell());
        session.corpus.addListener((o, a, c) -> preview.scrollTo(0));
        vm.rows.addListener((o, a, r) -> preview.setItems(new Rows(r.count())));
        preview.setItems(new Rows(vm.rowCount.get()));
        vm.selectedOffset.addListener((o, a, b) -> preview.refresh());
        vm.selectedOffset.addListener((o, a, b) -> preview.refresh());

        root.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) e.acceptTransferModes(TransferMode.COPY);
            e.consume();
        });
        root.setOnDragDropped(e -> {
            List<File> files = e.getDragboard().getFiles();
            e.setDropCompleted(vm.drop(files == null ? List.of() : files.stream().map(File::toPath).toList()));
            e.consume();
        });
    }

    private void showHistogram(long[] h) {
        histogram.getData().clear();
        if (h == null) return;
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        List<XYChart.Data<String, Number>> data = new ArrayList<>(256);
        boolean log = logCounts.isSelected();
        histogram.getYAxis().setLabel(log ? "log10(count + 1)" : "count");
        for (int i = 0; i < 256; i++) data.add(new XYChart.Data<>(Integer.toString(i), log ? Math.log10(h[i] + 1.0) : h[i]));
        s.getData().setAll(data);
        histogram.getData().add(s);
        for (int i = 0; i < 256; i++) {
            var node = data.get(i).getNode();
            if (node == null) continue;
            String shown = i >= 33 && i < 127 ? "'" + (char) i + "'" : i == 32 ? "space" : i == 10 ? "\\n" : i == 9 ? "\\t" : "";
            Tooltip.install(node, new Tooltip(String.format(Locale.ROOT, "byte %d (0x%02X) %s: %,d", i, i, shown, h[i])));
        }
    }

    @FXML
    private void onOpen() {
        openDialog();
    }

    private final Tooltip filesTip = new Tooltip();

    /** The documents of a set, for the name's tooltip (the first 40). */
    private static String filesText(bytewise.data.Corpus c) {
        if (c == null) return "No dataset";
        if (c.documents().size() < 2) return c.path() != null ? c.path().toString() : c.name();
        StringBuilder sb = new StringBuilder(Format.count(c.documents().size(), "file") + ", in this order:");
        c.documents().stream().limit(40).forEach(d -> sb.append('\n').append(d.name()).append("  ").append(Format.bytes(d.size())));
        if (c.documents().size() > 40) sb.append("\n…");
        return sb.toString();
    }

    /** Asks for one or more files and opens them as the dataset (this page's button and File > Open text). */
    public void openDialog() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open text files to train on");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Text", "*.txt", "*.md", "*.csv", "*.json", "*.*"));
        List<File> fs = fc.showOpenMultipleDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (fs != null && !fs.isEmpty()) vm.open(fs.stream().map(File::toPath).toList());
    }

    /** Asks for a folder and opens its text and source files as one dataset. */
    public void openFolderDialog() {
        javafx.stage.DirectoryChooser dc = new javafx.stage.DirectoryChooser();
        dc.setTitle("Open a folder of text to train on");
        File d = dc.showDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (d != null) vm.open(d.toPath());
    }

    @FXML
    private void onOpenFolder() {
        openFolderDialog();
    }

    @FXML
    private void onSample() {
        vm.openSample();
    }

    @FXML
    private void onInspect() {
        session.page.set(Page.INSPECTOR);
    }

    /** Opens {@code path} (used by the shell's File menu and tests). */
    public void open(Path path) {
        vm.open(path);
    }

    /** A list of row numbers 0..n-1 that holds nothing: rows are read from the corpus as cells appear. */
    private static final class Rows extends ObservableListBase<Long> {
        private final long n;

        Rows(long n) {
            this.n = n;
        }

        @Override
        public Long get(int index) {
            return (long) index;
        }

        @Override
        public int size() {
            return (int) Math.min(Integer.MAX_VALUE, n);
        }
    }

    /**
     * One preview row: the offset in a gutter, then the bytes (one character each) in a TextFlow,
     * with the picked byte marked. A click maps to the byte under the pointer via hit testing.
     */
    private final class PreviewCell extends ListCell<Long> {
        private final Label gutter = new Label();
        private final Text before = new Text(), mark = new Text(), after = new Text();
        private final TextFlow flow = new TextFlow(before, mark, after);
        private final HBox box = new HBox(gutter, flow);

        PreviewCell() {
            getStyleClass().add("preview-cell");
            gutter.getStyleClass().add("preview-offset");
            gutter.setMinWidth(Region.USE_PREF_SIZE);
            before.getStyleClass().add("preview-text");
            after.getStyleClass().add("preview-text");
            mark.getStyleClass().addAll("preview-text", "preview-mark");
            box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
            setOnMouseClicked(e -> {
                if (isEmpty() || getItem() == null) return;
                javafx.geometry.Point2D p = flow.sceneToLocal(e.getSceneX(), e.getSceneY());
                int col = p.getX() < 0 ? 0 : flow.hitTest(p).getCharIndex();
                int len = before.getText().length() + mark.getText().length() + after.getText().length();
                col = Math.max(0, Math.min(Math.max(0, len - 1), col));
                vm.select(vm.rowStart(getItem()) + col);
            });
        }

        @Override
        protected void updateItem(Long row, boolean empty) {
            super.updateItem(row, empty);
            setText(null);
            if (empty || row == null) {
                setGraphic(null);
                return;
            }
            long start = vm.rowStart(row), sel = vm.selectedOffset.get();
            gutter.setText(String.format(Locale.ROOT, "%,11d", start));
            String t = vm.rowText(row);
            if (sel >= start && sel < start + t.length()) {
                int c = (int) (sel - start);
                before.setText(t.substring(0, c));
                mark.setText(t.substring(c, c + 1));
                after.setText(t.substring(c + 1));
            } else {
                before.setText(t);
                mark.setText("");
                after.setText("");
            }
            setGraphic(box);
        }
    }
}
