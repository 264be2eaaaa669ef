package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A processing-time or continuous trigger ends its epochs on time while a {@link Publisher} offers nothing: the
 * epoch's update output is written and committed within its interval, not held back until the next offer; the
 * epoch after it, holding nothing, stays open until rows come.
 */
class IdleTriggerTest
{
    private static final Schema EVENTS = CsvSource.eventSchema();
    private static final LongColumn TIME = EVENTS.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private static final StringColumn KEY = EVENTS.stringColumn(CsvSource.KEY_COLUMN);
    private static final RowTranslator<String> EVENT = (row, key) -> row.putLong(TIME, 1_000).putString(KEY, key);
    private static final Duration INTERVAL = Duration.ofMillis(50);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldEndAnEpochOnTimeWhileThePublisherIsIdle(final ThreadingMode mode)
    {
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher).groupBy(CsvSource.KEY_COLUMN).count()
            .writeStream().outputMode(OutputMode.UPDATE).trigger(Trigger.processingTime(INTERVAL))
            .threadingMode(mode).sink(sink).start();
        for (final String key : List.of("a", "b", "a"))
        {
            assertTrue(publisher.offer(EVENT, key));
        }
        awaitRows(sink, query, mode, List.of(List.of("a", 2L), List.of("b", 1L)));
        awaitCommitted(sink, query, mode, sink.rows().get(0).epoch());

        // The next epoch holds nothing: it stays open while the publisher is idle, so nothing more is written.
        final long committed = sink.rows().get(0).epoch();
        idle(query, mode, INTERVAL.multipliedBy(6));
        assertEquals(List.of(committed), sink.commits(), "an idle query commits no empty epochs");
        assertTrue(publisher.offer(EVENT, "b"));
        awaitRows(sink, query, mode, List.of(List.of("a", 2L), List.of("b", 1L), List.of("b", 2L)));
        final long last = sink.rows().get(sink.rows().size() - 1).epoch();
        assertTrue(last > committed, "the last offer's row in epoch " + last + ", after epoch " + committed);
        awaitCommitted(sink, query, mode, last);
        publisher.close();
        TestQueries.awaitFinished(query, mode);
        TestQueries.assertRowIdsConsistent(sink);
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"DEDICATED", "SHARED"})
    @Timeout(60)
    void shouldEndAContinuousEpochOnTimeWhileThePublisherIsIdle(final ThreadingMode mode)
    {
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher).writeStream()
            .trigger(Trigger.continuous(INTERVAL)).threadingMode(mode).sink(sink).start();
        assertTrue(publisher.offer(EVENT, "a"));
        // The row is written at once; its epoch commits within the interval although nothing more is offered.
        awaitRows(sink, query, mode, List.of(List.of(1_000L, "a")));
        awaitCommitted(sink, query, mode, sink.rows().get(0).epoch());
        publisher.close();
        TestQueries.awaitFinished(query, mode);
    }

    private static void awaitRows(
        final CollectingSink sink, final StreamingQuery query, final ThreadingMode mode, final List<List<Object>> rows)
    {
        final long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!sink.values().equals(rows))
        {
            drive(query, mode, deadline, "rows " + rows + "; have " + sink.values());
        }
    }

    private static void awaitCommitted(
        final CollectingSink sink, final StreamingQuery query, final ThreadingMode mode, final long epoch)
    {
        final long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!sink.commits().contains(epoch))
        {
            drive(query, mode, deadline, "the commit of epoch " + epoch + "; have " + sink.commits());
        }
    }

    private static void idle(final StreamingQuery query, final ThreadingMode mode, final Duration duration)
    {
        final long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0)
        {
            drive(query, mode, end + WITHIN.toNanos(), "nothing");
        }
    }

    private static void drive(
        final StreamingQuery query, final ThreadingMode mode, final long deadline, final String waitingFor)
    {
        if (null != query.lastError())
        {
            throw new AssertionError("the query failed", query.lastError());
        }
        if (System.nanoTime() - deadline > 0)
        {
            fail("no offers for " + WITHIN + ", and still waiting for " + waitingFor);
        }
        if (mode == ThreadingMode.INVOKER)
        {
            query.invoke();
        }
        Thread.onSpinWait();
        try
        {
            Thread.sleep(1);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
