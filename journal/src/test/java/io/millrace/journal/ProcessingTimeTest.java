package io.millrace.journal;

import io.millrace.Millrace;
import io.millrace.Publisher;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.checkpoint.EpochCut;
import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.PartFileSink;
import io.millrace.testing.ProcessingTimeouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static io.millrace.testing.PartFiles.parts;
import static io.millrace.testing.PartFiles.assertSameParts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Processing-time timers through stops, restarts and a replay, with a publisher. A
 * {@link ProcessingTimeouts.Timeout} function writes a key's row count once the key has had no row for
 * {@link #TIMEOUT} ms of processing time; offers come in bursts with pauses longer than the timeout, so timers fire
 * both at epochs holding rows and at epochs an idle input ends only because a timer is due. The expected rows come
 * from {@link ProcessingTimeouts#model} run over the journal's record of the history, and must match the part files
 * epoch by epoch, row by row. The query is stopped and started again several
 * times (each start recomputing the uncommitted epochs at their logged cuts and times), and a replay must rewrite
 * every part file byte for byte.
 */
class ProcessingTimeTest
{
    private static final int EVENTS = 4_000;
    private static final long TIMEOUT = 20;
    private static final int KEYS = 7;
    private static final Schema INPUT = Schema.builder().stringColumn("key", 8).longColumn("v").build();
    private static final StringColumn KEY = INPUT.stringColumn("key");
    private static final LongColumn VALUE = INPUT.longColumn("v");
    private static final RowTranslator<long[]> EVENT = (row, index) ->
        row.putString(KEY, "k" + key(index[0])).putLong(VALUE, index[0]);
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    Path dir;

    @Test
    @org.junit.jupiter.api.Timeout(180)
    void shouldFireAtTheJournaledCutsThroughRestartsAndReplay() throws Exception
    {
        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final SplittableRandom random = new SplittableRandom(17);
        long next = 0;
        for (int stop = 0; stop < 4; stop++)
        {
            final Publisher publisher = new Publisher(INPUT);
            final StreamingQuery query = writer(publisher, output).checkpoint(new ChronicleJournal(checkpoint, QUIET))
                .start();
            assertEquals(next, publisher.position(), "the checkpoint holds every offer accepted before the stop");
            next = offer(publisher, next, next + EVENTS / 5, random);
            query.stop();
        }
        final Publisher publisher = new Publisher(INPUT);
        final StreamingQuery query = writer(publisher, output).checkpoint(new ChronicleJournal(checkpoint, QUIET))
            .start();
        offer(publisher, publisher.position(), EVENTS, random);
        publisher.close();
        query.awaitTermination();
        assertTrue(query.isFinished());

        final List<EpochCut> cuts = JournalScan.of(checkpoint).cuts();
        assertEquals(EVENTS, cuts.get(cuts.size() - 1).sourceOffset(), "the journal holds every offer");
        final Map<Long, List<String>> expected = ProcessingTimeouts.model(cuts, offset -> "k" + key(offset), TIMEOUT);
        final Map<Long, List<String>> actual = new TreeMap<>();
        for (final Path part : parts(output))
        {
            actual.put(epoch(part), Files.readAllLines(part));
        }
        assertEquals(expected, actual, "the rows of each epoch");
        final long idleFirings = cuts.stream().filter(cut -> cut.records() == 0 && expected.containsKey(cut.epoch()))
            .count();
        assertTrue(idleFirings > 0, "no timer fired at an epoch an idle input ended: " + cuts);
        assertTrue(expected.values().stream().mapToLong(List::size).sum() > 50, "rows: " + expected);

        final Path replayed = dir.resolve("replayed");
        new Replay(checkpoint).run(writer(new Publisher(INPUT), replayed));
        assertSameParts(output, replayed);
    }

    private static StreamWriter writer(final Publisher publisher, final Path output)
    {
        return Millrace.readStream(publisher).keyBy("key")
            .process(ProcessingTimeouts.OUTPUT, () -> new ProcessingTimeouts.Timeout("key", TIMEOUT))
            .writeStream().trigger(Trigger.continuous(Duration.ofMillis(5))).sink(new PartFileSink(output));
    }

    /**
     * Offers events {@code from} to {@code to} in bursts, pausing now and then for longer than the timeout.
     */
    private static long offer(final Publisher publisher, final long from, final long to, final SplittableRandom random)
        throws InterruptedException
    {
        final long[] index = new long[1];
        for (long i = from; i < to; i++)
        {
            index[0] = i;
            assertTrue(publisher.offerBlocking(EVENT, index), "offer accepted");
            if (random.nextInt(150) == 0)
            {
                Thread.sleep(TIMEOUT + random.nextInt(40));
            }
        }
        return to;
    }

    private static long key(final long index)
    {
        return (index * 31 + index / 13) % KEYS;
    }

    private static long epoch(final Path part)
    {
        final String name = part.getFileName().toString();
        return Long.parseLong(name.substring("part-".length(), name.length() - ".csv".length()));
    }
}
