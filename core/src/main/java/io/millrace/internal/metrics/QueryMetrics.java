package io.millrace.internal.metrics;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registers a query's {@link QueryMetricsMBean} with the platform MBean server; each attribute reads the counter
 * where its owning thread publishes it.
 */
public final class QueryMetrics implements QueryMetricsMBean, AutoCloseable
{
    private static final AtomicLong IDS = new AtomicLong();

    private final QueryCounters counters;
    private final ObjectName name;

    private QueryMetrics(final QueryCounters counters, final ObjectName name)
    {
        this.counters = counters;
        this.name = name;
    }

    /**
     * @param queryName of the query.
     * @param counters  of the query.
     * @return the registered bean, to close when the query has ended.
     * @throws IllegalStateException when the platform MBean server refuses it.
     */
    public static QueryMetrics register(final String queryName, final QueryCounters counters)
    {
        try
        {
            final ObjectName name = new ObjectName("io.millrace:type=Query,name=" + ObjectName.quote(queryName) +
                ",id=" + IDS.incrementAndGet());
            final QueryMetrics metrics = new QueryMetrics(counters, name);
            ManagementFactory.getPlatformMBeanServer().registerMBean(metrics, name);
            return metrics;
        }
        catch (final JMException ex)
        {
            throw new IllegalStateException("cannot register the JMX bean of query '" + queryName + "': " + ex, ex);
        }
    }

    @Override
    public void close()
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try
        {
            if (server.isRegistered(name))
            {
                server.unregisterMBean(name);
            }
        }
        catch (final JMException ex)
        {
            // Unregistered already, by whoever raced us: nothing is left to do.
        }
    }

    @Override
    public long getRecordsIn()
    {
        return QueryFigure.RECORDS_IN.of(counters);
    }

    @Override
    public long getRecordsOut()
    {
        return QueryFigure.RECORDS_OUT.of(counters);
    }

    @Override
    public long getDeadLetters()
    {
        return QueryFigure.DEAD_LETTERS.of(counters);
    }

    @Override
    public long getLateRecords()
    {
        return QueryFigure.LATE_RECORDS.of(counters);
    }

    @Override
    public long getDroppedContributions()
    {
        return QueryFigure.DROPPED_CONTRIBUTIONS.of(counters);
    }

    @Override
    public long getStateRows()
    {
        return QueryFigure.STATE_ROWS.of(counters);
    }

    @Override
    public long getStateBytes()
    {
        return QueryFigure.STATE_BYTES.of(counters);
    }

    @Override
    public long getCommittedEpoch()
    {
        return QueryFigure.COMMITTED_EPOCH.of(counters);
    }

    @Override
    public long getLastCommit()
    {
        return QueryFigure.LAST_COMMIT.of(counters);
    }

    @Override
    public long getBackPressure()
    {
        return QueryFigure.BACK_PRESSURE.of(counters);
    }

    @Override
    public long getRingSlotsUsed()
    {
        return QueryFigure.RING_SLOTS_USED.of(counters);
    }

    @Override
    public long getWatermark()
    {
        return QueryFigure.WATERMARK.of(counters);
    }
}
