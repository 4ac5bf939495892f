package bytewise.app;

import javafx.geometry.Rectangle2D;

/**
 * Where the loss chart's plot is and what it shows: the plot area in pixels and the data range
 * drawn in it, with the mapping both ways. One value, so the painting, the marks and the hover all
 * map through the range of the same draw.
 */
record PlotFrame(double left, double top, double width, double height, double x0, double x1, double y0, double y1) {
    // data <-> pixels (no allocation: called per point)
    double px(double x) {
        return left + (x - x0) / (x1 - x0) * width;
    }

    double py(double y) {
        return top + height - (y - y0) / (y1 - y0) * height;
    }

    double valueX(double px) {
        return x0 + (px - left) / width * (x1 - x0);
    }

    double valueY(double py) {
        return y0 + (top + height - py) / height * (y1 - y0);
    }

    Rectangle2D area() {
        return new Rectangle2D(left, top, width, height);
    }
}
