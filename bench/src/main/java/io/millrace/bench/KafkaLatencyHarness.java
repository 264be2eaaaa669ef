package io.millrace.bench;

import io.millrace.OutputMode;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.examples.WindowedCount;
import io.millrace.journal.ChronicleJournal;
import io.millrace.kafka.Delivery;
import io.millrace.kafka.KafkaSink;
import io.millrace.kafka.KafkaSource;
import io.millrace.kafka.RecordDeserializer;
import io.millrace.source.CsvSource;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end latency through Kafka, per delivery mode: a producer writes {@code event_time,key} events at a fixed rate
 * to an input topic, each with a key of its own; Millrace counts them per key and 1 s window in update mode (each
 * record makes its row at once) and writes the rows to an output topic, exactly once or at least once; a
 * {@code read_committed} consumer reads them. An event's latency is from just before the producer's {@code send} to
 * the consumer's receipt of its row, all in this JVM on one clock. Run with {@code --help}.
 */
public final class KafkaLatencyHarness
{
    private static final String NAME = "kafka-latency-harness";
    private static final Set<String> OPTIONS = Set.of("bootstrap", "rate", "seconds", "warmup", "epoch-interval",
        "delivery");
    private static final String USAGE = String.join(System.lineSeparator(),
        "Usage: java @bench/target/jvm.args -cp bench/target/benchmarks.jar io.millrace.bench.KafkaLatencyHarness " +
            "--bootstrap HOST:PORT [options]",
        "",
        "Produces events at a fixed rate to a topic, counts them with Millrace in update mode into another topic,",
        "and reads the rows back read_committed; reports the latency from produce to consume per delivery mode.",
        "",
        "  --bootstrap HOST:PORT    the broker",
        "  --rate N                 events per second (default 2000)",
        "  --seconds N              measured seconds per mode (default 20)",
        "  --warmup N               seconds before those, not measured (default 5)",
        "  --epoch-interval DUR     Millrace's epoch (default 100ms)",
        "  --delivery LIST          exactly-once,at-least-once (default both)",
        "  -h, --help               this text");
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};

    private KafkaLatencyHarness()
    {
    }

    /**
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        // Kafka's clients log their whole configuration at INFO, once per client; Chronicle its disk checks.
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
            final String bootstrap = parsed.required("bootstrap", "HOST:PORT");
            final long rate = parsed.count("rate", 2_000, 1);
            final long seconds = parsed.count("seconds", 20, 1);
            final long warmup = parsed.count("warmup", 5, 0);
            final Duration epoch = parsed.duration("epoch-interval", Duration.ofMillis(100));
            final PrintStream out = System.out;
            out.printf("%d events/s, %d s measured after %d s, epoch %d ms; latency from produce to " +
                "read_committed consume%n", rate, seconds, warmup, epoch.toMillis());
            final List<Delivery> modes = new ArrayList<>();
            for (final String mode : parsed.string("delivery", "exactly-once,at-least-once").split(","))
            {
                modes.add(switch (mode)
                {
                    case "exactly-once" -> Delivery.EXACTLY_ONCE;
                    case "at-least-once" -> Delivery.AT_LEAST_ONCE;
                    default -> throw new Args.BadArgumentException(
                        "--delivery takes exactly-once and at-least-once, not " + mode);
                });
            }
            for (final Delivery delivery : modes)
            {
                measure(bootstrap, delivery, rate, seconds, warmup, epoch, out);
            }
            return 0;
        });
    }

    private static void measure(
        final String bootstrap, final Delivery delivery, final long rate, final long seconds, final long warmup,
        final Duration epoch, final PrintStream out) throws Exception
    {
        final String input = "latency-in-" + System.nanoTime();
        final String output = "latency-out-" + System.nanoTime();
        KafkaThroughputHarness.createTopic(bootstrap, input, 1);
        KafkaThroughputHarness.createTopic(bootstrap, output, 1);
        final int events = (int)Math.min(Integer.MAX_VALUE - 8, rate * (seconds + warmup));
        final int measuredFrom = (int)Math.min(events, rate * warmup);
        final AtomicLongArray sentNanos = new AtomicLongArray(events);
        final Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Path checkpoint = Files.createTempDirectory("millrace-kafka-latency-");
        final StreamingQuery query = WindowedCount.plan(
            List.of(KafkaSource.builder(bootstrap, input, RecordDeserializer.csv(CsvSource.eventSchema()))
                .partition(0)), Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(1)), Duration.ZERO)
            .writeStream()
            .outputMode(OutputMode.UPDATE)
            .trigger(Trigger.continuous(epoch))
            .sink(KafkaSink.builder(bootstrap, output).keyColumns(List.of("window_start", "window_end", "key"))
                .delivery(delivery).id(output).build())
            .checkpoint(new ChronicleJournal(checkpoint, System.err))
            .start();
        final Reader reader = new Reader(bootstrap, output, sentNanos, measuredFrom, latencies);
        reader.start();
        final NoiseProbe probe = new NoiseProbe();
        final long lagged;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.LINGER_MS_CONFIG, 0)))
        {
            final long start = System.nanoTime();
            long behind = 0;
            for (int i = 0; i < events; i++)
            {
                final long due = start + FixedRateSchedule.offsetNanos(i, rate);
                long now = System.nanoTime();
                if (now < due)
                {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                }
                behind = Math.max(behind, now - due);
                final String key = "k" + i;
                sentNanos.set(i, System.nanoTime());
                producer.send(new ProducerRecord<>(input, key, System.currentTimeMillis() + "," + key));
            }
            lagged = behind;
        }
        final boolean all = reader.awaitAll(events, Duration.ofSeconds(30));
        probe.close();
        reader.close();
        query.stop();
        TemporaryDirectory.delete(checkpoint);
        if (!all)
        {
            throw new IllegalStateException(delivery + ": " + reader.received() + " of " + events + " events' rows " +
                "read in 30 s after the last was produced");
        }
        final StringBuilder line = new StringBuilder(String.format("%-13s %,d events measured:",
            delivery.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), latencies.getTotalCount()));
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            line.append(String.format(" %s %.2f ms", PERCENTILE_NAMES[i],
                latencies.getValueAtPercentile(PERCENTILES[i]) / 1e6));
        }
        line.append(String.format(" max %.2f ms; producer at most %.2f ms behind its schedule", latencies.getMaxValue() /
            1e6, lagged / 1e6));
        out.println(line);
        out.println("  " + probe.describe());
    }

    /**
     * Reads the output topic {@code read_committed} on a thread of its own and records, for each event's first row,
     * its latency.
     */
    private static final class Reader extends Thread
    {
        private final KafkaConsumer<String, String> consumer;
        private final AtomicLongArray sentNanos;
        private final int measuredFrom;
        private final Histogram latencies;
        private final BitSet seen = new BitSet();
        private volatile int received;
        private volatile boolean running = true;

        Reader(final String bootstrap, final String topic, final AtomicLongArray sentNanos, final int measuredFrom,
            final Histogram latencies)
        {
            super("latency-reader");
            this.sentNanos = sentNanos;
            this.measuredFrom = measuredFrom;
            this.latencies = latencies;
            consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1));
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        }

        @Override
        public void run()
        {
            while (running)
            {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(5)))
                {
                    final long now = System.nanoTime();
                    // The key is start_ms,end_ms,k<event>.
                    final int event = Integer.parseInt(record.key().substring(record.key().lastIndexOf(",k") + 2));
                    if (!seen.get(event))
                    {
                        seen.set(event);
                        received++;
                        if (event >= measuredFrom)
                        {
                            latencies.recordValue(Math.min(latencies.getHighestTrackableValue(),
                                now - sentNanos.get(event)));
                        }
                    }
                }
            }
            consumer.close();
        }

        int received()
        {
            return received;
        }

        boolean awaitAll(final int events, final Duration timeout) throws InterruptedException
        {
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (received < events && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            return received >= events;
        }

        void close() throws InterruptedException
        {
            running = false;
            join();
        }
    }
}
