package bytewise.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where each tensor lives in the one flat parameter buffer. The order and layouts are llm.c's
 * GPT-2 order (wte, wpe, ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb,
 * fcprojw, fcprojb, lnfw, lnfb) with per-layer tensors stacked, so export to llm.c is a copy.
 * Weight matrices are stored (out, in), row-major, as nn.Linear does.
 */
public final class ParameterLayout {

    /** One named tensor: offset into the flat buffer and its shape. */
    public record Tensor(String name, int offset, int[] shape, boolean decayed) {
        public int size() {
            int n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    public final int wte, wpe, ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb,
            lnfw, lnfb;
    public final int total;
    private final List<Tensor> tensors;
    private final int c;

    public ParameterLayout(ModelConfig cfg) {
        int V = ModelConfig.VOCAB, T = cfg.seqLen(), C = cfg.dModel(), L = cfg.nLayer();
        this.c = C;
        List<Tensor> list = new ArrayList<>();
        int[] at = {0};
        wte = add(list, at, "wte", true, V, C);
        wpe = add(list, at, "wpe", true, T, C);
        ln1w = add(list, at, "ln1w", false, L, C);
        ln1b = add(list, at, "ln1b", false, L, C);
        qkvw = add(list, at, "qkvw", true, L, 3 * C, C);
        qkvb = add(list, at, "qkvb", false, L, 3 * C);
        attprojw = add(list, at, "attprojw", true, L, C, C);
        attprojb = add(list, at, "attprojb", false, L, C);
        ln2w = add(list, at, "ln2w", false, L, C);
        ln2b = add(list, at, "ln2b", false, L, C);
        fcw = add(list, at, "fcw", true, L, 4 * C, C);
        fcb = add(list, at, "fcb", false, L, 4 * C);
        fcprojw = add(list, at, "fcprojw", true, L, C, 4 * C);
        fcprojb = add(list, at, "fcprojb", false, L, C);
        lnfw = add(list, at, "lnfw", false, C);
        lnfb = add(list, at, "lnfb", false, C);
        total = at[0];
        tensors = Collections.unmodifiableList(list);
    }

    private static int add(List<Tensor> list, int[] at, String name, boolean decayed, int... shape) {
        Tensor t = new Tensor(name, at[0], shape, decayed);
        list.add(t);
        at[0] += t.size();
        return t.offset();
    }

    /** The 16 tensors in llm.c's order. */
    /** The one scan for NaN and infinity: index of the first non-finite value of p[from, from+count), or -1. */
    public static int firstNonFinite(float[] p, int from, int count) {
        for (int i = from; i < from + count; i++) if (!Float.isFinite(p[i])) return i;
        return -1;
    }

    /** The first tensor of {@code p} that holds NaN or infinity, or null when every weight is finite. */
    public Tensor firstNonFiniteTensor(float[] p) {
        for (Tensor t : tensors) if (firstNonFinite(p, t.offset(), t.size()) >= 0) return t;
        return null;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(String name) {
        for (Tensor t : tensors) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException("no tensor " + name);
    }

    // Per-layer offsets.
    public int ln1w(int l) { return ln1w + l * c; }
    public int ln1b(int l) { return ln1b + l * c; }
    public int qkvw(int l) { return qkvw + l * 3 * c * c; }
    public int qkvb(int l) { return qkvb + l * 3 * c; }
    public int attprojw(int l) { return attprojw + l * c * c; }
    public int attprojb(int l) { return attprojb + l * c; }
    public int ln2w(int l) { return ln2w + l * c; }
    public int ln2b(int l) { return ln2b + l * c; }
    public int fcw(int l) { return fcw + l * 4 * c * c; }
    public int fcb(int l) { return fcb + l * 4 * c; }
    public int fcprojw(int l) { return fcprojw + l * 4 * c * c; }
    public int fcprojb(int l) { return fcprojb + l * c; }
}
