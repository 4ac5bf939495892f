package bytewise.sample;

/** The one top-k selection: indices of the {@code k} largest values, largest first, ties to the lower index. */
public final class TopK {
    private TopK() {}

    public static int[] indices(float[] p, int k) {
        int n = Math.min(Math.max(k, 0), p.length);
        int[] out = new int[n];
        boolean[] taken = new boolean[p.length];
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < p.length; i++) if (!taken[i] && (best < 0 || p[i] > p[best])) best = i;
            taken[best] = true;
            out[j] = best;
        }
        return out;
    }
}
