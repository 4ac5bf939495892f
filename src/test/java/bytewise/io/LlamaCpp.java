package bytewise.io;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

import java.nio.file.Path;
import java.util.Map;

/**
 * llama.cpp's C API, called through JNA in the native library that de.kherud:llama ships (build
 * b4916): raw logits after each token. de.kherud:llama's own {@code setNProbs} aborts the JVM in
 * 4.1.0 (its JNI reads a JSON key, "probs", that its bundled server no longer writes: a failed
 * GGML_ASSERT in json.hpp), so the probabilities are read here instead.
 *
 * <p>The two parameter structs are passed as opaque byte blocks holding llama.cpp's own defaults;
 * only fields of {@code llama_context_params} whose offsets are first confirmed by their default
 * values are changed, so a layout this code does not know fails a check instead of crashing.
 */
final class LlamaCpp implements AutoCloseable {
    /** An opaque parameter struct, larger than the real one: returned through and passed in memory on x86-64. */
    @Structure.FieldOrder({"raw"})
    public static class Params extends Structure implements Structure.ByValue {
        public byte[] raw = new byte[512];
    }

    @Structure.FieldOrder({"n_tokens", "token", "embd", "pos", "n_seq_id", "seq_id", "logits"})
    public static class Batch extends Structure implements Structure.ByValue {
        public int n_tokens;
        public Pointer token, embd, pos, n_seq_id, seq_id, logits;
    }

    interface Api extends Library {
        Params llama_model_default_params();

        Params llama_context_default_params();

        Pointer llama_model_load_from_file(String path, Params params);

        Pointer llama_init_from_model(Pointer model, Params params);

        Batch llama_batch_get_one(Pointer tokens, int n);

        int llama_decode(Pointer ctx, Batch batch);

        Pointer llama_get_logits_ith(Pointer ctx, int i);

        void llama_kv_self_clear(Pointer ctx);

        void llama_free(Pointer ctx);

        void llama_model_free(Pointer model);
    }

    private final Api api;
    private final Pointer model, ctx;

    /** Opens {@code gguf} with the library that de.kherud:llama extracted to {@code libDir}. */
    LlamaCpp(Path libDir, Path gguf, int nCtx) {
        api = Native.load(libDir.resolve(System.mapLibraryName("jllama")).toString(), Api.class,
                Map.of(Library.OPTION_ALLOW_OBJECTS, Boolean.FALSE));
        Params mp = api.llama_model_default_params();
        model = api.llama_model_load_from_file(gguf.toString(), mp);
        if (model == null) throw new IllegalStateException("llama.cpp could not load " + gguf);
        Params cp = api.llama_context_default_params();
        // llama_context_params at b4916: n_ctx, n_batch, n_ubatch, n_seq_max, n_threads, n_threads_batch,
        // ... type_k at 88 and type_v at 92 (after two pointers at 72 and 80). Confirm by the defaults.
        int[] offsets = {0, 4, 8, 12, 88, 92}, defaults = {512, 2048, 512, 1, 1, 1};
        for (int i = 0; i < offsets.length; i++) {
            if (ByteBlock.get(cp, offsets[i]) != defaults[i])
                throw new IllegalStateException("llama_context_params is not laid out as expected: the int at offset "
                        + offsets[i] + " is " + ByteBlock.get(cp, offsets[i]) + ", default should be " + defaults[i]);
        }
        ByteBlock.put(cp, 0, nCtx);
        ByteBlock.put(cp, 4, nCtx);
        ByteBlock.put(cp, 8, nCtx);
        ByteBlock.put(cp, 16, 1); // threads
        ByteBlock.put(cp, 20, 1);
        ByteBlock.put(cp, 88, 0); // KV cache in F32, as Bytewise keeps it
        ByteBlock.put(cp, 92, 0);
        ctx = api.llama_init_from_model(model, cp);
        if (ctx == null) throw new IllegalStateException("llama.cpp could not create a context");
    }

    /** Clears the context, evaluates {@code tokens} and returns the logits after the last one. */
    float[] prefill(int[] tokens) {
        api.llama_kv_self_clear(ctx);
        return decode(tokens);
    }

    /** Evaluates more tokens after those already in the context; returns the logits after the last. */
    float[] decode(int... tokens) {
        Memory m = new Memory(4L * tokens.length);
        m.write(0, tokens, 0, tokens.length);
        Batch b = api.llama_batch_get_one(m, tokens.length);
        int rc = api.llama_decode(ctx, b);
        if (rc != 0) throw new IllegalStateException("llama_decode returned " + rc);
        return api.llama_get_logits_ith(ctx, -1).getFloatArray(0, 256);
    }

    @Override
    public void close() {
        api.llama_free(ctx);
        api.llama_model_free(model);
    }

    /** Writes an int into a by-value struct's byte block. */
    private static final class ByteBlock {
        static int get(Params p, int offset) {
            return (p.raw[offset] & 0xFF) | (p.raw[offset + 1] & 0xFF) << 8 | (p.raw[offset + 2] & 0xFF) << 16
                    | (p.raw[offset + 3] & 0xFF) << 24;
        }

        static void put(Params p, int offset, int value) {
            p.raw[offset] = (byte) value;
            p.raw[offset + 1] = (byte) (value >>> 8);
            p.raw[offset + 2] = (byte) (value >>> 16);
            p.raw[offset + 3] = (byte) (value >>> 24);
        }
    }
}
