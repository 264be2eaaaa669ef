package io.millrace;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.internal.plan.Analyzer;
import io.millrace.internal.plan.LogicalNode;
import io.millrace.library.LatestRow;
import io.millrace.library.TopRows;
import io.millrace.row.Schema;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A stream partitioned by key columns, waiting for the function that processes each key's rows. Immutable.
 */
public final class KeyedStream
{
    private final LogicalNode input;
    private final List<String> keys;

    KeyedStream(final LogicalNode input, final List<String> keys)
    {
        this.input = input;
        this.keys = keys;
        Analyzer.keyed(input, keys);
    }

    /**
     * Runs a {@link KeyedProcessFunction} over each key's rows, with state and event-time timers of that key. The
     * function's rows are final (nothing is retracted), so the result may be written in append mode or aggregated
     * further; it carries the input's watermark, passed on after the timers it fired.
     *
     * @param output  schema of the rows the function emits.
     * @param factory makes the query's instance of the function; its class name is part of the query's identity,
     *                so give a function whose state layout or meaning changes a new class (or bump the version).
     * @return the stream of the rows the function emits.
     * @throws IllegalArgumentException when the factory gives no function or a negative state size.
     */
    public Stream process(final Schema output, final Supplier<? extends KeyedProcessFunction> factory)
    {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(factory, "factory");
        return new Stream(Analyzer.process(input, keys, output, factory));
    }

    /**
     * The latest row of each key ({@link LatestRow}): a row at or after the key's latest time (a tie goes to the later
     * arrival) is written when it changes the key's row.
     *
     * @param timeColumn LONG or TIMESTAMP column deciding which row is the latest.
     * @return the upsert stream of each key's latest row, of this stream's schema.
     */
    public Stream latest(final String timeColumn)
    {
        Objects.requireNonNull(timeColumn, "timeColumn");
        return process(input.schema(), () -> new LatestRow(timeColumn));
    }

    /**
     * The {@code n} rows of each key with the largest values of a column ({@link TopRows}), each rank written when
     * its row changes.
     *
     * @param n      rows kept per key, at least 1.
     * @param column LONG or TIMESTAMP column ranking the rows.
     * @return the upsert stream of ranked rows: this stream's columns, then an INT column {@code rank}.
     */
    public Stream top(final int n, final String column)
    {
        Objects.requireNonNull(column, "column");
        return process(TopRows.outputOf(input.schema()), () -> new TopRows(n, column));
    }
}
