package io.millrace.internal.operator;

import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.TimerHeap;
import io.millrace.row.RowView;

/**
 * The incremental inner join of two streams on keys (docs/semantics.md, joins): each matching pair is written once,
 * when the second of its rows arrives, the rows of the side already held visited in their arrival order.
 * <p>
 * With a time bound, {@code left.time BETWEEN right.time - before AND right.time + after}, the watermark bounds the
 * state: a row whose time is below the watermark is late (counted, not joined), so a left row can meet no later
 * right row once the watermark passes its time plus {@code before}, nor a right row a later left one once it passes
 * its time plus {@code after}; then it is dropped. Without a bound every row is kept for as long as the query runs.
 * A left outer join also writes each left row that met no right row, alone (right columns zero, {@code matched}
 * false), when the watermark drops it.
 * <p>
 * A bounded join's output carries a watermark on the left time column, {@code W - before}: a pair is written when its
 * second row arrives, and that row is not late, so its left time is at least {@code W} (the left row came second) or
 * at least the right row's time minus {@code before}, itself at least {@code W}. A left row written alone left state
 * after the previous output watermark and is written before the next. Without a bound the output carries none: a
 * pair may hold a row of any age.
 */
public final class IntervalJoinOperator extends JoinOperator
{
    private final boolean bounded;
    private final boolean leftOuter;
    private final long before;
    private final long after;
    private final TimerHeap[] expiries = {new TimerHeap(1024), new TimerHeap(1024)};
    private final RowView partner = new RowView();
    private long outputWatermark = Long.MIN_VALUE;

    /**
     * @param spec     the join.
     * @param counters of the query.
     */
    public IntervalJoinOperator(final JoinSpec spec, final QueryCounters counters)
    {
        super(spec, counters);
        this.bounded = spec.bounded();
        this.leftOuter = spec.leftOuter();
        this.before = spec.beforeMs();
        this.after = spec.afterMs();
    }

    @Override
    void onRow(final int side, final RowView row)
    {
        final long time = bounded ? times[side].get(row) : 0;
        if (bounded && time < watermark)
        {
            counters.lateRecords.increment();
            return;
        }
        final int length = keys[side].encode(row);
        final int keyId = state.find(keys[side].buffer(), 0, length);
        boolean met = false;
        if (keyId >= 0)
        {
            for (int id = state.first(keyId, 1 - side); id >= 0; id = state.next(id))
            {
                final long partnerTime = state.time(id);
                final long leftTime = side == LEFT ? time : partnerTime;
                final long rightTime = side == LEFT ? partnerTime : time;
                if (!bounded || within(leftTime, rightTime))
                {
                    met = true;
                    if (side == RIGHT)
                    {
                        state.markMatched(id);
                    }
                    partner.wrap(state.rowBuffer(), state.rowOffset(id), state.rowLength(id));
                    emit(side == LEFT ? row : partner, side == LEFT ? partner : row, 0, 0);
                }
            }
        }
        final int id = state.add(keys[side].buffer(), 0, length, side, time, row.buffer(), row.offset(), row.length());
        if (met)
        {
            state.markMatched(id);
        }
        if (bounded)
        {
            expiries[side].push(saturatingAdd(time, side == LEFT ? before : after), id);
        }
        publishStateSize();
    }

    @Override
    void onJoinWatermark(final long advanced)
    {
        for (int side = LEFT; side <= RIGHT; side++)
        {
            final TimerHeap heap = expiries[side];
            while (!heap.isEmpty() && advanced > heap.peekTime())
            {
                final int id = heap.peekId();
                heap.pop();
                if (side == LEFT && leftOuter && !state.isMatched(id))
                {
                    // No right row at or above the watermark can meet it now: written alone.
                    emit(held(id), null, 0, 0);
                }
                state.remove(id);
            }
        }
        publishStateSize();
        if (bounded)
        {
            final long output = saturatingAdd(advanced, -before);
            if (output > outputWatermark)
            {
                outputWatermark = output;
                next.onWatermark(output);
            }
        }
    }

    private boolean within(final long leftTime, final long rightTime)
    {
        return leftTime >= saturatingAdd(rightTime, -before) && leftTime <= saturatingAdd(rightTime, after);
    }

    private static long saturatingAdd(final long time, final long delta)
    {
        final long sum = time + delta;
        // Overflow only when both have the same sign and the sum's differs.
        if (((time ^ sum) & (delta ^ sum)) < 0)
        {
            return delta > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }

    @Override
    public void writeState(final StateWriter out)
    {
        state.writeTo(out);
        expiries[LEFT].writeTo(out);
        expiries[RIGHT].writeTo(out);
    }

    @Override
    public void readState(final StateReader in)
    {
        state.readFrom(in);
        expiries[LEFT].readFrom(in);
        expiries[RIGHT].readFrom(in);
        publishStateSize();
    }
}
