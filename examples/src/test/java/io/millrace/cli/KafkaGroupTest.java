package io.millrace.cli;

import io.millrace.kafka.testing.KafkaBroker;
import io.millrace.kafka.testing.TopicRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.TopicRows.assertIdsUnique;
import static io.millrace.cli.TopicRows.modelRows;
import static io.millrace.cli.TopicRows.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code windowed-count --group}: processes in one consumer group split a topic's partitions, a query each, with the
 * checkpoints in a Kafka state topic; members are killed with SIGKILL and replaced while they run, so partitions move
 * between processes with their state, and the output topic must hold exactly the rows of the reference model run on
 * each partition alone (each partition has a watermark of its own).
 */
class KafkaGroupTest
{
    private static final long WINDOW_MS = 100;
    private static final long WATERMARK_MS = 300;
    private static final int PARTITIONS = 6;
    /** Members killed: 5, or half the crash tests' random kills where that is more (-Pcrash-soak makes it 50). */
    private static final int KILLS = Math.max(5, Integer.getInteger("millrace.crash.kills", 5) / 2);
    /** A line a member writes when it resumes a partition from the state topic. */
    private static final Pattern RESTORED =
        Pattern.compile("partition (\\d+): restored epoch (\\d+) from \\S+, reading from offset (\\d+)");

    @RegisterExtension
    static final KafkaBroker BROKER = KafkaBroker.shared();

    @TempDir
    Path dir;

