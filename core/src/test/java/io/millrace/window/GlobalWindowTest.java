package io.millrace.window;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.Stream;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.reference.WindowModel;
import io.millrace.reference.WindowModel.Event;
import io.millrace.reference.WindowModel.WindowRow;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code groupBy(window)} without key columns: one group per window over all rows, written as rows
 * {@code window_start, window_end, aggregates}. The windows and their counts come from the reference model run
 * with every event under one key; sums and maxima are computed here over the events inside each window.
 */
class GlobalWindowTest
{
    private static final Schema EVENTS = Schema.builder().timestampColumn("t").longColumn("v").build();
    private static final LongColumn T = EVENTS.longColumn("t");
    private static final LongColumn V = EVENTS.longColumn("v");
    private static final RowTranslator<long[]> WRITE = (row, e) -> row.putLong(T, e[0]).putLong(V, e[1]);
    /** Longer than the events' disorder, so that no event is late and every event counts in all its windows. */
    private static final long WATERMARK_DELAY = 2_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tumbling", "sliding", "session"})
    @Timeout(60)
    void shouldAggregateEveryRowOfAWindowWhenGroupedByTheWindowAlone(final String kind)
    {
        final WindowHarness.Spec spec = switch (kind)
        {
            case "tumbling" -> WindowHarness.Spec.tumbling(100, WATERMARK_DELAY);
            case "sliding" -> WindowHarness.Spec.sliding(100, 40, WATERMARK_DELAY);
            default -> WindowHarness.Spec.sessions(3, WATERMARK_DELAY);
        };
        final List<Event> keyed = WindowHarness.randomEvents(
            kind.hashCode(), 3_000, 5, WindowHarness.Disorder.JITTER, -500, 20_000);
        final List<long[]> events = new ArrayList<>();
        final List<Event> oneKey = new ArrayList<>();
        for (int i = 0; i < keyed.size(); i++)
        {
            events.add(new long[]{keyed.get(i).time(), i * 7L % 1000});
            oneKey.add(new Event(keyed.get(i).time(), "all"));
        }
        final WindowModel.Result model = spec.model().run(oneKey, true);
        assertEquals(0, model.lateRecordCount() + model.droppedContributions(), "no event is late");

        final Publisher publisher = new Publisher(EVENTS);
        final Stream aggregated = Millrace.readStream(publisher)
            .withWatermark("t", Duration.ofMillis(WATERMARK_DELAY))
            .groupBy(window(spec))
            .agg(Aggregate.count(), Aggregate.sum("v"), Aggregate.max("v"));
        final List<String> columns = new ArrayList<>();
        for (final Column column : aggregated.schema().columns())
        {
            columns.add(column.name());
        }
        assertEquals(List.of("window_start", "window_end", "count", "sum_v", "max_v"), columns);

        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = aggregated.writeStream().outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(Duration.ofHours(1))).sink(sink).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.DEDICATED, events, WRITE);

        final Map<List<Long>, List<Long>> expected = new HashMap<>();
        for (final WindowRow row : model.appendRows())
        {
            long sum = 0;
            long max = Long.MIN_VALUE;
            for (final long[] event : events)
            {
                if (event[0] >= row.start() && event[0] < row.end())
                {
                    sum += event[1];
                    max = Math.max(max, event[1]);
                }
            }
            expected.put(List.of(row.start(), row.end()), List.of(row.count(), sum, max));
        }
        final Map<List<Long>, List<Long>> actual = new HashMap<>();
        for (final List<Object> row : sink.values())
        {
            assertNull(actual.put(List.of((Long)row.get(0), (Long)row.get(1)),
                List.of((Long)row.get(2), (Long)row.get(3), (Long)row.get(4))), "window twice: " + row);
        }
        assertTrue(expected.size() > 10, "windows " + expected.size());
        assertEquals(expected, actual);
    }

    private static Window window(final WindowHarness.Spec spec)
    {
        return switch (spec.kind())
        {
            case TUMBLING -> Window.window("t", Duration.ofMillis(spec.size()));
            case SLIDING -> Window.window("t", Duration.ofMillis(spec.size()), Duration.ofMillis(spec.slide()));
            default -> Window.sessionWindow("t", Duration.ofMillis(spec.size()));
        };
    }
}
