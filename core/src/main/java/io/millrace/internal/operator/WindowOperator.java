package io.millrace.internal.operator;

import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.KeyedTable;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.ArrayDeque;

/**
 * Tumbling and sliding window aggregation (docs/semantics.md). Each window start has its own off-heap
 * {@link KeyedTable} from group key to an 8-byte flags word and the accumulators; it starts with room for a few
 * rows and doubles as it fills, so that state follows the rows rather than the number of open windows (many
 * windows open behind a long watermark delay may each hold a row or two). The starts present are kept
 * sorted; since windows close in start order, the closed ones (kept only in complete mode) form a prefix and
 * the open ones the rest. A window closes when the watermark before a record reaches its end, or at the end of
 * input; then append mode writes its rows and, except in complete mode, its table is freed. A record outside
 * {@link WindowOperators.Spec#earliestTime()}..{@link WindowOperators.Spec#latestTime()} would have a window
 * beyond the range of a long; it goes to the dead-letter output, so every start and end held fits.
 */
public final class WindowOperator extends WindowAggregationOperator
{
    private static final int FLAGS_LENGTH = 8;
    private static final long DIRTY = 1;
    /** Bits of the flags word below an entry's arrival number ({@link ArrivalOrder}). */
    private static final int ARRIVAL_SHIFT = 1;
    /** Written for the capacity hint by an operator whose entries hold arrival numbers (see {@link #writeState}). */
    private static final int ARRIVALS_LAYOUT = -1;
    private static final int INITIAL_WINDOW_CAPACITY = 8;
    /** Emptied tables of closed windows kept for windows to come; more are freed. */
    private static final int SPARE_TABLES = 2;

    private final WindowOperators.Spec spec;
    private final long size;
    private final long slide;
    private final long earliestTime;
    private final long latestTime;
    private final Long2ObjectHashMap<KeyedTable> windows = new Long2ObjectHashMap<>();
    private final LongArrayList starts = new LongArrayList();
    /** Tables of closed windows, emptied, for the next windows to open: windows come and go without allocating. */
    private final ArrayDeque<KeyedTable> spareTables = new ArrayDeque<>(SPARE_TABLES);
    private ArrivalOrder arrivals;
    private int firstOpen;
    private long outputWatermark = Long.MIN_VALUE;
    private long stateRows;
    private long stateBytes;

    /**
     * @param input        schema of the rows received.
     * @param spec         the window and grouping.
     * @param output       {@code window_start, window_end}, keys, aggregates.
     * @param policy       when rows are written.
     * @param context      of the chain.
     */
    public WindowOperator(
        final Schema input,
        final WindowOperators.Spec spec,
        final Schema output,
        final EmissionPolicy policy,
        final OperatorContext context)
    {
        super(input, spec, output, policy, context);
        this.spec = spec;
        this.size = spec.sizeMs();
        this.slide = spec.slideMs();
        this.earliestTime = spec.earliestTime();
        this.latestTime = spec.latestTime();
    }

    /**
     * Keeps with each entry the number of the row that opened it, and hands it with the entry's row when written:
     * for an aggregation whose rows cross an {@link Exchange}, which merges the tasks' rows by it.
     *
     * @param order numbering the rows, counted by the aggregation's partition.
     * @return this.
     */
    public WindowOperator stampArrivals(final ArrivalOrder order)
    {
        this.arrivals = order;
        return this;
    }

