package io.millrace.internal.operator;

import io.millrace.row.BooleanColumn;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;

/**
 * Writes the output rows of a join: {@code window_start} and {@code window_end} for a windowed join, the left row's
 * columns, the right row's (zero for a left row alone), and {@code matched} for a left outer join.
 */
final class JoinRowWriter
{
    private final Column[][] sources = new Column[2][];
    private final Column[][] targets = new Column[2][];
    private final RowWriter writer;
    private final RowView written = new RowView();
    private final LongColumn windowStart;
    private final LongColumn windowEnd;
    private final BooleanColumn matched;

    /**
     * @param spec the join.
     */
    JoinRowWriter(final JoinSpec spec)
    {
        final Schema output = spec.output();
        final Schema[] sides = {spec.left(), spec.right()};
        int at = spec.windowed() ? 2 : 0;
        for (int side = 0; side < 2; side++)
        {
            sources[side] = sides[side].columns().toArray(new Column[0]);
            targets[side] = new Column[sources[side].length];
            for (int i = 0; i < sources[side].length; i++)
            {
                targets[side][i] = output.columns().get(at++);
            }
        }
        windowStart = spec.windowed() ? output.longColumn(WindowOperators.WINDOW_START) : null;
        windowEnd = spec.windowed() ? output.longColumn(WindowOperators.WINDOW_END) : null;
        matched = spec.leftOuter() ? output.booleanColumn(JoinSpec.MATCHED) : null;
        writer = new RowWriter(output);
    }

    /**
     * @param left  row.
     * @param right row, or null for a left row no right row met.
     * @param start of the window, for a windowed join.
     * @param end   of the window, for a windowed join.
     * @param from  stage the row is the output of: it passes the row on.
     */
    void write(final RowView left, final RowView right, final long start, final long end, final Operator from)
    {
        writer.reset();
        if (null != windowStart)
        {
            writer.putLong(windowStart, start).putLong(windowEnd, end);
        }
        copy(0, left);
        if (null != right)
        {
            copy(1, right);
        }
        if (null != matched)
        {
            writer.putBoolean(matched, null != right);
        }
        from.forward(writer.view(written));
    }

    private void copy(final int side, final RowView row)
    {
        final Column[] from = sources[side];
        final Column[] to = targets[side];
        for (int i = 0; i < from.length; i++)
        {
            from[i].copy(row, writer, to[i]);
        }
    }
}
