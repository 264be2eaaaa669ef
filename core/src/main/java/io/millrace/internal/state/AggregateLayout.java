package io.millrace.internal.state;

import io.millrace.function.AggregateFunction;
import io.millrace.row.Column;
import io.millrace.row.ColumnType;
import io.millrace.row.DoubleColumn;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.List;

/**
 * Fixed-width accumulators for a list of {@link AggregateSpec}s over rows of one schema, kept in a table's value
 * bytes: each aggregate owns 8 bytes (16 for avg: sum then count) at a fixed offset. Resolved once when a query
 * is built; the per-row methods allocate nothing.
 */
public final class AggregateLayout
{
    private final Accumulator[] accumulators;
    private final int width;

    /**
     * @param input      schema of the rows aggregated.
     * @param aggregates the functions, in output order.
     * @param output     schema holding each aggregate's output column under {@link AggregateSpec#name()}.
     */
    public AggregateLayout(final Schema input, final List<AggregateSpec> aggregates, final Schema output)
    {
        accumulators = new Accumulator[aggregates.size()];
        int offset = 0;
        for (int i = 0; i < accumulators.length; i++)
        {
            final AggregateSpec aggregate = aggregates.get(i);
            final Column target = output.column(aggregate.name());
            if (aggregate.kind() == AggregateSpec.Kind.CUSTOM)
            {
                final AggregateFunction function = openFunction(aggregate, input);
                accumulators[i] = new CustomAccumulator(offset, target, function);
                // Every accumulator starts on an 8-byte boundary, as the built-in ones need.
                offset += (function.accumulatorBytes() + 7) & ~7;
                continue;
            }
            final Accumulator accumulator = accumulator(aggregate, null == aggregate.column() ? null :
                input.column(aggregate.column()), target, offset);
            accumulators[i] = accumulator;
            offset += aggregate.kind() == AggregateSpec.Kind.AVG ? 16 : 8;
        }
        width = offset;
    }

    /**
     * Adds the output column of each aggregate to a schema under construction.
     *
     * @param input      schema of the rows aggregated.
     * @param aggregates the functions.
     * @param builder    to add to.
     * @throws IllegalArgumentException naming the column when an input column is missing or not numeric.
     */
    public static void addOutputColumns(
        final Schema input, final List<AggregateSpec> aggregates, final Schema.Builder builder)
    {
        for (final AggregateSpec aggregate : aggregates)
        {
            if (aggregate.kind() == AggregateSpec.Kind.COUNT)
            {
                builder.longColumn(aggregate.name());
                continue;
            }
            if (aggregate.kind() == AggregateSpec.Kind.CUSTOM)
            {
                // Opened once here too, so that a function that cannot read the input refuses the query now.
                final ColumnType type = openFunction(aggregate, input).resultType();
                switch (type)
                {
                    case LONG -> builder.longColumn(aggregate.name());
                    case TIMESTAMP -> builder.timestampColumn(aggregate.name());
                    case DOUBLE -> builder.doubleColumn(aggregate.name());
                    default -> throw new IllegalArgumentException(aggregate + ": result type " + type +
                        "; a user-defined aggregate gives LONG, TIMESTAMP or DOUBLE");
                }
                continue;
            }
            final Column column = input.column(aggregate.column());
            final boolean isDouble = column.type() == ColumnType.DOUBLE;
            if (!isDouble && !isInteger(column.type()))
            {
                throw new IllegalArgumentException(
                    aggregate + ": column '" + column.name() + "' is " + column.type() + ", not numeric");
            }
            if (aggregate.kind() == AggregateSpec.Kind.AVG || isDouble)
            {
                builder.doubleColumn(aggregate.name());
            }
            else if (column.type() == ColumnType.TIMESTAMP && aggregate.kind() != AggregateSpec.Kind.SUM)
            {
                builder.timestampColumn(aggregate.name());
            }
            else
            {
                builder.longColumn(aggregate.name());
            }
        }
    }

    /**
     * @return bytes of accumulators per group, a multiple of 8.
     */
    public int width()
    {
        return width;
    }

