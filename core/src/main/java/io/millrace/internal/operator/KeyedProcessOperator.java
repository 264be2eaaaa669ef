package io.millrace.internal.operator;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.internal.metrics.StateGauge;
import io.millrace.internal.state.KeyCodec;
import io.millrace.internal.state.KeyedTable;
import io.millrace.internal.state.Slab;
import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.TimerHeap;
import io.millrace.row.Column;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link KeyedProcessFunction}: each key has an entry in an off-heap table holding a header (timers pending,
 * whether the state was cleared, the head, tail and size of its list and of its map) and the function's value state;
 * list entries are records of a {@link Slab}, linked per key in append order; map entries are entries of a second
 * table keyed by the owner's id and the map key, linked per key in insertion order; event-time timers are kept in a
 * heap of {@code (time, key)}. Timers fire when the watermark reaches them, after a row that registers one the
 * watermark has already reached, and at the end of input; the timers of one time fire together, each key once, in
 * the order of the keys' values (so the order depends on the data only, not on when keys were first seen or slots
 * reused). Processing-time timers are a second heap, fired the same way at each epoch marker up to the epoch's cut
 * time. A key whose state was cleared is forgotten once no timer of it is pending, unless a row comes for it first.
 */
public final class KeyedProcessOperator extends Operator implements ProcessContext
{
    private static final int PENDING = 0;
    private static final int CLEARED = 4;
    private static final int LIST_HEAD = 8;
    private static final int LIST_TAIL = 12;
    private static final int LIST_SIZE = 16;
    private static final int MAP_HEAD = 20;
    private static final int MAP_TAIL = 24;
    private static final int MAP_SIZE = 28;
    private static final int HEADER = 32;
    private static final int MAP_NEXT = 0;
    private static final int MAP_PREVIOUS = 4;
    private static final int MAP_KEY = 8;
    private static final int ENTRY_NEXT = 0;
    private static final int ENTRY = 8;
    private static final int NONE = -1;
    private static final String VALUE_STATE = "value_state";
    private static final String LIST_ENTRIES = "list_entries";
    private static final String MAP_ENTRIES = "map_entries";
    private static final String TIMERS_PENDING = "timers_pending";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final KeyedProcessFunction function;
    private final String name;
    private final Column[] keyColumns;
    private final KeyCodec keys;
    private final KeyedTable table;
    private final TimerHeap timers = new TimerHeap(1024);
    private final TimerHeap processingTimers = new TimerHeap(64);
    private final int processingTimerSlot;
    private final Slab entries;
    private final int entryBytes;
    private final int mapKeyBytes;
    private final int mapValue;
    private final int mapEntryWidth;
    private final KeyedTable map;
    private final UnsafeBuffer mapKey;
    private int[] firing = new int[64];
    private final RowWriter writer;
    private final RowView written = new RowView();
    private final OperatorContext context;
    private final StateGauge gauge;
    private long watermark = Long.MIN_VALUE;
    private int current = -1;
    /** Stamps written rows when they cross an {@link Exchange}; null otherwise. */
    private ArrivalOrder arrivals;
    /** Whether timers fire at a watermark, a marker or the end of input, rather than after a row. */
    private boolean firingTimers;
    /** Whether those are event-time timers that processing-time timers set, due already, at a marker. */
    private boolean firingDueAtMarker;
    /** The time of the timer firing. */
    private long firingTime;

    /**
     * @param input    schema of the rows received.
     * @param keyNames key columns.
     * @param output   schema of the rows emitted.
     * @param function the user function, opened here.
     * @param name     of the function, in dead-letter reasons.
     * @param context  of the operators.
     */
    public KeyedProcessOperator(
        final Schema input,
        final List<String> keyNames,
        final Schema output,
        final KeyedProcessFunction function,
        final String name,
        final OperatorContext context)
    {
        final Column[] columns = new Column[keyNames.size()];
        for (int i = 0; i < columns.length; i++)
        {
            columns[i] = input.column(keyNames.get(i));
        }
        this.keyColumns = columns;
        this.keys = new KeyCodec(columns, columns);
        this.function = function;
        this.name = name;
        function.open(input, output);
        this.table = new KeyedTable(HEADER + ((function.stateBytes() + 7) & ~7), 1024);
        this.entryBytes = function.listEntryBytes();
        this.entries = new Slab(ENTRY + Math.max(8, (entryBytes + 7) & ~7), 64);
        // A map entry's table key is its owner's table id, then the function's map key; its value links it into
        // the owner's entries in insertion order, then holds a copy of the map key and the map value.
        this.mapKeyBytes = function.mapKeyBytes();
        this.mapValue = MAP_KEY + ((Math.max(0, mapKeyBytes) + 7) & ~7);
        this.mapEntryWidth = mapValue + ((Math.max(0, function.mapValueBytes()) + 7) & ~7);
        this.map = new KeyedTable(mapEntryWidth, 64);
        this.mapKey = new UnsafeBuffer(new byte[Integer.BYTES + Math.max(0, mapKeyBytes)]);
        this.writer = new RowWriter(output);
        this.context = context;
        this.gauge = new StateGauge(context.counters());
        this.processingTimerSlot = context.addProcessingTimers();
    }

