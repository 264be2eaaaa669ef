package io.millrace;

import io.millrace.function.AggregateFunction;
import io.millrace.row.ColumnType;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import io.millrace.testing.TestQueries;
import io.millrace.testing.TimeRange;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream.Builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User-defined aggregates ({@link AggregateFunction}) in every kind of grouping, output mode and trigger, checked
 * row by row against the built-in aggregates computed in the same query: a range ({@link TimeRange}, a 16-byte
 * accumulator), a row count kept in a 4-byte accumulator (padded to 8 beside the others) and a mean (a DOUBLE
 * result). Session windows merge their accumulators. A function that cannot read its input refuses the query when
 * it is built.
 */
class UserDefinedAggregateTest
{
    private static final int EVENTS = 60_000;

    /** Rows in the group, in an int. */
    static class Rows implements AggregateFunction
    {
        public ColumnType resultType()
        {
            return ColumnType.LONG;
        }

        public int accumulatorBytes()
        {
            return 4;
        }

        public void init(final RowView row, final MutableDirectBuffer accumulator, final int offset)
        {
            accumulator.putInt(offset, 1);
        }

        public void add(final RowView row, final MutableDirectBuffer accumulator, final int offset)
        {
            accumulator.putInt(offset, accumulator.getInt(offset) + 1);
        }

        public void merge(final MutableDirectBuffer accumulators, final int intoOffset, final int fromOffset)
        {
            accumulators.putInt(intoOffset, accumulators.getInt(intoOffset) + accumulators.getInt(fromOffset));
        }

        public long longResult(final DirectBuffer accumulator, final int offset)
        {
            return accumulator.getInt(offset);
        }
    }

    /** Mean of event_time, as a double. */
    static final class Mean implements AggregateFunction
    {
        private LongColumn time;

        public ColumnType resultType()
        {
            return ColumnType.DOUBLE;
        }

        public int accumulatorBytes()
        {
            return 16;
        }

        public void open(final Schema input)
        {
            time = input.longColumn(CsvSource.EVENT_TIME_COLUMN);
        }

        public void init(final RowView row, final MutableDirectBuffer accumulator, final int offset)
        {
            accumulator.putDouble(offset, time.get(row));
            accumulator.putLong(offset + 8, 1);
        }

        public void add(final RowView row, final MutableDirectBuffer accumulator, final int offset)
        {
            accumulator.putDouble(offset, accumulator.getDouble(offset) + time.get(row));
            accumulator.putLong(offset + 8, accumulator.getLong(offset + 8) + 1);
        }

        public void merge(final MutableDirectBuffer accumulators, final int intoOffset, final int fromOffset)
        {
            accumulators.putDouble(intoOffset, accumulators.getDouble(intoOffset) +
                accumulators.getDouble(fromOffset));
            accumulators.putLong(intoOffset + 8, accumulators.getLong(intoOffset + 8) +
                accumulators.getLong(fromOffset + 8));
        }

        public double doubleResult(final DirectBuffer accumulator, final int offset)
        {
            return accumulator.getDouble(offset) / accumulator.getLong(offset + 8);
        }
    }

