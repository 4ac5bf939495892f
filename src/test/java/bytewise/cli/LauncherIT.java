package bytewise.cli;

import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real launcher ({@code bin/bytewise}, on the packaged jar) trains and generates 4,000 bytes
 * with models whose widths are multiples of no vector length, at each vector width a user's CPU
 * may have. A JVM crash (a SIGSEGV from an access past an array's end) fails the test with the
 * crash report's first lines. Runs in {@code mvn verify} after {@code package} (failsafe).
 */
class LauncherIT {
    private static final Path HOME = Path.of(System.getProperty("user.dir"));

    /** Each run's working directory; kept when its test fails, for the crash report and the output. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    static Stream<Arguments> widthsAndShapes() {
        // this CPU's own; 4 floats with 4 rows (x86 without AVX) and with 6 (Apple Silicon's NEON)
        List<String> widths = new ArrayList<>(List.of("", "-XX:MaxVectorSize=16", "-XX:MaxVectorSize=16 -Dbytewise.gemm.rows=6"));
        if (System.getProperty("os.arch").equals("amd64")) widths.add("-XX:UseAVX=2");
        String[][] shapes = {{"100", "4", "40"}, {"36", "4", "33"}, {"20", "2", "17"}};
        List<Arguments> all = new ArrayList<>();
        for (String w : widths) for (String[] s : shapes) all.add(Arguments.of(w, s[0], s[1], s[2]));
        return all.stream();
    }

    @ParameterizedTest(name = "[{0}] d_model {1}, {2} heads, seq {3}")
    @MethodSource("widthsAndShapes")
    void trainsAndGeneratesThroughTheLauncher(String jvmFlags, String dModel, String heads, String seq) throws Exception {
        Path out = work.resolve("out.txt"), err = work.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(HOME.resolve("bin/bytewise").toString(),
                "--data", HOME.resolve("samples/pocket-essays.txt").toString(),
                "--seq", seq, "--dmodel", dModel, "--heads", heads, "--layers", "2", "--batch", "4",
                "--steps", "10", "--eval-every", "10", "--threads", "2",
                "--prompt", "The ", "--gen", "4000", "--json")
                .directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("BYTEWISE_JAVA_OPTS", jvmFlags + " -XX:ErrorFile=" + work.resolve("hs_err.log"));
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished within 5 minutes");
        String crash = Files.exists(work.resolve("hs_err.log")) ? head(work.resolve("hs_err.log")) : "";
        assertEquals("", crash, () -> "the JVM crashed (report and output kept in " + work + ")");
        assertEquals(0, p.exitValue(), () -> "exit status; stderr: " + read(err));
        String json = read(out);
        assertTrue(json.contains("\"type\":\"sample\"") && json.contains("\"bytes\":4000"), () -> "a 4,000-byte sample: " + json);
    }

    /**
     * Every engine method the JIT picks compiles at every tier. A kernel C1 cannot compile ("out of
     * virtual registers") may be left on its tier-2 code for the whole run, where the Vector API runs
     * its Java fallback: layer norm's input gradient did that in about one run of three and halved
     * the training speed.
     */
    @org.junit.jupiter.api.Test
    void everyEngineMethodCompiles() throws Exception {
        Path out = work.resolve("out.txt"), err = work.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(HOME.resolve("bin/bytewise").toString(),
                "--data", HOME.resolve("samples/pocket-essays.txt").toString(), "--preset", "tiny",
                "--steps", "30", "--eval-every", "30", "--threads", "2", "--prompt", "The ", "--gen", "500", "--json")
                .directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("BYTEWISE_JAVA_OPTS", "-XX:+PrintCompilation");
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished within 5 minutes");
        assertEquals(0, p.exitValue(), () -> "exit status; stderr: " + read(err));
        List<String> log = Files.readAllLines(out, StandardCharsets.ISO_8859_1);
        assertTrue(log.stream().anyMatch(l -> l.contains("bytewise.kernels.Gemm::")), "the compilation log was printed");
        List<String> skipped = log.stream().filter(l -> l.contains("bytewise.") && l.contains("COMPILE SKIPPED")).toList();
        assertEquals(List.of(), skipped, "engine methods a JIT tier gave up on");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String head(Path f) {
        String s = read(f);
        return s.substring(0, Math.min(s.length(), 1500));
    }
}
