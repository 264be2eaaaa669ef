package io.millrace.cli;

import io.millrace.internal.durable.CrashPoints;
import io.millrace.kafka.testing.KafkaBroker;
import io.millrace.kafka.testing.TopicRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import static io.millrace.cli.CrashingLives.read;
import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.with;
import static io.millrace.cli.Runs.writeEvents;
import static io.millrace.cli.TopicRows.assertIdsUnique;
import static io.millrace.cli.TopicRows.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code windowed-count --output-topic} against a real Kafka broker: the rows a {@code read_committed} reader sees
 * equal the reference window model's, once each, after crashes aimed before and after the Kafka transaction's commit
 * and the journal's at the final epoch; with at-least-once delivery, once each per id; a fenced instance stops; a
 * topic that holds epochs the checkpoint does not record is refused. The kill loops from topic to topic are in
 * {@link KafkaInputTest}.
 */
class KafkaOutputTest
{
    private static final int EVENTS = 60_000;
    private static final long WINDOW_MS = 1_000;
    private static final long WATERMARK_MS = 300;

    @RegisterExtension
    static final KafkaBroker BROKER = KafkaBroker.shared();

    @TempDir
    Path dir;

    /**
     * One epoch holds the whole output, so each crash is at the final commit: after Kafka's commit and before the
     * journal's, the restart must not write the epoch again; before Kafka's commit, the open transaction is aborted
     * and the restart writes it.
     */
    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {"kafka-rows-sent", "kafka-committed"})
    @Timeout(180)
    void shouldWriteEveryModelRowOnceWhenTheFinalCommitCrashes(final String step) throws Exception
    {
        final String topic = "counts-final-" + step;
        BROKER.createTopic(topic, 2);
        final Path events = dir.resolve("events.csv");
        writeEvents(events, EVENTS / 3, 23);
        final Path stderr = dir.resolve("stderr.log");
        final List<String> args = args(events, topic, "exactly-once", "--epoch-interval", "1h");
        final ChildCommand crashing = ChildCommand.startMain(MillraceCommand.class,
            List.of("-Dmillrace.crash-point=" + step), stderr, null, args.toArray(new String[0]));
        assertEquals(CrashPoints.EXIT_STATUS, crashing.waitFor(120), () -> "crash at " + step + ": " + read(stderr));
        final List<TopicRecords.Row> committed = TopicRecords.read(BROKER.bootstrap(), topic, true);
        assertEquals(step.equals("kafka-rows-sent"), committed.isEmpty(),
            "rows visible to read_committed readers after the crash: " + committed.size());

        assertEquals(0, ChildCommand.start(stderr, null, args.toArray(new String[0])).waitFor(120),
            () -> "restart failed: " + read(stderr));
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), topic, true);
        assertSameRows(modelRows(events), values(written), "rows of the topic after a crash at " + step);
        assertIdsUnique(written);
        // The aborted transaction's rows stay in the log, invisible to read_committed readers.
        if (step.equals("kafka-rows-sent"))
        {
            assertEquals(2 * written.size(), TopicRecords.read(BROKER.bootstrap(), topic, false).size());
        }
    }

    @Test
    @Timeout(300)
    void shouldWriteEveryModelRowOncePerIdWithAtLeastOnceDeliveryThroughKills() throws Exception
    {
        final String topic = "counts-at-least-once";
        BROKER.createTopic(topic, 3);
        final Path events = events();
        final Path stderr = dir.resolve("stderr.log");
        final List<String> args = args(events, topic, "at-least-once", "--epoch-interval", "40ms");
        final Random random = new Random(9);
        for (int life = 0; life < 2; life++)
        {
            final ChildCommand child = ChildCommand.start(stderr, null,
                with(args, "--throttle", "30000").toArray(new String[0]));
            Thread.sleep(1_000 + random.nextInt(1_000));
            child.kill();
        }
        assertEquals(0, ChildCommand.start(stderr, null, args.toArray(new String[0])).waitFor(120),
            () -> "final run failed: " + read(stderr));
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), topic, true);
        final Map<List<Long>, String> byId = new HashMap<>();
        for (final TopicRecords.Row row : written)
        {
            final String before = byId.putIfAbsent(List.of(row.epoch(), row.sequence()), row.value());
            assertTrue(null == before || before.equals(row.value()),
                () -> "id (" + row.epoch() + ", " + row.sequence() + ") sent again with another value: " + before +
                    " then " + row.value());
        }
        final Map<String, Integer> once = new TreeMap<>();
        byId.values().forEach(value -> once.merge(value, 1, Integer::sum));
        assertSameRows(modelRows(events), once, "rows of the topic, one per id, after 2 kills");
    }

    @Test
    @Timeout(120)
    void shouldStopWhenAnotherInstanceTakesOverTheTransactionalId() throws Exception
    {
        final String topic = "counts-fenced";
        final String otherTopic = "counts-fencing";
        BROKER.createTopic(topic, 1);
        BROKER.createTopic(otherTopic, 1);
        final Path stderr = dir.resolve("first.log");
        final List<String> args = List.of("windowed-count", "--input", "-", "--window", "1s", "--kafka-bootstrap",
            BROKER.bootstrap(), "--transactional-id", "fenced-id", "--epoch-interval", "20ms", "--output-mode",
            "update");
        final ChildCommand first = ChildCommand.start(stderr, null, with(args, "--output-topic", topic,
            "--checkpoint", dir.resolve("first").toString()).toArray(new String[0]));
        final OutputStream input = first.input();
        long time = 1_000_000;
        time = feed(input, time, 50);
        awaitRows(topic, 1);

        final Path secondErr = dir.resolve("second.log");
        // Another query given the same id (or the same query started elsewhere) takes the id over.
        final ChildCommand second = ChildCommand.start(secondErr, null, with(args, "--output-topic", otherTopic,
            "--checkpoint", dir.resolve("second").toString()).toArray(new String[0]));
        awaitText(secondErr, "records in", second);
        feed(input, time, 50);
        final int exit = first.waitFor(60);
        assertNotEquals(0, exit, () -> "the fenced instance went on: " + read(stderr));
        final String err = read(stderr);
        assertTrue(err.contains("fenced-id") && err.contains("took over"), err);
        assertTrue(!err.contains("\tat "), () -> "no stack trace: " + err);
        second.kill();
    }

    @Test
    @Timeout(120)
    void shouldRefuseATopicThatHoldsEpochsTheCheckpointDoesNotRecord() throws Exception
    {
        final String topic = "counts-lost-checkpoint";
        BROKER.createTopic(topic, 1);
        final Path events = events();
        final List<String> args = with(plainArgs(events, topic, "exactly-once"), "--epoch-interval", "50ms");
        assertEquals(0, Runs.inProcess(with(args, "--checkpoint", dir.resolve("first").toString()), null).exitCode());
        final List<TopicRecords.Row> written = TopicRecords.read(BROKER.bootstrap(), topic, true);

        final Runs.Result again = Runs.inProcess(with(args, "--checkpoint", dir.resolve("new").toString()), null);
        assertNotEquals(0, again.exitCode());
        assertTrue(again.err().contains("already holds output of epochs"), again.err());
        assertEquals(written, TopicRecords.read(BROKER.bootstrap(), topic, true), "the refused run wrote nothing");
    }

    @Test
    @Timeout(60)
    void shouldNameWhatIsMissingWhenTheTopicOrAnOptionIs() throws Exception
    {
        final Path events = dir.resolve("events.csv");
        writeEvents(events, 10, 1);
        final Runs.Result missingTopic = Runs.inProcess(args(events, "no-such-topic", "exactly-once"), null);
        assertNotEquals(0, missingTopic.exitCode());
        assertTrue(missingTopic.err().contains("no-such-topic does not exist"), missingTopic.err());

        final Runs.Result noBootstrap = Runs.inProcess(List.of("windowed-count", "--input", events.toString(),
            "--window", "1s", "--output-topic", "t"), null);
        assertEquals(2, noBootstrap.exitCode());
        assertTrue(noBootstrap.err().contains("--output-topic needs --kafka-bootstrap"), noBootstrap.err());

        final Runs.Result badDelivery = Runs.inProcess(args(events, "t", "twice"), null);
        assertEquals(2, badDelivery.exitCode());
        assertTrue(badDelivery.err().contains("--delivery must be exactly-once or at-least-once"), badDelivery.err());

        final Runs.Result both = Runs.inProcess(with(args(events, "t", "exactly-once"), "--output",
            dir.resolve("out").toString()), null);
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("--output and --output-topic"), both.err());
    }

    /**
     * @return the arguments of a windowed count of {@code events} into {@code topic}, with the test's checkpoint.
     */
    private List<String> args(final Path events, final String topic, final String delivery, final String... more)
    {
        final List<String> args = new ArrayList<>(plainArgs(events, topic, delivery));
        args.addAll(List.of("--checkpoint", dir.resolve("checkpoint").toString()));
        args.addAll(List.of(more));
        return args;
    }

    private List<String> plainArgs(final Path events, final String topic, final String delivery)
    {
        return List.of("windowed-count", "--input", events.toString(), "--window", WINDOW_MS + "ms", "--watermark",
            WATERMARK_MS + "ms", "--kafka-bootstrap", BROKER.bootstrap(), "--output-topic", topic, "--delivery",
            delivery);
    }

    private Path events() throws Exception
    {
        final Path events = dir.resolve("events.csv");
        writeEvents(events, EVENTS, 17);
        return events;
    }

    private static Map<String, Integer> modelRows(final Path events) throws Exception
    {
        return TopicRows.modelRows(Files.readAllLines(events), WINDOW_MS, WATERMARK_MS);
    }

    private static long feed(final OutputStream input, final long from, final int lines) throws Exception
    {
        final StringBuilder text = new StringBuilder();
        long time = from;
        for (int i = 0; i < lines; i++)
        {
            text.append(time).append(",k").append(i % 7).append('\n');
            time += 10;
        }
        input.write(text.toString().getBytes(StandardCharsets.UTF_8));
        input.flush();
        return time;
    }

    private void awaitRows(final String topic, final int count) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (TopicRecords.read(BROKER.bootstrap(), topic, true).size() < count)
        {
            assertTrue(System.nanoTime() < deadline, "no rows reached topic " + topic);
            Thread.sleep(100);
        }
    }

    private static void awaitText(final Path log, final String text, final ChildCommand child) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (!read(log).contains(text))
        {
            assertTrue(System.nanoTime() < deadline, () -> "no '" + text + "' in " + read(log));
            Thread.sleep(100);
        }
    }
}
