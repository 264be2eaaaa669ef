package io.millrace;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.internal.plan.Analyzer;
import io.millrace.internal.plan.LogicalNode;
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
}
