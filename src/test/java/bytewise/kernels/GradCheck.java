package bytewise.kernels;

import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Central finite differences of a double-precision loss, against a float analytic gradient. */
final class GradCheck {
    private GradCheck() {}

    /**
     * For every {@code every}-th entry of {@code x}: numeric ∂loss/∂x[i] by central differences (step 1e-4,
     * in double), and |analytic − numeric| ≤ 1e-4·|numeric| + 1e-5·max|numeric|. A float gradient is good to
     * about 1e-6 relative; any formula error is orders of magnitude above the tolerance.
     */
    static void check(String what, float[] analytic, int analyticOff, double[] x, int every, DoubleSupplier loss) {
        double h = 1e-4;
        int n = x.length;
        double[] fd = new double[n];
        double max = 0;
        for (int i = 0; i < n; i += every) {
            double keep = x[i];
            x[i] = keep + h;
            double up = loss.getAsDouble();
            x[i] = keep - h;
            double down = loss.getAsDouble();
            x[i] = keep;
            fd[i] = (up - down) / (2 * h);
            max = Math.max(max, Math.abs(fd[i]));
        }
        assertTrue(max > 1e-2, what + ": the check must exercise real gradients, largest is " + max);
        for (int i = 0; i < n; i += every) {
            double tol = 1e-4 * Math.abs(fd[i]) + 1e-5 * max;
            float g = analytic[analyticOff + i];
            if (!(Math.abs(g - fd[i]) <= tol)) {
                fail(what + "[" + i + "]: analytic " + g + ", numeric " + fd[i] + " (tolerance " + tol + ")");
            }
        }
    }

    static void check(String what, float[] analytic, double[] x, DoubleSupplier loss) {
        check(what, analytic, 0, x, 1, loss);
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