    /**
     * Stamps each row written with its place in the order of one task, for a process function whose rows cross an
     * {@link Exchange}, which merges the tasks' rows by it.
     *
     * @param order numbering the rows, counted by the function's partition.
     * @return this.
     */
    public KeyedProcessOperator stampArrivals(final ArrivalOrder order)
    {
        order.orderKeysBy(keys);
        this.arrivals = order;
        return this;
    }

    @Override
    public void onRow(final RowView row)
    {
        final int length = keys.encode(row);
        current = table.findOrInsert(keys.buffer(), 0, length, KeyedTable.hash(keys.buffer(), 0, length));
        final int at = table.valueOffset(current);
        if (table.lastInserted())
        {
            table.values().putInt(at + LIST_HEAD, NONE);
            table.values().putInt(at + LIST_TAIL, NONE);
            table.values().putInt(at + MAP_HEAD, NONE);
            table.values().putInt(at + MAP_TAIL, NONE);
        }
        // A row makes the key live again, whatever cleared it before: it is forgotten only if this call clears it.
        table.values().putInt(at + CLEARED, 0);
        try
        {
            function.processRow(row, this);
        }
        catch (final Exception ex)
        {
            context.deadLetter(name, row, ex);
        }
        release(current);
        fireUpTo(timers, watermark, false);
        gauge.set(table.size() + entries.size() + map.size(), table.bytes() + entries.bytes() + map.bytes());
    }

    @Override
    public void onWatermark(final long advanced)
    {
        watermark = advanced;
        firingTimers = true;
        fireUpTo(timers, advanced, false);
        firingTimers = false;
        gauge.set(table.size() + entries.size() + map.size(), table.bytes() + entries.bytes() + map.bytes());
        next.onWatermark(advanced);
    }

    @Override
    public void onMarker(final long epoch)
    {
        firingTimers = true;
        fireUpTo(processingTimers, context.processingTime(), true);
        // An event-time timer they set for a time the watermark has reached fires right after them, as any does
        // right after the call that set it.
        firingDueAtMarker = true;
        fireUpTo(timers, watermark, false);
        firingDueAtMarker = false;
        firingTimers = false;
        context.nextProcessingTimer(processingTimerSlot, nextTime(processingTimers));
        gauge.set(table.size() + entries.size() + map.size(), table.bytes() + entries.bytes() + map.bytes());
        next.onMarker(epoch);
    }

    @Override
    public void onEnd()
    {
        watermark = Long.MAX_VALUE;
        firingTimers = true;
        fireUpTo(timers, Long.MAX_VALUE, false);
        firingTimers = false;
        gauge.set(table.size() + entries.size() + map.size(), table.bytes() + entries.bytes() + map.bytes());
        next.onEnd();
    }

    private static long nextTime(final TimerHeap heap)
    {
        return heap.isEmpty() ? Long.MAX_VALUE : heap.peekTime();
    }

    /**
     * Fires the timers of a heap up to a time, in time order, the keys of one time in their values' order.
     *
     * @param processing whether they are processing-time timers.
     */
    private void fireUpTo(final TimerHeap timers, final long upTo, final boolean processing)
    {
        while (!timers.isEmpty() && timers.peekTime() <= upTo)
        {
            final long time = timers.peekTime();
            int count = 0;
            while (!timers.isEmpty() && timers.peekTime() == time)
            {
                if (count == firing.length)
                {
                    firing = Arrays.copyOf(firing, count * 2);
                }
                firing[count++] = timers.peekId();
                timers.pop();
            }
            sortByKey(firing, count);
            final MutableDirectBuffer values = table.values();
            for (int i = 0; i < count; i++)
            {
                final int key = firing[i];
                values.putInt(table.valueOffset(key) + PENDING, values.getInt(table.valueOffset(key) + PENDING) - 1);
                if (i + 1 < count && firing[i + 1] == key)
                {
                    continue; // a timer registered more than once fires once, at its last entry
                }
                current = key;
                firingTime = time;
                try
                {
                    if (processing)
                    {
                        function.onProcessingTimer(time, this);
                    }
                    else
                    {
                        function.onTimer(time, this);
                    }
                }
                catch (final Exception ex)
                {
                    // No row failed: the dead letter holds the key's bytes.
                    context.deadLetter(name + (processing ? ".onProcessingTimer" : ".onTimer"), written.wrap(
                        table.keyBuffer(key), table.keyOffset(key), table.keyLength(key)), ex);
                }
                release(key);
            }
        }
    }

