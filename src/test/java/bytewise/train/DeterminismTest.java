package bytewise.train;

import bytewise.kernels.WorkerPool;
import bytewise.model.ForwardBackward;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The project promises bit-identical results whatever the thread count ("results are bit-identical across
 * thread counts", "results never depend on timing"), and TrainerTest checks same-seed runs and resumed runs
 * bit for bit. These check it on one whole-model gradient, where a last-bit difference cannot be hidden by the
 * optimizer's rounding.
 */
class DeterminismTest {

    /** Which tensors' gradients differ in their bits, and in how many entries. */
    private static Map<String, Integer> differences(ModelConfig cfg, float[] a, float[] b) {
        Map<String, Integer> diff = new TreeMap<>();
        for (var t : Gpt.initialize(cfg, 3).layout().tensors()) {
            for (int i = t.offset(); i < t.offset() + t.size(); i++) {
                if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) diff.merge(t.name(), 1, Integer::sum);
            }
        }
        if (Float.floatToIntBits(a[a.length - 1]) != Float.floatToIntBits(b[b.length - 1])) diff.put("(loss)", 1);
        return diff;
    }

    private static float[] gradients(ModelConfig cfg, int threads) {
        try (WorkerPool pool = new WorkerPool(threads)) {
            return ColdWarmProbe.gradients(cfg, 4, pool);
        }
    }

    /**
     * C = 32 with 3 workers: WorkerPool.forRange(32) gives the channel ranges [0,10), [10,21), [21,32), none of
     * which holds a whole 16-float vector, so Kernels.layerNormParamGrads takes its scalar tail
     * (dw += norm·g, two roundings) where one worker takes the vector loop (norm.fma(g, dw), one rounding).
     */
    @Test
    void gradientsBitIdenticalAcrossThreadCounts() {
        ModelConfig cfg = new ModelConfig(16, 32, 2, 2);
        // warm the JIT first so that only the thread count differs between the runs compared
        for (int rep = 0; rep < 15; rep++) {
            for (int threads = 1; threads <= 3; threads++) gradients(cfg, threads);
        }
        float[] one = gradients(cfg, 1);
        assertEquals(Map.of(), differences(cfg, one, gradients(cfg, 1)), "1 thread twice (warm)");
        assertEquals(Map.of(), differences(cfg, one, gradients(cfg, 2)), "1 vs 2 threads: gradient entries that differ");
        assertEquals(Map.of(), differences(cfg, one, gradients(cfg, 3)), "1 vs 3 threads: gradient entries that differ");
    }

    /**
     * In a fresh JVM: the same forward + backward on the same inputs and one thread, first while the kernels run
     * interpreted and again after C2 has compiled them. The Vector API's float reduceLanes(ADD) (Vec.sum, Vec.dot,
     * LayerNorm's sums) and lanewise(EXP) (Vec.expShiftInPlace) give different bits interpreted and compiled.
     */
    @Test
    void sameGradientsBeforeAndAfterJitCompilation() throws Exception {
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        String cp = Path.of(ColdWarmProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + java.io.File.pathSeparator
                + Path.of(ForwardBackward.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(List.of(javaCmd, "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-cp", cp,
                ColdWarmProbe.class.getName())).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe finished");
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("DIFFER "), text);
        for (String line : text.lines().filter(l -> l.startsWith("DIFFER ") || l.startsWith("VEC ")).toList()) {
            if (line.startsWith("DIFFER ")) assertTrue(line.startsWith("DIFFER 0 "), "gradients cold vs warm: " + text);
            else assertTrue(line.endsWith(" same"), "kernel cold vs warm: " + text);
        }
    }
}
