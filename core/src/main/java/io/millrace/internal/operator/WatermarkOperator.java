package io.millrace.internal.operator;

import io.millrace.internal.metrics.Counter;
import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.StateReader;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;

/**
 * Declares the event-time watermark (docs/semantics.md): before each record of the source, the watermark is the largest
 * event time of the rows this stage has passed on minus the delay, and is passed on when that advanced it; there is
 * none before the first row. The new watermark is passed on before the next record enters the operators, through
 * {@link OperatorContext#beforeRecord()}, whether or not that record reaches this stage: so a stage on one branch of a
 * split has the watermark of its rows so far at every record, which a union of branches needs. Rows this stage
 * receives within one record (a flat map's) see the watermark of the rows before them. Any watermark from upstream
 * is replaced by this one.
 */
public final class WatermarkOperator extends Operator
{
    private final LongColumn time;
    private final long delayMs;
    private final Counter published;
    private final OperatorContext context;
    private long maxEventTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long pending = Long.MIN_VALUE;

    /**
     * @param time      event-time column.
     * @param delayMs   how far the watermark trails the largest event time.
     * @param published where the watermark is shown to the query's progress, or null.
     * @param context   of the operators, which passes the watermark on before the next record.
     */
    public WatermarkOperator(
        final LongColumn time, final long delayMs, final Counter published, final OperatorContext context)
    {
        this.time = time;
        this.delayMs = delayMs;
        this.published = published;
        this.context = context;
        context.addWatermark(this);
    }

    @Override
    public void onRow(final RowView row)
    {
        flush();
        forward(row);
        maxEventTime = Math.max(maxEventTime, time.get(row));
        advance();
    }

    /**
     * Passes on the watermark of the rows so far, if it advanced since it was last passed on.
     */
    public void flush()
    {
        if (pending > watermark)
        {
            watermark = pending;
            if (null != published)
            {
                published.set(pending);
            }
            next.onWatermark(pending);
        }
    }

    private void advance()
    {
        // A delay beyond the most negative time would wrap to a huge watermark; it is minus infinity instead.
        final long candidate = maxEventTime - delayMs;
        final long advanced = candidate > maxEventTime ? Long.MIN_VALUE : candidate;
        if (advanced > pending)
        {
            pending = advanced;
            context.watermarkPending();
        }
    }

    @Override
    public void onWatermark(final long upstream)
    {
        // This stage declares the watermark of everything downstream.
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
        advance();
    }
}
