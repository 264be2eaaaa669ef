package io.millrace.function;

import io.millrace.row.ColumnType;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A user-defined aggregate over a group, used as {@code Aggregate.of(name, MyFunction::new)} wherever the
 * built-in aggregates are: {@code groupBy(keys).agg(...)} and every window kind. Its state is a fixed-width
 * accumulator of {@link #accumulatorBytes()} bytes that Millrace keeps off-heap beside the group's other
 * accumulators, snapshots with each epoch and restores on recovery; the function itself holds no per-group state.
 * <p>
 * The methods run on the query's operator thread, once per row ({@link #init} for a group's first row,
 * {@link #add} for the others), and should allocate nothing. Session windows that come to overlap are merged with
 * {@link #merge}. The result, of {@link #resultType()}, is read with {@link #longResult} or
 * {@link #doubleResult}. Millrace makes one instance per query from the factory given to {@code Aggregate.of}
 * and calls {@link #open} with the input schema before the first row, where column accessors are resolved.
 * <p>
 * The accumulator's layout is part of the checkpoint: a query restarted from a checkpoint must use a function
 * with the same layout. The function's name is part of the query's identity, so give a function whose layout or
 * meaning changes a new name.
 */
public interface AggregateFunction
{
    /**
     * @return the type of the result column: {@link ColumnType#LONG}, {@link ColumnType#TIMESTAMP} (read with
     *         {@link #longResult}) or {@link ColumnType#DOUBLE} (read with {@link #doubleResult}).
     */
    ColumnType resultType();

    /**
     * @return bytes of the accumulator, at least 1; fixed for the function.
     */
    int accumulatorBytes();

    /**
     * Resolves what the function reads from the input rows, once per query, before any row.
     *
     * @param input schema of the rows aggregated.
     * @throws IllegalArgumentException naming the column when the input lacks what the function needs; the
     *                                  query is then refused when it is built.
     */
    default void open(final Schema input)
    {
    }

    /**
     * Starts a group's accumulator from its first row.
     *
     * @param row         the group's first row.
     * @param accumulator buffer holding the accumulator.
     * @param offset      of the accumulator in {@code accumulator}.
     */
    void init(RowView row, MutableDirectBuffer accumulator, int offset);

    /**
     * Adds a row to a group's accumulator.
     *
     * @param row         to add.
     * @param accumulator buffer holding the accumulator.
     * @param offset      of the accumulator in {@code accumulator}.
     */
    void add(RowView row, MutableDirectBuffer accumulator, int offset);

    /**
     * Folds one group's accumulator into another's (two session windows merged into one).
     *
     * @param accumulators buffer holding both.
     * @param intoOffset   of the accumulator that receives.
     * @param fromOffset   of the accumulator merged in.
     */
    void merge(MutableDirectBuffer accumulators, int intoOffset, int fromOffset);

    /**
     * @param accumulator buffer holding the accumulator.
     * @param offset      of the accumulator.
     * @return the result, for a {@link ColumnType#LONG} or {@link ColumnType#TIMESTAMP} result.
     */
    default long longResult(final DirectBuffer accumulator, final int offset)
    {
        throw new UnsupportedOperationException("longResult of a " + resultType() + " aggregate");
    }

    /**
     * @param accumulator buffer holding the accumulator.
     * @param offset      of the accumulator.
     * @return the result, for a {@link ColumnType#DOUBLE} result.
     */
    default double doubleResult(final DirectBuffer accumulator, final int offset)
    {
        throw new UnsupportedOperationException("doubleResult of a " + resultType() + " aggregate");
    }
}
