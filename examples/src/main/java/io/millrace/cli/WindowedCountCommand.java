package io.millrace.cli;

import io.millrace.OutputMode;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.StreamingQueryException;
import io.millrace.checkpoint.CheckpointException;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.examples.WindowedCount;
import io.millrace.kafka.KafkaGroup;
import io.millrace.kafka.RecordDeserializer;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;
import io.millrace.source.CsvSource;
import io.millrace.source.GeneratorSource;
import io.millrace.source.Source;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code millrace windowed-count}: counts {@code event_time,key} events per key and event-time window
 * (docs/semantics.md, docs/command-line.md); rows {@code start_ms,end_ms,key,count}.
 */
@Command(
    name = "windowed-count",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Counts events per key and event-time window: tumbling (--window), sliding (--window --slide) or session (--session-gap). Input lines event_time,key (epoch milliseconds or ISO-8601 times) from files or stdin, or generated events. Prints rows start_ms,end_ms,key,count to stdout; progress to stderr.")
final class WindowedCountCommand implements Callable<Integer>, RecordedQuery
{
    private static final String LINE_COLUMN = "line";
    /** What identifies a row of the result table: a Kafka record's key. */
    private static final List<String> KEY_COLUMNS = List.of("window_start", "window_end", CsvSource.KEY_COLUMN);
    /** How long a signal waits for a group member to stop its queries and leave its group. */
    private static final long SIGNAL_GRACE_SECONDS = 30;

    /**
     * Set when the options were read back from a checkpoint: the recorded inputs need not exist any more when the
     * journal holds them; a replay that needs a missing file fails when it opens it.
     */
    private boolean recorded;

    @CommandLine.ParentCommand
    private MillraceCommand parent;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private InputChoice input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private WindowChoice window;

    @Option(names = "--slide", paramLabel = "DUR", converter = Durations.class,
        description = "Slide of sliding windows (with --window)." + Durations.HELP)
    private Duration slide;

    @Option(names = "--watermark", paramLabel = "DUR", converter = Durations.class, defaultValue = "0",
        description = "How far the watermark trails the largest event time seen. Default: 0." + Durations.HELP)
    private Duration watermark;

    @Option(names = "--output-mode", paramLabel = "MODE", defaultValue = "append",
        description = "append (a window's row once, when it closes), update (rows as they change) or " +
            "complete (the whole table at each epoch). Default: ${DEFAULT-VALUE}.")
    private String outputMode;

    @Option(names = "--epoch-interval", paramLabel = "DUR", converter = Durations.class,
        description = "Cut an epoch this often. Default: 1s; in complete mode one epoch at the end of input." +
            Durations.HELP)
    private Duration epochInterval;

    @CommandLine.Mixin
    private DurableOutputOptions durable;

    @CommandLine.Mixin
    private KafkaOptions kafka;

    @Option(names = "--late-output", paramLabel = "PATH",
        description = "File for late records (all of their windows closed), as their original lines.")
    private Path lateOutput;

    @Option(names = "--header",
        description = "The first line of every input file (and of standard input) is a header: skip it.")
    private boolean header;

    @CommandLine.Mixin
    private RecordOptions records;

    @CommandLine.Mixin
    private EngineOptions engine;

    @CommandLine.Mixin
    private GeneratorOptions generator;

    static final class InputChoice
    {
        @Option(names = "--input", arity = "1..*", paramLabel = "PATH",
            description = "Files of event_time,key lines, in order; - for standard input. Times are epoch " +
                "milliseconds or ISO-8601 date-times with an offset (2023-11-14T22:13:20Z, " +
                "2023-11-14T22:13:20.123Z, 2023-11-14T23:13:20+01:00); fields may be quoted (\"a,b\", " +
                "\"say \"\"hi\"\"\").")
        List<Path> paths;

        @Option(names = "--generate", paramLabel = "N", converter = Counts.class,
            description = "Generate N events with the event generator; N is " + Counts.FORMAT + ".")
        Long count;

        @Option(names = "--input-topic", paramLabel = "TOPIC",
            description = "Kafka topic whose record values are event_time,key lines (needs --kafka-bootstrap); " +
                "each partition is an input with a watermark of its own.")
        String topic;
    }

    static final class WindowChoice
    {
        @Option(names = "--window", paramLabel = "DUR", converter = Durations.class,
            description = "Size of tumbling (or, with --slide, sliding) windows." + Durations.HELP)
        Duration size;

        @Option(names = "--session-gap", paramLabel = "DUR", converter = Durations.class,
            description = "Gap that ends a session window." + Durations.HELP)
        Duration gap;
    }

    @Override
    public Integer call() throws Exception
    {
        kafka.check(spec, durable, input.topic);
        if (kafka.grouped())
        {
            return runGroup();
        }
        durable.check(spec, kafka.writesTopic(), "--output DIR or --output-topic TOPIC");
        final boolean resuming = durable.checkpointed();
        try (DeadLetterFile deadLetters = records.openDeadLetters(resuming))
        {
            final StreamWriter writer = writer(
                kafka.writesTopic() ? kafka.sink(spec, KEY_COLUMNS) : durable.sink(parent.out()),
                RecordOptions.deadLetterHandler(deadLetters, parent.err()));
            if (null != lateOutput)
            {
                writer.lateRecords(new LateLinesSink(lateOutput, LINE_COLUMN, resuming));
            }
            durable.applyCheckpoint(writer, parent.err());
            return QueryRun.execute("windowed-count", writer, durable.checkpointed(), engine.jsonProgress(),
                parent.err());
        }
    }

    /**
     * Runs the partitions of the input topic that the consumer group gives this process, a query each, until they
     * have all finished (with {@code --bounded}) or the process is stopped.
     */
    private Integer runGroup()
    {
        checkTopicInput();
        final PrintStream err = parent.err();
        final KafkaGroup group = kafka.group(input.topic, err);
        final CountDownLatch left = new CountDownLatch(1);
        // On SIGTERM or SIGINT the member stops its queries and leaves the group at once, so that the others take
        // its partitions now rather than after its session times out; the JVM then exits with the signal's status.
        final Thread onSignal = new Thread(() ->
        {
            err.println("millrace windowed-count: signal received, leaving the group: its other members take this " +
                "one's partitions from their last committed epochs");
            group.stop();
            try
            {
                left.await(SIGNAL_GRACE_SECONDS, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "millrace-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try (DeadLetterFile deadLetters = records.openDeadLetters(true))
        {
            final DeadLetterLines handler = RecordOptions.deadLetterHandler(deadLetters, err);
            group.run((partition, checkpoint) ->
            {
                final List<Source> partitionSource = List.of(kafka.partitionSource(input.topic,
                    CsvSource.eventSchema(), records.maxRecordSize(), partition));
                return writer(partitionSource, kafka.groupSink(KEY_COLUMNS, checkpoint), handler, partition)
                    .checkpoint(checkpoint).start();
            }, kafka.bounded());
            return 0;
        }
        catch (final RuntimeException ex)
        {
            // Kafka's consumer wraps what its listener throws, as a query's failure wraps its cause: the innermost
            // message says what went wrong; a checkpoint of other parameters is a usage error.
            String message = ex.getMessage();
            int exitCode = MillraceCommand.EXIT_FAILURE;
            for (Throwable cause = ex; null != cause; cause = cause.getCause())
            {
                if (null != cause.getMessage() && !(cause instanceof StreamingQueryException))
                {
                    message = cause.getMessage();
                }
                if (cause instanceof CheckpointException checkpoint &&
                    checkpoint.reason() == CheckpointException.Reason.MISMATCH)
                {
                    exitCode = MillraceCommand.EXIT_BAD_ARGUMENTS;
                }
            }
            err.println("millrace windowed-count: " + message);
            return exitCode;
        }
        finally
        {
            left.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // A signal arrived: the hook has had the group left, and the JVM exits with the signal's status.
            }
        }
    }

    @Override
    public void markRecorded()
    {
        recorded = true;
    }

    @Override
    public StreamWriter writer(final Sink sink, final DeadLetterLines deadLetters)
    {
        return writer(sources(), sink, deadLetters, null);
    }

    /**
     * @param partition the one partition of the input topic a grouped query reads; null for any other query.
     */
    private StreamWriter writer(
        final List<? extends Source> sources, final Sink sink, final DeadLetterLines deadLetters,
        final Integer partition)
    {
        final OutputMode mode = parseOutputMode();
        final Window windowSpec = checkWindow();
        if (null != epochInterval && epochInterval.isZero())
        {
            throw bad("--epoch-interval must be positive");
        }
        final Stream plan;
        try
        {
            plan = WindowedCount.plan(sources, windowSpec, watermark);
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
        return engine.apply(plan.writeStream(), spec)
            .queryName("windowed-count")
            .outputMode(mode)
            .trigger(trigger(mode))
            .sink(sink)
            .deadLetter(new DeadRowLines(deadLetters, sources.get(0).schema(), LINE_COLUMN))
            .journalInput(durable.journalInput())
            .queryIdentity(identity(sources.size(), partition));
    }

    @Override
    public Schema inputSchema()
    {
        return sources().get(0).schema();
    }

    private List<? extends Source> sources()
    {
        if (null != input.topic)
        {
            checkTopicInput();
            return kafka.sources(input.topic, RecordDeserializer.csv(CsvSource.eventSchema()),
                records.maxRecordSize(), recorded, spec);
        }
        return List.of(source());
    }

    private void checkTopicInput()
    {
        if (header || null != lateOutput)
        {
            throw bad((header ? "--header" : "--late-output") + " goes with --input, not --input-topic");
        }
    }

    private Source source()
    {
        if (null != input.paths)
        {
            if (!recorded)
            {
                records.checkInputs(spec, input.paths);
            }
            return CsvSource.builder(input.paths, CsvSource.eventSchema()).maxRecordSize(records.maxRecordSize())
                .lineColumn(null == lateOutput ? null : LINE_COLUMN).header(header).build();
        }
        if (header)
        {
            throw bad("--header goes with --input, not --generate");
        }
        try
        {
            return new GeneratorSource(generator.generator(), input.count);
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
    }

    /**
     * The arguments that decide the query and its journal's contents, one per line, canonical (absolute paths,
     * durations in ms): a checkpoint records them and a restart must give the same; {@code journal} commands
     * rebuild the query from them.
     *
     * @param inputs    the query's sources: a Kafka topic's partitions, recorded so that a topic that gains some is
     *                  refused.
     * @param partition the one partition of the input topic a grouped query reads; null for any other query.
     */
    private String identity(final int inputs, final Integer partition)
    {
        final List<String> args = new ArrayList<>(List.of("windowed-count"));
        if (null != partition)
        {
            kafka.addGroupIdentity(input.topic, partition, args);
        }
        else if (null != input.topic)
        {
            kafka.addInputIdentity(input.topic, inputs, args);
        }
        else if (null != input.paths)
        {
            for (final Path path : input.paths)
            {
                args.add("--input");
                args.add("-".equals(path.toString()) ? "-" : path.toAbsolutePath().normalize().toString());
            }
            if (header)
            {
                args.add("--header");
            }
        }
        else
        {
            args.addAll(List.of("--generate", "" + input.count, "--seed", "" + generator.seed,
                "--keys", "" + generator.keys, "--rate", "" + generator.rate, "--disorder", "" + generator.disorder,
                "--max-delay", "" + generator.maxDelay.toMillis(), "--start", "" + generator.start));
        }
        if (null != window.gap)
        {
            args.addAll(List.of("--session-gap", window.gap.toMillis() + "ms"));
        }
        else
        {
            args.addAll(List.of("--window", window.size.toMillis() + "ms"));
            if (null != slide)
            {
                args.addAll(List.of("--slide", slide.toMillis() + "ms"));
            }
        }
        args.addAll(List.of("--watermark", watermark.toMillis() + "ms",
            "--output-mode", parseOutputMode().name().toLowerCase(Locale.ROOT),
            "--max-record-size", "" + records.maxRecordSize()));
        if (null != lateOutput)
        {
            // Late output makes input rows carry their original line, so it changes what the journal holds.
            args.addAll(List.of("--late-output", lateOutput.toAbsolutePath().normalize().toString()));
        }
        durable.addIdentity(args);
        kafka.addOutputIdentity(args);
        return String.join("\n", args);
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
