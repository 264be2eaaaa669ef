package io.millrace.cli;

import io.millrace.internal.metrics.CountersFile;
import io.millrace.internal.metrics.QueryFigure;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code millrace stat [--dir D]}: the counters of the queries running on this machine, read from the files they
 * publish (docs/command-line.md), as {@code AeronStat} reads a media driver's: once, or every interval until stopped.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = "Prints the counters of running queries, read from the files they publish in a directory " +
        "(windowed-count and nexmark publish theirs in the default one).")
final class StatCommand implements Callable<Integer>
{
    /** Where the command line's queries publish their counters unless told otherwise. */
    static final Path DEFAULT_DIR = Path.of(System.getProperty("java.io.tmpdir"),
        "millrace-" + System.getProperty("user.name", "user"));

    @CommandLine.ParentCommand
    private MillraceCommand parent;

    @Option(names = "--dir", paramLabel = "DIR", description = "Directory of counters files. Default: ${DEFAULT-VALUE}.")
    private Path directory = DEFAULT_DIR;

    @Option(names = "--once", description = "Print once and exit, rather than every interval until stopped.")
    private boolean once;

    @Option(names = "--interval", paramLabel = "DUR", defaultValue = "1s", converter = Durations.class,
        description = "How often to print. Default: 1s.")
    private Duration interval;

    @Override
    public Integer call() throws Exception
    {
        if (interval.isNegative() || interval.isZero())
        {
            throw new CommandLine.ParameterException(new CommandLine(this), "--interval must be positive");
        }
        final PrintStream out = parent.out();
        while (true)
        {
            print(out);
            if (once)
            {
                return MillraceCommand.EXIT_OK;
            }
            Thread.sleep(interval.toMillis());
            out.println();
        }
    }

    private void print(final PrintStream out) throws IOException
    {
        final List<Path> files;
        if (Files.isDirectory(directory))
        {
            try (java.util.stream.Stream<Path> listed = Files.list(directory))
            {
                files = listed.filter(f -> f.getFileName().toString().endsWith(CountersFile.SUFFIX)).sorted()
                    .toList();
            }
        }
        else
        {
            files = List.of();
        }
        if (Files.isDirectory(directory))
        {
            CountersFile.removeStale(directory);
        }
        int shown = 0;
        for (final Path file : files)
        {
            shown += print(file, out) ? 1 : 0;
        }
        if (shown == 0)
        {
            out.println("no running query publishes counters in " + directory);
        }
    }

    /**
     * @return whether the file was a running query's and was printed.
     */
    private boolean print(final Path file, final PrintStream out)
    {
        final MappedByteBuffer mapped;
        try
        {
            mapped = IoUtil.mapExistingFile(file.toFile(), FileChannel.MapMode.READ_ONLY, "counters");
        }
        catch (final RuntimeException gone)
        {
            return false; // the query ended and removed its file meanwhile
        }
        try
        {
            if (mapped.capacity() < CountersFile.HEADER_LENGTH)
            {
                return false;
            }
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, CountersFile.HEADER_LENGTH);
            if (header.getIntVolatile(0) != CountersFile.MAGIC || header.getInt(4) != CountersFile.VERSION)
            {
                return false; // not (yet) a counters file of this version
            }
            final long pid = header.getLong(8);
            if (ProcessHandle.of(pid).isEmpty())
            {
                return false; // left by a process that died (killed); removed above
            }
            final int metadataLength = header.getInt(24);
            final int valuesLength = header.getInt(28);
            final String name = header.getStringWithoutLengthUtf8(36, Math.min(header.getInt(32),
                CountersFile.NAME_BYTES));
            final long upSeconds = (System.currentTimeMillis() - header.getLong(16)) / 1000;
            out.println("query " + name + " (pid " + pid + ", up " + upSeconds + " s)");
            final CountersReader reader = new CountersReader(CountersFile.metadata(mapped, metadataLength),
                CountersFile.values(mapped, metadataLength, valuesLength), StandardCharsets.UTF_8);
            reader.forEach((counterId, typeId, key, label) ->
            {
                final long value = reader.getCounterValue(counterId);
                out.println("  " + label + ": " + (isUnset(label, value) ? "none" : Long.toString(value)));
            });
            return true;
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * @return whether a figure holds no value yet: a watermark before there is one, the last commit's time before the
     *         first commit.
     */
    private static boolean isUnset(final String label, final long value)
    {
        for (final QueryFigure figure : QueryFigure.values())
        {
            if (figure.label().equals(label))
            {
                return !figure.isSet(value);
            }
        }
        return false;
    }
}
