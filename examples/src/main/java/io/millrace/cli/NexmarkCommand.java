package io.millrace.cli;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.examples.nexmark.Nexmark;
import io.millrace.Stream;
import io.millrace.examples.nexmark.NexmarkQuery;
import io.millrace.kafka.KafkaSink;
import io.millrace.kafka.KafkaSource;
import io.millrace.kafka.RecordDeserializer;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.sink.Crc32cSink;
import io.millrace.sink.DeadLetterHandler;
import io.millrace.sink.Sink;
import io.millrace.source.NexmarkGenerator;
import io.millrace.source.NexmarkSource;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code millrace nexmark}: runs a NEXMark query over generated auction events (docs/nexmark.md), its rows as CSV
 * to stdout or part files; {@code --query all} runs every query in turn into a checksumming sink and prints a table.
 */
@Command(
    name = "nexmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Runs a NEXMark query (q0, q1, q2, q3, q4, q5, q7, q8, q9, q11, q18) over generated persons, " +
        "auctions and bids. Prints the query's rows as CSV without a header to stdout (or part files with " +
        "--output); progress to stderr. --query all runs each query in turn and prints events/s and a checksum " +
        "of the rows per query.")
final class NexmarkCommand implements Callable<Integer>, RecordedQuery
{
    private static final String NAME = "nexmark";
    private static final DirectBuffer NO_LINE = new UnsafeBuffer(new byte[0]);

