package bytewise.sample;

import bytewise.model.ForwardBackward;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once C2 has compiled the engine, a training step (forward and backward) and decoding allocate next
 * to nothing: every vector stays in registers. A vector C2 cannot keep unboxed is allocated on the
 * heap at each use, and the Vector API then runs that operation in plain Java: a helper taking
 * vectors that was left a call (the GEMM kernels' add to C: 46 MB a step with six rows on the first
 * shape, 151 MB with four on the second), or a call on a loop-carried vector that C2 could not bind
 * without a type profile (the softmax's max in about one JVM in seven: 1.1 MB a step and 5.8 KB a
 * decoded byte on the first shape). Which compile a JVM gets varies from run to run, so the bounds
 * must hold in every run at every vector width.
 *
 * <p>{@link SteadyStateProbe} runs in a fresh JVM with this one's vector width and tile options: in
 * the suite's own JVM, after the studio's tests, C2 recompiled `Gemm.packRows` with class checks
 * that boxed its vectors, in three runs of four, until TrainingHealth stopped using a second float
 * species (BENCHMARKS.md, "Boxed accumulators"); two clean runs since are not yet proof. The bounds
 * leave room for what the engine allocates by design, a task object per parallel loop: 14–35 KB a
 * step and under 0.7 KB a decoded byte here.
 */
class SteadyStateAllocationTest {

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void trainingStepsAndDecodingAllocateNextToNothing() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxVectorSize") || arg.startsWith("-XX:UseAVX") || arg.startsWith("-Dbytewise.")) cmd.add(arg);
        }
        cmd.addAll(List.of("-cp", location(SteadyStateProbe.class) + File.pathSeparator + location(ForwardBackward.class),
                SteadyStateProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "probe finished");
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        long ok = text.lines().filter(l -> l.startsWith("OK ")).count();
        assertFalse(text.contains("FAIL "), text);
        assertEquals(6, ok, "a line per shape for training and for decoding:\n" + text);
    }
}
