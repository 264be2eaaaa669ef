package io.millrace.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.millrace.EpochProgress;
import io.millrace.Millrace;
import io.millrace.Publisher;
import io.millrace.QueryProgress;
import io.millrace.StreamingQuery;
import io.millrace.StreamingQueryListener;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page's data, {@code /api/status}, read by a real JSON parser while a query runs and checked against
 * the query's own figures: its figures equal {@link StreamingQuery#progress()} once the query is settled, its graph
 * is the query's plan, each operation's rows and state add up to the query's, its epochs are the committed ones with the records and service times the progress listener
 * was told, and its samples grow in time. Paths it does not serve are not found; methods other than GET and HEAD are
 * refused.
 */
class StatusApiTest
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final Schema EVENTS = CsvSource.eventSchema();
    private static final LongColumn TIME = EVENTS.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private static final StringColumn KEY = EVENTS.stringColumn(CsvSource.KEY_COLUMN);
    private static final RowTranslator<long[]> EVENT = (row, index) ->
        row.putLong(TIME, index[0] * 3 - (index[0] % 10 == 0 ? 400 : 0)).putString(KEY, "k" + index[0] % 7);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @Timeout(60)
    void shouldServeWhatTheQueryCountsAndItsPlan() throws Exception
    {
        final Map<Long, EpochProgress> told = new ConcurrentHashMap<>();
        final Publisher publisher = new Publisher(EVENTS);
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream().queryName("status").trigger(Trigger.continuous(Duration.ofMillis(50)))
            .listener(new StreamingQueryListener()
            {
                @Override
                public void onQueryProgress(final EpochProgress progress)
                {
                    told.put(progress.epoch(), progress);
                }
            })
            .metricsPort(0).sink(new CollectingSink()).start();
        final int port = query.metricsPort();
        final long[] index = new long[1];
        for (int burst = 0; burst < 4; burst++)
        {
            for (int i = 0; i < 2_000; i++)
            {
                assertTrue(publisher.offerBlocking(EVENT, index));
                index[0]++;
            }
            Thread.sleep(120);
        }
        final QueryProgress progress = settled(query, told);
        final JsonNode status = JSON.readTree(get(port, "/api/status").body());

        assertEquals(1, status.get("queries").size(), status::toString);
        final JsonNode served = status.get("queries").get(0);
        assertEquals("status", served.get("name").asText());
        final JsonNode figures = served.get("figures");
        assertEquals(progress.recordsIn(), figures.get("millrace_records_in_total").asLong());
        assertEquals(progress.recordsOut(), figures.get("millrace_records_out_total").asLong());
        assertEquals(progress.lateRecords(), figures.get("millrace_late_records_total").asLong());
        assertEquals(progress.stateRows(), figures.get("millrace_state_rows").asLong());
        assertEquals(progress.stateBytes(), figures.get("millrace_state_bytes").asLong());
        assertEquals(progress.committedEpoch(), figures.get("millrace_committed_epoch").asLong());
        assertEquals(progress.watermark(), figures.get("millrace_watermark_seconds").asLong());

        final List<String> operations = new ArrayList<>();
        for (final JsonNode node : served.get("graph").get("nodes"))
        {
            assertEquals(operations.size(), node.get("id").asInt());
            operations.add(node.get("operation").asText() + (node.get("stateful").asBoolean() ? " *" : ""));
            for (final JsonNode input : node.get("inputs"))
            {
                assertTrue(input.asInt() < node.get("id").asInt(), "inputs come first: " + served.get("graph"));
            }
        }
        assertEquals(List.of("publisher Publisher(event_time:TIMESTAMP, key:STRING(256))",
            "withWatermark(event_time, 100ms) *", "groupBy(window(event_time, 200ms), key).agg[count() as count] *",
            "output 1 (append)"), operations);

        final JsonNode operators = served.get("operators");
        assertEquals(3, operators.size(), "the input and the two operations, not the output: " + operators);
        assertEquals(progress.recordsIn(), operators.get(0).get("rowsOut").asLong(), operators::toString);
        assertEquals(progress.recordsIn(), operators.get(1).get("rowsOut").asLong(), operators::toString);
        assertTrue(!operators.get(1).has("stateRows"), "the watermark counts no state: " + operators);
        assertEquals(progress.recordsOut(), operators.get(2).get("rowsOut").asLong(), operators::toString);
        assertEquals(progress.stateRows(), operators.get(2).get("stateRows").asLong(), operators::toString);
        assertEquals(progress.stateBytes(), operators.get(2).get("stateBytes").asLong(), operators::toString);

        final JsonNode epochs = served.get("epochs");
        assertTrue(epochs.size() > 1 && epochs.size() <= 30, epochs::toString);
        assertEquals(progress.committedEpoch(), epochs.get(epochs.size() - 1).get("epoch").asLong());
        for (int i = 0; i < epochs.size(); i++)
        {
            final JsonNode epoch = epochs.get(i);
            final EpochProgress listened = told.get(epoch.get("epoch").asLong());
            assertTrue(null != listened, "the listener was told of epoch " + epoch);
            if (i > 0)
            {
                assertEquals(epochs.get(i - 1).get("epoch").asLong() + 1, epoch.get("epoch").asLong());
                assertEquals(listened.records(), epoch.get("records").asLong(), epoch::toString);
            }
            assertEquals(listened.cutTime(), epoch.get("cutTime").asLong(), epoch::toString);
            assertEquals(listened.serviceTime().p99Nanos(), epoch.get("serviceP99Nanos").asLong(), epoch::toString);
            assertEquals(listened.stages().marker(), epoch.get("markerNanos").asLong(), epoch::toString);
        }

        final JsonNode history = served.get("history");
        assertTrue(history.size() >= 1, history::toString);
        for (int i = 1; i < history.size(); i++)
        {
            assertTrue(history.get(i).get("time").asLong() > history.get(i - 1).get("time").asLong());
            assertTrue(history.get(i).get("recordsIn").asLong() >= history.get(i - 1).get("recordsIn").asLong());
        }
        assertTrue(history.get(history.size() - 1).get("recordsIn").asLong() <= progress.recordsIn());

        final HttpResponse<String> page = get(port, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("api/status"), "the page polls the status API");
        assertEquals(404, get(port, "/nothing").statusCode());
        assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode());

        publisher.close();
        query.awaitTermination();
    }

    /**
     * @return the query's figures once they stop changing and the listener has been told of the last epoch.
     */
    private static QueryProgress settled(final StreamingQuery query, final Map<Long, EpochProgress> told)
        throws InterruptedException
    {
        QueryProgress last = query.progress();
        while (true)
        {
            Thread.sleep(150);
            final QueryProgress now = query.progress();
            if (now.recordsIn() == last.recordsIn() && now.recordsOut() == last.recordsOut() &&
                now.committedEpoch() == last.committedEpoch() && told.containsKey(now.committedEpoch()))
            {
                return now;
            }
            last = now;
        }
    }

    private static HttpResponse<String> get(final int port, final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
