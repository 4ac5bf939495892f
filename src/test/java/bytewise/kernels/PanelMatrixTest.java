package bytewise.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class PanelMatrixTest {
    /** Sizes on and off every vector width's multiples, and panels that end past {@code out}. */
    private static final int[][] SHAPES = {{1, 1}, {3, 5}, {20, 36}, {36, 100}, {100, 25}, {64, 64}, {256, 128},
            {PanelMatrix.PW + 1, 9}, {3 * PanelMatrix.PW, 10}, {129, 7}};

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @Test
    void multiplyMatchesADoublePrecisionMatVecWithBiasAndAccumulation() {
        SplittableRandom r = new SplittableRandom(7);
        for (int[] sh : SHAPES) {
            int out = sh[0], in = sh[1], wOff = 3, bOff = 2;
            float[] w = random(r, wOff + out * in), bias = random(r, bOff + out), x = random(r, 2 * in + 4);
            PanelMatrix pm = PanelMatrix.of(w, wOff, out, in);
            for (boolean acc : new boolean[]{false, true}) {
                for (boolean withBias : new boolean[]{false, true}) {
                    float[] y = random(r, 2 * out + 6), before = y.clone();
                    int y0 = 1, y1 = out + 4, x0 = 1, x1 = in + 3;
                    pm.multiply(y, y0, y1, withBias ? bias : null, bOff, x, x0, x1, 2, acc, 0, pm.panels(), new float[2 * PanelMatrix.PW]);
                    for (int row = 0; row < 2; row++) {
                        int ya = row == 0 ? y0 : y1, xa = row == 0 ? x0 : x1;
                        for (int o = 0; o < out; o++) {
                            double s = withBias ? bias[bOff + o] : 0;
                            for (int i = 0; i < in; i++) s += (double) w[wOff + o * in + i] * x[xa + i];
                            if (acc) s += before[ya + o];
                            assertEquals(s, y[ya + o], 1e-4 * (1 + Math.abs(s)), "out=" + out + " in=" + in + " o=" + o);
                        }
                    }
                    // nothing outside the two output rows is written
                    for (int i = 0; i < y.length; i++) {
                        boolean inside = (i >= y0 && i < y0 + out) || (i >= y1 && i < y1 + out);
                        if (!inside) assertEquals(before[i], y[i], "untouched y[" + i + "], out=" + out);
                    }
                }
            }
        }
    }

    @Test
    void twoRowsGiveTheBitsOfOneRowEachAndPanelRangesSplitFreely() {
        SplittableRandom r = new SplittableRandom(8);
        for (int[] sh : SHAPES) {
            int out = sh[0], in = sh[1];
            float[] w = random(r, out * in), bias = random(r, out), x = random(r, 2 * in);
            PanelMatrix pm = PanelMatrix.of(w, 0, out, in);
            float[] tail = new float[2 * PanelMatrix.PW];
            float[] two = new float[2 * out], one = new float[2 * out], split = new float[2 * out];
            pm.multiply(two, 0, out, bias, 0, x, 0, in, 2, false, 0, pm.panels(), tail);
            pm.multiply(one, 0, 0, bias, 0, x, 0, 0, 1, false, 0, pm.panels(), tail);
            pm.multiply(one, out, out, bias, 0, x, in, in, 1, false, 0, pm.panels(), tail);
            assertArrayEquals(one, two, "out=" + out + " in=" + in);
            int mid = pm.panels() / 2;
            pm.multiply(split, 0, out, bias, 0, x, 0, in, 2, false, mid, pm.panels(), tail);
            pm.multiply(split, 0, out, bias, 0, x, 0, in, 2, false, 0, mid, new float[2 * PanelMatrix.PW]);
            assertArrayEquals(two, split, "panels split at " + mid + ", out=" + out);
        }
    }

    @Test
    void theCopyIsTakenAtConstruction() {
        float[] w = {1, 2, 3, 4}, x = {1, 1}, y = new float[2];
        PanelMatrix pm = PanelMatrix.of(w, 0, 2, 2);
        w[0] = 100;
        pm.multiply(y, 0, 0, null, 0, x, 0, 0, 1, false, 0, pm.panels(), new float[2 * PanelMatrix.PW]);
        assertArrayEquals(new float[]{3, 7}, y);
    }
}
