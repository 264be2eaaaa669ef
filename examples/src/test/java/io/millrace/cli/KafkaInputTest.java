package io.millrace.cli;

import io.millrace.kafka.testing.KafkaBroker;
import io.millrace.kafka.testing.TopicRecords;
import io.millrace.sink.PartFileSink;
import io.millrace.testing.PartFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.with;
import static io.millrace.cli.TopicRows.assertIdsUnique;
import static io.millrace.cli.TopicRows.modelRows;
import static io.millrace.cli.TopicRows.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code windowed-count --input-topic} against a real Kafka broker: from topic to topic, exactly once, through
 * SIGKILLs and crashes aimed at the commit's steps, compared with the reference window model; bad records in the
 * dead letters with their partition and offset.
 */
class KafkaInputTest
{
    private static final long WINDOW_MS = 100;
    private static final long WATERMARK_MS = 300;

    @RegisterExtension
    static final KafkaBroker BROKER = KafkaBroker.shared();

    @TempDir
    Path dir;

    /**
     * One partition: its order is the input order, so the rows are exactly the model's, late records included.
     */
    @Test
    @Timeout(300)
    void shouldCountAPartitionIntoATopicOnceThroughKillsAndAimedCrashes() throws Exception
    {
        BROKER.createTopic("events-one", 1);
        BROKER.createTopic("counts-one", 2);
        final Path file = dir.resolve("events.csv");
        Runs.writeEvents(file, 40_000, 3);
        final List<String> events = Files.readAllLines(file);
        TopicRecords.write(BROKER.bootstrap(), "events-one", 0, events);

        final List<String> args = args("events-one", "counts-one", WATERMARK_MS);
        final Random random = new Random(41);
        final Path stderr = dir.resolve("stderr.log");
        CrashingLives.run(MillraceCommand.class, args, List.of("--throttle", "10000"), 6,
            List.of("kafka-rows-sent", "kafka-committed", "commit-appended"), step -> 2 + random.nextInt(6), random,
            CrashingLives.KAFKA_KILLS, stderr);
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), "counts-one", true);
        assertSameRows(modelRows(events, WINDOW_MS, WATERMARK_MS), values(written),
            "rows of the output topic after 3 kills and 3 crashes");
        assertIdsUnique(written);
        assertEquals(0, ChildCommand.start(stderr, null, args.toArray(new String[0])).waitFor(60),
            () -> "run after finishing failed: " + CrashingLives.read(stderr));
        assertEquals(written, TopicRecords.read(BROKER.bootstrap(), "counts-one", true),
            "a run after the query finished must write nothing");

        // The journal holds only cuts: replay reads the partition again and makes each epoch's rows again.
        final Path replayed = dir.resolve("replayed");
        final Runs.Result replay = Runs.inProcess(List.of("journal", "replay", "--checkpoint",
            dir.resolve("checkpoint").toString(), "--output", replayed.toString()), null);
        assertEquals(0, replay.exitCode(), replay.err());
        final Map<Long, List<String>> byEpoch = new TreeMap<>();
        written.stream().sorted(Comparator.comparingLong(TopicRecords.Row::sequence))
            .forEach(row -> byEpoch.computeIfAbsent(row.epoch(), epoch -> new ArrayList<>()).add(row.value()));
        for (final Map.Entry<Long, List<String>> epoch : byEpoch.entrySet())
        {
            assertEquals(epoch.getValue(), Files.readAllLines(PartFileSink.part(replayed, epoch.getKey())),
                "replayed epoch " + epoch.getKey());
        }
        assertEquals(byEpoch.size(), PartFiles.parts(replayed).size(), "replayed epochs with rows");
    }

    /**
     * Three partitions, each an input with its own watermark, their records journaled in the order they met. Each
     * partition is in order within less than the watermark's delay, so no record is late whatever the order, and
     * the rows are every window's full count.
     */
    @Test
    @Timeout(300)
    void shouldCountEveryPartitionOfATopicOnceThroughKillsAndAimedCrashes() throws Exception
    {
        BROKER.createTopic("events-three", 3);
        BROKER.createTopic("counts-three", 1);
        final List<String> all = new ArrayList<>();
        final Random random = new Random(43);
        for (int partition = 0; partition < 3; partition++)
        {
            final List<String> events = new ArrayList<>();
            for (int i = 0; i < 12_000; i++)
            {
                final long time = 1_000_000 + i / 8 - (random.nextInt(100) < 5 ? random.nextInt(200) : 0);
                events.add(time + ",key" + random.nextInt(60));
            }
            TopicRecords.write(BROKER.bootstrap(), "events-three", partition, events);
            all.addAll(events);
        }

        final List<String> args = args("events-three", "counts-three", WATERMARK_MS);
        final Random lives = new Random(47);
        CrashingLives.run(MillraceCommand.class, args, List.of("--throttle", "10000"), 4,
            List.of("record-appended", "kafka-committed"), step -> step.equals("record-appended") ?
                100 + lives.nextInt(600) : 2 + lives.nextInt(6), lives, CrashingLives.KAFKA_KILLS,
            dir.resolve("stderr.log"));
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), "counts-three", true);
        assertSameRows(modelRows(all, WINDOW_MS, Long.MAX_VALUE), values(written),
            "rows of the output topic after 2 kills and 2 crashes");
        assertIdsUnique(written);
    }

    @Test
    @Timeout(120)
    void shouldSendBadRecordsToTheDeadLettersWithTheirPartitionAndOffset() throws Exception
    {
        BROKER.createTopic("events-bad", 1);
        TopicRecords.write(BROKER.bootstrap(), "events-bad", 0,
            Arrays.asList("1000,a", "soon,b", null, "1001,a", "2500,c"));
        final Path deadLetters = dir.resolve("dead.tsv");
        final Path output = dir.resolve("out");
        final Runs.Result run = Runs.inProcess(List.of("windowed-count", "--input-topic", "events-bad", "--bounded",
            "--kafka-bootstrap", BROKER.bootstrap(), "--window", "1s", "--dead-letter", deadLetters.toString(),
            "--output", output.toString()), null);
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("1000,2000,a,2", "2000,3000,c,1"), Runs.rows(output).keySet().stream().toList());
        final List<String> dead = Files.readAllLines(deadLetters);
        assertEquals(2, dead.size(), dead.toString());
        assertTrue(dead.get(0).startsWith("1\ttopic events-bad partition 0 offset 1: ") &&
            dead.get(0).endsWith("\tsoon,b"), dead.get(0));
        assertTrue(dead.get(1).startsWith("2\ttopic events-bad partition 0 offset 2: record without a value"),
            dead.get(1));
    }

    @Test
    @Timeout(120)
    void shouldNameWhatIsWrongWithTheInput() throws Exception
    {
        BROKER.createTopic("events-checked", 1);
        final Runs.Result missing = Runs.inProcess(List.of("windowed-count", "--input-topic", "no-such-events",
            "--kafka-bootstrap", BROKER.bootstrap(), "--window", "1s", "--bounded"), null);
        assertEquals(1, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("no-such-events does not exist"), missing.err());

        final Runs.Result partitions = Runs.inProcess(List.of("windowed-count", "--input-topic", "events-checked",
            "--kafka-bootstrap", BROKER.bootstrap(), "--window", "1s", "--input-partitions", "2"), null);
        assertEquals(2, partitions.exitCode(), partitions.err());
        assertTrue(partitions.err().contains("--input-partitions 2, but Kafka topic events-checked has 1"),
            partitions.err());

        final Runs.Result late = Runs.inProcess(List.of("windowed-count", "--input-topic", "events-checked",
            "--kafka-bootstrap", BROKER.bootstrap(), "--window", "1s", "--late-output", "late.csv"), null);
        assertEquals(2, late.exitCode(), late.err());
        assertTrue(late.err().contains("--late-output goes with --input, not --input-topic"), late.err());

        final Runs.Result noCluster = Runs.inProcess(List.of("windowed-count", "--input-topic", "events-checked",
            "--window", "1s"), null);
        assertEquals(2, noCluster.exitCode(), noCluster.err());
        assertTrue(noCluster.err().contains("--input-topic needs --kafka-bootstrap"), noCluster.err());
    }

    private List<String> args(final String input, final String output, final long watermark)
    {
        return List.of("windowed-count", "--input-topic", input, "--bounded", "--kafka-bootstrap",
            BROKER.bootstrap(), "--window", WINDOW_MS + "ms", "--watermark", watermark + "ms", "--output-topic",
            output, "--checkpoint", dir.resolve("checkpoint").toString(), "--epoch-interval", "40ms");
    }
}
