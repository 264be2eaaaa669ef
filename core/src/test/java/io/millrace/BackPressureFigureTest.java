package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back-pressure and ring fill as the outside sees them: an operator held on its first row fills a ring of eight
 * slots, so the publisher has to wait; the query's JMX bean then shows the ring full and the waits counted, and,
 * once the operator is let go and the rows are through, an empty ring.
 */
class BackPressureFigureTest
{
    private static final Schema SCHEMA = CsvSource.eventSchema();
    private static final LongColumn N = SCHEMA.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private static final StringColumn KEY = SCHEMA.stringColumn(CsvSource.KEY_COLUMN);
    private static final RowTranslator<long[]> ROW = (row, n) -> row.putLong(N, n[0]).putString(KEY, "k");

    @Test
    @Timeout(30)
    void shouldCountWaitsForAFullRingAndShowItsFill() throws Exception
    {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Publisher publisher = new Publisher(SCHEMA);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher)
            .filter(row ->
            {
                if (N.get(row) == 0)
                {
                    held.countDown();
                    awaitQuietly(release);
                }
                return true;
            })
            .writeStream().queryName("back-pressure").ringSize(8).metricsPort(0).sink(sink).start();
        final MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
        final Set<ObjectName> named = beans.queryNames(
            new ObjectName("io.millrace:type=Query,name=" + ObjectName.quote("back-pressure") + ",*"), null);
        assertEquals(1, named.size(), named::toString);
        final ObjectName bean = named.iterator().next();

        final long[] n = new long[1];
        assertTrue(publisher.offerBlocking(ROW, n));
        held.await();
        int offered = 1;
        while (true)
        {
            n[0] = offered;
            if (!publisher.offer(ROW, n))
            {
                break;
            }
            offered++;
        }
        assertEquals(8L, beans.getAttribute(bean, "RingSlotsUsed"), "the held operator leaves the ring full");
        assertTrue((Long)beans.getAttribute(bean, "BackPressure") >= 1, "the refused offer waited for room");

        release.countDown();
        for (long i = offered; i < 100; i++)
        {
            n[0] = i;
            assertTrue(publisher.offerBlocking(ROW, n));
        }
        publisher.close();
        query.awaitTermination();
        assertEquals(100, sink.rows().size(), "every row is through");
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
