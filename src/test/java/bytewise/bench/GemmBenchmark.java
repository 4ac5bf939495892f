package bytewise.bench;

import bytewise.kernels.MatMul;
import bytewise.kernels.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Collection;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * GEMM throughput for a linear layer's three products at two shapes (rows × in × out):
 * forward x·Wᵀ, input gradient dy·W, weight gradient dyᵀ·x. Run with {@code bin/bench-gemm}; the
 * main method prints GFLOP/s per case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"768x128x512", "2048x384x1536"})
    public String shape;
    @Param({"1", "2"})
    public int threads;

    private int rows, in, out;
    private float[] x, w, y, dy, dx, dw;
    private WorkerPool pool;
    private MatMul mm;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        in = Integer.parseInt(p[1]);
        out = Integer.parseInt(p[2]);
        SplittableRandom r = new SplittableRandom(1);
        x = random(r, rows * in);
        w = random(r, out * in);
        dy = random(r, rows * out);
        y = new float[rows * out];
        dx = new float[rows * in];
        dw = new float[out * in];
        pool = new WorkerPool(threads);
        mm = new MatMul(pool);
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float forward() {
        mm.gemm(rows, out, in, x, 0, in, 1, w, 0, 1, in, y, 0, out);
        return y[0];
    }

    @Benchmark
    public float inputGradient() {
        mm.gemm(rows, in, out, dy, 0, out, 1, w, 0, in, 1, dx, 0, in);
        return dx[0];
    }

    @Benchmark
    public float weightGradient() {
        mm.gemm(out, in, rows, dy, 0, 1, out, x, 0, in, 1, dw, 0, in);
        return dw[0];
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(GemmBenchmark.class.getSimpleName()).build()).run();
        System.out.println();
        System.out.println("shape (rows x in x out)  threads  product          GFLOP/s");
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape");
            String[] p = shape.split("x");
            double flops = 2.0 * Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
            double us = r.getPrimaryResult().getScore();
            String name = r.getParams().getBenchmark();
            System.out.printf("%-24s %7s  %-15s %8.1f%n", shape, r.getParams().getParam("threads"),
                    name.substring(name.lastIndexOf('.') + 1), flops / (us * 1e-6) / 1e9);
        }
    }
}
