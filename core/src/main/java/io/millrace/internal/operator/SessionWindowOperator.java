package io.millrace.internal.operator;

import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.KeyedTable;
import io.millrace.internal.state.Slab;
import io.millrace.internal.state.TimerHeap;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import org.agrona.MutableDirectBuffer;

/**
 * Session window aggregation (docs/semantics.md). Sessions live in an off-heap {@link Slab}; each group key has an
 * entry in a {@link KeyedTable} pointing at the list of its open sessions, and a {@link TimerHeap} orders
 * sessions by end so that the watermark closes them without scanning keys. Each session has one timer, set at
 * its first end: when it comes due, a session that has grown since is given a timer at its new end, one merged
 * away or closed is skipped. So a record costs no timer unless it opens a session. A record after
 * {@link WindowOperators.Spec#latestTime()} would open a session ending beyond the range of a long; it goes to the
 * dead-letter output.
 * <pre>
 * session record:
 *  +------------------------------+------------------------------+
 *  | start: 8                     | end: 8                       |
 *  +--------------+---------------+------------------------------+
 *  | key entry: 4 | next+1: 4     | state: 4     | previous+1: 4 |
 *  +--------------+---------------+------------------------------+
 *  | accumulators                                               ...
 * </pre>
 */
public final class SessionWindowOperator extends WindowAggregationOperator
{
    private static final int START_OFFSET = 0;
    private static final int END_OFFSET = 8;
    private static final int KEY_ENTRY_OFFSET = 16;
    private static final int NEXT_OFFSET = 20;
    private static final int STATE_OFFSET = 24;
    private static final int PREVIOUS_OFFSET = 28;
    private static final int ACCUMULATORS_OFFSET = 32;
    private static final int LIVE = 1;
    private static final int CLOSED = 2;
    private static final int DIRTY = 4;
    private static final int HEAD_OFFSET = 0;

    private final WindowOperators.Spec spec;
    private final long gap;
    private final long latestTime;
    private final KeyedTable keyTable = new KeyedTable(8, 1024);
    private final Slab sessions;
    private final TimerHeap timers = new TimerHeap(1024);

    /**
     * @param input        schema of the rows received.
     * @param spec         the session gap and grouping.
     * @param output       {@code window_start, window_end}, keys, aggregates.
     * @param policy       when rows are written.
     * @param context      of the chain.
     */
    public SessionWindowOperator(
        final Schema input,
        final WindowOperators.Spec spec,
        final Schema output,
        final EmissionPolicy policy,
        final OperatorContext context)
    {
        super(input, spec, output, policy, context);
        this.spec = spec;
        this.gap = spec.sizeMs();
        this.latestTime = spec.latestTime();
        this.sessions = new Slab(ACCUMULATORS_OFFSET + layout.width(), 1024);
    }

    @Override
    public void onRow(final RowView row)
    {
        final long t = time.get(row);
        if (t > latestTime)
        {
            context.deadLetter(WindowOperators.outOfRange(t, spec), row);
            return;
        }
        if (watermark >= t + gap)
        {
            counters.droppedContributions.increment();
            context.late(row);
            return;
        }

        final int keyLength = keys.encode(row);
        final int keyEntry = keyTable.findOrInsert(keys.buffer(), 0, keyLength, KeyedTable.hash(keys.buffer(), 0, keyLength));
        final long end = t + gap;
        int target = -1;
        int previous = -1;
        int id = head(keyEntry);
        // A key's open sessions do not overlap and are listed latest first, so the scan skips those starting at
        // or after this record's end and stops at the first that ends at or before its start.
        while (id >= 0)
        {
            final int next = next(id);
            final MutableDirectBuffer buffer = sessions.buffer();
            final int at = sessions.offset(id);
            if (buffer.getLong(at + START_OFFSET) >= end)
            {
                previous = id;
            }
            else if (buffer.getLong(at + END_OFFSET) <= t)
            {
                break;
            }
            else if (target < 0)
            {
                target = id;
                extend(target, t, end);
                layout.accumulate(row, buffer, at + ACCUMULATORS_OFFSET);
                previous = id;
            }
            else
            {
                final int into = sessions.offset(target);
                extend(target, buffer.getLong(at + START_OFFSET), buffer.getLong(at + END_OFFSET));
                layout.merge(buffer, into + ACCUMULATORS_OFFSET, at + ACCUMULATORS_OFFSET);
                unlink(keyEntry, id);
                release(id);
            }
            id = next;
        }

        if (target < 0)
        {
            target = newSession(keyEntry, previous, t, end, row);
            timers.push(end, target);
        }

        if (policy.writesOnChange())
        {
            writeRow(target);
        }
        else if (policy.marksChanges())
        {
            setState(target, DIRTY);
        }
    }

