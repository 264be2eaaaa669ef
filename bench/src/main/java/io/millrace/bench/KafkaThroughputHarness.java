package io.millrace.bench;

import io.millrace.OutputMode;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.examples.WindowedCount;
import io.millrace.journal.ChronicleJournal;
import io.millrace.kafka.KafkaGroup;
import io.millrace.kafka.KafkaSink;
import io.millrace.kafka.KafkaSource;
import io.millrace.kafka.RecordDeserializer;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * Throughput of a windowed count from a Kafka topic to a Kafka topic, exactly once, for Millrace and for Kafka Streams
 * on the same broker: the input topic is filled once with generated {@code event_time,key} events (the command line's
 * generator, keyed by the event's key), then each engine counts them per key and tumbling window and writes the
 * windows as they close to an output topic of its own. Millrace runs {@code windowed-count --input-topic --bounded
 * --output-topic} in this JVM, with a checkpoint and a Kafka transaction per epoch; Kafka Streams runs
 * {@code groupByKey().windowedBy(TimeWindows).emitStrategy(onWindowClose).count()} with {@code exactly_once_v2} and
 * in-memory stores. With {@code --engines millrace-group}, Millrace runs as one member of a consumer group instead:
 * a query per partition, none journaling its input, each committing its rows and state in one transaction per
 * epoch ({@link KafkaGroup}). A run's time is from start until every input record is processed: for Millrace until the
 * bounded query ends, for Kafka Streams until its committed offsets reach the input's end. After each run the
 * harness reads the output topic back: Kafka Streams writes only the windows that closed before its input ended
 * (stream time stops there), and each of its rows must be one of Millrace's. Run with {@code --help}.
 */
public final class KafkaThroughputHarness
{
    private static final String NAME = "kafka-throughput-harness";
    private static final List<String> ENGINES = List.of("millrace", "millrace-group", "kafka-streams");
    private static final Set<String> OPTIONS = Set.of(
        "bootstrap", "events", "keys", "partitions", "window", "watermark", "commit-interval", "runs", "engines");
    private static final String USAGE = String.join(System.lineSeparator(),
        "Usage: java @bench/target/jvm.args -cp bench/target/benchmarks.jar io.millrace.bench.KafkaThroughputHarness " +
            "--bootstrap HOST:PORT [options]",
        "",
        "Fills a topic with generated event_time,key events once, then counts them per key and tumbling window,",
        "exactly once from topic to topic, with Millrace and with Kafka Streams on the same broker; reports events/s.",
        "",
        "  --bootstrap HOST:PORT    the broker (it needs transactions: a single broker sets",
        "                           transaction.state.log.replication.factor=1 and min.isr=1)",
        "  --events N               events (default 2m)",
        "  --keys N                 distinct keys (default 10000)",
        "  --partitions N           partitions of the input topic (default 1)",
        "  --window DUR             tumbling window (default 10s)",
        "  --watermark DUR          watermark delay, Kafka Streams' grace (default 2s)",
        "  --commit-interval DUR    Millrace's epoch, Kafka Streams' commit.interval.ms (default 100ms)",
        "  --runs N                 runs per engine, alternating (default 3)",
        "  --engines LIST           millrace, millrace-group (the partitions run as a consumer group's queries,",
        "                           one per partition, each checkpointed in a state topic), kafka-streams",
        "                           (default millrace,kafka-streams)",
        "  -h, --help               this text");

    private KafkaThroughputHarness()
    {
    }

    /**
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        // Kafka's clients log their whole configuration at INFO, once per client; Kafka Streams its every rebalance.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(run(args));
    }

    /**
     * @param args see {@code --help}.
     * @return the exit status: 0, 2 for bad arguments, 1 when a run fails.
     */
    public static int run(final String[] args)
    {
        return Args.run(NAME, USAGE, args, OPTIONS, Set.of(), parsed ->
        {
            measure(parsed, System.out);
            return 0;
        });
    }

    private static void measure(final Args parsed, final PrintStream out) throws Exception
    {
        final String bootstrap = parsed.required("bootstrap", "HOST:PORT");
        final long events = parsed.count("events", 2_000_000, 1);
        final long keys = parsed.count("keys", 10_000, 1);
        final int partitions = (int)parsed.count("partitions", 1, 1);
        final Duration window = parsed.duration("window", Duration.ofSeconds(10));
        final Duration watermark = parsed.duration("watermark", Duration.ofSeconds(2));
        final Duration commit = parsed.duration("commit-interval", Duration.ofMillis(100));
        final int runs = (int)parsed.count("runs", 3, 1);
        final List<String> engines = List.of(parsed.string("engines", "millrace,kafka-streams").split(","));
        for (final String engine : engines)
        {
            if (!ENGINES.contains(engine))
            {
                throw new Args.BadArgumentException("--engines takes " + String.join(", ", ENGINES) + ", not " +
                    engine);
            }
        }

        final String input = "events-" + events + "-" + keys + "-" + partitions;
        fill(bootstrap, input, partitions, events, keys);
        out.printf("input %s: %d events, %d keys, %d partitions; window %s, watermark %s, commit every %s%n",
            input, events, keys, partitions, window, watermark, commit);
        final Map<String, Set<String>> millraceRows = new HashMap<>();
        for (int run = 1; run <= runs; run++)
        {
            for (final String engine : engines)
            {
                final String output = engine + "-" + System.nanoTime();
                createTopic(bootstrap, output, 1);
                final long start = System.nanoTime();
                switch (engine)
                {
                    case "millrace" -> runMillrace(bootstrap, input, output, window, watermark, commit);
                    case "millrace-group" -> runMillraceGroup(bootstrap, input, output, window, watermark, commit);
                    default -> runKafkaStreams(bootstrap, input, output, partitions, window, watermark, commit);
                }
                final double seconds = (System.nanoTime() - start) / 1e9;
                final Set<String> rows = readValues(bootstrap, output);
                out.printf("%-14s run %d: %.2f s, %.0f events/s, %d rows%n", engine, run, seconds, events / seconds,
                    rows.size());
                if (engine.startsWith("millrace"))
                {
                    millraceRows.put(engine, rows);
                    continue;
                }
                for (final Map.Entry<String, Set<String>> millrace : millraceRows.entrySet())
                {
                    if (!millrace.getValue().containsAll(rows))
                    {
                        // Kafka Streams writes only windows that closed before its input ended; each is Millrace's.
                        rows.removeAll(millrace.getValue());
                        throw new IllegalStateException(rows.size() + " rows of Kafka Streams are not those of " +
                            millrace.getKey() + ", e.g. " + rows.iterator().next());
                    }
                }
            }
        }
    }

    /**
     * @return the values of every committed record of the topic.
     */
    private static Set<String> readValues(final String bootstrap, final String topic)
    {
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config))
        {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end)
            {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }

    private static void runMillrace(
        final String bootstrap, final String input, final String output, final Duration window,
        final Duration watermark, final Duration commit) throws Exception
    {
        final KafkaSource.Builder sources = KafkaSource.builder(bootstrap, input,
            RecordDeserializer.csv(CsvSource.eventSchema())).bounded();
        final List<KafkaSource> partitions = new ArrayList<>();
        for (int partition = 0; partition < sources.partitionCount(); partition++)
        {
            partitions.add(sources.partition(partition));
        }
        final Path checkpoint = Files.createTempDirectory("millrace-kafka-bench-");
        final StreamingQuery query = WindowedCount.plan(partitions, Window.window(CsvSource.EVENT_TIME_COLUMN, window),
            watermark).writeStream()
            .outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(commit))
            .sink(KafkaSink.builder(bootstrap, output).keyColumns(List.of("window_start", "window_end", "key"))
                .id(output).build())
            .checkpoint(new ChronicleJournal(checkpoint, System.err))
            .start();
        query.awaitTermination();
        TemporaryDirectory.delete(checkpoint);
    }

    /**
     * Runs each partition as a query of a consumer group's member, in this JVM, until all have finished: no input
     * journal, and each partition's state in the group's state topic.
     */
    private static void runMillraceGroup(
        final String bootstrap, final String input, final String output, final Duration window,
        final Duration watermark, final Duration commit)
    {
        KafkaGroup.builder(bootstrap, input, output).log(new PrintStream(OutputStream.nullOutputStream())).build()
            .run((partition, checkpoint) -> WindowedCount.plan(List.of(KafkaSource.builder(bootstrap, input,
                RecordDeserializer.csv(CsvSource.eventSchema())).bounded().partition(partition)),
                Window.window(CsvSource.EVENT_TIME_COLUMN, window), watermark).writeStream()
                .outputMode(OutputMode.APPEND)
                .trigger(Trigger.continuous(commit))
                .sink(KafkaSink.builder(bootstrap, output).keyColumns(List.of("window_start", "window_end", "key"))
                    .checkpoint(checkpoint).build())
                .checkpoint(checkpoint)
                .start(), true);
    }

    private static void runKafkaStreams(
        final String bootstrap, final String input, final String output, final int partitions, final Duration window,
        final Duration watermark, final Duration commit) throws Exception
    {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()).withTimestampExtractor(EVENT_TIME))
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(TimeWindows.ofSizeAndGrace(window, watermark))
            .emitStrategy(EmitStrategy.onWindowClose())
            .count(Materialized.as(Stores.inMemoryWindowStore("counts", window.plus(watermark).multipliedBy(2),
                window, false)))
            .toStream()
            .map((key, count) -> KeyValue.pair(key.window().start() + "," + key.window().end() + "," + key.key(),
                key.window().start() + "," + key.window().end() + "," + key.key() + "," + count))
            .to(output, Produced.with(Serdes.String(), Serdes.String()));
        final Properties config = new Properties();
        final String application = "count-" + output;
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int)commit.toMillis());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("kafka-streams-bench-").toString());
        config.put("consumer.auto.offset.reset", "earliest");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), config);
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            final Map<TopicPartition, Long> ends = ends(admin, input, partitions);
            streams.start();
            while (!consumedTo(admin, application, ends))
            {
                Thread.sleep(20);
            }
        }
    }

    /** Event time from the value's first field, as Millrace reads it. */
    private static final TimestampExtractor EVENT_TIME = (record, partitionTime) ->
    {
        final String value = (String)record.value();
        return Long.parseLong(value.substring(0, value.indexOf(',')));
    };

    private static boolean consumedTo(final Admin admin, final String group, final Map<TopicPartition, Long> ends)
        throws Exception
    {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet())
        {
            final OffsetAndMetadata at = committed.get(end.getKey());
            if (null == at || at.offset() < end.getValue())
            {
                return false;
            }
        }
        return true;
    }

    private static Map<TopicPartition, Long> ends(final Admin admin, final String topic, final int partitions)
        throws Exception
    {
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++)
        {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(latest).all()
            .get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /**
     * Fills the input topic with the generator's events, keyed by key, unless it exists already.
     */
    private static void fill(
        final String bootstrap, final String topic, final int partitions, final long events, final long keys)
        throws Exception
    {
        if (!createTopic(bootstrap, topic, partitions))
        {
            return;
        }
        final EventGenerator generator = new EventGenerator(EventGenerator.SEED_DEFAULT, keys,
            EventGenerator.RATE_DEFAULT, EventGenerator.DISORDER_DEFAULT, EventGenerator.MAX_DELAY_DEFAULT,
            EventGenerator.START_DEFAULT);
        final Map<String, Object> config = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.LINGER_MS_CONFIG, 20,
            ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config))
        {
            for (long i = 0; i < events; i++)
            {
                generator.next();
                final String key = "k" + generator.keyNumber();
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    (generator.time() + "," + key).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /**
     * @return whether the topic was created; false when it existed.
     */
    static boolean createTopic(final String bootstrap, final String topic, final int partitions)
        throws Exception
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic))
            {
                return false;
            }
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1))).all().get(30, TimeUnit.SECONDS);
            return true;
        }
    }
}
