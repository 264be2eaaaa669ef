package io.millrace;

import java.time.Duration;
import java.util.Objects;

/**
 * An event-time window for {@link Stream#groupBy(Window, String...)} (docs/semantics.md): tumbling, sliding or session.
 * Windows are half-open {@code [start, end)} in epoch milliseconds; tumbling and sliding starts are multiples of
 * the slide, aligned to 0 (also below 0: a record at {@code t} is in every window with
 * {@code start <= t < start + size}). Immutable.
 * <p>
 * Limits, checked when the window is made: sizes, slides and gaps are at least 1 ms; a slide is at most the size;
 * a record is in at most {@link #MAX_WINDOWS_PER_RECORD} windows ({@code size / slide}, rounded up), so that
 * neither the work per record nor the number of open windows is unbounded; a duration must be a long number of
 * milliseconds.
 * <p>
 * Window starts and ends are longs. A record one of whose windows would start before {@link Long#MIN_VALUE} or end
 * after {@link Long#MAX_VALUE} (its session, for session windows: {@code t + gap > Long.MAX_VALUE}) goes to the
 * dead-letter output with the range of times that fit, and is counted there: it is in no window, neither late nor
 * a dropped contribution, and moves the watermark like any record. Only times within about a window size of either
 * end of the long range are concerned.
 */
public final class Window
{
    /** Most windows a record may belong to: the size divided by the slide, rounded up. */
    public static final int MAX_WINDOWS_PER_RECORD = 1000;

    /** The kinds of window. */
    public enum Kind
    {
        /** Fixed size, each record in exactly one window. */
        TUMBLING,
        /** Fixed size, a new window every slide (at most the size); a record is in every window covering it. */
        SLIDING,
        /** Per key, a record opens {@code [t, t + gap)} and merges with the open sessions it overlaps. */
        SESSION
    }

    private final Kind kind;
    private final String timeColumn;
    private final long sizeMs;
    private final long slideMs;

    private Window(final Kind kind, final String timeColumn, final long sizeMs, final long slideMs)
    {
        this.kind = kind;
        this.timeColumn = Objects.requireNonNull(timeColumn, "timeColumn");
        this.sizeMs = sizeMs;
        this.slideMs = slideMs;
    }

    /**
     * @param timeColumn LONG or TIMESTAMP column of event times.
     * @param size       of each window, at least 1 ms.
     * @return tumbling windows.
     */
    public static Window window(final String timeColumn, final Duration size)
    {
        final long sizeMs = millis("window size", size);
        return new Window(Kind.TUMBLING, timeColumn, sizeMs, sizeMs);
    }

    /**
     * @param timeColumn LONG or TIMESTAMP column of event times.
     * @param size       of each window, at least 1 ms.
     * @param slide      between window starts, 1 ms to {@code size}; equal to {@code size} means tumbling.
     * @return sliding windows.
     * @throws IllegalArgumentException when the slide is larger than the size (records between windows would
     *                                  be counted nowhere), or when a record would be in more than
     *                                  {@link #MAX_WINDOWS_PER_RECORD} windows.
     */
    public static Window window(final String timeColumn, final Duration size, final Duration slide)
    {
        final long sizeMs = millis("window size", size);
        final long slideMs = millis("window slide", slide);
        if (slideMs > sizeMs)
        {
            throw new IllegalArgumentException("window slide must not be larger than the window size: slide " +
                slideMs + "ms, size " + sizeMs + "ms");
        }
        final long windowsPerRecord = sizeMs / slideMs + (sizeMs % slideMs == 0 ? 0 : 1);
        if (windowsPerRecord > MAX_WINDOWS_PER_RECORD)
        {
            throw new IllegalArgumentException("window size " + sizeMs + "ms with slide " + slideMs + "ms puts a " +
                "record in up to " + windowsPerRecord + " windows; at most " + MAX_WINDOWS_PER_RECORD + " are allowed");
        }
        return new Window(sizeMs == slideMs ? Kind.TUMBLING : Kind.SLIDING, timeColumn, sizeMs, slideMs);
    }

    /**
     * @param timeColumn LONG or TIMESTAMP column of event times.
     * @param gap        of inactivity that ends a session, at least 1 ms.
     * @return session windows.
     */
    public static Window sessionWindow(final String timeColumn, final Duration gap)
    {
        return new Window(Kind.SESSION, timeColumn, millis("session gap", gap), 0);
    }

    /**
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the event-time column.
     */
    public String timeColumn()
    {
        return timeColumn;
    }

    /**
     * @return the window size in ms, or the session gap.
     */
    public long sizeMs()
    {
        return sizeMs;
    }

    /**
     * @return the slide in ms (the size for tumbling windows, 0 for sessions).
     */
    public long slideMs()
    {
        return slideMs;
    }

    @Override
    public String toString()
    {
        switch (kind)
        {
            case SESSION: return "sessionWindow(" + timeColumn + ", " + sizeMs + "ms)";
            case TUMBLING: return "window(" + timeColumn + ", " + sizeMs + "ms)";
            default: return "window(" + timeColumn + ", " + sizeMs + "ms, " + slideMs + "ms)";
        }
    }

    private static long millis(final String what, final Duration duration)
    {
        return millisAtLeast(what, duration, 1);
    }

    /**
     * @param what     the duration is, in the message.
     * @param duration to convert.
     * @param least    milliseconds it may be.
     * @return the duration in whole milliseconds.
     * @throws IllegalArgumentException naming {@code what} when it is below {@code least} or beyond a long.
     */
    static long millisAtLeast(final String what, final Duration duration, final long least)
    {
        Objects.requireNonNull(duration, what);
        final long ms;
        try
        {
            ms = duration.toMillis();
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException(what + " must be " + least + " to " + Long.MAX_VALUE + " ms: " +
                duration, ex);
        }
        if (ms < least)
        {
            throw new IllegalArgumentException(what + " must be at least " + least + " ms: " + duration);
        }
        return ms;
    }
}
