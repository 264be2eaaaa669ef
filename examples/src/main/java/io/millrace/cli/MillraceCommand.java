package io.millrace.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * The {@code millrace} command line (docs/command-line.md). Exit codes: 0 success, 2 bad arguments (with a one-line
 * reason on stderr), 1 failure.
 */
@Command(
    name = "millrace",
    mixinStandardHelpOptions = true,
    version = "millrace 0.1.0",
    description = "Low-latency continuous processing: run a query, inspect a journal.",
    subcommands = {WordCountCommand.class, WindowedCountCommand.class, NexmarkCommand.class, JournalCommand.class,
        StatCommand.class,
        CommandLine.HelpCommand.class})
public final class MillraceCommand implements Runnable
{
    /** Exit code of a run that succeeded. */
    public static final int EXIT_OK = 0;
    /** Exit code of a run that failed. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of bad arguments. */
    public static final int EXIT_BAD_ARGUMENTS = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    private MillraceCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        // Chronicle Queue logs its banner and mappings at INFO and reports usage unless told not to; a command
        // line keeps stderr for progress and errors.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // Kafka's clients warn of every failed connection, many a second while a broker is away, and a query waits
        // for it: errors only, unless asked otherwise.
        if (null == System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka"))
        {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        System.setProperty("chronicle.analytics.disable", "true");
        // Row and state accessors check bounds on every access unless told not to; the command line's own code
        // keeps within its buffers, as Aeron's production settings assume.
        System.setProperty("agrona.disable.bounds.checks", "true");
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Runs a command line with the given streams; what {@link #main} does, without exiting.
     *
     * @param args command line.
     * @param out  standard output: results.
     * @param err  standard error: progress, errors.
     * @return the exit code.
     */
    public static int execute(final String[] args, final PrintStream out, final PrintStream err)
    {
        final CommandLine commandLine = new CommandLine(new MillraceCommand(out, err));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((ex, arguments) ->
        {
            final String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(name + ": " + ex.getMessage().replace('\n', ' ') + " (see " + name + " --help)");
            return EXIT_BAD_ARGUMENTS;
        });
        commandLine.setExecutionExceptionHandler((ex, cl, parseResult) ->
        {
            err.println(cl.getCommandSpec().qualifiedName() + ": failed: " + rootMessage(ex));
            return EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }

    /**
     * Parses a recorded query command line (a checkpoint's identity) into its options, for the journal commands.
     *
     * @param args the recorded arguments.
     * @param out  standard output.
     * @param err  standard error.
     * @return the parsed command, not run.
     */
    static RecordedQuery parseRecorded(final String[] args, final PrintStream out, final PrintStream err)
    {
        final CommandLine.ParseResult result = new CommandLine(new MillraceCommand(out, err)).parseArgs(args);
        final RecordedQuery command = (RecordedQuery)result.subcommand().commandSpec().userObject();
        command.markRecorded();
        return command;
    }

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /**
     * @return standard output of this run: where results go.
     */
    PrintStream out()
    {
        return out;
    }

    /**
     * @return standard error of this run: progress and errors.
     */
    PrintStream err()
    {
        return err;
    }

    static String rootMessage(final Throwable error)
    {
        Throwable cause = error;
        while (null != cause.getCause() && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        return cause == error ? String.valueOf(error.getMessage()) : error.getMessage() + " (" + cause + ")";
    }
}