    @CommandLine.ParentCommand
    private MillraceCommand parent;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--query", paramLabel = "QUERY",
        description = "q0, q1, q2, q3, q4, q5, q7, q8, q9, q11, q18, or all (needed but with --to-topic).")
    private String query;

    @Option(names = "--events", paramLabel = "N", converter = Counts.class,
        description = "Events to generate; N is " + Counts.FORMAT + " (needed but with --input-topic).")
    private Long events;

    @Option(names = "--input-topic", paramLabel = "TOPIC",
        description = "Read the events from this Kafka topic (with --kafka-bootstrap), as --to-topic writes them, " +
            "instead of generating them; each partition is an input with a watermark of its own, and a topic of " +
            "one partition gives exactly the rows of the generated events.")
    private String inputTopic;

    @Option(names = "--to-topic", paramLabel = "TOPIC",
        description = "Write the generated events to this existing Kafka topic (with --kafka-bootstrap) instead of " +
            "running a query: one record per event, its CSV line as value, exactly once; then end.")
    private String toTopic;

    @CommandLine.Mixin
    private KafkaOptions kafka;

    @Option(names = "--seed", defaultValue = "" + NexmarkGenerator.SEED_DEFAULT,
        description = "Generator seed. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--rate", defaultValue = "" + NexmarkGenerator.RATE_DEFAULT,
        description = "Events per event-time second. Default: ${DEFAULT-VALUE}.")
    private long rate;

    @Option(names = "--start", defaultValue = "" + NexmarkGenerator.START_DEFAULT,
        description = "Event time of the first event, epoch ms. Default: ${DEFAULT-VALUE}.")
    private long start;

    @Option(names = "--watermark", paramLabel = "DUR", converter = Durations.class, defaultValue = "4s",
        description = "How far the watermark trails the largest date_time seen. Default: 4s." + Durations.HELP)
    private Duration watermark;

    @Option(names = "--epoch-interval", paramLabel = "DUR", converter = Durations.class, defaultValue = "1s",
        description = "Cut an epoch this often. Default: 1s." + Durations.HELP)
    private Duration epochInterval;

    @CommandLine.Mixin
    private DurableOutputOptions durable;

    @Option(names = "--discard",
        description = "Count the rows and checksum them (CRC-32C of their CSV lines) instead of writing them.")
    private boolean discard;

    @Option(names = "--dead-letter", paramLabel = "PATH",
        description = "File for rows the query's functions could not process. Without it the first few are shown " +
            "on stderr; all are counted.")
    private Path deadLetter;

    @CommandLine.Mixin
    private EngineOptions engine;

    private boolean recorded;

    @Override
    public Integer call() throws Exception
    {
        if (null != toTopic)
        {
            return writeTopic();
        }
        if (null == query)
        {
            throw bad("--query is needed (or --to-topic, to write the events to Kafka)");
        }
        if (null == events && null == inputTopic)
        {
            throw bad("--events is needed (or --input-topic, to read the events from Kafka)");
        }
        if (null != events && null != inputTopic)
        {
            throw bad("--events and --input-topic are two inputs: give one");
        }
        kafka.check(spec, durable, inputTopic);
        if (kafka.grouped())
        {
            throw bad("--group goes with windowed-count; nexmark reads every partition of --input-topic itself");
        }
        if ("all".equalsIgnoreCase(query))
        {
            if (null != inputTopic || kafka.writesTopic())
            {
                throw bad("--query all runs on generated events into a checksumming sink: it takes no " +
                    "--input-topic or --output-topic");
            }
            return runAll();
        }
        durable.check(spec, kafka.writesTopic(), "--output DIR or --output-topic TOPIC");
        if (discard && durable.toFiles())
        {
            throw bad("--discard and --output exclude each other");
        }
        final Crc32cSink checksum = new Crc32cSink();
        if (discard && kafka.writesTopic())
        {
            throw bad("--discard and --output-topic exclude each other");
        }
        final Sink sink = discard ? checksum : kafka.writesTopic() ? kafka.sink(spec, List.of()) :
            durable.sink(parent.out());
        try (DeadLetterFile deadLetters = null == deadLetter ? null : new DeadLetterFile(deadLetter,
            durable.checkpointed()))
        {
            final StreamWriter writer = writer(sink, RecordOptions.deadLetterHandler(deadLetters, parent.err()));
            durable.applyCheckpoint(writer, parent.err());
            final int exit = QueryRun.execute(NAME, writer, durable.checkpointed(), engine.jsonProgress(),
                parent.err());
            if (discard && exit == MillraceCommand.EXIT_OK)
            {
                parent.err().printf("millrace nexmark: %s: %d rows, checksum %08x%n", query().label(), checksum.rows(),
                    checksum.checksum());
            }
            return exit;
        }
    }

    /**
     * Writes the generated events to a topic, exactly once: the events stream as it is, into a Kafka sink.
     */
    private int writeTopic() throws InterruptedException
    {
        if (null == events || null != query || null != inputTopic || kafka.writesTopic() || durable.toFiles() ||
            durable.checkpointed() || discard)
        {
            throw bad("--to-topic writes the generated events (--events N, with --seed, --rate and --start) and " +
                "runs no query: it takes no --query, --input-topic, --output-topic, --output, --checkpoint or " +
                "--discard");
        }
        if (null == kafka.bootstrap())
        {
            throw bad("--to-topic needs --kafka-bootstrap HOST:PORT");
        }
        final StreamWriter writer = engine.apply(Millrace.readStream(generated()).writeStream(), spec)
            .queryName(NAME + "-to-topic")
            .outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(epochInterval))
            .sink(KafkaSink.builder(kafka.bootstrap(), toTopic).id("millrace-nexmark-" + toTopic).build());
        final int exit = QueryRun.execute(NAME, writer, false, engine.jsonProgress(), parent.err());
        if (exit == MillraceCommand.EXIT_OK)
        {
            parent.err().printf("millrace nexmark: wrote %d events to Kafka topic %s%n", events, toTopic);
        }
        return exit;
    }

    /**
     * Runs every query in turn into a checksumming sink, one thread each after the other, and prints a table.
     */
    private int runAll() throws InterruptedException
    {
        if (durable.toFiles() || durable.checkpointed() || durable.journalInput() || discard)
        {
            throw bad("--query all runs into a checksumming sink: it takes no --output, --checkpoint, " +
                "--journal-input or --discard");
        }
        parent.out().printf("%-5s %12s %12s %10s %14s %10s%n", "query", "events", "rows", "seconds", "events/s",
            "checksum");
        for (final NexmarkQuery each : NexmarkQuery.values())
        {
            final Crc32cSink checksum = new Crc32cSink();
            final StreamingQuery running = build(each, checksum, RecordOptions.deadLetterHandler(null, parent.err()),
                null)
                .start();
            final long began = System.nanoTime();
            running.awaitTermination();
            final double seconds = (System.nanoTime() - began) / 1e9;
            parent.out().printf("%-5s %12d %12d %10.3f %14.0f %08x%n", each.label(), events, checksum.rows(),
                seconds, events / Math.max(seconds, 1e-9), checksum.checksum());
        }
        return MillraceCommand.EXIT_OK;
    }

    @Override
    public void markRecorded()
    {
        recorded = true;
    }

    @Override
    public StreamWriter writer(final Sink sink, final DeadLetterLines deadLetters)
    {
        final List<KafkaSource> partitions = null == inputTopic ? null : kafka.sources(inputTopic,
            RecordDeserializer.csv(NexmarkGenerator.EVENT, true), KafkaSource.MAX_RECORD_SIZE_DEFAULT, recorded, spec);
        return build(query(), sink, deadLetters, partitions).journalInput(durable.journalInput())
            .queryIdentity(identity(null == partitions ? 0 : partitions.size()));
    }

    @Override
    public Schema inputSchema()
    {
        return NexmarkGenerator.EVENT;
    }

    /**
     * @param partitions a source per partition of the input topic, or null to generate the events.
     */
    private StreamWriter build(
        final NexmarkQuery nexmarkQuery, final Sink sink, final DeadLetterLines deadLetters,
        final List<KafkaSource> partitions)
    {
        if (epochInterval.isZero() || epochInterval.isNegative())
        {
            throw bad("--epoch-interval must be positive");
        }
        final StreamWriter writer;
        try
        {
            writer = nexmarkQuery.plan(events(partitions)).writeStream();
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
        return engine.apply(writer, spec)
            .queryName(NAME + "-" + nexmarkQuery.label())
            .outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(epochInterval))
            .sink(sink)
            .deadLetter(new DeadLetterHandler()
            {
                @Override
                public void onDeadLetter(
                    final long position, final CharSequence reason, final DirectBuffer buffer, final int index,
                    final int length)
                {
                    deadLetters.onDeadLetter(position, reason, buffer, index, length);
                }

                @Override
                public void onDeadRow(final long position, final CharSequence reason, final RowView row)
                {
                    // The row may be of any stage's schema; the event's index names it: regenerate it to see it.
                    deadLetters.onDeadLine(position, reason, NO_LINE, 0, 0);
                }
            });
    }

    /**
     * @param partitions a source per partition of the input topic, or null to generate the events.
     * @return the events stream: generated, or read from each partition, each with a watermark of its own.
     */
    private Stream events(final List<KafkaSource> partitions)
    {
        if (null == partitions)
        {
            return Nexmark.events(Millrace.readStream(generated()), watermark);
        }
        final List<Stream> streams = new ArrayList<>();
        for (final KafkaSource partition : partitions)
        {
            streams.add(Nexmark.events(Millrace.readStream(partition), watermark));
        }
        return streams.size() == 1 ? streams.get(0) :
            streams.get(0).union(streams.subList(1, streams.size()).toArray(new Stream[0]));
    }

    private NexmarkSource generated()
    {
        try
        {
            return new NexmarkSource(new NexmarkGenerator(seed, rate, start), events);
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
    }

    private NexmarkQuery query()
    {
        try
        {
            return NexmarkQuery.named(query);
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(ex.getMessage());
        }
    }

    /**
     * The arguments that decide the query and its journal's contents, canonical: a checkpoint records them and a
     * restart must give the same; {@code journal} commands rebuild the query from them.
     *
     * @param partitions of the input topic read, recorded so that a topic that gains some is refused; 0 when the
     *                   events are generated.
     */
    private String identity(final int partitions)
    {
        final List<String> args = new ArrayList<>(List.of(NAME, "--query", query().label()));
        if (null == inputTopic)
        {
            args.addAll(List.of("--events", "" + events, "--seed", "" + seed, "--rate", "" + rate,
                "--start", "" + start));
        }
        else
        {
            kafka.addInputIdentity(inputTopic, partitions, args);
        }
        args.addAll(List.of("--watermark", watermark.toMillis() + "ms"));
        durable.addIdentity(args);
        kafka.addOutputIdentity(args);
        return String.join("\n", args);
    }

    private CommandLine.ParameterException bad(final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
