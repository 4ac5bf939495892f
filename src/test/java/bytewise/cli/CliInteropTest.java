package bytewise.cli;

import bytewise.TestData;
import bytewise.io.Checkpoint;
import bytewise.io.LlmcFormat;
import bytewise.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class CliInteropTest {
    @Test
    void exportsLoadBackAndGenerateTheSameGreedyText(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("text.txt");
        Files.write(data, TestData.prose(20_000, 5));
        Path save = dir.resolve("model"), llmc = dir.resolve("model-llmc.bin"), st = dir.resolve("model.safetensors");
        CliTest.Outcome train = CliTest.run("--data", data.toString(), "--preset", "tiny", "--steps", "3",
                "--threads", "2", "--eval-every", "3", "--save", save.toString(), "--export-llmc", llmc.toString(),
                "--export-safetensors", st.toString());
        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().contains("exported llm.c checkpoint " + llmc), train.out());
        assertTrue(train.out().contains("exported safetensors " + st), train.out());
        float[] trained = Checkpoint.load(save).model().params();
        assertArrayEquals(trained, LlmcFormat.load(llmc).params());
        assertArrayEquals(trained, Safetensors.load(st).params());

        String[] gen = {"--prompt", "the river", "--gen", "60", "--temp", "0"};
        CliTest.Outcome original = CliTest.run(concat(new String[]{"--load", save.toString()}, gen));
        assertEquals(0, original.status(), original.err());
        assertTrue(original.out().startsWith("the river"), original.out());
        for (Path exported : new Path[]{llmc, st}) {
            CliTest.Outcome r = CliTest.run(concat(new String[]{"--load", exported.toString()}, gen));
            assertEquals(0, r.status(), exported + ": " + r.err());
            assertEquals(original.out(), r.out(), exported.toString());
        }

        // the exports can themselves be exported again (a foreign file has no training state)
        Path again = dir.resolve("again.safetensors");
        CliTest.Outcome re = CliTest.run("--load", llmc.toString(), "--export-safetensors", again.toString(), "--json");
        assertEquals(0, re.status(), re.err());
        assertTrue(re.out().contains("\"type\":\"exported\""), re.out());
        assertArrayEquals(trained, Safetensors.load(again).params());

        // a corrupt foreign file is a one-line error, exit 2
        Files.write(llmc, new byte[]{(byte) 0xc6, (byte) 0xd7, 0x34, 0x01, 3, 0, 0, 0});
        CliTest.Outcome bad = CliTest.run("--load", llmc.toString(), "--gen", "5");
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().startsWith("error: llm.c checkpoint"), bad.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