    /**
     * Heap-sorts the first {@code count} key ids by their keys' order, in place and without allocating.
     */
    private void sortByKey(final int[] ids, final int count)
    {
        for (int root = count / 2 - 1; root >= 0; root--)
        {
            siftDown(ids, root, count);
        }
        for (int end = count - 1; end > 0; end--)
        {
            final int largest = ids[0];
            ids[0] = ids[end];
            ids[end] = largest;
            siftDown(ids, 0, end);
        }
    }

    private void siftDown(final int[] ids, final int from, final int size)
    {
        int at = from;
        while (true)
        {
            int child = 2 * at + 1;
            if (child >= size)
            {
                return;
            }
            if (child + 1 < size && compareKeys(ids[child + 1], ids[child]) > 0)
            {
                child++;
            }
            if (compareKeys(ids[child], ids[at]) <= 0)
            {
                return;
            }
            final int swap = ids[at];
            ids[at] = ids[child];
            ids[child] = swap;
            at = child;
        }
    }

    private int compareKeys(final int a, final int b)
    {
        if (a == b)
        {
            return 0;
        }
        final int order = keys.compare(table.keyBuffer(a), table.keyOffset(a), table.keyBuffer(b), table.keyOffset(b));
        return order != 0 ? order : Integer.compare(a, b);
    }

    /**
     * Forgets a key whose state was cleared, once it has no timer pending.
     */
    private void release(final int key)
    {
        final MutableDirectBuffer values = table.values();
        final int at = table.valueOffset(key);
        if (values.getInt(at + CLEARED) != 0 && values.getInt(at + PENDING) == 0)
        {
            table.remove(key);
        }
        current = -1;
    }

    @Override
    public MutableDirectBuffer state()
    {
        return table.values();
    }

    @Override
    public int stateOffset()
    {
        return table.valueOffset(current) + HEADER;
    }

    @Override
    public void clearState()
    {
        final MutableDirectBuffer values = table.values();
        final int at = table.valueOffset(current);
        values.setMemory(at + HEADER, function.stateBytes(), (byte)0);
        values.putInt(at + CLEARED, 1);
        clearList();
        for (int entry = values.getInt(at + MAP_HEAD); entry != NONE; )
        {
            final int next = map.values().getInt(map.valueOffset(entry) + MAP_NEXT);
            map.remove(entry);
            entry = next;
        }
        values.putInt(at + MAP_HEAD, NONE);
        values.putInt(at + MAP_TAIL, NONE);
        values.putInt(at + MAP_SIZE, 0);
    }

    @Override
    public int mapGet(final DirectBuffer key, final int offset)
    {
        final int length = encodeMapKey(key, offset);
        return map.find(mapKey, 0, length, KeyedTable.hash(mapKey, 0, length));
    }

    @Override
    public int mapPut(final DirectBuffer key, final int offset)
    {
        final int length = encodeMapKey(key, offset);
        final int entry = map.findOrInsert(mapKey, 0, length, KeyedTable.hash(mapKey, 0, length));
        if (map.lastInserted())
        {
            final MutableDirectBuffer links = map.values();
            final int link = map.valueOffset(entry);
            links.setMemory(link, mapEntryWidth, (byte)0);
            links.putBytes(link + MAP_KEY, key, offset, mapKeyBytes);
            final MutableDirectBuffer values = table.values();
            final int at = table.valueOffset(current);
            final int tail = values.getInt(at + MAP_TAIL);
            links.putInt(link + MAP_NEXT, NONE);
            links.putInt(link + MAP_PREVIOUS, tail);
            if (tail == NONE)
            {
                values.putInt(at + MAP_HEAD, entry);
            }
            else
            {
                links.putInt(map.valueOffset(tail) + MAP_NEXT, entry);
            }
            values.putInt(at + MAP_TAIL, entry);
            values.putInt(at + MAP_SIZE, values.getInt(at + MAP_SIZE) + 1);
        }
        return entry;
    }

