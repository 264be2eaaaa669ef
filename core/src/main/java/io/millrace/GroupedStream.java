package io.millrace;

import io.millrace.internal.plan.Analyzer;
import io.millrace.internal.plan.LogicalNode;
import io.millrace.internal.state.AggregateSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A stream grouped by key columns, and optionally an event-time window, waiting for its aggregates. Immutable.
 */
public final class GroupedStream
{
    private final LogicalNode input;
    private final List<String> keys;
    private final LogicalNode.WindowSpec window;

    GroupedStream(final LogicalNode input, final List<String> keys, final Window window)
    {
        this.input = input;
        this.keys = keys;
        this.window = null == window ? null :
            new LogicalNode.WindowSpec(window.timeColumn(), window.sizeMs(), window.slideMs(), window.toString());
        Analyzer.grouping(input, keys, this.window);
    }

    /**
     * Aggregates each group. The result has {@code window_start} and {@code window_end} when grouped by a window,
     * then the key columns (none for a window alone: one group per window), then one column per aggregate. Without
     * a window the result table keeps every group, so it can be written in update or complete mode, not append.
     * <p>
     * The result is a stream like any other: it can be filtered, mapped, and aggregated again. A stateful operation
     * reading it (another aggregation, a deduplication) needs its final rows, so the aggregation then runs in append
     * mode, and must be windowed over a stream with a watermark. Tumbling and sliding windows pass on a watermark
     * on {@code window_start}: the smallest start of a window not yet written. So a second windowed aggregation on
     * {@code window_start} closes a window once every first-stage window starting in it has closed
     * (docs/semantics.md, chained aggregations).
     *
     * @param aggregates at least one; output names must be distinct from each other, from the keys and from the
     *                   window columns.
     * @return the aggregated stream.
     * @throws IllegalArgumentException naming the aggregate or column at fault.
     */
    public Stream agg(final Aggregate... aggregates)
    {
        final List<AggregateSpec> specs = new ArrayList<>();
        for (final Aggregate aggregate : aggregates)
        {
            specs.add(aggregate.spec());
        }
        return new Stream(Analyzer.aggregate(input, keys, window, specs));
    }

    /**
     * @return {@code agg(Aggregate.count())}.
     */
    public Stream count()
    {
        return agg(Aggregate.count());
    }
}
