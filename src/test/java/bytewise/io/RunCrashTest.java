package bytewise.io;

import bytewise.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a training process (SIGKILL, as kill -9) at random moments, over and over, while it
 * autosaves every few steps; after each kill every checkpoint left on disk must load, and the next
 * start must resume from the newest one.
 */
class RunCrashTest {

    private static Process start(Path data, Path run, int steps, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "bytewise.cli.Main",
                "--data", data.toString(), "--preset", "tiny", "--steps", String.valueOf(steps), "--threads", "2",
                "--run", run.toString(), "--autosave-every", "3", "--keep-last", "2", "--eval-every", "10",
                "--log-every", "1"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<Path> checkpointsOnDisk(Path run) throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(run)) {
            s.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().equals("run.json"))
                    .forEach(out::add);
        }
        return out;
    }

    @Test
    void killedAtRandomMomentsEveryCheckpointStillLoadsAndTheRunResumes(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("text.txt");
        Files.write(data, TestData.prose(30_000, 5));
        Path run = dir.resolve("run");
        SplittableRandom rng = new SplittableRandom(2024);
        long lastStep = -1;
        int kills = 0;
        for (int round = 0; round < 5; round++) {
            Path log = dir.resolve("log-" + round + ".txt");
            Process p = start(data, run, 1_000_000, log);
            // kill at a random moment once training is under way (JVM start-up time varies with load)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("step ") && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            Thread.sleep(rng.nextInt(1500));
            // a step line (not "resuming … from step N", printed before the run is opened)
            boolean training = p.isAlive() && java.util.regex.Pattern.compile("(?m)^step ").matcher(Files.readString(log)).find()
                    && RunFolder.isRunFolder(run);
            if (training) {
                assertTrue(RunFolder.open(run).isOwned(), "another live process owns the run: " + Files.readString(run.resolve("run.json")) + Files.readString(log));
                assertEquals("running", RunFolder.open(run).checkedInfo().status(), "a live run is not interrupted");
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            kills++;
            if (!RunFolder.isRunFolder(run)) continue; // killed before it even started
            if (training) assertEquals("interrupted", RunFolder.open(run).checkedInfo().status(), "killed: no live owner");
            for (Path json : checkpointsOnDisk(run)) {
                String name = json.getFileName().toString();
                if (name.endsWith(".tmp") || name.endsWith(".prev")) continue;
                assertDoesNotThrow(() -> Checkpoint.load(json), "after kill " + kills + ": " + json);
            }
            var latest = RunFolder.open(run).latestCheckpoint();
            if (latest.isPresent()) {
                long step = latest.get().state().step();
                assertTrue(step >= lastStep, "progress is never lost: " + step + " after " + lastStep);
                if (lastStep >= 0) {
                    String out = Files.readString(log, StandardCharsets.UTF_8);
                    assertTrue(out.contains("resuming " + run + " from step " + lastStep), out);
                }
                lastStep = step;
            }
            RunFolder.open(run).readMetrics(); // a torn metrics line must not break reading
        }
        assertTrue(lastStep > 0, "the runs got far enough to checkpoint");
        // a last start runs to completion from the newest checkpoint
        Path log = dir.resolve("log-final.txt");
        Process p = start(data, run, (int) lastStep + 6, log);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(log));
        RunFolder.Info info = RunFolder.open(run).info();
        assertEquals("completed", info.status());
        assertEquals(lastStep + 6, info.step());
        assertTrue(Files.readString(log).contains("from step " + lastStep));
        assertFalse(new File(run.toFile(), "run.json.tmp").exists());
    }
}
