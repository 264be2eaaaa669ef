package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.row.DoubleColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * DOUBLE group keys compare as SQL does: {@code -0.0} is the group of {@code 0.0}, and every NaN, whatever its
 * bits, is one group whose key is written as the canonical NaN. Checked for {@code groupBy}, windowed
 * {@code groupBy} and {@code dropDuplicates} against a map keyed by the normalised value.
 */
class DoubleKeyTest
{
    private static final Schema READINGS = Schema.builder().timestampColumn("time").doubleColumn("x").build();
    private static final LongColumn TIME = READINGS.longColumn("time");
    private static final DoubleColumn X = READINGS.doubleColumn("x");
    private static final RowTranslator<double[]> WRITE = (row, reading) ->
        row.putLong(TIME, (long)reading[0]).putDouble(X, reading[1]);
    private static final long CANONICAL_NAN_BITS = 0x7ff8_0000_0000_0000L;
    private static final double[] VALUES = {
        0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff0_0000_0000_0001L),
        Double.longBitsToDouble(0xfff8_0000_0000_0000L), Double.longBitsToDouble(0x7fff_ffff_ffff_ffffL),
        1.5, -1.5, Double.MIN_VALUE, -Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    private static final int READING_COUNT = 2_000;

    @Test
    void shouldCountNegativeZeroWithZeroAndEveryNaNAsOneGroup()
    {
        final List<double[]> readings = readings();
        final Map<Double, Long> expected = new HashMap<>();
        for (final double[] reading : readings)
        {
            expected.merge(normalised(reading[1]), 1L, Long::sum);
        }

        final Publisher publisher = new Publisher(READINGS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher).groupBy("x").count().writeStream()
            .outputMode(OutputMode.COMPLETE).trigger(TestQueries.ONE_EPOCH).sink(sink)
            .threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, readings, WRITE);

        final Map<Double, Long> counted = new HashMap<>();
        for (final List<Object> row : sink.values())
        {
            assertNull(counted.put(key(row.get(0)), (Long)row.get(1)), "group twice: " + row);
        }
        assertEquals(expected, counted);
    }

    @Test
    void shouldCountNegativeZeroWithZeroAndEveryNaNAsOneGroupPerWindow()
    {
        final long size = 100;
        final List<double[]> readings = readings();
        final Map<List<Object>, Long> expected = new HashMap<>();
        for (final double[] reading : readings)
        {
            final long start = Math.floorDiv((long)reading[0], size) * size;
            expected.merge(List.of(start, normalised(reading[1])), 1L, Long::sum);
        }

        final Publisher publisher = new Publisher(READINGS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark("time", Duration.ofMillis(10 * size))
            .groupBy(Window.window("time", Duration.ofMillis(size)), "x").count().writeStream()
            .outputMode(OutputMode.APPEND).trigger(TestQueries.ONE_EPOCH).sink(sink)
            .threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, readings, WRITE);

        final Map<List<Object>, Long> counted = new HashMap<>();
        for (final List<Object> row : sink.values())
        {
            assertNull(counted.put(List.of(row.get(0), key(row.get(2))), (Long)row.get(3)), "group twice: " + row);
        }
        assertEquals(expected, counted);
    }

    @Test
    void shouldDropDuplicatesOfNegativeZeroAndOfEveryNaN()
    {
        final List<double[]> readings = readings();
        final Map<Double, Long> firstTimes = new LinkedHashMap<>();
        for (final double[] reading : readings)
        {
            firstTimes.putIfAbsent(normalised(reading[1]), (long)reading[0]);
        }

        final Publisher publisher = new Publisher(READINGS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher).dropDuplicates("x").writeStream()
            .trigger(TestQueries.ONE_EPOCH).sink(sink).threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, readings, WRITE);

        final List<Long> passed = new ArrayList<>();
        for (final List<Object> row : sink.values())
        {
            passed.add((Long)row.get(0));
        }
        assertEquals(new ArrayList<>(firstTimes.values()), passed, "times of the rows passed");
    }

    /**
     * Readings at distinct times 0, 1, 2, ... with values drawn from {@link #VALUES}, every one of them at least
     * once.
     */
    private static List<double[]> readings()
    {
        final SplittableRandom random = new SplittableRandom(17);
        final List<double[]> readings = new ArrayList<>();
        for (int i = 0; i < READING_COUNT; i++)
        {
            final double value = i < VALUES.length ? VALUES[i] : VALUES[random.nextInt(VALUES.length)];
            readings.add(new double[]{i, value});
        }
        return readings;
    }

    /**
     * The model's key: {@link Double#equals} already takes every NaN as one value; -0.0 is taken as 0.0.
     */
    private static Double normalised(final double value)
    {
        return value == 0.0 ? 0.0 : value;
    }

    /**
     * An output key, checked to be written normalised: no negative zero, and NaN only with the canonical bits.
     */
    private static Double key(final Object value)
    {
        final double x = (Double)value;
        if (Double.isNaN(x))
        {
            assertEquals(CANONICAL_NAN_BITS, Double.doubleToRawLongBits(x), "NaN key written with its own bits");
        }
        else if (x == 0.0)
        {
            assertEquals(0L, Double.doubleToRawLongBits(x), "zero key written as -0.0");
        }
        return x;
    }
}