    /**
     * Closes the sessions the watermark reaches. A session can grow backwards in time as long as it is open, so no
     * bound on the start of later rows is known: the output carries no watermark.
     */
    @Override
    public void onWatermark(final long advanced)
    {
        watermark = advanced;
        closeUpTo(advanced);
    }

    @Override
    public void onMarker(final long epoch)
    {
        final EmissionPolicy.Rows rows = policy.atMarker();
        if (rows != EmissionPolicy.Rows.NONE)
        {
            final MutableDirectBuffer buffer = sessions.buffer();
            for (int id = 0, limit = sessions.limit(); id < limit; id++)
            {
                final int state = buffer.getInt(sessions.offset(id) + STATE_OFFSET);
                if (rows == EmissionPolicy.Rows.ALL ? (state & (LIVE | CLOSED)) != 0 : (state & DIRTY) != 0)
                {
                    clearState(id, DIRTY);
                    writeRow(id);
                }
            }
        }
        next.onMarker(epoch);
    }

    @Override
    public void onEnd()
    {
        closeUpTo(Long.MAX_VALUE);
        next.onEnd();
    }

    private void closeUpTo(final long watermark)
    {
        while (!timers.isEmpty() && watermark >= timers.peekTime())
        {
            final int id = timers.peekId();
            timers.pop();
            final int at = sessions.offset(id);
            final MutableDirectBuffer buffer = sessions.buffer();
            if ((buffer.getInt(at + STATE_OFFSET) & LIVE) == 0)
            {
                continue;
            }
            final long sessionEnd = buffer.getLong(at + END_OFFSET);
            if (watermark >= sessionEnd)
            {
                close(id);
            }
            else
            {
                // The session grew since this timer was set: look again at its new end.
                timers.push(sessionEnd, id);
            }
        }
    }

    private void close(final int id)
    {
        final int state = sessions.buffer().getInt(sessions.offset(id) + STATE_OFFSET);
        final EmissionPolicy.Rows rows = policy.atClose();
        if (rows == EmissionPolicy.Rows.ALL || (rows == EmissionPolicy.Rows.CHANGED && (state & DIRTY) != 0))
        {
            writeRow(id);
        }

        final int keyEntry = keyEntry(id);
        unlink(keyEntry, id);
        if (policy.keepsClosed())
        {
            clearState(id, LIVE | DIRTY);
            setState(id, CLOSED);
        }
        else
        {
            release(id);
        }
        if (head(keyEntry) < 0 && !policy.keepsClosed())
        {
            keyTable.remove(keyEntry);
        }
        publishStateSize();
    }

    /**
     * Opens a session and links it after {@code previous} (or first), which keeps the key's list latest first.
     */
    private int newSession(
        final int keyEntry, final int previous, final long start, final long end, final RowView row)
    {
        final int id = sessions.allocate();
        final MutableDirectBuffer buffer = sessions.buffer();
        final int at = sessions.offset(id);
        buffer.putLong(at + START_OFFSET, start);
        buffer.putLong(at + END_OFFSET, end);
        buffer.putInt(at + KEY_ENTRY_OFFSET, keyEntry);
        buffer.putInt(at + STATE_OFFSET, LIVE);
        layout.init(row, buffer, at + ACCUMULATORS_OFFSET);
        final int next = previous < 0 ? head(keyEntry) : next(previous);
        buffer.putInt(at + NEXT_OFFSET, next + 1);
        buffer.putInt(at + PREVIOUS_OFFSET, previous + 1);
        if (next >= 0)
        {
            buffer.putInt(sessions.offset(next) + PREVIOUS_OFFSET, id + 1);
        }
        if (previous < 0)
        {
            keyTable.values().putInt(keyTable.valueOffset(keyEntry) + HEAD_OFFSET, id + 1);
        }
        else
        {
            buffer.putInt(sessions.offset(previous) + NEXT_OFFSET, id + 1);
        }
        publishStateSize();
        return id;
    }

