package io.millrace.internal.operator;

import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.KeyCodec;
import io.millrace.internal.state.KeyedTable;
import io.millrace.internal.state.TimerHeap;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;

/**
 * {@code dropDuplicates(columns)} within the watermark: the first row of each key passes; a later row with the
 * same key is dropped while the key is remembered. A key is remembered until the watermark reaches its first
 * occurrence's event time plus the watermark delay; without a watermark, forever.
 */
public final class DeduplicateOperator extends Operator
{
    private final KeyCodec keys;
    private final LongColumn time;
    private final long delayMs;
    private final KeyedTable seen = new KeyedTable(0, 1024);
    private final TimerHeap expiries = new TimerHeap(1024);
    private long watermark = Long.MIN_VALUE;

    /**
     * @param columns columns of the key.
     * @param time    event-time column of the watermark, or null without one.
     * @param delayMs watermark delay.
     */
    public DeduplicateOperator(
        final Column[] columns, final LongColumn time, final long delayMs)
    {
        this.keys = new KeyCodec(columns, columns);
        this.time = time;
        this.delayMs = delayMs;
    }

    @Override
    public void onWatermark(final long advanced)
    {
        watermark = advanced;
        next.onWatermark(advanced);
    }

    @Override
    public void onRow(final RowView row)
    {
        // Checked at every row, not only when the watermark advances: a key first seen behind the watermark is
        // forgotten before its next row, however long the watermark then stands still.
        while (!expiries.isEmpty() && watermark >= expiries.peekTime())
        {
            seen.remove(expiries.peekId());
            expiries.pop();
        }
        final int length = keys.encode(row);
        final int id = seen.findOrInsert(keys.buffer(), 0, length, KeyedTable.hash(keys.buffer(), 0, length));
        if (seen.lastInserted())
        {
            if (null != time)
            {
                // Past the largest long no watermark reaches the expiry: the key is remembered to the end.
                final long t = time.get(row);
                expiries.push(t > Long.MAX_VALUE - delayMs ? Long.MAX_VALUE : t + delayMs, id);
            }
            forward(row);
        }
    }

    @Override
    public void writeState(final StateWriter out)
    {
        seen.writeTo(out);
        expiries.writeTo(out);
    }

    @Override
    public void readState(final StateReader in)
    {
        seen.readFrom(in);
        expiries.readFrom(in);
    }
}