    @Override
    public void mapRemove(final int entry)
    {
        final MutableDirectBuffer links = map.values();
        final int link = map.valueOffset(entry);
        final int next = links.getInt(link + MAP_NEXT);
        final int previous = links.getInt(link + MAP_PREVIOUS);
        final MutableDirectBuffer values = table.values();
        final int at = table.valueOffset(current);
        if (previous == NONE)
        {
            values.putInt(at + MAP_HEAD, next);
        }
        else
        {
            links.putInt(map.valueOffset(previous) + MAP_NEXT, next);
        }
        if (next == NONE)
        {
            values.putInt(at + MAP_TAIL, previous);
        }
        else
        {
            links.putInt(map.valueOffset(next) + MAP_PREVIOUS, previous);
        }
        values.putInt(at + MAP_SIZE, values.getInt(at + MAP_SIZE) - 1);
        map.remove(entry);
    }

    @Override
    public int mapFirst()
    {
        return table.values().getInt(table.valueOffset(current) + MAP_HEAD);
    }

    @Override
    public int mapNext(final int entry)
    {
        return map.values().getInt(map.valueOffset(entry) + MAP_NEXT);
    }

    @Override
    public MutableDirectBuffer mapBuffer()
    {
        return map.values();
    }

    @Override
    public int mapKeyOffset(final int entry)
    {
        return map.valueOffset(entry) + MAP_KEY;
    }

    @Override
    public int mapValueOffset(final int entry)
    {
        return map.valueOffset(entry) + mapValue;
    }

    @Override
    public int mapSize()
    {
        return table.values().getInt(table.valueOffset(current) + MAP_SIZE);
    }

    private int encodeMapKey(final DirectBuffer key, final int offset)
    {
        if (mapKeyBytes <= 0)
        {
            throw new IllegalStateException(name + " declares no map state: mapKeyBytes() is " + mapKeyBytes);
        }
        mapKey.putInt(0, current);
        mapKey.putBytes(Integer.BYTES, key, offset, mapKeyBytes);
        return Integer.BYTES + mapKeyBytes;
    }

    @Override
    public int listAppend()
    {
        if (entryBytes <= 0)
        {
            throw new IllegalStateException("listAppend() needs listEntryBytes() > 0");
        }
        final MutableDirectBuffer values = table.values();
        final int at = table.valueOffset(current);
        final int id = entries.allocate();
        entries.buffer().putInt(entries.offset(id) + ENTRY_NEXT, NONE);
        final int tail = values.getInt(at + LIST_TAIL);
        if (tail == NONE)
        {
            values.putInt(at + LIST_HEAD, id);
        }
        else
        {
            entries.buffer().putInt(entries.offset(tail) + ENTRY_NEXT, id);
        }
        values.putInt(at + LIST_TAIL, id);
        values.putInt(at + LIST_SIZE, values.getInt(at + LIST_SIZE) + 1);
        return id;
    }

    @Override
    public int listFirst()
    {
        return table.values().getInt(table.valueOffset(current) + LIST_HEAD);
    }

    @Override
    public int listNext(final int entry)
    {
        return entries.buffer().getInt(entries.offset(entry) + ENTRY_NEXT);
    }

    @Override
    public MutableDirectBuffer listBuffer()
    {
        return entries.buffer();
    }

    @Override
    public int listOffset(final int entry)
    {
        return entries.offset(entry) + ENTRY;
    }

    @Override
    public int listSize()
    {
        return table.values().getInt(table.valueOffset(current) + LIST_SIZE);
    }

    @Override
    public void clearList()
    {
        final MutableDirectBuffer values = table.values();
        final int at = table.valueOffset(current);
        int id = values.getInt(at + LIST_HEAD);
        while (id != NONE)
        {
            final int next = entries.buffer().getInt(entries.offset(id) + ENTRY_NEXT);
            entries.free(id);
            id = next;
        }
        values.putInt(at + LIST_HEAD, NONE);
        values.putInt(at + LIST_TAIL, NONE);
        values.putInt(at + LIST_SIZE, 0);
    }

    @Override
    public void registerTimer(final long time)
    {
        timers.push(time, current);
        countPending();
    }

    @Override
    public void registerProcessingTimer(final long time)
    {
        final long before = nextTime(processingTimers);
        processingTimers.push(time, current);
        countPending();
        if (time < before)
        {
            // Told to the producer, which ends an idle epoch once a timer is due.
            context.nextProcessingTimer(processingTimerSlot, time);
        }
    }

    private void countPending()
    {
        final MutableDirectBuffer values = table.values();
        final int at = table.valueOffset(current);
        values.putInt(at + PENDING, values.getInt(at + PENDING) + 1);
    }

    @Override
    public long watermark()
    {
        return watermark;
    }

    @Override
    public long processingTime()
    {
        return context.processingTime();
    }