    @Override
    public void onRow(final RowView row)
    {
        final long t = time.get(row);
        if (t < earliestTime || t > latestTime)
        {
            context.deadLetter(WindowOperators.outOfRange(t, spec), row);
            return;
        }

        final int keyLength = keys.encode(row);
        final int hash = KeyedTable.hash(keys.buffer(), 0, keyLength);
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
            accumulate(row, openWindow(start), start, keyLength, hash);
        }
        if (!contributed)
        {
            context.late(row);
        }
    }

    /**
     * Closes the windows the watermark reaches, then passes on the watermark of this stage's output: the smallest
     * {@code window_start} a row written later can have, which is the first start of a window ending after the
     * watermark. A downstream window over {@code window_start} therefore closes once every window starting in it
     * has been written.
     */
    @Override
    public void onWatermark(final long advanced)
    {
        watermark = advanced;
        closeUpTo(advanced);
        final long output = WindowOperators.firstOpenStart(advanced, size, slide);
        if (output > outputWatermark)
        {
            outputWatermark = output;
            next.onWatermark(output);
        }
    }

    @Override
    public void onMarker(final long epoch)
    {
        final EmissionPolicy.Rows rows = policy.atMarker();
        if (rows != EmissionPolicy.Rows.NONE)
        {
            // Every window held, the closed ones too (complete mode keeps them); or the open ones' changed rows.
            for (int i = rows == EmissionPolicy.Rows.ALL ? 0 : firstOpen; i < starts.size(); i++)
            {
                writeRows(starts.getLong(i), rows);
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

    private void accumulate(
        final RowView row, final KeyedTable table, final long start, final int keyLength, final int hash)
    {
        final long bytesBefore = table.bytes();
        final int id = table.findOrInsert(keys.buffer(), 0, keyLength, hash);
        final MutableDirectBuffer values = table.values();
        final int flags = table.valueOffset(id);
        if (table.lastInserted())
        {
            if (null != arrivals)
            {
                values.putLong(flags, arrivals.arriving() << ARRIVAL_SHIFT);
            }
            layout.init(row, values, flags + FLAGS_LENGTH);
            stateRows++;
            stateBytes += table.bytes() - bytesBefore;
            publishStateSize();
        }
        else
        {
            layout.accumulate(row, values, flags + FLAGS_LENGTH);
        }

        if (policy.writesOnChange())
        {
            writeRow(table, id, start);
        }
        else if (policy.marksChanges())
        {
            values.putLong(flags, values.getLong(flags) | DIRTY);
        }
    }

    private KeyedTable openWindow(final long start)
    {
        KeyedTable table = windows.get(start);
        if (null == table)
        {
            table = spareTables.poll();
            if (null == table)
            {
                table = new KeyedTable(FLAGS_LENGTH + layout.width(), INITIAL_WINDOW_CAPACITY);
            }
            windows.put(start, table);
            int at = starts.size();
            while (at > firstOpen && starts.getLong(at - 1) > start)
            {
                at--;
            }
            starts.addLong(at, start);
            stateBytes += table.bytes();
            publishStateSize();
        }
        return table;
    }

    private void closeUpTo(final long watermark)
    {
        while (firstOpen < starts.size() && watermark >= starts.getLong(firstOpen) + size)
        {
            final long start = starts.getLong(firstOpen);
            writeRows(start, policy.atClose());
            if (policy.keepsClosed())
            {
                firstOpen++;
            }
            else
            {
                final KeyedTable table = windows.remove(start);
                starts.removeAt(firstOpen);
                stateRows -= table.size();
                stateBytes -= table.bytes();
                if (spareTables.size() < SPARE_TABLES)
                {
                    table.clear();
                    spareTables.push(table);
                }
                else
                {
                    table.close();
                }
                publishStateSize();
            }
        }
    }

    private void writeRows(final long start, final EmissionPolicy.Rows rows)
    {
        if (rows == EmissionPolicy.Rows.NONE)
        {
            return;
        }
        final boolean dirtyOnly = rows == EmissionPolicy.Rows.CHANGED;
        final KeyedTable table = windows.get(start);
        final MutableDirectBuffer values = table.values();
        for (int id = 0, limit = table.entryLimit(); id < limit; id++)
        {
            if (!table.isLive(id))
            {
                continue;
            }
            final int flags = table.valueOffset(id);
            if (dirtyOnly)
            {
                if ((values.getLong(flags) & DIRTY) == 0)
                {
                    continue;
                }
                values.putLong(flags, values.getLong(flags) & ~DIRTY);
            }
            writeRow(table, id, start);
        }
    }

    private void writeRow(final KeyedTable table, final int id, final long start)
    {
        if (null != arrivals)
        {
            arrivals.writing(start, table.values().getLong(table.valueOffset(id)) >>> ARRIVAL_SHIFT);
        }
        output.write(start, start + size, table.keyBuffer(id), table.keyOffset(id),
            table.values(), table.valueOffset(id) + FLAGS_LENGTH, this);
    }

    private void publishStateSize()
    {
        state.set(stateRows, stateBytes);
    }

    /**
     * Writes the number of window starts, the index of the first open one, an int once used as a capacity hint
     * (kept so that the layout stays as it was; written as the initial capacity and not read back, or as
     * {@link #ARRIVALS_LAYOUT} when entries hold arrival numbers), then each start and its table, in start order;
     * with arrival numbers, then the number of rows counted.
     */
    @Override
    public void writeState(final StateWriter out)
    {
        out.putInt(starts.size());
        out.putInt(firstOpen);
        out.putInt(null == arrivals ? INITIAL_WINDOW_CAPACITY : ARRIVALS_LAYOUT);
        for (int i = 0; i < starts.size(); i++)
        {
            final long start = starts.getLong(i);
            out.putLong(start);
            windows.get(start).writeTo(out);
        }
        if (null != arrivals)
        {
            out.putLong(arrivals.counted());
        }
    }

    @Override
    public void readState(final StateReader in)
    {
        final int count = in.getInt();
        firstOpen = in.getInt();
        final boolean arrivalsWritten = in.getInt() == ARRIVALS_LAYOUT;
        if (null != arrivals && !arrivalsWritten)
        {
            // A checkpoint of an older version, whose every task computed this aggregation in full.
            throw ArrivalOrder.olderCheckpoint("a windowed aggregation");
        }
        stateRows = 0;
        stateBytes = 0;
        for (int i = 0; i < count; i++)
        {
            final long start = in.getLong();
            final KeyedTable table = new KeyedTable(FLAGS_LENGTH + layout.width(), INITIAL_WINDOW_CAPACITY);
            table.readFrom(in);
            windows.put(start, table);
            starts.addLong(start);
            stateRows += table.size();
            stateBytes += table.bytes();
        }
        if (null != arrivals)
        {
            arrivals.restore(in.getLong());
        }
        publishStateSize();
    }

    @Override
    public void emitState()
    {
        for (int i = 0; i < starts.size(); i++)
        {
            writeRows(starts.getLong(i), EmissionPolicy.Rows.ALL);
        }
    }
}
