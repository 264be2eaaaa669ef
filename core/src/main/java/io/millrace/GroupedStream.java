package io.millrace;

import io.millrace.internal.operator.AggregateOperator;
import io.millrace.internal.operator.EmissionPolicy;
import io.millrace.internal.operator.SessionWindowOperator;
import io.millrace.internal.operator.WindowOperator;
import io.millrace.internal.operator.WindowOperators;
import io.millrace.internal.state.AggregateLayout;
import io.millrace.row.Schema;

import java.util.List;

/**
 * A stream grouped by key columns, and optionally an event-time window, waiting for its aggregates. Immutable.
 */
public final class GroupedStream
{
    private final Stream parent;
    private final List<String> keys;
    private final Window window;

    GroupedStream(final Stream parent, final List<String> keys, final Window window)
    {
        this.parent = parent;
        this.keys = keys;
        this.window = window;
    }

    /**
     * Aggregates each group. The result has {@code window_start} and {@code window_end} when grouped by a window,
     * then the key columns (none for a window alone: one group per window), then one column per aggregate. Without
     * a window the result table keeps every group, so it can be written in update or complete mode, not append.
     *
     * @param aggregates at least one; output names must be distinct from each other, from the keys and from the
     *                   window columns.
     * @return the aggregated stream.
     * @throws IllegalArgumentException naming the aggregate or column at fault.
     */
    public Stream agg(final Aggregate... aggregates)
    {
        if (aggregates.length == 0)
        {
            throw new IllegalArgumentException("agg needs at least one aggregate for groupBy" + keys);
        }
        final List<Aggregate> list = List.of(aggregates);
        checkOutputNames(list);
        final Schema input = parent.schema();
        final Schema.Builder builder = Schema.builder();
        if (null != window)
        {
            builder.timestampColumn(WindowOperators.WINDOW_START).timestampColumn(WindowOperators.WINDOW_END);
        }
        for (final String key : keys)
        {
            builder.like(input.column(key));
        }
        AggregateLayout.addOutputColumns(input, list, builder);
        final Schema output = builder.build();
        if (null == window)
        {
            return parent.child(output, "groupBy" + keys + ".agg" + list, Stream.Kind.AGGREGATION,
                (query, context) -> new AggregateOperator(input, keys, list, output, policy(query),
                    context.counters()));
        }

        final WindowOperators.Spec spec = new WindowOperators.Spec(
            window.timeColumn(), window.sizeMs(), window.slideMs(), keys, list);
        final String description = "groupBy(" + window + (keys.isEmpty() ? "" : ", " + String.join(", ", keys)) +
            ").agg" + list;
        return parent.windowedChild(output, description, window, window.kind() == Window.Kind.SESSION ?
            (query, context) -> new SessionWindowOperator(input, spec, output, policy(query), context) :
            (query, context) -> new WindowOperator(input, spec, output, policy(query), context));
    }

    private void checkOutputNames(final List<Aggregate> aggregates)
    {
        for (int i = 0; i < aggregates.size(); i++)
        {
            final Aggregate aggregate = aggregates.get(i);
            final String name = aggregate.name();
            String clash = null;
            if (keys.contains(name))
            {
                clash = "a key column of groupBy" + keys;
            }
            else if (null != window &&
                (name.equals(WindowOperators.WINDOW_START) || name.equals(WindowOperators.WINDOW_END)))
            {
                clash = "a window column";
            }
            for (int j = 0; j < i && null == clash; j++)
            {
                if (aggregates.get(j).name().equals(name))
                {
                    clash = "the output of " + aggregates.get(j);
                }
            }
            if (null != clash)
            {
                throw new IllegalArgumentException("aggregate " + aggregate + ": output column '" + name +
                    "' is also " + clash + "; rename it with as(...)");
            }
        }
    }

    /**
     * @return {@code agg(Aggregate.count())}.
     */
    public Stream count()
    {
        return agg(Aggregate.count());
    }

    private static EmissionPolicy policy(final Stage.QuerySettings query)
    {
        return EmissionPolicy.of(query.outputMode(), query.trigger().kind() == Trigger.Kind.CONTINUOUS);
    }
}
