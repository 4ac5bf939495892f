package bytewise.cli;

import bytewise.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CliTest {
    record Outcome(int status, String out, String err) {
        List<JsonNode> events() throws Exception {
            List<JsonNode> list = new ArrayList<>();
            for (String line : out.split("\n")) if (!line.isBlank()) list.add(new ObjectMapper().readTree(line));
            return list;
        }
    }

    static Outcome run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int status = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Outcome(status, o.toString(), e.toString());
    }

    @Test
    void trainsSanityChecksSavesAndGeneratesAsJsonLines(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("text file ü.txt");
        Files.write(data, TestData.prose(20_000, 2));
        Path save = dir.resolve("model");
        Outcome r = run("--data", data.toString(), "--preset", "tiny", "--steps", "6", "--eval-every", "3",
                "--threads", "2", "--sanity-offset", "100", "--sanity-next-from-data", "3", "--sanity-top", "4",
                "--save", save.toString(), "--prompt", "the ", "--gen", "20", "--json");
        assertEquals(0, r.status(), r.err());
        List<JsonNode> ev = r.events();
        assertEquals("start", ev.get(0).get("type").asText());
        long steps = ev.stream().filter(n -> n.get("type").asText().equals("step")).count();
        assertEquals(6, steps);
        JsonNode firstStep = ev.stream().filter(n -> n.get("type").asText().equals("step")).findFirst().orElseThrow();
        for (String k : new String[]{"step", "loss", "lr", "tokens_per_s"}) assertTrue(firstStep.has(k), k);
        List<JsonNode> evals = ev.stream().filter(n -> n.get("type").asText().equals("eval")).toList();
        assertEquals(2, evals.size());
        assertEquals(Math.exp(evals.get(1).get("val_loss").asDouble()), evals.get(1).get("val_ppl").asDouble(), 1e-3);
        JsonNode sanity = ev.stream().filter(n -> n.get("type").asText().equals("sanity")).findFirst().orElseThrow();
        assertEquals(100, sanity.get("offset").asLong());
        assertEquals(64, sanity.get("ctx").asInt());
        assertEquals(TestData.prose(20_000, 2)[164] & 0xFF, sanity.get("expected").asInt());
        assertEquals(4, sanity.get("top").size());
        assertTrue(sanity.get("top").get(0).has("byte") && sanity.get("top").get(0).has("prob"));
        assertEquals(4, ev.stream().filter(n -> n.get("type").asText().equals("sanity")).count());
        JsonNode sample = ev.stream().filter(n -> n.get("type").asText().equals("sample")).findFirst().orElseThrow();
        assertEquals(20, sample.get("bytes").asInt());
        assertEquals("done", ev.get(ev.size() - 1).get("type").asText());
        assertTrue(Files.exists(dir.resolve("model.json")) && Files.exists(dir.resolve("model.bin")));

        // continue the saved run to step 9, then generate greedily twice: same text
        Outcome more = run("--load", save.toString(), "--data", data.toString(), "--steps", "9", "--json");
        assertEquals(0, more.status(), more.err());
        assertEquals(3, more.events().stream().filter(n -> n.get("type").asText().equals("step")).count());
        Outcome g1 = run("--load", save.toString(), "--prompt", "the", "--gen", "30", "--temp", "0");
        Outcome g2 = run("--load", save.toString(), "--prompt", "the", "--gen", "30", "--temp", "0");
        assertEquals(0, g1.status(), g1.err());
        assertEquals(g1.out(), g2.out());
        assertTrue(g1.out().startsWith("the"));
    }

    @Test
    void resumingWithMoreStepsRestartsTheScheduleWhenAsked(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("prose.txt");
        Files.write(data, TestData.prose(20_000, 3));
        Path runDir = dir.resolve("run");
        String[] common = {"--data", data.toString(), "--eval-every", "0", "--threads", "1", "--run", runDir.toString()};
        Outcome first = run(concat(common, "--preset", "tiny", "--steps", "4", "--lr", "1e-3", "--min-lr", "1e-4",
                "--warmup", "2", "--json"));
        assertEquals(0, first.status(), first.err());

        Outcome restarted = run(concat(common, "--steps", "8", "--restart-schedule", "--json"));
        assertEquals(0, restarted.status(), restarted.err());
        JsonNode start = restarted.events().get(0);
        assertEquals(4, start.get("from_step").asInt());
        assertEquals(4, start.get("training").get("schedule_start").asInt());
        List<Double> lrs = restarted.events().stream().filter(n -> n.get("type").asText().equals("step"))
                .map(n -> n.get("lr").asDouble()).toList();
        assertEquals(4, lrs.size(), "steps 5..8");
        assertEquals(5e-4, lrs.get(0), 1e-12, "step 5 warms up again from half the peak");
        assertEquals(1e-3, lrs.get(1), 1e-12);
        assertEquals(1e-3, lrs.get(2), 1e-12, "the cosine over steps 7..8 starts at the peak");
        assertEquals(5.5e-4, lrs.get(3), 1e-12, "and is halfway to min_lr at step 8");
        assertEquals(4, bytewise.io.RunFolder.open(runDir).info().training().scheduleStart(), "run.json keeps it");

        // resuming again without the flag keeps the run's restarted schedule and stretches it
        Outcome extended = run(concat(common, "--steps", "10"));
        assertEquals(0, extended.status(), extended.err());
        assertTrue(extended.out().contains("(from step 8)") && extended.out().contains("schedule restarted at step 4"),
                extended.out());
        assertEquals(4, bytewise.io.RunFolder.open(runDir).info().training().scheduleStart());

        Outcome tooFew = run(concat(common, "--steps", "10", "--restart-schedule"));
        assertEquals(2, tooFew.status());
        assertTrue(tooFew.err().contains("--restart-schedule needs --steps above the model's step (10)"), tooFew.err());
        Outcome fresh = run("--data", data.toString(), "--steps", "3", "--restart-schedule");
        assertEquals(2, fresh.status());
        assertTrue(fresh.err().contains("--restart-schedule restarts a trained model's schedule"), fresh.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badInputExitsNonZeroWithOneLineAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "hello");
        Path noText = Files.createDirectories(dir.resolve("no text"));
        Files.writeString(noText.resolve("picture.png"), "not text");
        String[][] cases = {
                {"--data", dir.resolve("missing.txt").toString()},
                {"--data", noText.toString()},
                {"--data", empty.toString()},
                {"--data", tiny.toString()},
                {"--data", tiny.toString(), "--dmodel", "30", "--heads", "4"},
                {"--data", tiny.toString(), "--lr", "-1"},
                {"--steps", "abc"},
                {"--load", dir.resolve("nope").toString()},
                {"--bogus-flag"},
                {},
        };
        String[] expect = {"not found", "no files matching", "empty", "too short", "divisible", "lr", "steps", "not found",
                "bogus", "nothing to do"};
        for (int i = 0; i < cases.length; i++) {
            if (cases[i].length == 0) {
                Outcome r = run("--threads", "1");
                assertEquals(2, r.status());
                assertTrue(r.err().contains(expect[i]), r.err());
                continue;
            }
            Outcome r = run(cases[i]);
            assertEquals(2, r.status(), String.join(" ", cases[i]));
            assertTrue(r.err().contains(expect[i]), "'" + expect[i] + "' in: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
        }
    }

    @Test
    void helpListsTheFlags() {
        Outcome r = run("--help");
        assertEquals(0, r.status());
        for (String f : new String[]{"--data", "--steps", "--sanity-next-from-data", "--top-p", "--bench", "--json"})
            assertTrue(r.out().contains(f), f);
    }

    @Test
    void listRunsReportsAKilledRunAsInterrupted(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("text.txt");
        Files.write(data, TestData.prose(20_000, 4));
        Path done = dir.resolve("runs").resolve("a-done");
        assertEquals(0, run("--data", data.toString(), "--preset", "tiny", "--steps", "3", "--eval-every", "0",
                "--threads", "1", "--run", done.toString()).status());
        // a run folder left as a killed process leaves it: "running", no process holding its lock
        Path killed = dir.resolve("runs").resolve("b-killed");
        bytewise.io.RunFolder f = bytewise.io.RunFolder.createAt(killed, bytewise.io.RunFolder.open(done).info()
                .with(2, null, "running", null));
        f.release();
        Outcome r = run("--list-runs", "--run", done.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        List<JsonNode> runs = r.events().stream().filter(n -> n.get("type").asText().equals("run")).toList();
        assertEquals(2, runs.size(), r.out());
        JsonNode k = runs.stream().filter(n -> n.get("dir").asText().endsWith("b-killed")).findFirst().orElseThrow();
        assertEquals("interrupted", k.get("status").asText());
        JsonNode d = runs.stream().filter(n -> n.get("dir").asText().endsWith("a-done")).findFirst().orElseThrow();
        assertEquals("completed", d.get("status").asText());
        assertTrue(Files.readString(killed.resolve("run.json")).contains("\"interrupted\""), "run.json is marked too");
        Outcome text = run("--list-runs", "--run", done.toString());
        assertTrue(text.out().contains("interrupted"), text.out());
    }

    @Test
    void aBinThatIsNoModelIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("weights.bin");
        Files.write(bin, new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
        Outcome r = run("--load", bin.toString(), "--gen", "5");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("is not a model file Bytewise reads"), r.err());
        assertTrue(r.err().contains("01 02 03 04"), r.err());
        assertFalse(r.err().contains("not found"), "no talk of a missing .json the user never had: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
