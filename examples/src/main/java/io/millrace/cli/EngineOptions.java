package io.millrace.cli;

import io.millrace.IdleMode;
import io.millrace.StreamWriter;
import io.millrace.ThreadingMode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options of how a query command runs, whatever its query: threads, what idle threads do, a read-rate limit, and
 * how progress and metrics are shown.
 */
final class EngineOptions
{
    @Option(names = "--throttle", paramLabel = "RECORDS_PER_SECOND", defaultValue = "0",
        description = "Read at most this many records per second (0: no limit).")
    private long throttle;

    @Option(names = "--threading", paramLabel = "MODE", defaultValue = "dedicated",
        description = "dedicated (a source thread and an operator thread per task) or shared (the source on " +
            "task 0's thread). Default: dedicated.")
    private String threading;

    @Option(names = "--parallelism", paramLabel = "TASKS", defaultValue = "1",
        description = "Run the query as this many tasks, each on an operator thread of its own, every keyed " +
            "operation split among them by a hash of its key; the rows are those of one task (docs/parallelism.md). " +
            "A checkpoint is resumed with the number it was written with. 1 to 128. Default: 1.")
    private int parallelism;

    @Option(names = "--idle", paramLabel = "MODE", defaultValue = "backoff",
        description = "What idle threads do: backoff (spin, yield, then park; kind to hosts whose cores are " +
            "shared), yield, or busy (spin: for threads with a core each). Default: backoff.")
    private String idle;

    @Option(names = "--progress", paramLabel = "FORMAT", defaultValue = "text",
        description = "How progress goes to stderr: text (a line each second) or json (an object per committed " +
            "epoch, one per line, schema in docs/command-line.md). Default: text.")
    private String progress;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
        description = "Serve the query's figures in the Prometheus text format at http://127.0.0.1:PORT/metrics, " +
            "and as a JMX bean, while it runs (0: a free port, named on stderr). Default: off.")
    private int metricsPort;

    @Option(names = "--counters-dir", paramLabel = "DIR",
        description = "Where the query publishes its counters for 'millrace stat' while it runs. Default: " +
            "${DEFAULT-VALUE}.")
    private Path countersDir = StatCommand.DEFAULT_DIR;

    /**
     * Applies the options to a query being built.
     *
     * @param writer of the query.
     * @param spec   of the command, for errors.
     * @return the writer.
     * @throws CommandLine.ParameterException naming the option that is wrong.
     */
    StreamWriter apply(final StreamWriter writer, final CommandLine.Model.CommandSpec spec)
    {
        if (throttle < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--throttle must not be negative");
        }
        final ThreadingMode threadingMode = switch (threading)
        {
            case "dedicated" -> ThreadingMode.DEDICATED;
            case "shared" -> ThreadingMode.SHARED;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                "--threading must be dedicated or shared: '" + threading + "'");
        };
        final IdleMode idleMode;
        try
        {
            idleMode = IdleMode.named(idle);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--idle must be backoff, yield or busy: '" + idle + "'");
        }
        if (!"text".equals(progress) && !"json".equals(progress))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--progress must be text or json: '" + progress + "'");
        }
        if (metricsPort < -1 || metricsPort > 65_535)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--metrics-port must be a port, 0..65535: " + metricsPort);
        }
        if (metricsPort >= 0)
        {
            writer.metricsPort(metricsPort);
        }
        if (parallelism < 1 || parallelism > 128)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--parallelism must be 1 to 128 tasks: " + parallelism);
        }

        writer.countersDirectory(countersDir);
        return writer.throttle(throttle).threadingMode(threadingMode).idleStrategy(idleMode.strategies())
            .parallelism(parallelism);
    }

    /**
     * @return whether progress goes to stderr as a JSON object per epoch rather than a text line each second.
     */
    boolean jsonProgress()
    {
        return "json".equals(progress);
    }
}
