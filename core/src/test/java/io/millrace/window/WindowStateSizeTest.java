package io.millrace.window;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.QueryProgress;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.reference.WindowModel;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state of tumbling and sliding windows takes memory in proportion to its rows, however many windows are
 * open: many window starts with few rows each must not cost a large table per start.
 */
class WindowStateSizeTest
{
    /**
     * Generous room per row: an entry of the keyed table (a 24-byte header, the flags word and the count), its
     * index slots at half load, and a share of a small table's fixed minimum.
     */
    private static final long MAX_BYTES_PER_ROW = 1024;

    private static final Schema EVENTS = Schema.builder().timestampColumn("time").stringColumn("key", 16).build();
    private static final LongColumn TIME = EVENTS.longColumn("time");
    private static final StringColumn KEY = EVENTS.stringColumn("key");
    private static final RowTranslator<long[]> WRITE = (row, event) ->
        row.putLong(TIME, event[0]).putString(KEY, "k" + event[1]);

    @ParameterizedTest(name = "size {0} ms, slide {1} ms, {2} keys, {3} records")
    @CsvSource({"10, 10, 10, 6000", "1, 1, 1, 3000", "100, 10, 3, 3000", "1000, 1, 1, 200"})
    void shouldHoldStateInProportionToItsRowsWhileManyWindowsAreOpen(
        final long size, final long slide, final int keys, final int records)
    {
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        // The watermark trails by more than the records span: every window stays open until the end of input.
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark("time", Duration.ofMillis(records + size))
            .groupBy(Window.window("time", Duration.ofMillis(size), Duration.ofMillis(slide)), "key").count()
            .writeStream().outputMode(OutputMode.APPEND).trigger(TestQueries.ONE_EPOCH).sink(sink)
            .threadingMode(ThreadingMode.INVOKER).start();

        // One record per ms, the keys in turn.
        final WindowModel model = WindowModel.sliding(size, slide, 0);
        final Set<List<Object>> rows = new HashSet<>();
        for (int i = 0; i < records; i++)
        {
            final long[] event = {i, i % keys};
            while (!publisher.offer(WRITE, event))
            {
                query.invoke();
            }
            for (final long start : model.windowStartsOf(i))
            {
                rows.add(List.of(start, "k" + event[1]));
            }
        }
        while (query.invoke() > 0)
        {
            Thread.onSpinWait();
        }

        final QueryProgress open = query.progress();
        assertEquals(records, open.recordsIn());
        assertEquals(rows.size(), open.stateRows(), "rows held while every window is open");
        assertTrue(open.stateBytes() <= MAX_BYTES_PER_ROW * rows.size(),
            open.stateBytes() + " bytes of state for " + rows.size() + " rows: " +
            open.stateBytes() / rows.size() + " bytes per row");

        publisher.close();
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);
        assertEquals(rows.size(), sink.values().size(), "rows written at the end of input");
        assertEquals(0, query.progress().stateRows());
    }
}