    @Test
    @Timeout(420)
    void shouldSplitPartitionsAmongMembersAndMoveThemWithTheirStateThroughKills() throws Exception
    {
        BROKER.createTopic("events-group", PARTITIONS);
        BROKER.createTopic("counts-group", 2);
        final Random random = new Random(53);
        // Enough input that every kill finds members at work: each partition is read at 1,500 records a second.
        final List<List<String>> partitions = writePartitions("events-group", PARTITIONS, 1_800 * KILLS, random);
        final List<String> throttled = new ArrayList<>(args("events-group", "counts-group", "counters"));
        throttled.addAll(List.of("--throttle", "1500"));
        final String[] args = throttled.toArray(new String[0]);

        final List<ChildCommand> members = new ArrayList<>();
        final List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            logs.add(dir.resolve("member-" + i + ".log"));
            members.add(ChildCommand.start(logs.get(i), null, args));
        }
        for (int kill = 0; kill <= KILLS; kill++)
        {
            Thread.sleep(1_500 + random.nextInt(2_000));
            final int victim = random.nextInt(members.size());
            if (kill > 0)
            {
                members.get(victim).kill();
            }
            else
            {
                // First, while all are at work, a member asked to stop: it leaves the group at once, and the others
                // resume its partitions.
                final int status = members.get(victim).terminate();
                assertEquals(143, status, () -> "a member stopped by SIGTERM: " + read(logs));
            }
            logs.add(dir.resolve("member-" + logs.size() + ".log"));
            members.set(victim, ChildCommand.start(logs.get(logs.size() - 1), null, args));
        }
        for (final ChildCommand member : members)
        {
            assertEquals(0, member.waitFor(240), () -> "a member failed: " + read(logs));
        }
        // A member alone gets every partition: each must have been finished, so it writes nothing.
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), "counts-group", true);
        final Path last = dir.resolve("member-last.log");
        assertEquals(0, ChildCommand.start(last, null, args).waitFor(120), () -> CrashingLives.read(last));
        assertTrue(CrashingLives.read(last).contains("every partition this member runs has finished"),
            () -> CrashingLives.read(last));
        assertEquals(written, TopicRecords.read(BROKER.bootstrap(), "counts-group", true),
            "a member that finds every partition finished must write nothing");

        assertSameRows(expected(partitions), values(written),
            "rows of the output topic after " + KILLS + " members were killed and one stopped");
        assertTrue(read(logs).contains("signal received, leaving the group"), () -> read(logs));
        assertIdsUnique(written);
        assertRestoredState(partitions, written, logs);
    }

    /**
     * One member whose lives end at the steps around the Kafka commit of an epoch's rows, state and offset, or by
     * SIGKILL; a member started each time takes the partitions over once the dead one's session ends.
     */
    @Test
    @Timeout(300)
    void shouldResumeExactlyAfterCrashesAroundTheTransactionOfAnEpoch() throws Exception
    {
        BROKER.createTopic("events-crashed", 2);
        BROKER.createTopic("counts-crashed", 1);
        final List<List<String>> partitions = writePartitions("events-crashed", 2, 6_000, new Random(59));
        final List<String> args = args("events-crashed", "counts-crashed", "crashed");
        final Random random = new Random(61);
        final Path stderr = dir.resolve("stderr.log");
        CrashingLives.run(MillraceCommand.class, args, List.of("--throttle", "3000"), 4,
            List.of("kafka-state-sent", "kafka-committed"), step -> 3 + random.nextInt(20), random,
            new int[] {2_000, 4_000}, stderr);
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), "counts-crashed", true);
        assertSameRows(expected(partitions), values(written), "rows after 2 kills and 2 aimed crashes");
        assertIdsUnique(written);
        assertTrue(RESTORED.matcher(CrashingLives.read(stderr)).find(), () -> CrashingLives.read(stderr));
    }

    /**
     * The broker is killed with SIGKILL while a member runs, and started again some seconds later: the member's
     * queries wait for it, and the output holds every row once.
     */
    @Test
    @Timeout(300)
    void shouldWaitForARestartedBrokerAndLoseNothing() throws Exception
    {
        BROKER.createTopic("events-outage", 2);
        BROKER.createTopic("counts-outage", 1);
        final List<List<String>> partitions = writePartitions("events-outage", 2, 6_000, new Random(71));
        final List<String> args = new ArrayList<>(args("events-outage", "counts-outage", "outage"));
        args.addAll(List.of("--throttle", "1500"));
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand member = ChildCommand.start(stderr, null, args.toArray(new String[0]));
        Thread.sleep(3_000);
        assertTrue(member.isAlive(), () -> "the member ended before the broker was killed: " +
            CrashingLives.read(stderr));
        BROKER.kill();
        Thread.sleep(3_000);
        BROKER.restart();
        assertEquals(0, member.waitFor(180), () -> CrashingLives.read(stderr));
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), "counts-outage", true);
        assertSameRows(expected(partitions), values(written), "rows after the broker was down for 3 s");
        assertIdsUnique(written);
    }

    /**
     * A finished group's state topic is given a newest commit record that is not Millrace's, then one whose snapshot
     * does not match it; a member is also started with another window. Each is refused, naming why, and nothing is
     * written.
     */
    @Test
    @Timeout(300)
    void shouldRefuseADamagedOrForeignCheckpointAndWriteNothing() throws Exception
    {
        BROKER.createTopic("events-refused", 1);
        BROKER.createTopic("counts-refused", 1);
        writePartitions("events-refused", 1, 2_000, new Random(67));
        final List<String> args = args("events-refused", "counts-refused", "refused");
        final Path stderr = dir.resolve("stderr.log");
        assertEquals(0, ChildCommand.start(stderr, null, args.toArray(new String[0])).waitFor(120),
            () -> CrashingLives.read(stderr));
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), "counts-refused", true);

        final List<String> otherWindow = new ArrayList<>(args);
        otherWindow.set(otherWindow.indexOf("--window") + 1, "200ms");
        final Runs.Result mismatch = Runs.inProcess(otherWindow, null);
        assertEquals(2, mismatch.exitCode(), mismatch.err());
        assertTrue(mismatch.err().contains("belongs to another query or other parameters") &&
            mismatch.err().contains("--window\n200ms"), mismatch.err());

        // The newest commit record again, its epoch's header and all, but for its snapshot's checksum.
        final ConsumerRecord<String, String> commit = newestCommit("refused.state");
        final String badChecksum = commit.value().replaceFirst("crc32c=\\d+", "crc32c=1");
        for (final String forged : List.of("not a checkpoint", badChecksum))
        {
            appendCommit("refused.state", forged, commit.headers());
            final Runs.Result damaged = Runs.inProcess(args, null);
            assertEquals(1, damaged.exitCode(), damaged.err());
            assertTrue(damaged.err().contains("is damaged: " + (forged == badChecksum ?
                "the snapshot of epoch" : "its newest commit record is not one Millrace writes")), damaged.err());
        }
        assertEquals(written, TopicRecords.read(BROKER.bootstrap(), "counts-refused", true),
            "a refused member must write nothing");
    }

    @Test
    @Timeout(60)
    void shouldNameWhatDoesNotGoWithAGroup()
    {
        final List<String> args = args("events-any", "counts-any", "any");
        final Map<List<String>, String> refused = Map.of(
            List.of("--checkpoint", "somewhere"), "leave out --checkpoint",
            List.of("--delivery", "at-least-once"), "only --delivery exactly-once goes with it",
            List.of("--transactional-id", "mine"), "leave out --transactional-id");
        refused.forEach((extra, said) ->
        {
            final List<String> withExtra = new ArrayList<>(args);
            withExtra.addAll(extra);
            final Runs.Result run = Runs.inProcess(withExtra, null);
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.err().contains(said), run.err());
        });
        final List<String> noOutput = new ArrayList<>(args);
        noOutput.subList(noOutput.indexOf("--output-topic"), noOutput.indexOf("--output-topic") + 2).clear();
        final Runs.Result run = Runs.inProcess(noOutput, null);
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--group needs --input-topic and --output-topic"), run.err());
    }

    /**
     * The first rows each resumed partition wrote are the model's, and some of them counted records read before the
     * resumption: those counts came through the state topic.
     */
    private static void assertRestoredState(
        final List<List<String>> partitions, final List<TopicRecords.Row> written, final List<Path> logs)
        throws Exception
    {
        final Map<List<Long>, List<String>> byEpoch = new HashMap<>();
        for (final TopicRecords.Row row : written)
        {
            byEpoch.computeIfAbsent(List.of(row.input(), row.epoch()), key -> new ArrayList<>()).add(row.value());
        }
        int resumed = 0;
        int carried = 0;
        for (final Path log : logs)
        {
            final Matcher restored = RESTORED.matcher(CrashingLives.read(log));
            while (restored.find())
            {
                final int partition = Integer.parseInt(restored.group(1));
                final long epoch = Long.parseLong(restored.group(2));
                final int offset = Integer.parseInt(restored.group(3));
                final List<String> events = partitions.get(partition);
                final Map<String, Integer> model = modelRows(events, WINDOW_MS, WATERMARK_MS);
                final List<String> first = firstRowsAfter(byEpoch, partition, epoch);
                resumed++;
                for (final String row : first)
                {
                    assertTrue(model.containsKey(row), () -> "partition " + partition + " resumed after epoch " +
                        epoch + " and first wrote " + row + ", not a row of the model");
                    if (countedBefore(events, offset, row) > 0)
                    {
                        carried++;
                    }
                }
            }
        }
        assertTrue(resumed > 0, "no partition was resumed from the state topic");
        assertTrue(carried > 0, "no first row after a resumption counted records read before it");
    }

    private static List<String> firstRowsAfter(
        final Map<List<Long>, List<String>> byEpoch, final long partition, final long epoch)
    {
        long first = Long.MAX_VALUE;
        for (final List<Long> id : byEpoch.keySet())
        {
            if (id.get(0) == partition && id.get(1) > epoch)
            {
                first = Math.min(first, id.get(1));
            }
        }
        return byEpoch.getOrDefault(List.of(partition, first), List.of());
    }

    /**
     * @return records before the offset that fall in the row's window with its key.
     */
    private static int countedBefore(final List<String> events, final int offset, final String row)
    {
        final String[] fields = row.split(",");
        final long start = Long.parseLong(fields[0]);
        final long end = Long.parseLong(fields[1]);
        int counted = 0;
        for (final String event : events.subList(0, Math.min(offset, events.size())))
        {
            final int comma = event.indexOf(',');
            final long time = Long.parseLong(event.substring(0, comma));
            if (time >= start && time < end && event.substring(comma + 1).equals(fields[2]))
            {
                counted++;
            }
        }
        return counted;
    }

    private static List<List<String>> writePartitions(
        final String topic, final int count, final int events, final Random random)
    {
        final List<List<String>> partitions = new ArrayList<>();
        for (int partition = 0; partition < count; partition++)
        {
            // Each key in one partition, as a producer keyed by it writes; some records later than the watermark.
            final List<String> lines = new ArrayList<>();
            for (int i = 0; i < events; i++)
            {
                final long time = 1_000_000 + i / 6 - (random.nextInt(100) < 4 ? random.nextInt(450) : 0);
                lines.add(time + ",p" + partition + "-key" + random.nextInt(40));
            }
            TopicRecords.write(BROKER.bootstrap(), topic, partition, lines);
            partitions.add(lines);
        }
        return partitions;
    }

    private static Map<String, Integer> expected(final List<List<String>> partitions)
    {
        final Map<String, Integer> expected = new TreeMap<>();
        for (final List<String> events : partitions)
        {
            modelRows(events, WINDOW_MS, WATERMARK_MS).forEach((row, times) -> expected.merge(row, times, Integer::sum));
        }
        return expected;
    }

    private static List<String> args(final String input, final String output, final String group)
    {
        return List.of("windowed-count", "--input-topic", input, "--bounded", "--kafka-bootstrap",
            BROKER.bootstrap(), "--window", WINDOW_MS + "ms", "--watermark", WATERMARK_MS + "ms", "--output-topic",
            output, "--group", group, "--session-timeout", "2s", "--epoch-interval", "40ms");
    }

    /**
     * @return the newest record keyed {@code commit} in partition 0 of the state topic.
     */
    private static ConsumerRecord<String, String> newestCommit(final String stateTopic)
    {
        final TopicPartition partition = new TopicPartition(stateTopic, 0);
        ConsumerRecord<String, String> newest = null;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")))
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end)
            {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200)))
                {
                    if ("commit".equals(record.key()))
                    {
                        newest = record;
                    }
                }
            }
        }
        assertTrue(null != newest, "no commit record in " + stateTopic);
        return newest;
    }

    private static void appendCommit(final String stateTopic, final String value, final Headers headers)
        throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)))
        {
            producer.send(new ProducerRecord<>(stateTopic, 0, null, "commit", value, headers)).get();
        }
    }

    private static String read(final List<Path> logs)
    {
        final StringBuilder all = new StringBuilder();
        for (final Path log : logs)
        {
            all.append("--- ").append(log.getFileName()).append('\n').append(CrashingLives.read(log));
        }
        return all.toString();
    }
}