    private void extend(final int id, final long start, final long end)
    {
        final MutableDirectBuffer buffer = sessions.buffer();
        final int at = sessions.offset(id);
        buffer.putLong(at + START_OFFSET, Math.min(start, buffer.getLong(at + START_OFFSET)));
        buffer.putLong(at + END_OFFSET, Math.max(end, buffer.getLong(at + END_OFFSET)));
    }

    /**
     * Takes a session out of its key's list in constant time: the list is linked both ways, so that the oldest
     * session, which the watermark closes first, is not found by walking a long list.
     */
    private void unlink(final int keyEntry, final int id)
    {
        final MutableDirectBuffer buffer = sessions.buffer();
        final int next = next(id);
        final int previous = buffer.getInt(sessions.offset(id) + PREVIOUS_OFFSET) - 1;
        if (previous < 0)
        {
            keyTable.values().putInt(keyTable.valueOffset(keyEntry) + HEAD_OFFSET, next + 1);
        }
        else
        {
            buffer.putInt(sessions.offset(previous) + NEXT_OFFSET, next + 1);
        }
        if (next >= 0)
        {
            buffer.putInt(sessions.offset(next) + PREVIOUS_OFFSET, previous + 1);
        }
    }

    private void release(final int id)
    {
        sessions.buffer().putInt(sessions.offset(id) + STATE_OFFSET, 0);
        sessions.free(id);
    }

    private int head(final int keyEntry)
    {
        return keyTable.values().getInt(keyTable.valueOffset(keyEntry) + HEAD_OFFSET) - 1;
    }

    private int next(final int id)
    {
        return sessions.buffer().getInt(sessions.offset(id) + NEXT_OFFSET) - 1;
    }

    private int keyEntry(final int id)
    {
        return sessions.buffer().getInt(sessions.offset(id) + KEY_ENTRY_OFFSET);
    }

    private void setState(final int id, final int bits)
    {
        final int at = sessions.offset(id) + STATE_OFFSET;
        sessions.buffer().putInt(at, sessions.buffer().getInt(at) | bits);
    }

    private void clearState(final int id, final int bits)
    {
        final int at = sessions.offset(id) + STATE_OFFSET;
        sessions.buffer().putInt(at, sessions.buffer().getInt(at) & ~bits);
    }

    private void writeRow(final int id)
    {
        final MutableDirectBuffer buffer = sessions.buffer();
        final int at = sessions.offset(id);
        final int keyEntry = buffer.getInt(at + KEY_ENTRY_OFFSET);
        output.write(buffer.getLong(at + START_OFFSET), buffer.getLong(at + END_OFFSET),
            keyTable.keyBuffer(keyEntry), keyTable.keyOffset(keyEntry), buffer, at + ACCUMULATORS_OFFSET, this);
    }

    private void publishStateSize()
    {
        state.set(sessions.size(), sessions.bytes() + keyTable.bytes());
    }

    @Override
    public void writeState(final StateWriter out)
    {
        keyTable.writeTo(out);
        sessions.writeTo(out);
        timers.writeTo(out);
    }

    @Override
    public void readState(final StateReader in)
    {
        keyTable.readFrom(in);
        sessions.readFrom(in);
        timers.readFrom(in);
        publishStateSize();
    }

    @Override
    public void emitState()
    {
        final MutableDirectBuffer buffer = sessions.buffer();
        for (int id = 0, limit = sessions.limit(); id < limit; id++)
        {
            if ((buffer.getInt(sessions.offset(id) + STATE_OFFSET) & (LIVE | CLOSED)) != 0)
            {
                writeRow(id);
            }
        }
    }
}
