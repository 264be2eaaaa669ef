package io.millrace.testing;

import io.millrace.Publisher;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.function.RowTranslator;
import io.millrace.sink.CollectingSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs queries to their end in any {@link ThreadingMode}: in {@link ThreadingMode#INVOKER} the test thread drives
 * the agents itself. Shared by the core tests.
 */
public final class TestQueries
{
    /** Longest a test query may run. */
    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A trigger whose one epoch ends with the input, for a publisher (which has no input available when its query
     * starts, so cannot take {@link Trigger#availableNow()}): the interval is longer than any test runs.
     */
    public static final Trigger ONE_EPOCH = Trigger.processingTime(Duration.ofDays(1));

    private TestQueries()
    {
    }

    /**
     * Starts a query over a bounded source and waits until it has processed all of its input.
     *
     * @param writer settings of the query, without a threading mode.
     * @param mode   threading mode to run it in.
     * @return the finished query.
     */
    public static StreamingQuery runToEnd(final StreamWriter writer, final ThreadingMode mode)
    {
        final StreamingQuery query = writer.threadingMode(mode).start();
        awaitFinished(query, mode);
        return query;
    }

    /**
     * Waits for a started query to finish, driving it when it runs in {@link ThreadingMode#INVOKER}.
     *
     * @param query to wait for.
     * @param mode  it runs in.
     */
    public static void awaitFinished(final StreamingQuery query, final ThreadingMode mode)
    {
        final long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
        if (mode == ThreadingMode.INVOKER)
        {
            while (query.isActive())
            {
                query.invoke();
                if (System.nanoTime() - deadline > 0)
                {
                    query.stop();
                    fail("query did not finish in " + QUERY_TIMEOUT);
                }
            }
        }
        try
        {
            assertTrue(query.awaitTermination(QUERY_TIMEOUT), "query did not finish in " + QUERY_TIMEOUT);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        assertNull(query.lastError(), "query failed");
        assertTrue(query.isFinished(), "query stopped before the end of its input");
    }

    /**
     * Offers every item to a started query's publisher, closes it and waits for the query to finish.
     *
     * @param publisher  of the query.
     * @param query      started with the publisher as its input.
     * @param mode       the query runs in.
     * @param items      to offer, in order.
     * @param translator writing a row from an item.
     * @param <T>        type of the items.
     */
    public static <T> void publishAllAndFinish(
        final Publisher publisher,
        final StreamingQuery query,
        final ThreadingMode mode,
        final List<T> items,
        final RowTranslator<T> translator)
    {
        for (final T item : items)
        {
            if (mode == ThreadingMode.INVOKER)
            {
                while (!publisher.offer(translator, item))
                {
                    assertTrue(query.isActive(), "query ended while offering");
                    query.invoke();
                }
            }
            else
            {
                assertTrue(publisher.offerBlocking(translator, item), "query ended while offering");
            }
        }
        if (mode == ThreadingMode.INVOKER)
        {
            // Make room for the final marker and the end of input: nobody else drains the ring.
            while (query.invoke() > 0)
            {
                Thread.onSpinWait();
            }
        }
        publisher.close();
        awaitFinished(query, mode);
    }

    /**
     * Checks the ids of the rows a sink received: epochs never go back, sequences count from 0 within each
     * epoch, and the committed epochs are 1, 2, 3, ... covering every epoch that has rows.
     *
     * @param sink that received a whole run's output.
     */
    public static void assertRowIdsConsistent(final CollectingSink sink)
    {
        final List<Long> commits = sink.commits();
        for (int i = 0; i < commits.size(); i++)
        {
            assertEquals(i + 1L, commits.get(i), "committed epochs " + commits);
        }
        long epoch = 1;
        long sequence = 0;
        for (final CollectingSink.Row row : sink.rows())
        {
            if (row.epoch() != epoch)
            {
                assertTrue(row.epoch() > epoch, "epoch went back to " + row.epoch() + " from " + epoch);
                epoch = row.epoch();
                sequence = 0;
            }
            assertEquals(sequence++, row.sequence(), "sequence within epoch " + epoch);
            assertTrue(commits.contains(row.epoch()), "row of uncommitted epoch " + row.epoch());
        }
    }

    /**
     * @param sink holding rows.
     * @return the rows' values, each a fresh list.
     */
    public static List<List<Object>> values(final CollectingSink sink)
    {
        return new ArrayList<>(sink.values());
    }
}
