package io.millrace;

import io.millrace.internal.operator.AggregateOperator;
import io.millrace.internal.state.AggregateLayout;
import io.millrace.row.Schema;

import java.util.List;

/**
 * A stream grouped by key columns, waiting for its aggregates. Immutable.
 */
public final class GroupedStream
{
    private final Stream parent;
    private final List<String> keys;

    GroupedStream(final Stream parent, final List<String> keys)
    {
        this.parent = parent;
        this.keys = keys;
    }

    /**
     * Aggregates each group; the result has the key columns then one column per aggregate. Without a window
     * the result table keeps every group, so it can be written in update or complete mode, not append.
     *
     * @param aggregates at least one; output names must be distinct from each other and from the keys.
     * @return the aggregated stream.
     * @throws IllegalArgumentException naming the aggregate or column at fault.
     */
    public Stream agg(final Aggregate... aggregates)
    {
        if (aggregates.length == 0)
        {
            throw new IllegalArgumentException("agg needs at least one aggregate for groupBy" + keys);
        }
        final Schema input = parent.schema();
        final Schema.Builder builder = Schema.builder();
        for (final String key : keys)
        {
            builder.like(input.column(key));
        }
        final List<Aggregate> list = List.of(aggregates);
        AggregateLayout.addOutputColumns(input, list, builder);
        final Schema output = builder.build();
        final String description = "groupBy" + keys + ".agg" + list;
        return parent.child(output, description, Stream.Kind.AGGREGATION, (query, context) -> new AggregateOperator(
            input, keys, list, output, query.outputMode(),
            query.trigger().kind() == Trigger.Kind.CONTINUOUS, context.counters()));
    }

    /**
     * @return {@code agg(Aggregate.count())}.
     */
    public Stream count()
    {
        return agg(Aggregate.count());
    }
}
