package io.millrace.internal.operator;

import io.millrace.internal.state.AggregateSpec;
import io.millrace.internal.state.KeyCodec;
import io.millrace.row.Column;
import io.millrace.row.Schema;

import java.util.List;

/**
 * What the window operators share: the output column names and the description of a windowed aggregation.
 */
public final class WindowOperators
{
    /** Output column holding a window's start, epoch ms. */
    public static final String WINDOW_START = "window_start";
    /** Output column holding a window's end (exclusive), epoch ms. */
    public static final String WINDOW_END = "window_end";

    private WindowOperators()
    {
    }

    /**
     * A windowed aggregation.
     *
     * @param timeColumn event-time column.
     * @param sizeMs     window size, or session gap.
     * @param slideMs    slide between starts; 0 for sessions.
     * @param keyColumns grouping columns besides the window.
     * @param aggregates the functions.
     */
    public record Spec(
        String timeColumn, long sizeMs, long slideMs, List<String> keyColumns, List<AggregateSpec> aggregates)
    {
        /**
         * @return the earliest event time all of whose windows start at or after {@link Long#MIN_VALUE}.
         */
        public long earliestTime()
        {
            if (isSession())
            {
                return Long.MIN_VALUE;
            }
            // The first window start at or after Long.MIN_VALUE; a record less than size - slide after it is also
            // in the window one slide earlier, which would start below Long.MIN_VALUE.
            final long firstStart = Long.MIN_VALUE + (slideMs - Math.floorMod(Long.MIN_VALUE, slideMs)) % slideMs;
            return firstStart + (sizeMs - slideMs);
        }

        /**
         * @return the latest event time all of whose windows (its session, for sessions) end at or before
         * {@link Long#MAX_VALUE}.
         */
        public long latestTime()
        {
            if (isSession())
            {
                return Long.MAX_VALUE - sizeMs;
            }
            // The last window start whose end fits; every time before the next start has it as its latest window.
            final long lastStart = Math.floorDiv(Long.MAX_VALUE - sizeMs, slideMs) * slideMs;
            return lastStart + slideMs - 1;
        }

        private boolean isSession()
        {
            return slideMs == 0;
        }
    }

    /**
     * The latest of the windows holding a time, for a tumbling or sliding window: the others start one slide apart
     * before it, {@link #windowsHolding} in all. In the range of {@link Spec#earliestTime()} to
     * {@link Spec#latestTime()}, none of these bounds wraps.
     *
     * @param time  event time.
     * @param slide between window starts.
     * @return the last multiple of the slide at or before the time.
     */
    static long latestStart(final long time, final long slide)
    {
        return time - Math.floorMod(time, slide);
    }

    /**
     * @param time  event time.
     * @param size  of the windows.
     * @param slide between window starts.
     * @return how many windows hold the time: those starting less than a size before it.
     */
    static long windowsHolding(final long time, final long size, final long slide)
    {
        return (size - Math.floorMod(time, slide) - 1) / slide + 1;
    }

    /**
     * The watermark a windowed operator passes on: after the watermark closed the windows it closes, the smallest
     * {@code window_start} a row written later can have, which is the first start of a window ending after it.
     *
     * @param watermark of the operator's input.
     * @param size      of the windows.
     * @param slide     between window starts.
     * @return the first start of a window ending after {@code watermark}; {@link Long#MIN_VALUE} while that is
     * before the first window that fits in a long.
     */
    static long firstOpenStart(final long watermark, final long size, final long slide)
    {
        final long earliestOpen = watermark - size + 1;
        if (earliestOpen > watermark)
        {
            return Long.MIN_VALUE;
        }
        final long intoSlide = Math.floorMod(earliestOpen, slide);
        return intoSlide == 0 ? earliestOpen : earliestOpen - intoSlide + slide;
    }

    /**
     * The reason a record goes to the dead-letter output when its windows cannot be represented.
     *
     * @param time event time of the record.
     * @param spec the window.
     * @return the reason.
     */
    static String outOfRange(final long time, final Spec spec)
    {
        return "event time " + time + " is outside " + spec.earliestTime() + ".." + spec.latestTime() +
            ", the times whose windows start and end within the range of a long";
    }

    static KeyCodec keyCodec(final Schema input, final Spec spec, final Schema output)
    {
        final List<String> names = spec.keyColumns();
        final Column[] inputs = new Column[names.size()];
        final Column[] outputs = new Column[names.size()];
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i] = input.column(names.get(i));
            outputs[i] = output.column(names.get(i));
        }
        return new KeyCodec(inputs, outputs);
    }
}
