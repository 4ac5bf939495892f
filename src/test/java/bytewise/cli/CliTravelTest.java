package bytewise.cli;

import bytewise.TestData;
import bytewise.io.Checkpoint;
import bytewise.io.Gguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** --export-gguf, --gguf-type, --export-hf and --load of a GGUF file. */
class CliTravelTest {
    @Test
    void exportsGgufAndHfAfterARunAndLoadsTheGgufBack(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("text.txt");
        Files.write(data, TestData.prose(20_000, 5));
        Path run = dir.resolve("run"), gguf = dir.resolve("m.gguf"), half = dir.resolve("m16.gguf"), hf = dir.resolve("hf");
        CliTest.Outcome train = CliTest.run("--data", data.toString(), "--preset", "tiny", "--steps", "4",
                "--threads", "2", "--eval-every", "2", "--run", run.toString(), "--export-gguf", gguf.toString(),
                "--export-hf", hf.toString(), "--prompt", "the ", "--gen", "5");
        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().contains("exported GGUF (F32) " + gguf), train.out());
        assertTrue(train.out().contains("exported Hugging Face folder " + hf), train.out());
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json", "README.md", "loss.png"})
            assertTrue(Files.isRegularFile(hf.resolve(f)), f);
        String card = Files.readString(hf.resolve("README.md"));
        assertTrue(card.contains("text.txt") && card.contains("| steps | 4 |"), card);
        assertTrue(card.contains("best validation loss | ") && !card.contains("not recorded"), card);
        assertTrue(card.contains("the "), card);

        // the saved run's best checkpoint, exported again as F16 with --json
        CliTest.Outcome f16 = CliTest.run("--load", run.resolve("checkpoints").resolve("step-00000004").toString(),
                "--export-gguf", half.toString(), "--gguf-type", "F16", "--json");
        assertEquals(0, f16.status(), f16.err());
        assertTrue(f16.out().contains("\"format\":\"gguf\""), f16.out());
        assertTrue(Files.size(half) < Files.size(gguf));

        float[] trained = Checkpoint.load(run.resolve("checkpoints").resolve("step-00000004")).model().params();
        assertArrayEquals(trained, Gguf.load(gguf).params());
        String[] gen = {"--prompt", "the river", "--gen", "40", "--temp", "0"};
        CliTest.Outcome a = CliTest.run("--load", run.resolve("checkpoints").resolve("step-00000004").toString(), gen[0],
                gen[1], gen[2], gen[3], gen[4], gen[5]);
        CliTest.Outcome b = CliTest.run("--load", gguf.toString(), gen[0], gen[1], gen[2], gen[3], gen[4], gen[5]);
        assertEquals(0, b.status(), b.err());
        assertEquals(a.out(), b.out());
    }

    @Test
    void badGgufAndBadTypeAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, new byte[]{'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
        CliTest.Outcome r = CliTest.run("--load", bad.toString(), "--gen", "5");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("error: GGUF file bad.gguf"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Files.write(bad, new byte[64]);
        r = CliTest.run("--load", bad.toString(), "--gen", "5");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("error: not a GGUF file"), r.err());

        r = CliTest.run("--load", dir.resolve("missing.gguf").toString(), "--gen", "5");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("error: GGUF file not found"), r.err());

        Path data = dir.resolve("t.txt");
        Files.write(data, TestData.prose(5_000, 1));
        r = CliTest.run("--data", data.toString(), "--steps", "1", "--export-gguf", dir.resolve("x.gguf").toString(),
                "--gguf-type", "q4");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("error: --gguf-type must be f32 or f16"), r.err());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }
}
