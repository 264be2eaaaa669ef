package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.testing.PrometheusText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus endpoint and the JMX bean of running queries: the scrape is read by a strict parser of the text
 * exposition format (help and type before each family's samples, valid names, counters ending in {@code _total},
 * every sample labelled with its query, numeric values, a summary's quantiles) and its values are checked against
 * the query's own figures, the service time's count against the records timed;
 * two queries naming one port share it; the bean's attributes, read through the platform MBean server, say the same;
 * both go when the query ends; a port in use refuses the query, naming the port.
 */
class MetricsEndpointTest
{
    private static final Schema EVENTS = CsvSource.eventSchema();
    private static final LongColumn TIME = EVENTS.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private static final StringColumn KEY = EVENTS.stringColumn(CsvSource.KEY_COLUMN);
    private static final RowTranslator<long[]> EVENT = (row, index) ->
        row.putLong(TIME, index[0] * 3 - (index[0] % 10 == 0 ? 400 : 0)).putString(KEY, "k" + index[0] % 7);

    @Test
    @Timeout(60)
    void shouldServeTheFiguresOfEveryQueryOnItsPortAndAsBeans() throws Exception
    {
        final Publisher first = new Publisher(EVENTS);
        final StreamingQuery one = query(first, "first").metricsPort(0).start();
        final int port = one.metricsPort();
        assertTrue(port > 0, "port " + port);
        final Publisher second = new Publisher(EVENTS);
        final StreamingQuery two = query(second, "second \"quoted\"").metricsPort(port).start();
        assertEquals(port, two.metricsPort(), "queries naming one port share it");

        offer(first, 3_000);
        offer(second, 1_000);
        final QueryProgress progressOne = settled(one);
        final QueryProgress progressTwo = settled(two);

        final Map<String, Map<String, Double>> scraped = PrometheusText.parse(scrape(port));
        expectFigures(scraped, "first", progressOne);
        expectFigures(scraped, "second \\\"quoted\\\"", progressTwo);
        assertEquals(progressOne.watermark() / 1000.0, scraped.get("millrace_watermark_seconds").get("first"));

        final MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
        final Set<ObjectName> named = beans.queryNames(
            new ObjectName("io.millrace:type=Query,name=" + ObjectName.quote("first") + ",*"), null);
        assertEquals(1, named.size(), "beans of query 'first': " + named);
        final ObjectName bean = named.iterator().next();
        assertEquals(progressOne.recordsIn(), beans.getAttribute(bean, "RecordsIn"));
        assertEquals(progressOne.recordsOut(), beans.getAttribute(bean, "RecordsOut"));
        assertEquals(progressOne.lateRecords(), beans.getAttribute(bean, "LateRecords"));
        assertEquals(progressOne.stateRows(), beans.getAttribute(bean, "StateRows"));
        assertEquals(progressOne.stateBytes(), beans.getAttribute(bean, "StateBytes"));
        assertEquals(progressOne.committedEpoch(), beans.getAttribute(bean, "CommittedEpoch"));
        assertEquals(progressOne.watermark(), beans.getAttribute(bean, "Watermark"));
        final long lastCommit = (Long)beans.getAttribute(bean, "LastCommit");
        assertTrue(Math.abs(System.currentTimeMillis() - lastCommit) < 10_000, "last commit " + lastCommit);
        assertEquals(lastCommit / 1000.0, scraped.get("millrace_last_commit_timestamp_seconds").get("first"), 1.0,
            "the last commit, in seconds; it may have moved since the scrape");
        assertEquals(0L, beans.getAttribute(bean, "RingSlotsUsed"), "a settled query's ring is empty");
        assertEquals(0.0, scraped.get("millrace_ring_slots_used").get("first"));
        assertTrue((Long)beans.getAttribute(bean, "BackPressure") >= 0);
        // The operations of source -> withWatermark -> windowed count: each one's rows and the count's state.
        assertEquals((double)progressOne.recordsIn(), scraped.get("millrace_operation_rows_out_total{node=0}")
            .get("first"), "rows taken from the input");
        assertEquals((double)progressOne.recordsIn(), scraped.get("millrace_operation_rows_out_total{node=1}")
            .get("first"), "rows the watermark passed on");
        assertEquals((double)progressOne.recordsOut(), scraped.get("millrace_operation_rows_out_total{node=2}")
            .get("first"), "rows the count passed on: the sink's");
        assertEquals((double)progressOne.stateRows(), scraped.get("millrace_operation_state_rows{node=2}")
            .get("first"), "the count holds all the state");
        assertEquals((double)progressOne.stateBytes(), scraped.get("millrace_operation_state_bytes{node=2}")
            .get("first"));
        assertTrue(scrape(port).contains("millrace_operation_state_rows{query=\"first\",node=\"2\"," +
            "operation=\"groupBy(window(event_time, 200ms), key).agg[count() as count]\"} "), "labelled with its " +
            "operation");

        first.close();
        one.awaitTermination();
        awaitTrue(() -> !beans.isRegistered(bean), "the bean of an ended query is unregistered");
        awaitTrue(() -> !scrapeOrEmpty(port).contains("query=\"first\""), "an ended query leaves the endpoint");
        assertTrue(scrape(port).contains("query=\"second \\\"quoted\\\"\""), "the other query is still served");

        second.close();
        two.awaitTermination();
        awaitTrue(() -> scrapeOrEmpty(port).isEmpty(), "the endpoint closes with its last query");
    }

    @Test
    void shouldRefuseAPortInUseNamingIt() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Publisher publisher = new Publisher(EVENTS);
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> query(publisher, "busy").metricsPort(taken.getLocalPort()).start());
            assertTrue(refused.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), refused.getMessage());
            // Nothing was left behind: the publisher can feed a query again.
            final StreamingQuery again = query(publisher, "busy").start();
            publisher.close();
            again.awaitTermination();
            assertTrue(again.isFinished());
        }
    }

    private static StreamWriter query(final Publisher publisher, final String name)
    {
        return Millrace.readStream(publisher)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream().queryName(name).trigger(Trigger.continuous(Duration.ofMillis(10)))
            .sink(new CollectingSink());
    }

    private static void offer(final Publisher publisher, final int events)
    {
        final long[] index = new long[1];
        for (long i = 0; i < events; i++)
        {
            index[0] = i;
            assertTrue(publisher.offerBlocking(EVENT, index));
        }
    }

    /**
     * @return the query's figures once they stop changing: every offer processed and its epoch committed.
     */
    private static QueryProgress settled(final StreamingQuery query) throws InterruptedException
    {
        QueryProgress last = query.progress();
        while (true)
        {
            Thread.sleep(100);
            final QueryProgress now = query.progress();
            if (now.recordsIn() == last.recordsIn() && now.recordsOut() == last.recordsOut() &&
                now.committedEpoch() == last.committedEpoch() && now.committedEpoch() > 0)
            {
                return now;
            }
            last = now;
        }
    }

    private static void expectFigures(
        final Map<String, Map<String, Double>> scraped, final String query, final QueryProgress progress)
    {
        final Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("millrace_records_in_total", progress.recordsIn());
        expected.put("millrace_records_out_total", progress.recordsOut());
        expected.put("millrace_dead_letters_total", progress.deadLetters());
        expected.put("millrace_late_records_total", progress.lateRecords());
        expected.put("millrace_dropped_contributions_total", progress.droppedContributions());
        expected.put("millrace_state_rows", progress.stateRows());
        expected.put("millrace_state_bytes", progress.stateBytes());
        expected.put("millrace_committed_epoch", progress.committedEpoch());
        for (final Map.Entry<String, Long> figure : expected.entrySet())
        {
            assertTrue(scraped.containsKey(figure.getKey()), "no family " + figure.getKey());
            assertEquals((double)figure.getValue(), scraped.get(figure.getKey()).get(query),
                figure.getKey() + " of " + query);
        }
        assertTrue(progress.recordsIn() > 0 && progress.recordsOut() > 0 && progress.lateRecords() > 0,
            "figures worth checking: " + progress);
        final String serviceTime = "millrace_service_time_seconds";
        assertEquals((double)(progress.recordsIn() / 64), scraped.get(serviceTime + "_count").get(query),
            "one record in 64 is timed");
        assertTrue(scraped.get(serviceTime + "_sum").get(query) > 0, scraped::toString);
        final double p50 = scraped.get(serviceTime + "{quantile=0.5}").get(query);
        final double p99 = scraped.get(serviceTime + "{quantile=0.99}").get(query);
        final double p999 = scraped.get(serviceTime + "{quantile=0.999}").get(query);
        // The last epoch may have timed no record (NaN); when it did, its quantiles are in order.
        assertTrue(Double.isNaN(p50) && Double.isNaN(p99) && Double.isNaN(p999) ||
            0 < p50 && p50 <= p99 && p99 <= p999 && p999 < 1, scraped::toString);
    }

    private static String scrape(final int port) throws IOException, InterruptedException
    {
        return PrometheusText.scrape(port);
    }

    private static String scrapeOrEmpty(final int port)
    {
        try
        {
            return scrape(port);
        }
        catch (final ConnectException closed)
        {
            return "";
        }
        catch (final IOException | InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }
}
