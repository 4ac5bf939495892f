package bytewise.io;

import bytewise.BytewiseException;
import bytewise.data.DataFile;
import bytewise.model.ModelConfig;
import bytewise.train.EvalMetrics;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One training run on disk: {@code run.json} (settings, data identity, progress), {@code metrics.csv}
 * (a row per step and per evaluation), {@code checkpoints/step-NNNNNNNN.{json,bin}} (the last few)
 * and {@code best.{json,bin}} (lowest validation loss). Every file is replaced atomically, so a
 * crash at any moment leaves the folder loadable; the metrics file is append-only and a torn last
 * line is ignored on reading.
 */
public final class RunFolder {
    public static final String METRICS_HEADER = "kind,step,tokens,loss,lr,grad_norm,tokens_per_s,elapsed_s";

    /** A step's row of metrics.csv (and of the studio's metrics export). */
    public static String stepRow(StepMetrics m) {
        return String.format(Locale.ROOT, "step,%d,%d,%.6f,%.6e,%.6f,%.1f,%.3f", m.step(), m.tokens(), m.loss(), m.lr(),
                m.gradNorm(), m.tokensPerSecond(), m.elapsedSeconds());
    }

    /** An evaluation's row: the step-only columns are 0. */
    public static String evalRow(EvalMetrics m) {
        return String.format(Locale.ROOT, "eval,%d,%d,%.6f,0,0,0,%.3f", m.step(), m.tokens(), m.valLoss(),
                m.elapsedSeconds());
    }
    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d{8})\\.json");

    /** What run.json holds. {@code status}: running, completed, cancelled, diverged. */
    public record Info(String created, String preset, String dataName, String dataSha256, ModelConfig model,
                       TrainConfig training, long step, Float bestValLoss, String status, String message,
                       List<DataFile> dataFiles) {
        /** Without the per-file list (run.json from before sets of files holds none). */
        public Info(String created, String preset, String dataName, String dataSha256, ModelConfig model,
                    TrainConfig training, long step, Float bestValLoss, String status, String message) {
            this(created, preset, dataName, dataSha256, model, training, step, bestValLoss, status, message, null);
        }

        public Info with(long newStep, Float best, String newStatus, String newMessage) {
            return new Info(created, preset, dataName, dataSha256, model, training, newStep, best, newStatus, newMessage,
                    dataFiles);
        }
    }

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** Where runs go: runs/ under -Dbytewise.workspace, else ~/.bytewise/runs (the studio uses the same). */
    public static Path defaultWorkspace() {
        return Workspace.runs();
    }

    /** A new folder under {@code workspace} named by time, preset and data file. */
    public static RunFolder create(Path workspace, Info info) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String data = info.dataName() == null ? "data" : info.dataName().replaceAll("[^A-Za-z0-9._-]", "_");
        String base = stamp + "-" + (info.preset() == null ? "custom" : info.preset()) + "-" + data;
        Path dir = workspace.resolve(base);
        for (int i = 2; Files.exists(dir); i++) dir = workspace.resolve(base + "-" + i);
        return createAt(dir, info);
    }

    /** Starts recording into {@code dir} (created if missing). */
    public static RunFolder createAt(Path dir, Info info) {
        try {
            Files.createDirectories(dir.resolve("checkpoints"));
        } catch (IOException e) {
            throw new BytewiseException("cannot create run folder " + dir + ": " + e.getMessage(), e);
        }
        RunFolder f = new RunFolder(dir);
        f.writeInfo(info);
        return f;
    }

    public static RunFolder open(Path dir) {
        if (!Files.isRegularFile(dir.resolve("run.json"))) throw new BytewiseException("not a run folder (no run.json): " + dir);
        return new RunFolder(dir);
    }

    public static boolean isRunFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("run.json"));
    }

    /** Runs in a workspace, newest first; unreadable folders are skipped. */
    public static List<RunFolder> list(Path workspace) {
        List<RunFolder> out = new ArrayList<>();
        if (!Files.isDirectory(workspace)) return out;
        try (Stream<Path> s = Files.list(workspace)) {
            s.filter(RunFolder::isRunFolder).sorted(Comparator.reverseOrder()).forEach(p -> out.add(new RunFolder(p)));
        } catch (IOException e) {
            throw new BytewiseException("cannot list runs in " + workspace + ": " + e.getMessage(), e);
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    public Info info() {
        Path p = dir.resolve("run.json");
        try {
            com.fasterxml.jackson.databind.JsonNode node = Json.MAPPER.readTree(p.toFile());
            // run.json from before sets of files has no list: its one file is dataName + dataSha256
            if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("data_files"))
                o.putNull("data_files");
            return Json.MAPPER.treeToValue(node, Info.class);
        } catch (JsonProcessingException e) {
            throw Json.problem("run file " + p + " is invalid", e);
        } catch (IOException e) {
            throw new BytewiseException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    public void writeInfo(Info info) {
        try {
            writeAtomically(dir.resolve("run.json"), Json.MAPPER.writeValueAsBytes(info));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeAtomically(Path target, byte[] bytes) {
        BinaryIo.writeAtomically(target, "run file", ch -> BinaryIo.writeFully(ch, java.nio.ByteBuffer.wrap(bytes)));
    }

    // ------------------------------------------------------------------ checkpoints

    public Path checkpointPrefix(long step) {
        return dir.resolve("checkpoints").resolve(String.format("step-%08d", step));
    }

    public Path bestPrefix() {
        return dir.resolve("best");
    }

    /** Step numbers of the saved step checkpoints, ascending. */
    public List<Long> checkpointSteps() {
        List<Long> steps = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
            s.forEach(p -> {
                Matcher m = STEP_FILE.matcher(p.getFileName().toString());
                if (m.matches()) steps.add(Long.parseLong(m.group(1)));
            });
        } catch (IOException e) {
            return steps;
        }
        steps.sort(null);
        return steps;
    }

    /** Saves a step checkpoint and deletes all but the newest {@code keepLast}. */
    public void saveCheckpoint(Checkpoint c, int keepLast) {
        long step = c.state() == null ? 0 : c.state().step();
        c.save(checkpointPrefix(step));
        List<Long> steps = checkpointSteps();
        for (int i = 0; i < steps.size() - Math.max(1, keepLast); i++) {
            Path prefix = checkpointPrefix(steps.get(i));
            try {
                Files.deleteIfExists(Checkpoint.jsonPath(prefix)); // json first: a lone .bin is never picked up
                Files.deleteIfExists(Checkpoint.binPath(prefix));
            } catch (IOException ignored) {
                // a checkpoint we could not delete is harmless
            }
        }
    }

    public void saveBest(Checkpoint c) {
        c.save(bestPrefix());
    }

    /** The newest step checkpoint that loads completely, skipping damaged ones. */
    public Optional<Checkpoint> latestCheckpoint() {
        List<Long> steps = checkpointSteps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(Checkpoint.load(checkpointPrefix(steps.get(i))));
            } catch (BytewiseException damaged) {
                // try the one before
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ metrics

    /** Opens metrics.csv for appending (writing the header to a new file). */
    public BufferedWriter openMetrics() {
        Path p = dir.resolve("metrics.csv");
        try {
            boolean fresh = !Files.exists(p) || Files.size(p) == 0;
            BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (fresh) {
                w.write(METRICS_HEADER);
                w.newLine();
            } else if (!endsWithNewline(p)) {
                w.newLine(); // a crash tore the last line: start clean after it
            }
            return w;
        } catch (IOException e) {
            throw new BytewiseException("cannot write metrics in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean endsWithNewline(Path p) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.READ)) {
            if (ch.size() == 0) return true;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, ch.size() - 1);
            return b.get(0) == '\n';
        }
    }

    /** One metrics row: kind is "step" or "eval" (for eval, loss is the validation loss). */
    public record Metric(String kind, long step, long tokens, double loss, double lr, double gradNorm,
                         double tokensPerSecond, double elapsedSeconds) {}

    /** Reads metrics.csv, skipping torn or malformed lines (a crash can cut the last one). */
    public List<Metric> readMetrics() {
        List<Metric> out = new ArrayList<>();
        Path p = dir.resolve("metrics.csv");
        if (!Files.exists(p)) return out;
        try {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (f.length != 8 || !(f[0].equals("step") || f[0].equals("eval"))) continue;
                try {
                    out.add(new Metric(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]),
                            Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                            Double.parseDouble(f[7])));
                } catch (NumberFormatException torn) {
                    // skip
                }
            }
        } catch (IOException e) {
            throw new BytewiseException("cannot read " + p + ": " + e.getMessage(), e);
        }
        return out;
    }
}
