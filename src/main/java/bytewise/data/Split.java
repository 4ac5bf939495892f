package bytewise.data;

import bytewise.BytewiseException;

/** The training part [0, trainEnd) and the validation part [trainEnd, size) of a corpus. */
public record Split(Corpus corpus, long trainEnd, double valFraction) {

    public static Split of(Corpus corpus, double valFraction) {
        if (!(valFraction >= 0.0 && valFraction < 1.0))
            throw new BytewiseException("validation fraction must be in [0, 1), got " + valFraction);
        long val = (long) Math.floor(corpus.size() * valFraction);
        return new Split(corpus, corpus.size() - val, valFraction);
    }

    public long trainSize() {
        return trainEnd;
    }

    public long valSize() {
        return corpus.size() - trainEnd;
    }

    public boolean hasValidation() {
        return valSize() > 0;
    }

    /** Refuses a split whose parts cannot hold one window of seqLen + 1 bytes. */
    public void requireWindows(int seqLen) {
        long need = seqLen + 1L;
        if (trainSize() < need)
            throw new BytewiseException(String.format("data file %s is too short: the training part has %,d bytes but"
                    + " seq_len %d needs at least %,d", corpus.name(), trainSize(), seqLen, need));
        if (hasValidation() && valSize() < need)
            throw new BytewiseException(String.format("data file %s is too short: the validation part (%.0f%%) has %,d"
                    + " bytes but seq_len %d needs at least %,d; use a longer file or a larger validation fraction",
                    corpus.name(), valFraction * 100, valSize(), seqLen, need));
    }
}
