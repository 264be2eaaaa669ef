package io.millrace.cli;

import io.millrace.OutputMode;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.examples.WindowedCount;
import io.millrace.sink.CsvSink;
import io.millrace.source.CsvSource;
import io.millrace.source.GeneratorSource;
import io.millrace.source.Source;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code millrace windowed-count}: counts {@code event_time_ms,key} events per key and event-time window
 * (DESIGN §6, §7); rows {@code start_ms,end_ms,key,count}.
 */
@Command(
    name = "windowed-count",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Counts events per key and event-time window: tumbling (--window), sliding (--window --slide) or",
        "session (--session-gap). Input lines event_time_ms,key from files or stdin, or generated events.",
        "Prints rows start_ms,end_ms,key,count to stdout; progress to stderr."})
final class WindowedCountCommand implements Callable<Integer>
{
    private static final String LINE_COLUMN = "line";

    @CommandLine.ParentCommand
    private MillraceCommand parent;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private InputChoice input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private WindowChoice window;

    @Option(names = "--slide", paramLabel = "DUR", converter = Durations.class,
        description = "Slide of sliding windows (with --window).")
    private Duration slide;

    @Option(names = "--watermark", paramLabel = "DUR", converter = Durations.class, defaultValue = "0",
        description = "How far the watermark trails the largest event time seen. Default: 0.")
    private Duration watermark;

    @Option(names = "--output-mode", paramLabel = "MODE", defaultValue = "append",
        description = "append (a window's row once, when it closes), update (rows as they change) or " +
            "complete (the whole table at each epoch). Default: ${DEFAULT-VALUE}.")
    private String outputMode;

    @Option(names = "--epoch-interval", paramLabel = "DUR", converter = Durations.class,
        description = "Cut an epoch this often. Default: 1s; in complete mode one epoch at the end of input.")
    private Duration epochInterval;

    @Option(names = "--late-output", paramLabel = "PATH",
        description = "File for late records (all of their windows closed), as their original lines.")
    private Path lateOutput;

    @Option(names = "--throttle", paramLabel = "RECORDS_PER_SECOND", defaultValue = "0",
        description = "Read at most this many records per second (0: no limit).")
    private long throttle;

    @CommandLine.Mixin
    private RecordOptions records;

    @CommandLine.Mixin
    private GeneratorOptions generator;

    static final class InputChoice
    {
        @Option(names = "--input", arity = "1..*", paramLabel = "PATH",
            description = "Files of event_time_ms,key lines, in order; - for standard input.")
        List<Path> paths;

        @Option(names = "--generate", paramLabel = "N", description = "Generate N events (DESIGN §8).")
        Long count;
    }

    static final class WindowChoice
    {
        @Option(names = "--window", paramLabel = "DUR", converter = Durations.class,
            description = "Size of tumbling (or, with --slide, sliding) windows.")
        Duration size;

        @Option(names = "--session-gap", paramLabel = "DUR", converter = Durations.class,
            description = "Gap that ends a session window.")
        Duration gap;
    }

    @Override
    public Integer call() throws Exception
    {
        final OutputMode mode = parseOutputMode();
        final Window windowSpec = checkWindow();
        if (null != epochInterval && epochInterval.isZero())
        {
            throw bad("--epoch-interval must be positive");
        }
        if (throttle < 0)
        {
            throw bad("--throttle must not be negative");
        }
        final Source source;
        if (null != input.paths)
        {
            records.checkInputs(spec, input.paths);
            source = new CsvSource(input.paths, CsvSource.eventSchema(), records.maxRecordSize(), false,
                null == lateOutput ? null : LINE_COLUMN);
        }
        else
        {
            if (input.count < 0)
            {
                throw bad("--generate must not be negative");
            }
            try
            {
                source = new GeneratorSource(generator.generator(), input.count);
            }
            catch (final IllegalArgumentException ex)
            {
                throw bad(ex.getMessage());
            }
        }

        try (DeadLetterFile deadLetters = records.openDeadLetters())
        {
            final StreamWriter writer = WindowedCount.plan(source, windowSpec, watermark)
                .writeStream()
                .queryName("windowed-count")
                .outputMode(mode)
                .trigger(trigger(mode))
                .throttle(throttle)
                .sink(new CsvSink(parent.out(), false))
                .deadLetter(records.deadLetterHandler(deadLetters, parent.err()));
            if (null != lateOutput)
            {
                writer.lateRecords(new LateLinesSink(lateOutput, LINE_COLUMN));
            }
            final StreamingQuery query = writer.start();
            ProgressReporter.await("windowed-count", query, parent.err());
        }
        return MillraceCommand.EXIT_OK;
    }

    private Trigger trigger(final OutputMode mode)
    {
        if (null == epochInterval)
        {
            return mode == OutputMode.COMPLETE ? Trigger.availableNow() : Trigger.continuous(Duration.ofSeconds(1));
        }
        return Trigger.continuous(epochInterval);
    }

    private OutputMode parseOutputMode()
    {
        try
        {
            return OutputMode.valueOf(outputMode.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad("--output-mode must be append, update or complete, not '" + outputMode + "'");
        }
    }

    private Window checkWindow()
    {
        if (null != window.gap && null != slide)
        {
            throw bad("--slide goes with --window, not --session-gap");
        }
        try
        {
            return WindowedCount.window(window.size, slide, window.gap);
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
    }

    private CommandLine.ParameterException bad(final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