    @Override
    public RowWriter row()
    {
        return writer.reset();
    }

    @Override
    public void emit()
    {
        stamp();
        forward(writer.view(written));
    }

    @Override
    public void emit(final RowView row)
    {
        stamp();
        forward(row);
    }

    private void stamp()
    {
        if (null == arrivals)
        {
            return;
        }
        if (!firingTimers)
        {
            arrivals.writing(ArrivalOrder.FOR_ROW, arrivals.arriving());
        }
        else
        {
            // At a marker, the processing-time timers' rows come first, then those of the event-time timers they set.
            arrivals.writing(firingDueAtMarker ? ArrivalOrder.AFTER_TIMERS : firingTime,
                firingDueAtMarker ? firingTime : 0,
                table.keyBuffer(current), table.keyOffset(current), table.keyLength(current));
        }
    }

    /**
     * @return the schema of the rows {@link #emitState()} writes: the key columns, then {@code value_state} (the
     *         key's value state in hexadecimal), {@code list_entries}, {@code map_entries} and
     *         {@code timers_pending}.
     * @throws IllegalArgumentException when a key column has one of those names.
     */
    @Override
    public Schema stateSchema()
    {
        final Schema.Builder builder = Schema.builder();
        for (final Column column : keyColumns)
        {
            builder.like(column);
        }
        return builder.stringColumn(VALUE_STATE, Math.max(2, 2 * function.stateBytes())).intColumn(LIST_ENTRIES)
            .intColumn(MAP_ENTRIES).intColumn(TIMERS_PENDING).build();
    }

    /**
     * Writes a row of {@link #stateSchema()} per key held, in the table's order; for inspecting a snapshot.
     */
    @Override
    public void emitState()
    {
        final Schema schema = stateSchema();
        final Column[] outputs = new Column[keyColumns.length];
        for (int i = 0; i < outputs.length; i++)
        {
            outputs[i] = schema.column(keyColumns[i].name());
        }
        final KeyCodec decoder = new KeyCodec(keyColumns, outputs);
        final RowWriter out = new RowWriter(schema);
        final StringColumn state = schema.stringColumn(VALUE_STATE);
        final MutableDirectBuffer values = table.values();
        for (int id = 0, limit = table.entryLimit(); id < limit; id++)
        {
            if (!table.isLive(id))
            {
                continue;
            }
            out.reset();
            decoder.decode(table.keyBuffer(id), table.keyOffset(id), out);
            final int at = table.valueOffset(id);
            final int stateBytes = function.stateBytes();
            final int begin = out.beginString(state, 2 * stateBytes);
            for (int b = 0; b < stateBytes; b++)
            {
                final int value = values.getByte(at + HEADER + b) & 0xFF;
                out.buffer().putByte(begin + 2 * b, (byte)HEX[value >>> 4]);
                out.buffer().putByte(begin + 2 * b + 1, (byte)HEX[value & 0xF]);
            }
            out.endString(state, 2 * stateBytes);
            out.putInt(schema.intColumn(LIST_ENTRIES), values.getInt(at + LIST_SIZE));
            out.putInt(schema.intColumn(MAP_ENTRIES), values.getInt(at + MAP_SIZE));
            out.putInt(schema.intColumn(TIMERS_PENDING), values.getInt(at + PENDING));
            forward(out.view(written));
        }
    }

    @Override
    public void writeState(final StateWriter out)
    {
        table.writeTo(out);
        timers.writeTo(out);
        entries.writeTo(out);
        map.writeTo(out);
        processingTimers.writeTo(out);
        out.putLong(context.processingTime());
        if (null != arrivals)
        {
            out.putLong(arrivals.counted());
        }
    }

    @Override
    public void readState(final StateReader in)
    {
        table.readFrom(in);
        timers.readFrom(in);
        entries.readFrom(in);
        map.readFrom(in);
        if (!in.isEmpty())
        {
            // Snapshots from before processing time end here: no processing-time timer was pending then.
            processingTimers.readFrom(in);
            context.advanceProcessingTime(in.getLong());
            context.nextProcessingTimer(processingTimerSlot, nextTime(processingTimers));
        }
        if (null != arrivals)
        {
            if (in.isEmpty())
            {
                // A checkpoint of an older version, whose every task ran this function on every key.
                throw ArrivalOrder.olderCheckpoint("a process function");
            }
            arrivals.restore(in.getLong());
        }
        gauge.set(table.size() + entries.size() + map.size(), table.bytes() + entries.bytes() + map.bytes());
    }

    @Override
    protected StateGauge stateGauge()
    {
        return gauge;
    }
}