    /**
     * Starts the accumulators of a new group from its first row.
     *
     * @param row    the group's first row.
     * @param values buffer holding the accumulators.
     * @param offset of the first accumulator.
     */
    public void init(final RowView row, final MutableDirectBuffer values, final int offset)
    {
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.init(row, values, offset);
        }
    }

    /**
     * Adds a row to a group's accumulators.
     *
     * @param row    to add.
     * @param values buffer holding the accumulators.
     * @param offset of the first accumulator.
     */
    public void accumulate(final RowView row, final MutableDirectBuffer values, final int offset)
    {
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.accumulate(row, values, offset);
        }
    }

    /**
     * Folds the accumulators at {@code fromOffset} into those at {@code toOffset} (merging two groups).
     *
     * @param values     buffer holding both.
     * @param toOffset   of the accumulators that receive.
     * @param fromOffset of the accumulators merged in.
     */
    public void merge(final MutableDirectBuffer values, final int toOffset, final int fromOffset)
    {
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.merge(values, toOffset, fromOffset);
        }
    }

    /**
     * Writes each aggregate's result into its output column.
     *
     * @param values buffer holding the accumulators.
     * @param offset of the first accumulator.
     * @param out    writer of the output row.
     */
    public void write(final DirectBuffer values, final int offset, final RowWriter out)
    {
        for (final Accumulator accumulator : accumulators)
        {
            accumulator.write(values, offset, out);
        }
    }


    private static AggregateFunction openFunction(final AggregateSpec aggregate, final Schema input)
    {
        final AggregateFunction function = aggregate.newFunction();
        if (function.accumulatorBytes() < 1)
        {
            throw new IllegalArgumentException(aggregate + ": accumulatorBytes() is " + function.accumulatorBytes() +
                "; an accumulator takes at least one byte");
        }
        function.open(input);
        return function;
    }

    private static boolean isInteger(final ColumnType type)
    {
        return type == ColumnType.LONG || type == ColumnType.INT || type == ColumnType.TIMESTAMP;
    }

    private static Accumulator accumulator(
        final AggregateSpec aggregate, final Column input, final Column target, final int offset)
    {
        if (aggregate.kind() == AggregateSpec.Kind.COUNT)
        {
            return new CountAccumulator(offset, target);
        }
        final NumericReader reader = reader(input);
        switch (aggregate.kind())
        {
            case AVG: return new AvgAccumulator(offset, target, reader);
            case SUM: return input.type() == ColumnType.DOUBLE ?
                new DoubleAccumulator(offset, target, reader, DoubleAccumulator.SUM) :
                new LongAccumulator(offset, target, reader, LongAccumulator.SUM);
            case MIN: return input.type() == ColumnType.DOUBLE ?
                new DoubleAccumulator(offset, target, reader, DoubleAccumulator.MIN) :
                new LongAccumulator(offset, target, reader, LongAccumulator.MIN);
            default: return input.type() == ColumnType.DOUBLE ?
                new DoubleAccumulator(offset, target, reader, DoubleAccumulator.MAX) :
                new LongAccumulator(offset, target, reader, LongAccumulator.MAX);
        }
    }

    private static NumericReader reader(final Column input)
    {
        switch (input.type())
        {
            case INT:
            {
                final IntColumn column = (IntColumn)input;
                return new NumericReader()
                {
                    public long asLong(final RowView row)
                    {
                        return column.get(row);
                    }

                    public double asDouble(final RowView row)
                    {
                        return column.get(row);
                    }
                };
            }
            case DOUBLE:
            {
                final DoubleColumn column = (DoubleColumn)input;
                return new NumericReader()
                {
                    public long asLong(final RowView row)
                    {
                        return (long)column.get(row);
                    }

                    public double asDouble(final RowView row)
                    {
                        return column.get(row);
                    }
                };
            }
            default:
            {
                final LongColumn column = (LongColumn)input;
                return new NumericReader()
                {
                    public long asLong(final RowView row)
                    {
                        return column.get(row);
                    }

                    public double asDouble(final RowView row)
                    {
                        return column.get(row);
                    }
                };
            }
        }
    }

    private interface NumericReader
    {
        long asLong(RowView row);

        double asDouble(RowView row);
    }

    private abstract static class Accumulator
    {
        final int offset;
        final Column target;

        Accumulator(final int offset, final Column target)
        {
            this.offset = offset;
            this.target = target;
        }

        abstract void init(RowView row, MutableDirectBuffer values, int base);

        abstract void accumulate(RowView row, MutableDirectBuffer values, int base);

        abstract void merge(MutableDirectBuffer values, int toBase, int fromBase);

        abstract void write(DirectBuffer values, int base, RowWriter out);

    }

    private static final class CustomAccumulator extends Accumulator
    {
        private final AggregateFunction function;
        private final boolean isDouble;

        CustomAccumulator(final int offset, final Column target, final AggregateFunction function)
        {
            super(offset, target);
            this.function = function;
            this.isDouble = function.resultType() == ColumnType.DOUBLE;
        }

        void init(final RowView row, final MutableDirectBuffer values, final int base)
        {
            function.init(row, values, base + offset);
        }

        void accumulate(final RowView row, final MutableDirectBuffer values, final int base)
        {
            function.add(row, values, base + offset);
        }

        void merge(final MutableDirectBuffer values, final int toBase, final int fromBase)
        {
            function.merge(values, toBase + offset, fromBase + offset);
        }

        void write(final DirectBuffer values, final int base, final RowWriter out)
        {
            if (isDouble)
            {
                out.putDouble((DoubleColumn)target, function.doubleResult(values, base + offset));
            }
            else
            {
                out.putLong((LongColumn)target, function.longResult(values, base + offset));
            }
        }
    }

    private static final class CountAccumulator extends Accumulator
    {
        CountAccumulator(final int offset, final Column target)
        {
            super(offset, target);
        }

        void init(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putLong(base + offset, 1);
        }

        void accumulate(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putLong(base + offset, values.getLong(base + offset) + 1);
        }

        void merge(final MutableDirectBuffer values, final int toBase, final int fromBase)
        {
            values.putLong(toBase + offset, values.getLong(toBase + offset) + values.getLong(fromBase + offset));
        }

        void write(final DirectBuffer values, final int base, final RowWriter out)
        {
            out.putLong((LongColumn)target, values.getLong(base + offset));
        }
    }

    private static final class LongAccumulator extends Accumulator
    {
        static final int SUM = 0;
        static final int MIN = 1;
        static final int MAX = 2;

        private final NumericReader reader;
        private final int function;

        LongAccumulator(final int offset, final Column target, final NumericReader reader, final int function)
        {
            super(offset, target);
            this.reader = reader;
            this.function = function;
        }

        void init(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putLong(base + offset, reader.asLong(row));
        }

        void accumulate(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putLong(base + offset, combine(values.getLong(base + offset), reader.asLong(row)));
        }

        void merge(final MutableDirectBuffer values, final int toBase, final int fromBase)
        {
            values.putLong(toBase + offset, combine(values.getLong(toBase + offset), values.getLong(fromBase + offset)));
        }

        private long combine(final long a, final long b)
        {
            return function == SUM ? a + b : function == MIN ? Math.min(a, b) : Math.max(a, b);
        }

        void write(final DirectBuffer values, final int base, final RowWriter out)
        {
            out.putLong((LongColumn)target, values.getLong(base + offset));
        }
    }

    private static final class DoubleAccumulator extends Accumulator
    {
        static final int SUM = 0;
        static final int MIN = 1;
        static final int MAX = 2;

        private final NumericReader reader;
        private final int function;

        DoubleAccumulator(final int offset, final Column target, final NumericReader reader, final int function)
        {
            super(offset, target);
            this.reader = reader;
            this.function = function;
        }

        void init(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putDouble(base + offset, reader.asDouble(row));
        }

        void accumulate(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putDouble(base + offset, combine(values.getDouble(base + offset), reader.asDouble(row)));
        }

        void merge(final MutableDirectBuffer values, final int toBase, final int fromBase)
        {
            values.putDouble(toBase + offset,
                combine(values.getDouble(toBase + offset), values.getDouble(fromBase + offset)));
        }

        private double combine(final double a, final double b)
        {
            return function == SUM ? a + b : function == MIN ? Math.min(a, b) : Math.max(a, b);
        }

        void write(final DirectBuffer values, final int base, final RowWriter out)
        {
            out.putDouble((DoubleColumn)target, values.getDouble(base + offset));
        }
    }

    private static final class AvgAccumulator extends Accumulator
    {
        private final NumericReader reader;

        AvgAccumulator(final int offset, final Column target, final NumericReader reader)
        {
            super(offset, target);
            this.reader = reader;
        }

        void init(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putDouble(base + offset, reader.asDouble(row));
            values.putLong(base + offset + 8, 1);
        }

        void accumulate(final RowView row, final MutableDirectBuffer values, final int base)
        {
            values.putDouble(base + offset, values.getDouble(base + offset) + reader.asDouble(row));
            values.putLong(base + offset + 8, values.getLong(base + offset + 8) + 1);
        }

        void merge(final MutableDirectBuffer values, final int toBase, final int fromBase)
        {
            values.putDouble(toBase + offset, values.getDouble(toBase + offset) + values.getDouble(fromBase + offset));
            values.putLong(toBase + offset + 8, values.getLong(toBase + offset + 8) + values.getLong(fromBase + offset + 8));
        }

        private double mean(final DirectBuffer values, final int base)
        {
            return values.getDouble(base + offset) / values.getLong(base + offset + 8);
        }

        void write(final DirectBuffer values, final int base, final RowWriter out)
        {
            out.putDouble((DoubleColumn)target, mean(values, base));
        }
    }
}
