package bytewise.cli;

import bytewise.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class InspectCliTest {
    private static final String[] MODEL = {"--seq", "16", "--dmodel", "32", "--layers", "2", "--heads", "4", "--steps", "3",
            "--batch", "2", "--threads", "1", "--log-every", "1000"};

    private static String[] args(Path data, String... more) {
        String[] a = new String[MODEL.length + 2 + more.length];
        a[0] = "--data";
        a[1] = data.toString();
        System.arraycopy(MODEL, 0, a, 2, MODEL.length);
        System.arraycopy(more, 0, a, 2 + MODEL.length, more.length);
        return a;
    }

    private static List<JsonNode> ofType(CliTest.Outcome r, String type) throws Exception {
        return r.events().stream().filter(n -> n.has("type") && n.get("type").asText().equals(type)).toList();
    }

    @Test
    void attentionMapsAreOneCausalDistributionPerRow(@TempDir Path dir) throws Exception {
        Path data = Files.write(dir.resolve("t.txt"), TestData.prose(5000, 3));
        CliTest.Outcome r = CliTest.run(args(data, "--attention-offset", "100", "--sanity-ctx", "12", "--json"));
        assertEquals(0, r.status(), r.err());
        List<JsonNode> maps = ofType(r, "attention");
        assertEquals(2 * 4, maps.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode m : maps) {
            assertEquals(100, m.get("offset").asLong());
            assertTrue(seen.add(m.get("layer").asInt() + "/" + m.get("head").asInt()));
            JsonNode w = m.get("weights");
            assertEquals(12, w.size());
            for (int q = 0; q < 12; q++) {
                assertEquals(12, w.get(q).size());
                double sum = 0;
                for (int k = 0; k < 12; k++) {
                    double v = w.get(q).get(k).asDouble();
                    if (k > q) assertEquals(0.0, v, "causal zero at " + q + "," + k);
                    else assertTrue(v > 0);
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-5);
            }
        }
        for (int l = 0; l < 2; l++) for (int h = 0; h < 4; h++) assertTrue(seen.contains(l + "/" + h));
    }

    @Test
    void lensHasOneRowPerLayerAndItsLastRowIsTheSanityCheck(@TempDir Path dir) throws Exception {
        byte[] text = TestData.prose(5000, 4);
        Path data = Files.write(dir.resolve("t.txt"), text);
        CliTest.Outcome r = CliTest.run(args(data, "--lens-offset", "321", "--sanity-offset", "321", "--sanity-top", "4",
                "--json"));
        assertEquals(0, r.status(), r.err());
        List<JsonNode> lens = ofType(r, "lens");
        assertEquals(1, lens.size());
        JsonNode e = lens.get(0);
        assertEquals(321, e.get("offset").asLong());
        assertEquals(text[321 + 16] & 0xFF, e.get("expected").asInt());
        JsonNode layers = e.get("layers");
        assertEquals(2, layers.size());
        for (int l = 0; l < 2; l++) {
            JsonNode row = layers.get(l);
            assertEquals(l, row.get("layer").asInt());
            assertEquals(4, row.get("top").size());
            int rank = row.get("expected_rank").asInt();
            assertTrue(rank >= 1 && rank <= 256);
            double p = row.get("expected_prob").asDouble();
            assertTrue(p > 0 && p < 1);
            for (int i = 1; i < 4; i++)
                assertTrue(row.get("top").get(i - 1).get("prob").asDouble() >= row.get("top").get(i).get("prob").asDouble());
        }
        JsonNode sanity = ofType(r, "sanity").get(0);
        JsonNode last = layers.get(1);
        assertEquals(sanity.get("expected_rank").asInt(), last.get("expected_rank").asInt());
        assertEquals(sanity.get("expected_prob").asDouble(), last.get("expected_prob").asDouble(), 2e-6);
        for (int i = 0; i < 4; i++)
            assertEquals(sanity.get("top").get(i).get("byte").asInt(), last.get("top").get(i).get("byte").asInt());

        // without --json the views are JSON lines too
        CliTest.Outcome text1 = CliTest.run(args(data, "--lens-offset", "0"));
        assertEquals(0, text1.status(), text1.err());
        assertTrue(text1.out().lines().anyMatch(s -> s.startsWith("{\"type\":\"lens\"")), text1.out());
    }

    @Test
    void embeddingsPcaHas256ClassifiedPoints(@TempDir Path dir) throws Exception {
        Path data = Files.write(dir.resolve("t.txt"), TestData.prose(5000, 5));
        Path save = dir.resolve("m");
        CliTest.Outcome r = CliTest.run(args(data, "--embeddings-pca", "--save", save.toString(), "--json"));
        assertEquals(0, r.status(), r.err());
        JsonNode e = ofType(r, "embeddings").get(0);
        assertEquals("bytes", e.get("of").asText());
        double e1 = e.get("explained").get(0).asDouble(), e2 = e.get("explained").get(1).asDouble();
        assertTrue(e1 >= e2 && e2 > 0 && e1 + e2 <= 1 + 1e-9, e1 + " " + e2);
        JsonNode pts = e.get("points");
        assertEquals(256, pts.size());
        long counted = 0;
        double sx = 0;
        for (int b = 0; b < 256; b++) {
            assertEquals(b, pts.get(b).get("byte").asInt());
            assertTrue(pts.get(b).has("x") && pts.get(b).has("y"));
            sx += pts.get(b).get("x").asDouble();
            counted += pts.get(b).get("count").asLong();
        }
        assertEquals(5000, counted);
        assertEquals(0, sx, 1e-6, "projections of centred rows");
        assertEquals("lower", pts.get('a').get("class").asText());
        assertEquals("whitespace", pts.get(' ').get("class").asText());
        assertEquals("utf8_continuation", pts.get(0x80).get("class").asText());

        // a loaded model without data; the position embeddings
        CliTest.Outcome p = CliTest.run("--load", save.toString(), "--embeddings-pca=positions");
        assertEquals(0, p.status(), p.err());
        JsonNode pe = ofType(p, "embeddings").get(0);
        assertEquals("positions", pe.get("of").asText());
        assertEquals(16, pe.get("points").size());
        assertEquals(15, pe.get("points").get(15).get("position").asInt());
        assertFalse(pe.get("points").get(0).has("class"));
    }

    @Test
    void badOffsetsEndWithOneLineAndStatusTwo(@TempDir Path dir) throws Exception {
        Path data = Files.write(dir.resolve("t.txt"), TestData.prose(500, 6));
        String[][] cases = {
                args(data, "--attention-offset", "-1"),
                args(data, "--lens-offset", "-5"),
                args(data, "--attention-offset", String.valueOf(500 - 16)), // its expected byte would be past the end
                args(data, "--lens-offset", "100000"),
                args(data, "--lens-offset", String.valueOf(500 - 12), "--sanity-ctx", "12"),
                {"--load", dir.resolve("m").toString(), "--attention-offset", "3"},
                args(data, "--embeddings-pca=colours"),
        };
        CliTest.Outcome saved = CliTest.run(args(data, "--save", dir.resolve("m").toString()));
        assertEquals(0, saved.status(), saved.err());
        String[] expect = {"offset -1", "offset -5", "offset 484", "offset 100000", "offset 488", "needs --data", "colours"};
        for (int i = 0; i < cases.length; i++) {
            CliTest.Outcome r = CliTest.run(cases[i]);
            assertEquals(2, r.status(), String.join(" ", cases[i]) + "\n" + r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().contains(expect[i]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.out().contains("\"type\":\"step\""), "refused before training: " + r.out());
        }
        // the last valid offsets work
        assertEquals(0, CliTest.run(args(data, "--attention-offset", String.valueOf(500 - 17))).status());
        assertEquals(0, CliTest.run(args(data, "--lens-offset", String.valueOf(500 - 14), "--sanity-ctx", "13")).status());
    }

    @Test
    void helpListsTheInspectFlags() {
        CliTest.Outcome r = CliTest.run("--help");
        assertEquals(0, r.status());
        for (String f : new String[]{"--attention-offset", "--lens-offset", "--embeddings-pca"}) assertTrue(r.out().contains(f), f);
    }
}
