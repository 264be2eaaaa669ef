package io.millrace.internal.operator;

import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.StateReader;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;

/**
 * Tracks the event-time watermark (docs/semantics.md): before each row is passed on, the context's watermark is set to
 * the largest event time of the rows before it minus the delay; there is none before the first row.
 */
public final class WatermarkOperator extends Operator
{
    private final LongColumn time;
    private final long delayMs;
    private final OperatorContext context;
    private long maxEventTime = Long.MIN_VALUE;

    /**
     * @param time    event-time column.
     * @param delayMs how far the watermark trails the largest event time.
     * @param context of the chain, whose watermark this sets.
     */
    public WatermarkOperator(final LongColumn time, final long delayMs, final OperatorContext context)
    {
        this.time = time;
        this.delayMs = delayMs;
        this.context = context;
    }

    @Override
    public void onRow(final RowView row)
    {
        if (maxEventTime != Long.MIN_VALUE)
        {
            // A delay beyond the most negative time would wrap to a huge watermark; it is minus infinity instead.
            final long watermark = maxEventTime - delayMs;
            context.watermark(watermark > maxEventTime ? Long.MIN_VALUE : watermark);
        }
        next.onRow(row);
        maxEventTime = Math.max(maxEventTime, time.get(row));
    }

    @Override
    public void writeState(final StateWriter out)
    {
        out.putLong(maxEventTime);
    }

    @Override
    public void readState(final StateReader in)
    {
        maxEventTime = in.getLong();
    }
}
