package io.millrace.examples;

import io.millrace.Millrace;
import io.millrace.Stream;
import io.millrace.Window;
import io.millrace.source.CsvSource;
import io.millrace.source.Source;

import java.time.Duration;

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
        return Millrace.readStream(source)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, watermark)
            .groupBy(window, CsvSource.KEY_COLUMN)
            .count();
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
