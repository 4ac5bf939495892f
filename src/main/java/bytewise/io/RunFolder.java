package bytewise.io;

import bytewise.BytewiseException;
import bytewise.data.DataFile;
import bytewise.model.ModelConfig;
import bytewise.train.EvalMetrics;
import bytewise.train.StepMetrics;
import bytewise.train.TrainConfig;
import bytewise.train.TrainingHealth;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    /**
     * What run.json holds. {@code status}: running, completed, cancelled, diverged, failed, or
     * interrupted (it said running, but no process owns it any more: killed, crashed, power lost).
     * {@code dataPath}: where the data file was when the run last trained; {@code owner}: pid@host
     * of the process that last trained it; {@code label}: the name the user gave it (null: the
     * folder's); {@code notes}: what happened to the run besides training (fine-tuned on another
     * file, extended), one line each.
     */
    public record Info(String created, String preset, String dataName, String dataSha256, ModelConfig model,
                       TrainConfig training, long step, Float bestValLoss, String status, String message,
                       String dataPath, String owner, String label, List<String> notes, List<DataFile> dataFiles) {
        /** Without the fields added later (run.json from before them holds none). */
        public Info(String created, String preset, String dataName, String dataSha256, ModelConfig model,
                    TrainConfig training, long step, Float bestValLoss, String status, String message) {
            this(created, preset, dataName, dataSha256, model, training, step, bestValLoss, status, message,
                    null, null, null, List.of(), null);
        }

        /** With the data's files, without the other later fields. */
        public Info(String created, String preset, String dataName, String dataSha256, ModelConfig model,
                    TrainConfig training, long step, Float bestValLoss, String status, String message,
                    List<DataFile> dataFiles) {
            this(created, preset, dataName, dataSha256, model, training, step, bestValLoss, status, message,
                    null, null, null, List.of(), dataFiles);
        }

        public Info {
            notes = notes == null ? List.of() : List.copyOf(notes);
        }

        public Info with(long newStep, Float best, String newStatus, String newMessage) {
            return new Info(created, preset, dataName, dataSha256, model, training, newStep, best, newStatus, newMessage,
                    dataPath, owner, label, notes, dataFiles);
        }

        public Info withLabel(String newLabel) {
            return new Info(created, preset, dataName, dataSha256, model, training, step, bestValLoss, status, message,
                    dataPath, owner, newLabel, notes, dataFiles);
        }

        public Info withOwner(String newOwner) {
            return new Info(created, preset, dataName, dataSha256, model, training, step, bestValLoss, status, message,
                    dataPath, newOwner, label, notes, dataFiles);
        }

        /** The data the run trains on from now: a different file is recorded in {@code notes} by the caller. */
        public Info withData(String name, String sha256, String path, List<DataFile> files) {
            return new Info(created, preset, name, sha256, model, training, step, bestValLoss, status, message,
                    path, owner, label, notes, files);
        }

        public Info withTraining(TrainConfig tc) {
            return new Info(created, preset, dataName, dataSha256, model, tc, step, bestValLoss, status, message,
                    dataPath, owner, label, notes, dataFiles);
        }

        public Info withNote(String note) {
            List<String> n = new ArrayList<>(notes);
            n.add(note);
            return new Info(created, preset, dataName, dataSha256, model, training, step, bestValLoss, status, message,
                    dataPath, owner, label, n, dataFiles);
        }
    }

    /** Fields added to run.json after its first version: older files get them as null. */
    private static final List<String> LATER_FIELDS = List.of("data_path", "owner", "label", "notes", "data_files");
    /** Held (an OS lock) by the process training the run; a run marked running without it was interrupted. */
    static final String OWNER_LOCK = "owner.lock";
    /** Lock files this JVM holds: probing one would open and close a second channel, and on POSIX closing any
     * channel on a file drops the process's lock on it. */
    private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

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
        f.claim(); // before run.json says "running": a lister must never see it running without an owner
        f.writeInfo(info.withOwner(ownerName()));
        return f;
    }

    // ------------------------------------------------------------------ ownership

    /** This process as run.json names it: pid@host. */
    public static String ownerName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }

    private Path lockFile() {
        return dir.toAbsolutePath().normalize().resolve(OWNER_LOCK);
    }

    /**
     * Makes this process the run's owner: an OS lock on {@code owner.lock}, held until {@link #release}
     * or the process ends (the OS drops it on kill -9 or a crash, which is how an interrupted run is
     * told from a live one). Refused when another process (or another recorder here) owns the run.
     */
    public void claim() {
        Path lock = lockFile();
        if (HELD.containsKey(lock)) throw new BytewiseException("run " + dir + " is already being trained in this process");
        try {
            FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (l == null) {
                ch.close();
                String who = Files.isRegularFile(dir.resolve("run.json")) ? info().owner() : null;
                throw new BytewiseException("run " + dir + " is being trained by another process"
                        + (who == null ? "" : " (" + who + ")"));
            }
            HELD.put(lock, l);
        } catch (IOException e) {
            throw new BytewiseException("cannot lock run folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether this process owns the run (a recorder here holds its lock). */
    public boolean ownedHere() {
        return HELD.containsKey(lockFile());
    }

    /** Gives up ownership (the run ended); harmless when not owned. */
    public void release() {
        FileLock l = HELD.remove(lockFile());
        if (l == null) return;
        try {
            l.release();
            l.channel().close();
        } catch (IOException ignored) {
            // the lock goes with the channel or the process anyway
        }
    }

    /** Whether a live process (this one or another) owns the run now. */
    public boolean isOwned() {
        Path lock = lockFile();
        if (HELD.containsKey(lock)) return true;
        if (!Files.exists(lock)) return false;
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return true;
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false; // a lock file we cannot even open has no owner we could reach
        }
    }

    /**
     * run.json's info with the status as it really is: a run that says "running" with no live owner
     * is marked "interrupted", in run.json too (under the lock, so a process resuming it meanwhile
     * is never overwritten).
     */
    public Info checkedInfo() {
        Info info = info();
        if (!"running".equals(info.status()) || HELD.containsKey(lockFile())) return info;
        try {
            claim();
        } catch (BytewiseException owned) {
            return info;
        }
        try {
            Info now = info();
            if (!"running".equals(now.status())) return now;
            Info marked = now.with(now.step(), now.bestValLoss(), "interrupted",
                    "the process training it stopped without finishing (killed, crashed or power lost)"
                            + (now.owner() == null ? "" : ": " + now.owner()));
            writeInfo(marked);
            return marked;
        } finally {
            release();
        }
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
            JsonNode node = Json.MAPPER.readTree(p.toFile());
            if (!(node instanceof ObjectNode o)) throw new BytewiseException("run file " + p + " is not a JSON object");
            // run.json from before sets of files has no list: its one file is dataName + dataSha256
            for (String f : LATER_FIELDS) if (!o.has(f)) o.putNull(f);
            return Json.MAPPER.treeToValue(Json.withTrainingDefaults(o), Info.class);
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
        return openCsv("metrics.csv", METRICS_HEADER);
    }

    /**
     * health.csv: a run's training health (see {@link #healthRows}), appended to like metrics.csv.
     * Each measured step writes one row per tensor group (gradient, weight norms and log10
     * update/weight ratio), then one {@code block.output} row per block (the residual stream's RMS);
     * every row carries the share of steps clipped since the previous measured step.
     */
    public BufferedWriter openHealth() {
        return openCsv("health.csv", HEALTH_HEADER);
    }

    public static final String HEALTH_HEADER =
            "step,layer,group,grad_norm,weight_norm,update_ratio_log10,activation_rms,clipped_share";

    /** The rows of health.csv for one report; a figure a row does not have is left empty. */
    public static List<String> healthRows(TrainingHealth.Report r) {
        List<String> out = new ArrayList<>(r.rows().size() + r.activationRms().length);
        String clipped = String.format(Locale.ROOT, "%.4f", r.clippedShare());
        for (TrainingHealth.Row row : r.rows())
            out.add(String.format(Locale.ROOT, "%d,%d,%s,%.6e,%.6e,%.4f,,%s", r.step(), row.layer(), row.group().label(),
                    row.gradNorm(), row.weightNorm(), row.updateRatioLog10(), clipped));
        for (int l = 0; l < r.activationRms().length; l++)
            out.add(String.format(Locale.ROOT, "%d,%d,block.output,,,,%.6e,%s", r.step(), l, r.activationRms()[l], clipped));
        return out;
    }

    private BufferedWriter openCsv(String name, String header) {
        Path p = dir.resolve(name);
        try {
            boolean fresh = !Files.exists(p) || Files.size(p) == 0;
            BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (fresh) {
                w.write(header);
                w.newLine();
            } else if (!endsWithNewline(p)) {
                w.newLine(); // a crash tore the last line: start clean after it
            }
            return w;
        } catch (IOException e) {
            throw new BytewiseException("cannot write " + name + " in " + dir + ": " + e.getMessage(), e);
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
