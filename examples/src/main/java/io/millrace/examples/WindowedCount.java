package io.millrace.examples;

import io.millrace.Millrace;
import io.millrace.Stream;
import io.millrace.Window;
import io.millrace.source.CsvSource;
import io.millrace.source.Source;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Windowed count over {@code (event_time, key)} events (docs/command-line.md): rows
 * {@code (window_start, window_end, key, count)}.
 */
public final class WindowedCount
{
    private WindowedCount()
    {
    }

    /**
     * @param source    of rows with {@link CsvSource#EVENT_TIME_COLUMN} and {@link CsvSource#KEY_COLUMN}.
     * @param window    tumbling, sliding or session window over the event time.
     * @param watermark delay of the watermark behind the largest event time.
     * @return the plan.
     */
    public static Stream plan(final Source source, final Window window, final Duration watermark)
    {
        return plan(List.of(source), window, watermark);
    }

    /**
     * The count over several sources of the same schema (the partitions of a Kafka topic, say): each source has a
     * watermark of its own, and a window closes once every source's watermark has passed its end.
     *
     * @param sources   of rows with {@link CsvSource#EVENT_TIME_COLUMN} and {@link CsvSource#KEY_COLUMN}; one at
     *                  least.
     * @param window    tumbling, sliding or session window over the event time.
     * @param watermark delay of each source's watermark behind the largest event time it has read.
     * @return the plan.
     */
    public static Stream plan(final List<? extends Source> sources, final Window window, final Duration watermark)
    {
        final Stream[] inputs = new Stream[sources.size()];
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i] = Millrace.readStream(sources.get(i)).withWatermark(CsvSource.EVENT_TIME_COLUMN, watermark);
        }
        final Stream input = inputs.length == 1 ? inputs[0] :
            inputs[0].union(Arrays.copyOfRange(inputs, 1, inputs.length));
        return input.groupBy(window, CsvSource.KEY_COLUMN).count();
    }

    /**
     * @param size  of tumbling windows, or of sliding windows when {@code slide} is given.
     * @param slide between sliding windows, or null for tumbling.
     * @param gap   of session windows; only when {@code size} is null.
     * @return the window over {@link CsvSource#EVENT_TIME_COLUMN}.
     */
    public static Window window(final Duration size, final Duration slide, final Duration gap)
    {
        if (null != gap)
        {
            return Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, gap);
        }
        return null == slide ? Window.window(CsvSource.EVENT_TIME_COLUMN, size) :
            Window.window(CsvSource.EVENT_TIME_COLUMN, size, slide);
    }
}
