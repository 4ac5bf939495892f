package bytewise.cli;

import bytewise.TestData;
import bytewise.io.RunFolder;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static bytewise.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** --data with folders and several files, data warnings, and a run that diverges. */
class CliDataTest {
    private static List<JsonNode> of(List<JsonNode> ev, String type) {
        return ev.stream().filter(n -> n.get("type").asText().equals(type)).toList();
    }

    @Test
    void aFolderTrainsAsOneSetAndTheRunRecordsEveryFile(@TempDir Path dir) throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs/part"));
        Files.write(dir.resolve("docs/b.txt"), TestData.prose(6000, 1));
        Files.write(dir.resolve("docs/part/a.md"), TestData.prose(5000, 2));
        Files.write(dir.resolve("docs/skip.bin"), new byte[5000]);
        Path runDir = dir.resolve("run");
        CliTest.Outcome r = run("--data", dir.resolve("docs").toString(), "--steps", "3", "--threads", "1",
                "--run", runDir.toString(), "--save", dir.resolve("m").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode start = of(r.events(), "start").get(0);
        assertEquals("docs (2 files)", start.get("data").asText());
        assertEquals(2, start.get("files").asInt());
        assertEquals(6000 + 5000 + "\n<|endoftext|>\n".length(), start.get("bytes").asLong());
        assertTrue(of(r.events(), "data_warning").isEmpty(), "prose gives no warnings: " + r.out());

        RunFolder.Info info = RunFolder.open(runDir).info();
        assertEquals(List.of("docs/b.txt", "docs/part/a.md"), info.dataFiles().stream().map(f -> f.name()).toList());
        assertEquals(6000, info.dataFiles().get(0).size());
        assertEquals(64, info.dataFiles().get(1).sha256().length());
        String checkpoint = Files.readString(dir.resolve("m.json"));
        assertTrue(checkpoint.contains("\"data_files\"") && checkpoint.contains("docs/part/a.md")
                && checkpoint.contains(info.dataFiles().get(1).sha256()), checkpoint);

        // the same documents named one by one, in another order, with a custom separator
        CliTest.Outcome two = run("--data", dir.resolve("docs/part/a.md").toString(), "--data",
                dir.resolve("docs/b.txt").toString(), "--separator", "\\n\\n", "--steps", "1", "--threads", "1");
        assertEquals(0, two.status(), two.err());
        assertTrue(two.out().contains("data a.md + 1 more (2 files): 11,002 bytes"), two.out());
        assertTrue(two.out().contains("2 documents joined with \"\\n\\n\""), two.out());
    }

    @Test
    void binaryDataIsTrainedOnWithAWarning(@TempDir Path dir) throws Exception {
        Path zeros = Files.write(dir.resolve("zeros.bin"), new byte[20_000]);
        CliTest.Outcome r = run("--data", zeros.toString(), "--steps", "1", "--threads", "1", "--json");
        assertEquals(0, r.status(), r.err());
        List<String> kinds = of(r.events(), "data_warning").stream().map(n -> n.get("kind").asText()).toList();
        assertTrue(kinds.containsAll(List.of("long_runs", "control_bytes", "few_distinct_bytes")), kinds.toString());
        CliTest.Outcome text = run("--data", zeros.toString(), "--steps", "1", "--threads", "1");
        assertTrue(text.out().contains("warning: zeros.bin: only 1 distinct byte value"), text.out());
    }

    @Test
    void aHugeLearningRateDivergesWithAnEventAndExitStatus3(@TempDir Path dir) throws Exception {
        Path data = Files.write(dir.resolve("t.txt"), TestData.prose(20_000, 3));
        Path runDir = dir.resolve("run");
        CliTest.Outcome r = run("--data", data.toString(), "--lr", "5", "--steps", "60", "--threads", "1",
                "--run", runDir.toString(), "--json");
        assertEquals(Cli.DIVERGED_EXIT, r.status(), r.out() + r.err());
        assertEquals(3, Cli.DIVERGED_EXIT);
        List<JsonNode> ev = r.events();
        JsonNode d = of(ev, "diverged").get(0);
        long step = d.get("step").asLong();
        assertEquals(of(ev, "step").size() + 1, step, "the step that gave it away was not applied");
        assertTrue(d.get("suggested_lr").asDouble() < 5 && d.get("suggested_lr").asDouble() > 0);
        assertTrue(d.get("stopped").asBoolean());
        assertTrue(d.get("message").asText().contains("Lower the learning rate to"), d.toString());
        assertTrue(of(ev, "done").isEmpty(), "a diverged run is not done");
        assertEquals("diverged", RunFolder.open(runDir).info().status());

        CliTest.Outcome text = run("--data", data.toString(), "--lr", "5", "--steps", "60", "--threads", "1");
        assertEquals(3, text.status());
        assertTrue(text.err().contains("diverged: Training diverged at step " + step), text.err());

        // --on-divergence continue reports it and trains on
        CliTest.Outcome goOn = run("--data", data.toString(), "--lr", "5", "--steps", "40", "--threads", "1",
                "--on-divergence", "continue", "--json");
        assertEquals(0, goOn.status(), goOn.err());
        assertEquals(1, of(goOn.events(), "diverged").size());
        assertFalse(of(goOn.events(), "diverged").get(0).get("stopped").asBoolean());
        assertEquals(40, of(goOn.events(), "step").size());
        assertEquals(2, run("--data", data.toString(), "--on-divergence", "pause").status());
    }
}
