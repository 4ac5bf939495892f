package bytewise.app;

import bytewise.io.Checkpoint;
import bytewise.io.Gguf;
import bytewise.io.LlmcFormat;
import bytewise.io.ModelFiles;
import bytewise.io.Presets;
import bytewise.io.Safetensors;
import bytewise.model.Gpt;
import bytewise.model.ModelConfig;
import bytewise.train.TrainingState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * File ▸ Open checkpoint and File ▸ Export, through the calls the menu items make
 * ({@link CheckpointActions#open}, {@link ModelExport#export}), with files our own writers wrote.
 */
class ModelFormatsTest {
    @TempDir
    Path dir;
    private String before;
    private Session session;
    private TrainingViewModel training;
    private Gpt model;

    @BeforeEach
    void setUp() {
        before = System.getProperty("bytewise.workspace");
        System.setProperty("bytewise.workspace", dir.resolve("ws").toString());
        session = new Session();
        session.settings.set(Presets.named("tiny"));
        training = new AppContext(session, new CurrentThreadTaskExecutor()).training;
        // a shape unlike the tiny preset's, so adopting the file's shape is visible
        model = Gpt.initialize(new ModelConfig(32, 48, 2, 4), 7);
    }

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty("bytewise.workspace");
        else System.setProperty("bytewise.workspace", before);
    }

    private void assertOpened(Path file, long step) {
        session.model.set(null);
        training.checkpoints.open(file);
        assertNotNull(session.model.get(), file + ": " + session.message.get());
        assertArrayEquals(model.params(), session.model.get().params(), file.toString());
        assertEquals(model.config(), session.settings.get().model(), "the settings take the file's model shape");
        assertEquals(step, session.modelStep.get());
        assertTrue(training.continueTraining.get(), "Train continues (fine-tunes) the opened model");
    }

    @Test
    void everyFormatOpensFromTheFileMenu() {
        Path llmc = dir.resolve("m.bin"), st = dir.resolve("m.safetensors"), g32 = dir.resolve("m.gguf");
        LlmcFormat.export(model, llmc);
        Safetensors.export(model, st);
        Gguf.export(model, g32, Gguf.Precision.F32);
        new Checkpoint(model, Presets.named("tiny").training(), new TrainingState(42, 1000, null, null), "d", "00")
                .save(dir.resolve("ck"));
        assertOpened(llmc, 0);
        assertTrue(session.message.get().contains("llm.c checkpoint m.bin"), session.message.get());
        assertOpened(st, 0);
        assertTrue(session.message.get().contains("safetensors"), session.message.get());
        assertOpened(g32, 0);
        assertTrue(session.message.get().contains("GGUF"), session.message.get());
        assertOpened(dir.resolve("ck.json"), 42);
        assertOpened(dir.resolve("ck.bin"), 42);
    }

    @Test
    void corruptFilesAreRefusedWithTheirProblemNamedAndTheModelKept() throws Exception {
        LlmcFormat.export(model, dir.resolve("good.bin"));
        training.checkpoints.open(dir.resolve("good.bin"));
        Gpt kept = session.model.get();
        assertNotNull(kept);

        Path junk = Files.write(dir.resolve("junk.bin"), new byte[]{9, 9, 9, 9, 1, 2, 3});
        training.checkpoints.open(junk);
        assertTrue(session.message.get().contains("is not a model file Bytewise reads"), session.message.get());
        assertFalse(session.message.get().contains("not found"), session.message.get());

        byte[] llmc = Files.readAllBytes(dir.resolve("good.bin"));
        Path cut = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(llmc, llmc.length / 2));
        training.checkpoints.open(cut);
        assertTrue(session.message.get().startsWith("llm.c checkpoint"), session.message.get());

        Path badGguf = Files.write(dir.resolve("bad.gguf"), new byte[]{'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
        training.checkpoints.open(badGguf);
        assertTrue(session.message.get().startsWith("GGUF file bad.gguf"), session.message.get());
        assertSame(kept, session.model.get(), "a refused file leaves the open model alone");
    }

    @Test
    void exportsWriteFilesThatLoadBack() throws Exception {
        session.model.set(model);
        session.modelStep.set(5);
        ModelExport ex = training.exports;
        for (ModelExport.Kind k : new ModelExport.Kind[]{ModelExport.Kind.LLMC, ModelExport.Kind.SAFETENSORS,
                ModelExport.Kind.GGUF_F32}) {
            Path out = dir.resolve(ex.suggestedName(k));
            assertTrue(out.getFileName().toString().endsWith("step5." + k.extension), out.toString());
            ex.export(k, out, null);
            assertTrue(session.message.get().startsWith("Exported"), session.message.get());
            assertFalse(ex.busy().get(), "the status bar's export progress ends");
            assertEquals(1.0, ex.progress().get());
            assertArrayEquals(model.params(), ModelFiles.loadAny(out).model().params(), k.name());
        }
        Path f16 = dir.resolve("half.gguf");
        ex.export(ModelExport.Kind.GGUF_F16, f16, null);
        float[] back = ModelFiles.loadAny(f16).model().params();
        assertEquals(model.params().length, back.length);
        for (int i = 0; i < back.length; i++) assertEquals(model.params()[i], back[i], 2e-3, "param " + i);
        assertTrue(Files.size(f16) < Files.size(dir.resolve(ex.suggestedName(ModelExport.Kind.GGUF_F32))));

        Path hf = dir.resolve("hf");
        ex.export(ModelExport.Kind.HF_FOLDER, hf, null);
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json", "README.md"})
            assertTrue(Files.isRegularFile(hf.resolve(f)), f);
        assertArrayEquals(model.params(), ModelFiles.loadAny(hf.resolve("model.safetensors")).model().params());
    }

    @Test
    void exportWithNoModelSaysSoAndWritesNothing() {
        Path out = dir.resolve("x.gguf");
        assertNull(training.exports.export(ModelExport.Kind.GGUF_F32, out, null));
        assertTrue(session.message.get().startsWith("Nothing to export yet"), session.message.get());
        assertFalse(Files.exists(out));
    }
}
