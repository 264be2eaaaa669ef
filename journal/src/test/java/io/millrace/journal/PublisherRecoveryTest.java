package io.millrace.journal;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A query fed by an in-process {@link Publisher} with a checkpoint: every accepted offer is journaled before it is
 * processed, so after the query is stopped (its last epochs not committed) and started again on the same
 * checkpoint, the journal replays them, {@link Publisher#position()} says where to resume offering, and the union
 * of the part files equals an uninterrupted run's.
 */
class PublisherRecoveryTest
{
    private static final int EVENTS = 60_000;
    private static final Schema EVENTS_SCHEMA = CsvSource.eventSchema();
    private static final LongColumn TIME = EVENTS_SCHEMA.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private static final StringColumn KEY = EVENTS_SCHEMA.stringColumn(CsvSource.KEY_COLUMN);
    private static final RowTranslator<long[]> EVENT = (row, index) ->
        row.putLong(TIME, index[0] / 10 + (index[0] % 7 == 0 ? -30 : 0)).putString(KEY, "key" + index[0] % 50);

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldReplayJournaledOffersAfterAStopAndResumeWhereTheCheckpointEnds() throws Exception
    {
        final Path reference = uninterruptedRun();

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        long next = 0;
        for (int stop = 0; stop < 3; stop++)
        {
            final Publisher publisher = new Publisher(EVENTS_SCHEMA);
            final StreamingQuery query = start(publisher, output, checkpoint);
            assertEquals(next, publisher.position(), "the checkpoint holds every offer accepted before the stop");
            next = offer(publisher, next, next + EVENTS / 4);
            query.stop();
        }
        resumeToTheEnd(next, output, checkpoint, reference);

        // Started again on the finished checkpoint: it holds every offer, and takes no more.
        final Publisher again = new Publisher(EVENTS_SCHEMA);
        final StreamingQuery finished = start(again, output, checkpoint);
        assertEquals(EVENTS, again.position(), "the checkpoint holds every offer of the finished run");
        assertFalse(again.offer(EVENT, new long[]{EVENTS}), "a finished query takes no offer");
        assertFalse(again.offerBlocking(EVENT, new long[]{EVENTS}), "a finished query takes no offer");
        again.close();
        assertTrue(finished.isFinished());
        assertEquals(rows(reference), rows(output));
    }

    @Test
    @Timeout(120)
    void shouldJournalTheCutsOfAnIdlePublisherAndCutTheSameEpochsAfterARestart() throws Exception
    {
        final Path reference = uninterruptedRun();

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final Publisher publisher = new Publisher(EVENTS_SCHEMA);
        final StreamingQuery query = start(publisher, output, checkpoint);
        final long idleAt = offer(publisher, 0, EVENTS / 3);
        // Nothing more is offered: the epoch holding the last offers still ends, and commits, on time.
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!allOffersCommitted(checkpoint, idleAt, query.progress().committedEpoch()))
        {
            assertTrue(System.nanoTime() < deadline, "the offers of an idle publisher were not committed");
            Thread.sleep(5);
        }
        offer(publisher, idleAt, EVENTS / 2);
        query.stop();

        final Publisher resumed = new Publisher(EVENTS_SCHEMA);
        final StreamingQuery again = start(resumed, output, checkpoint);
        offer(resumed, resumed.position(), EVENTS);
        resumed.close();
        again.awaitTermination();
        assertTrue(again.isFinished());
        assertEquals(rows(reference), rows(output));
        final JournalScan scan = JournalScan.of(checkpoint);
        long expected = 1;
        for (final var cut : scan.cuts())
        {
            assertEquals(expected++, cut.epoch(), "every epoch cut once, in order: " + scan.cuts());
        }
    }

    /**
     * @return whether the checkpoint's committed epochs hold the first {@code offers} offers.
     */
    private static boolean allOffersCommitted(final Path checkpoint, final long offers, final long committedEpoch)
    {
        // A scan reads the journal read-only, beside the running query that writes it.
        if (committedEpoch < 1)
        {
            return false;
        }
        final var cut = JournalScan.of(checkpoint).cut(committedEpoch);
        return null != cut && cut.sourceOffset() >= offers;
    }

    @Test
    @Timeout(120)
    void shouldStopFromTwoThreadsAtOnceAndResumeExactly() throws Exception
    {
        final Path reference = uninterruptedRun();
        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        long next = 0;
        for (int stop = 0; stop < 8; stop++)
        {
            final Publisher publisher = new Publisher(EVENTS_SCHEMA);
            final StreamingQuery query = start(publisher, output, checkpoint);
            next = offer(publisher, publisher.position(), Math.min(EVENTS, publisher.position() + EVENTS / 10));
            // One thread waits for the query's end while another stops it: both must return, the commits
            // handed over must end, and the checkpoint must be closed for the next start.
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    query.awaitTermination();
                }
                catch (final Exception ignore)
                {
                    // A stop is not a failure; the assertions below judge the outcome.
                }
            });
            waiter.start();
            query.stop();
            waiter.join(30_000);
            assertFalse(waiter.isAlive(), "awaitTermination did not return after stop()");
        }
        resumeToTheEnd(next, output, checkpoint, reference);
    }

    @Test
    void shouldRefuseAJournaledPublisherWithoutAnOperatorThread()
    {
        final IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Millrace.readStream(new Publisher(EVENTS_SCHEMA))
                .writeStream().threadingMode(io.millrace.ThreadingMode.INVOKER)
                .sink((row, epoch, sequence) -> { })
                .checkpoint(new ChronicleJournal(dir.resolve("checkpoint"), quiet())).start());
        assertTrue(error.getMessage().contains("operator thread"), error.getMessage());
    }

    /**
     * @return the output directory of a run of every event without a checkpoint.
     */
    private Path uninterruptedRun() throws InterruptedException
    {
        final Path reference = dir.resolve("reference");
        final Publisher uninterrupted = new Publisher(EVENTS_SCHEMA);
        final StreamingQuery once = start(uninterrupted, reference, null);
        offer(uninterrupted, 0, EVENTS);
        uninterrupted.close();
        once.awaitTermination();
        return reference;
    }

    /**
     * Starts the query again on the checkpoint, offers the rest of the events and checks the output is exactly an
     * uninterrupted run's.
     */
    private static void resumeToTheEnd(final long next, final Path output, final Path checkpoint, final Path reference)
        throws Exception
    {
        final Publisher last = new Publisher(EVENTS_SCHEMA);
        final StreamingQuery query = start(last, output, checkpoint);
        assertEquals(next, last.position(), "the checkpoint holds every offer accepted before the stop");
        offer(last, next, EVENTS);
        last.close();
        query.awaitTermination();
        assertTrue(query.isFinished());
        assertEquals(rows(reference), rows(output));
    }

    private static StreamingQuery start(final Publisher publisher, final Path output, final Path checkpoint)
    {
        final var writer = Millrace.readStream(publisher)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofMillis(5)))
            .ringSize(256)
            .sink(new PartFileSink(output));
        if (null != checkpoint)
        {
            writer.checkpoint(new ChronicleJournal(checkpoint, quiet()));
        }
        return writer.start();
    }

    private static long offer(final Publisher publisher, final long from, final long to)
    {
        final long[] index = new long[1];
        for (index[0] = from; index[0] < to; index[0]++)
        {
            final long current = index[0];
            assertTrue(publisher.offerBlocking(EVENT, index), "offer accepted");
            index[0] = current;
        }
        return to;
    }

    private static PrintStream quiet()
    {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static List<String> rows(final Path directory) throws IOException
    {
        final List<String> rows = new ArrayList<>();
        try (var files = Files.list(directory))
        {
            for (final Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList())
            {
                rows.addAll(Files.readAllLines(part));
            }
        }
        Collections.sort(rows);
        return rows;
    }
}
