package io.millrace.internal.operator;

import io.millrace.internal.state.AggregateLayout;
import io.millrace.internal.state.KeyCodec;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.DirectBuffer;

/**
 * Writes a window's output row, {@code (window_start, window_end, keys..., aggregates...)}, from its state and
 * passes it to an operator. Shared by the window operators; allocates nothing.
 */
final class WindowRowWriter
{
    private final KeyCodec keys;
    private final AggregateLayout layout;
    private final RowWriter writer;
    private final LongColumn start;
    private final LongColumn end;
    private final RowView view = new RowView();

    WindowRowWriter(final KeyCodec keys, final AggregateLayout layout, final Schema output)
    {
        this.keys = keys;
        this.layout = layout;
        this.writer = new RowWriter(output);
        this.start = output.longColumn(WindowOperators.WINDOW_START);
        this.end = output.longColumn(WindowOperators.WINDOW_END);
    }

    void write(
        final long windowStart,
        final long windowEnd,
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer accumulators,
        final int accumulatorOffset,
        final Operator from)
    {
        writer.reset().putLong(start, windowStart).putLong(end, windowEnd);
        keys.decode(key, keyOffset, writer);
        layout.write(accumulators, accumulatorOffset, writer);
        from.forward(writer.view(view));
    }
}
