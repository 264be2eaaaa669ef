package io.millrace.internal.operator;

import io.millrace.internal.state.KeyCodec;
import io.millrace.internal.state.KeyedTable;
import io.millrace.row.Column;
import io.millrace.row.RowView;
import io.millrace.source.StaticTable;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Joins each row of a stream with the rows of a {@link StaticTable} of equal keys, as it arrives: the table's rows
 * are indexed by key once, when the query starts, and each stream row is written with each table row of its key in
 * the table's order (a left outer join also writes a stream row without one, alone). Holds no state of its own:
 * the table is the same at every start (its checksum is part of the query's identity).
 */
public final class StaticJoinOperator extends Operator
{
    private final KeyCodec streamKey;
    private final KeyedTable index = new KeyedTable(8, 1024);
    private final UnsafeBuffer rows;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] nextOfKey;
    private final boolean leftOuter;
    private final JoinRowWriter output;
    private final RowView tableRow = new RowView();

    /**
     * @param spec  the join, its right side the table's.
     * @param table the table.
     */
    public StaticJoinOperator(final JoinSpec spec, final StaticTable table)
    {
        streamKey = new KeyCodec(columns(spec.left(), spec.leftKeys()), columns(spec.left(), spec.leftKeys()));
        final KeyCodec tableKey =
            new KeyCodec(columns(spec.right(), spec.rightKeys()), columns(spec.right(), spec.rightKeys()));
        final int count = table.size();
        offsets = new int[count];
        lengths = new int[count];
        nextOfKey = new int[count];
        Arrays.fill(nextOfKey, -1);
        final byte[][] copies = new byte[count][];
        final int[] loaded = {0};
        table.forEachRow(row ->
        {
            final byte[] bytes = new byte[row.length()];
            row.buffer().getBytes(row.offset(), bytes);
            copies[loaded[0]++] = bytes;
        });
        int total = 0;
        for (final byte[] copy : copies)
        {
            total += copy.length;
        }
        rows = new UnsafeBuffer(new byte[Math.max(1, total)]);
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            rows.putBytes(at, copies[i]);
            offsets[i] = at;
            lengths[i] = copies[i].length;
            at += copies[i].length;
            // Each key's entry holds its first and last row; rows of a key are chained in table order.
            final int length = tableKey.encode(tableRow.wrap(rows, offsets[i], lengths[i]));
            final int id = index.findOrInsert(tableKey.buffer(), 0, length, KeyedTable.hash(tableKey.buffer(), 0,
                length));
            final int entry = index.valueOffset(id);
            if (index.lastInserted())
            {
                index.values().putInt(entry, i);
            }
            else
            {
                nextOfKey[index.values().getInt(entry + 4)] = i;
            }
            index.values().putInt(entry + 4, i);
        }
        leftOuter = spec.leftOuter();
        output = new JoinRowWriter(spec);
    }

    @Override
    public void onRow(final RowView row)
    {
        final int length = streamKey.encode(row);
        final int id = index.find(streamKey.buffer(), 0, length, KeyedTable.hash(streamKey.buffer(), 0, length));
        if (id < 0)
        {
            if (leftOuter)
            {
                output.write(row, null, 0, 0, this);
            }
            return;
        }
        for (int i = index.values().getInt(index.valueOffset(id)); i >= 0; i = nextOfKey[i])
        {
            output.write(row, tableRow.wrap(rows, offsets[i], lengths[i]), 0, 0, this);
        }
    }

    private static Column[] columns(final io.millrace.row.Schema schema, final java.util.List<String> names)
    {
        final Column[] columns = new Column[names.size()];
        for (int i = 0; i < columns.length; i++)
        {
            columns[i] = schema.column(names.get(i));
        }
        return columns;
    }
}
