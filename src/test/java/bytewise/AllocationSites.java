package bytewise;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where work allocates, for a failing allocation test's message: runs it under a JFR recording of
 * allocation samples and names the heaviest sites, each as its innermost frame in the project and
 * the frame that allocated.
 */
public final class AllocationSites {
    private AllocationSites() {}

    public static String of(Runnable work, int repeats) {
        try (Recording r = new Recording()) {
            r.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "off");
            r.start();
            for (int i = 0; i < repeats; i++) work.run();
            r.stop();
            Path file = Files.createTempFile("allocation-sites", ".jfr");
            try {
                r.dump(file);
                Map<String, Long> weight = new TreeMap<>();
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (e.getStackTrace() == null) continue;
                    String inner = e.getStackTrace().getFrames().isEmpty() ? "?" : name(e.getStackTrace().getFrames().get(0));
                    String ours = e.getStackTrace().getFrames().stream().map(AllocationSites::name)
                            .filter(n -> n.startsWith("bytewise.") && !n.startsWith("bytewise.AllocationSites")).findFirst().orElse("?");
                    weight.merge(ours + " <- " + inner + " (" + e.getClass("objectClass").getName() + ")", e.getLong("weight"), Long::sum);
                }
                return weight.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                        .map(en -> en.getValue() / 1024 + " KB at " + en.getKey()).collect(Collectors.joining("; "));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception e) {
            return "(no allocation samples: " + e + ")";
        }
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }
}