    static java.util.stream.Stream<Arguments> groupings()
    {
        final Builder<Arguments> cases = java.util.stream.Stream.builder();
        final Function<io.millrace.Stream, GroupedStream> byKey = s -> s.groupBy(CsvSource.KEY_COLUMN);
        final Function<io.millrace.Stream, GroupedStream> tumbling = s -> s.groupBy(
            Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(500)), CsvSource.KEY_COLUMN);
        final Function<io.millrace.Stream, GroupedStream> sliding = s -> s.groupBy(
            Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(1), Duration.ofMillis(300)),
            CsvSource.KEY_COLUMN);
        final Function<io.millrace.Stream, GroupedStream> sessions = s -> s.groupBy(
            Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(3)), CsvSource.KEY_COLUMN);
        final Trigger continuous = Trigger.continuous(Duration.ofMillis(20));
        final Trigger batches = Trigger.processingTime(Duration.ofMillis(20));
        cases.add(Arguments.of("groupBy(key), update, continuous", byKey, OutputMode.UPDATE, continuous));
        cases.add(Arguments.of("groupBy(key), complete, micro-batches", byKey, OutputMode.COMPLETE, batches));
        cases.add(Arguments.of("tumbling, append", tumbling, OutputMode.APPEND, continuous));
        cases.add(Arguments.of("tumbling, update, micro-batches", tumbling, OutputMode.UPDATE, batches));
        cases.add(Arguments.of("sliding, append", sliding, OutputMode.APPEND, batches));
        cases.add(Arguments.of("sliding, complete", sliding, OutputMode.COMPLETE, continuous));
        cases.add(Arguments.of("sessions, append", sessions, OutputMode.APPEND, continuous));
        cases.add(Arguments.of("sessions, update, micro-batches", sessions, OutputMode.UPDATE, batches));
        return cases.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groupings")
    @Timeout(60)
    void shouldGiveWhatTheBuiltInAggregatesGiveRowByRow(
        final String name,
        final Function<io.millrace.Stream, GroupedStream> grouping,
        final OutputMode mode,
        final Trigger trigger)
    {
        final io.millrace.Stream result = grouping.apply(events()).agg(
            Aggregate.count(), Aggregate.min(CsvSource.EVENT_TIME_COLUMN), Aggregate.max(CsvSource.EVENT_TIME_COLUMN),
            Aggregate.avg(CsvSource.EVENT_TIME_COLUMN), Aggregate.of("range", TimeRange::new),
            Aggregate.of("rows", Rows::new), Aggregate.of("mean", Mean::new).as("time_mean"));
        final Schema schema = result.schema();
        assertEquals(ColumnType.LONG, schema.column("range").type());
        assertEquals(ColumnType.DOUBLE, schema.column("time_mean").type());
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = result.writeStream().outputMode(mode).trigger(trigger)
            .threadingMode(ThreadingMode.SHARED).sink(sink).start();
        TestQueries.awaitFinished(query, ThreadingMode.SHARED);

        final List<List<Object>> rows = sink.values();
        assertTrue(rows.size() >= 40, name + ": rows written: " + rows.size());
        final int count = schema.column("count").index();
        final int min = schema.column("min_" + CsvSource.EVENT_TIME_COLUMN).index();
        final int max = schema.column("max_" + CsvSource.EVENT_TIME_COLUMN).index();
        final int avg = schema.column("avg_" + CsvSource.EVENT_TIME_COLUMN).index();
        final int range = schema.column("range").index();
        final int groupRows = schema.column("rows").index();
        final int mean = schema.column("time_mean").index();
        long merged = 0;
        for (final List<Object> row : rows)
        {
            assertEquals((Long)row.get(max) - (Long)row.get(min), row.get(range), () -> name + ": range of " + row);
            assertEquals(row.get(count), row.get(groupRows), () -> name + ": rows of " + row);
            final double expected = (Double)row.get(avg);
            assertEquals(expected, (Double)row.get(mean), Math.abs(expected) * 1e-12, () -> name + ": mean of " + row);
            merged += (Long)row.get(count) > 1 ? 1 : 0;
        }
        assertTrue(merged > 0, name + ": some groups hold several rows");
    }

    @Test
    void shouldRefuseAFunctionThatCannotReadItsInputWhenTheQueryIsBuilt()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Millrace.readStream(new GeneratorSource(new EventGenerator(1, 10, 1000, 0, 0, 0), 10))
                .groupBy(CsvSource.KEY_COLUMN).agg(Aggregate.of("price_range", () -> new TimeRange()
                {
                    @Override
                    public void open(final Schema input)
                    {
                        input.longColumn("price");
                    }
                })));
        assertTrue(refused.getMessage().contains("price"), refused.getMessage());
    }

    @Test
    void shouldRefuseAnEmptyAccumulatorAndAResultTypeItCannotWrite()
    {
        final IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> events().groupBy(CsvSource.KEY_COLUMN).agg(Aggregate.of("nothing", () -> new Rows()
            {
                @Override
                public int accumulatorBytes()
                {
                    return 0;
                }
            })));
        assertEquals("groupBy[key].agg[nothing() as nothing]: nothing() as nothing: accumulatorBytes() is 0; an " +
            "accumulator takes at least one byte",
            empty.getMessage());
        final IllegalArgumentException string = assertThrows(IllegalArgumentException.class,
            () -> events().groupBy(CsvSource.KEY_COLUMN).agg(Aggregate.of("label", () -> new Rows()
            {
                @Override
                public ColumnType resultType()
                {
                    return ColumnType.STRING;
                }
            })));
        assertEquals("groupBy[key].agg[label() as label]: label() as label: result type STRING; a user-defined " +
            "aggregate gives LONG, TIMESTAMP or DOUBLE",
            string.getMessage());
    }

    private static io.millrace.Stream events()
    {
        return Millrace.readStream(new GeneratorSource(new EventGenerator(11, 40, 20_000, 5, 200, 0), EVENTS))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
    }
}
