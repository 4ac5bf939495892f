package bytewise.inspect;

import java.util.List;

/** Random sanity trials and their summary. */
public record TrialsResult(List<SanityResult> trials, double top1Accuracy, double meanExpectedProbability) {
}
