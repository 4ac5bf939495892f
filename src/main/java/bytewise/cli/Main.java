package bytewise.cli;

import bytewise.BytewiseException;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Entry point of bin/bytewise: no arguments opens the studio on the shipped sample, {@code --studio FILE}
 * opens it on FILE, anything else is the command line.
 * The studio is reached by name so that nothing here depends on JavaFX.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        boolean studio = args.length == 0 || args[0].equals("--studio");
        if (studio && args.length > 2) {
            System.err.println("error: --studio takes at most one file to open, got " + (args.length - 1));
            System.exit(2);
        }
        if (studio) {
            String[] files = args.length == 2 ? new String[]{args[1]} : new String[0];
            try {
                Class.forName("bytewise.app.StudioLauncher").getMethod("main", String[].class)
                        .invoke(null, (Object) files);
                return;
            } catch (ReflectiveOperationException e) {
                System.err.println("error: cannot open the studio: " + e);
                System.exit(1);
            }
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit status (0 ok, 2 bad input, 1 internal error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Cli(out, err));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof BytewiseException) {
                err.println("error: " + ex.getMessage());
                return 2;
            }
            err.println("internal error: " + ex);
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.println("(see bytewise --help)");
            return 2;
        });
        return cl.execute(args);
    }
}
