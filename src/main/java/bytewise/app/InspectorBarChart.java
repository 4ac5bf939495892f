package bytewise.app;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Locale;

/**
 * A small horizontal bar chart of byte probabilities: one row per candidate byte (label, bar,
 * percentage). A highlighted row (the expected or chosen byte) is drawn in a distinct colour and
 * carries the style class {@code inspector-bar-highlight}. Used by the Inspector and the Playground.
 */
public final class InspectorBarChart extends VBox {
    /** One row: the byte shown printably, its probability, whether it is highlighted, and an optional note. */
    public record Bar(String label, double probability, boolean highlighted, String note) {
        public Bar(String label, double probability, boolean highlighted) {
            this(label, probability, highlighted, null);
        }
    }

    private static final String BAR_COLOR = "-color-accent-emphasis";
    private static final String HIGHLIGHT_COLOR = "-color-success-emphasis";
    private static final String TRACK_COLOR = "-color-bg-subtle";

    private String highlightColor = HIGHLIGHT_COLOR;

    public InspectorBarChart() {
        setSpacing(2);
        getStyleClass().add("inspector-bar-chart");
    }

    /** Colour (a CSS paint or looked-up colour) of highlighted bars. */
    public void setHighlightColor(String cssPaint) {
        this.highlightColor = cssPaint;
    }

    /** Replaces the rows. Bars are scaled to the largest probability shown; the percentage is exact. */
    public void setBars(List<Bar> bars) {
        getChildren().clear();
        double max = 1e-12;
        for (Bar b : bars) max = Math.max(max, b.probability());
        for (Bar b : bars) {
            if (b.note() != null) {
                Label note = new Label(b.note());
                note.getStyleClass().addAll("inspector-bar-note", "text-muted", "text-small");
                getChildren().add(note);
            }
            getChildren().add(row(b, b.probability() / max));
        }
    }

    public int barCount() {
        return (int) getChildren().stream().filter(n -> n.getStyleClass().contains("inspector-bar")).count();
    }

    private HBox row(Bar b, double fraction) {
        Label name = new Label(visible(b.label()));
        name.setMinWidth(64);
        name.setPrefWidth(64);
        name.setAlignment(Pos.CENTER_RIGHT);
        name.setStyle("-fx-font-family: monospace; -fx-font-size: 13px;"
                + (b.highlighted() ? " -fx-font-weight: bold;" : ""));

        Region fill = new Region();
        fill.getStyleClass().add("inspector-bar-fill");
        fill.setStyle("-fx-background-color: " + (b.highlighted() ? highlightColor : BAR_COLOR)
                + "; -fx-background-radius: 3;");
        fill.setMinWidth(1);
        fill.setMaxHeight(15);
        StackPane track = new StackPane(fill);
        track.setAlignment(Pos.CENTER_LEFT);
        track.setStyle("-fx-background-color: " + TRACK_COLOR + "; -fx-background-radius: 3;");
        track.setMinWidth(60);
        track.setPrefHeight(17);
        track.setMinHeight(17);
        HBox.setHgrow(track, Priority.ALWAYS);
        fill.maxWidthProperty().bind(track.widthProperty().multiply(Math.max(0.004, fraction)));
        fill.prefWidthProperty().bind(fill.maxWidthProperty());

        Label pct = new Label(percent(b.probability()));
        pct.setMinWidth(64);
        pct.setPrefWidth(64);
        pct.setStyle("-fx-font-family: monospace; -fx-font-size: 12px;"
                + (b.highlighted() ? " -fx-font-weight: bold;" : ""));

        HBox row = new HBox(8, name, track, pct);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("inspector-bar");
        if (b.highlighted()) row.getStyleClass().add("inspector-bar-highlight");
        row.setUserData(b);
        Tooltip.install(row, new Tooltip(visible(b.label()) + "  p = " + String.format(Locale.ROOT, "%.6f", b.probability())));
        return row;
    }

    /** A printable byte as drawn in labels: a space becomes the visible ␣. */
    public static String visible(String printable) {
        return " ".equals(printable) ? "␣" : printable;
    }

    static String percent(double p) {
        if (p >= 0.0995) return String.format(Locale.ROOT, "%.1f%%", p * 100);
        if (p >= 0.000995) return String.format(Locale.ROOT, "%.2f%%", p * 100);
        return String.format(Locale.ROOT, "%.1e", p);
    }
}
