package io.millrace.internal.operator;

import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.metrics.StateGauge;
import io.millrace.internal.state.JoinState;
import io.millrace.internal.state.KeyCodec;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.sink.CsvRowFormatter;

/**
 * What the joins of two streams share: a port per side, the key of each side's rows, the rows held
 * ({@link JoinState}), the watermark (the smaller of the sides'), markers and the end of input passed on once both
 * sides delivered them, and the writer of output rows: the left row's columns, then the right row's, after the
 * window's start and end for a windowed join.
 */
abstract class JoinOperator extends Operator implements MultiInputOperator
{
    /** Side of the left input. */
    static final int LEFT = 0;
    /** Side of the right input. */
    static final int RIGHT = 1;

    protected final KeyCodec[] keys = new KeyCodec[2];
    protected final LongColumn[] times = new LongColumn[2];
    protected final JoinState state;
    protected final QueryCounters counters;
    protected final StateGauge gauge;
    protected final RowView held = new RowView();
    protected long watermark = Long.MIN_VALUE;

    private final Operator[] inputs = {new Input(LEFT), new Input(RIGHT)};
    private final long[] watermarks = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final JoinRowWriter output;
    private final Schema[] sides;
    private int markers;
    private int ends;

    /**
     * @param spec     the sides' schemas, keys and times, and the output.
     * @param counters of the query.
     */
    JoinOperator(final JoinSpec spec, final QueryCounters counters)
    {
        final Schema[] schemas = {spec.left(), spec.right()};
        this.sides = schemas;
        for (int side = LEFT; side <= RIGHT; side++)
        {
            final java.util.List<String> keyNames = side == LEFT ? spec.leftKeys() : spec.rightKeys();
            final Column[] keyColumns = new Column[keyNames.size()];
            for (int i = 0; i < keyColumns.length; i++)
            {
                keyColumns[i] = schemas[side].column(keyNames.get(i));
            }
            keys[side] = new KeyCodec(keyColumns, keyColumns);
            final String time = side == LEFT ? spec.leftTime() : spec.rightTime();
            times[side] = null == time ? null : schemas[side].longColumn(time);
        }
        this.output = new JoinRowWriter(spec);
        this.state = new JoinState((int)Math.max(spec.left().maxRowLength(), spec.right().maxRowLength()));
        this.counters = counters;
        this.gauge = new StateGauge(counters);
    }

    @Override
    public Operator input(final int index)
    {
        return inputs[index];
    }

    /**
     * @return the schema of the rows {@link #emitState()} writes, one per row held: {@code side} (0 left, 1 right),
     *         {@code time} (the row's event time, 0 for a join without a bound), {@code matched} and {@code row} (the
     *         held row as a CSV line of its side's columns).
     */
    @Override
    public Schema stateSchema()
    {
        final long longest = Math.max(sides[LEFT].maxRowLength(), sides[RIGHT].maxRowLength());
        // A CSV line may be longer than the row: numbers as digits, strings quoted.
        final int line = (int)Math.min(Schema.MAX_STRING_LENGTH, 4 * longest + 64);
        return Schema.builder().intColumn("side").timestampColumn("time").booleanColumn("matched")
            .stringColumn("row", line).build();
    }

    /**
     * Writes a row of {@link #stateSchema()} per row held, key by key, the left rows then the right, each in arrival
     * order; for inspecting a snapshot.
     */
    @Override
    public void emitState()
    {
        final Schema schema = stateSchema();
        final RowWriter out = new RowWriter(schema);
        final RowView written = new RowView();
        final CsvRowFormatter[] formatters = {new CsvRowFormatter(sides[LEFT]), new CsvRowFormatter(sides[RIGHT])};
        for (int key = 0; key < state.keyLimit(); key++)
        {
            if (!state.isKey(key))
            {
                continue;
            }
            for (int side = LEFT; side <= RIGHT; side++)
            {
                for (int id = state.first(key, side); id >= 0; id = state.next(id))
                {
                    held.wrap(state.rowBuffer(), state.rowOffset(id), state.rowLength(id));
                    final int length = formatters[side].format(held) - 1; // without its line feed
                    out.reset().putInt(schema.intColumn("side"), side).putLong(schema.longColumn("time"),
                        state.time(id)).putBoolean(schema.booleanColumn("matched"), state.isMatched(id))
                        .putString(schema.stringColumn("row"), formatters[side].buffer(), 0, length);
                    forward(out.view(written));
                }
            }
        }
    }

    @Override
    public void onRow(final RowView row)
    {
        throw new UnsupportedOperationException("a join receives rows through its inputs");
    }

    /**
     * @param side the row came from.
     * @param row  of that side.
     */
    abstract void onRow(int side, RowView row);

    /**
     * The join's watermark advanced.
     *
     * @param advanced the smaller of the sides' watermarks.
     */
    abstract void onJoinWatermark(long advanced);

    /**
     * Writes the output row of a left and a right row, or of a left row alone (its right columns zero).
     *
     * @param left   row.
     * @param right  row, or null for a left row no right row met.
     * @param start  of the window, for a windowed join.
     * @param end    of the window, for a windowed join.
     */
    protected final void emit(final RowView left, final RowView right, final long start, final long end)
    {
        output.write(left, right, start, end, this);
    }

    /**
     * @param id of a held row.
     * @return a view of it, valid until the state next changes.
     */
    protected final RowView held(final int id)
    {
        return held.wrap(state.rowBuffer(), state.rowOffset(id), state.rowLength(id));
    }

    protected final void publishStateSize()
    {
        gauge.set(state.size(), state.bytes());
    }

    private void onWatermark(final int side, final long advanced)
    {
        watermarks[side] = advanced;
        final long smallest = Math.min(watermarks[LEFT], watermarks[RIGHT]);
        if (smallest > watermark)
        {
            watermark = smallest;
            onJoinWatermark(smallest);
        }
    }

    private void onMarker(final int side, final long epoch)
    {
        if (++markers == 2)
        {
            markers = 0;
            onMarker(epoch);
        }
    }

    private void onEnd(final int side)
    {
        onWatermark(side, Long.MAX_VALUE);
        if (++ends == 2)
        {
            onEnd();
        }
    }

    private final class Input extends Operator
    {
        private final int side;

        Input(final int side)
        {
            this.side = side;
        }

        @Override
        public void onRow(final RowView row)
        {
            JoinOperator.this.onRow(side, row);
        }

        @Override
        public void onWatermark(final long advanced)
        {
            JoinOperator.this.onWatermark(side, advanced);
        }

        @Override
        public void onMarker(final long epoch)
        {
            JoinOperator.this.onMarker(side, epoch);
        }

        @Override
        public void onEnd()
        {
            JoinOperator.this.onEnd(side);
        }
    }

    @Override
    protected StateGauge stateGauge()
    {
        return gauge;
    }
}
