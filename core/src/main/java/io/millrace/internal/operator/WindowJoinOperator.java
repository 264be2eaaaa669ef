package io.millrace.internal.operator;

import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.TimerHeap;
import io.millrace.row.RowView;

import java.util.List;

/**
 * The inner join of two streams on keys within event-time windows (docs/semantics.md, joins): a row is held in each
 * tumbling or sliding window it falls in, under the window's start and its key; when the watermark closes a window,
 * every pair of a left and a right row of one key in it is written, left rows in arrival order, each with the right
 * rows in arrival order, and the window's rows are dropped. A row all of whose windows are closed is late (counted);
 * one whose windows cannot be represented in a long goes to the dead letters. The output carries a watermark on
 * {@code window_start}, as a windowed aggregation's does. A left outer join also writes, at the close, each left row
 * of a key without right rows in the window, alone (right columns zero, {@code matched} false).
 */
public final class WindowJoinOperator extends JoinOperator
{
    private final long size;
    private final long slide;
    private final long earliestTime;
    private final long latestTime;
    private final OperatorContext context;
    private final WindowOperators.Spec range;
    private final TimerHeap closes = new TimerHeap(1024);
    private final RowView right = new RowView();
    private final boolean leftOuter;
    private long outputWatermark = Long.MIN_VALUE;

    /**
     * @param spec    the join.
     * @param context of the operators.
     */
    public WindowJoinOperator(final JoinSpec spec, final OperatorContext context)
    {
        super(spec, context.counters());
        this.size = spec.sizeMs();
        this.slide = spec.slideMs();
        this.range = new WindowOperators.Spec(spec.leftTime(), size, slide, List.of(), List.of());
        this.earliestTime = range.earliestTime();
        this.latestTime = range.latestTime();
        this.context = context;
        this.leftOuter = spec.leftOuter();
    }

    @Override
    void onRow(final int side, final RowView row)
    {
        final long t = times[side].get(row);
        if (t < earliestTime || t > latestTime)
        {
            context.deadLetter(WindowOperators.outOfRange(t, range), row);
            return;
        }
        final long latestStart = WindowOperators.latestStart(t, slide);
        final long windows = WindowOperators.windowsHolding(t, size, slide);
        boolean contributed = false;
        for (long i = 0; i < windows; i++)
        {
            final long start = latestStart - i * slide;
            if (watermark >= start + size)
            {
                counters.droppedContributions.increment();
                continue;
            }
            contributed = true;
            final int length = keys[side].encode(start, row);
            final boolean opens = state.find(keys[side].buffer(), 0, length) < 0;
            final int id = state.add(keys[side].buffer(), 0, length, side, t, row.buffer(), row.offset(),
                row.length());
            if (opens)
            {
                closes.push(start + size, state.keyOf(id));
            }
        }
        if (!contributed)
        {
            counters.lateRecords.increment();
        }
        publishStateSize();
    }

    @Override
    void onJoinWatermark(final long advanced)
    {
        while (!closes.isEmpty() && advanced >= closes.peekTime())
        {
            final long end = closes.peekTime();
            final int keyId = closes.peekId();
            closes.pop();
            close(keyId, end - size, end);
        }
        publishStateSize();
        final long output = WindowOperators.firstOpenStart(advanced, size, slide);
        if (output > outputWatermark)
        {
            outputWatermark = output;
            next.onWatermark(output);
        }
    }

    private void close(final int keyId, final long start, final long end)
    {
        final boolean noRight = state.first(keyId, RIGHT) < 0;
        for (int l = state.first(keyId, LEFT); l >= 0; l = state.next(l))
        {
            if (noRight && leftOuter)
            {
                emit(held(l), null, start, end);
            }
            for (int r = state.first(keyId, RIGHT); r >= 0; r = state.next(r))
            {
                right.wrap(state.rowBuffer(), state.rowOffset(r), state.rowLength(r));
                emit(held(l), right, start, end);
            }
        }
        // The key goes with its last row: both lists are found first, and each row's next is read before it goes.
        final int firstRight = state.first(keyId, RIGHT);
        removeFrom(state.first(keyId, LEFT));
        removeFrom(firstRight);
    }

    private void removeFrom(final int first)
    {
        int id = first;
        while (id >= 0)
        {
            final int next = state.next(id);
            state.remove(id);
            id = next;
        }
    }

    @Override
    public void writeState(final StateWriter out)
    {
        state.writeTo(out);
        closes.writeTo(out);
    }

    @Override
    public void readState(final StateReader in)
    {
        state.readFrom(in);
        closes.readFrom(in);
        publishStateSize();
    }
}
