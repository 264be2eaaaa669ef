package io.millrace.internal.plan;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.RowFlatMapper;
import io.millrace.function.RowMapper;
import io.millrace.function.RowPredicate;
import io.millrace.internal.operator.JoinSpec;
import io.millrace.internal.operator.WindowOperators;
import io.millrace.internal.state.AggregateSpec;
import io.millrace.row.Column;
import io.millrace.row.ColumnType;
import io.millrace.row.Schema;
import io.millrace.source.StaticTable;

import java.util.List;
import java.util.function.Supplier;

/**
 * A node of a query's logical plan: what a stream is, before anything runs. Nodes are immutable and checked when
 * they are made ({@link Analyzer}), so every node's schema and watermark are known. A node may be the input of
 * several others (a split); the {@link Planner} turns the nodes reachable from a query's outputs into operators.
 */
public sealed interface LogicalNode
{
    /**
     * @return the schema of the node's rows.
     */
    Schema schema();

    /**
     * @return the nodes this one reads, none for a source.
     */
    List<LogicalNode> inputs();

    /**
     * @return the operation, as plans and messages print it, e.g. {@code select[price, auction]}.
     */
    String operation();

    /**
     * @return the column of this stream's event-time watermark, or null when the stream has none.
     */
    String watermarkColumn();

    /**
     * @return whether the node holds state across rows.
     */
    default boolean isStateful()
    {
        return false;
    }

    /**
     * @param node of a plan.
     * @return the plan up to the node, as identities and messages print it: {@code source -> filter -> ...}, with
     * the inputs of a node of several in brackets.
     */
    static String describe(final LogicalNode node)
    {
        final List<LogicalNode> inputs = node.inputs();
        if (inputs.isEmpty())
        {
            return node.operation();
        }
        if (inputs.size() == 1)
        {
            return describe(inputs.get(0)) + " -> " + node.operation();
        }
        final StringBuilder text = new StringBuilder(node.operation()).append('(');
        for (int i = 0; i < inputs.size(); i++)
        {
            text.append(i == 0 ? "" : ", ").append('[').append(describe(inputs.get(i))).append(']');
        }
        return text.append(')').toString();
    }

    /**
     * Where rows come from.
     *
     * @param input       the source or publisher; identity matters, not equality.
     * @param description of the input, with every parameter that decides its records.
     * @param schema      of its rows.
     */
    record Source(Object input, String description, Schema schema) implements LogicalNode
    {
        @Override
        public List<LogicalNode> inputs()
        {
            return List.of();
        }

        @Override
        public String operation()
        {
            return description;
        }

        @Override
        public String watermarkColumn()
        {
            return null;
        }
    }

    /**
     * Keeps the rows a predicate accepts.
     *
     * @param input     node.
     * @param predicate user function.
     */
    record Filter(LogicalNode input, RowPredicate predicate) implements LogicalNode
    {
        @Override
        public Schema schema()
        {
            return input.schema();
        }

        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            return "filter";
        }

        @Override
        public String watermarkColumn()
        {
            return input.watermarkColumn();
        }
    }

    /**
     * Maps each row to one row, or (flat) to any number.
     *
     * @param input  node.
     * @param schema of the rows made.
     * @param mapper user function of one row.
     * @param flat   user function of any number of rows.
     */
    record Map(LogicalNode input, Schema schema, RowMapper mapper, RowFlatMapper flat) implements LogicalNode
    {
        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            return null != mapper ? "map" : "flatMap";
        }

        /**
         * A map is opaque: the watermark carries over when the output keeps a time column of the watermark's name,
         * which the function must then copy (or bound) from the input's.
         */
        @Override
        public String watermarkColumn()
        {
            return keptTime(input.watermarkColumn(), schema);
        }
    }

    /**
     * Keeps some columns, in the order given, each under the name of the schema's column at its place (so a select
     * also renames).
     *
     * @param input   node.
     * @param columns kept, as the input names them.
     * @param schema  of the columns kept.
     */
    record Select(LogicalNode input, List<String> columns, Schema schema) implements LogicalNode
    {
        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            final List<String> shown = new java.util.ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++)
            {
                final String name = schema.columns().get(i).name();
                shown.add(name.equals(columns.get(i)) ? name : columns.get(i) + " AS " + name);
            }
            return "select" + shown;
        }

        @Override
        public String watermarkColumn()
        {
            final int kept = columns.indexOf(input.watermarkColumn());
            return kept < 0 ? null : schema.columns().get(kept).name();
        }
    }

    /**
     * Declares the event-time watermark.
     *
     * @param input   node.
     * @param column  of event times.
     * @param delayMs how far the watermark trails the largest event time.
     */
    record Watermark(LogicalNode input, String column, long delayMs) implements LogicalNode
    {
        @Override
        public Schema schema()
        {
            return input.schema();
        }

        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            return "withWatermark(" + column + ", " + delayMs + "ms)";
        }

        @Override
        public String watermarkColumn()
        {
            return column;
        }

        @Override
        public boolean isStateful()
        {
            return true;
        }
    }

    /**
     * Drops rows whose key was seen before.
     *
     * @param input   node.
     * @param columns of the key.
     */
    record Deduplicate(LogicalNode input, List<String> columns) implements LogicalNode
    {
        @Override
        public Schema schema()
        {
            return input.schema();
        }

        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            return "dropDuplicates" + columns;
        }

        @Override
        public String watermarkColumn()
        {
            return input.watermarkColumn();
        }

        @Override
        public boolean isStateful()
        {
            return true;
        }
    }

    /**
     * Aggregates groups: by key columns, or by an event-time window and key columns.
     *
     * @param input      node.
     * @param keys       grouping columns besides the window.
     * @param window     the window, or null.
     * @param aggregates the functions.
     * @param schema     {@code window_start, window_end} with a window, the keys, one column per aggregate.
     */
    record Aggregate(
        LogicalNode input, List<String> keys, WindowSpec window, List<AggregateSpec> aggregates, Schema schema)
        implements LogicalNode
    {
        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            if (null == window)
            {
                return "groupBy" + keys + ".agg" + aggregates;
            }
            return "groupBy(" + window.description() + (keys.isEmpty() ? "" : ", " + String.join(", ", keys)) +
                ").agg" + aggregates;
        }

        /**
         * Tumbling and sliding windows pass on a watermark on {@code window_start} (see the window operator); a
         * session may grow backwards while open and a group's row changes forever, so neither output has one.
         */
        @Override
        public String watermarkColumn()
        {
            return null != window && !window.isSession() ? WindowOperators.WINDOW_START : null;
        }

        @Override
        public boolean isStateful()
        {
            return true;
        }
    }

    /**
     * The rows of several streams of one schema, as they arrive.
     *
     * @param inputs two or more nodes.
     */
    record Union(List<LogicalNode> inputs) implements LogicalNode
    {
        @Override
        public Schema schema()
        {
            return inputs.get(0).schema();
        }

        @Override
        public String operation()
        {
            return "union";
        }

        /**
         * The watermark of a node of several inputs is the smallest of theirs, so it is on a column only when each
         * input has its watermark there.
         */
        @Override
        public String watermarkColumn()
        {
            final String column = inputs.get(0).watermarkColumn();
            for (final LogicalNode input : inputs)
            {
                if (null == column || !column.equals(input.watermarkColumn()))
                {
                    return null;
                }
            }
            return column;
        }
    }

    /**
     * Pairs of rows of two streams with equal keys, optionally bounded in time or windowed.
     *
     * @param left  node.
     * @param right node.
     * @param spec  the keys, times, bound or window, and the output schema.
     */
    record Join(LogicalNode left, LogicalNode right, JoinSpec spec) implements LogicalNode
    {
        @Override
        public Schema schema()
        {
            return spec.output();
        }

        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(left, right);
        }

        @Override
        public String operation()
        {
            final String on = (spec.leftOuter() ? "leftOuterJoin" : "join") + spec.leftKeys() + "=" + spec.rightKeys();
            if (spec.windowed())
            {
                return on + " in window(" + spec.leftTime() + "=" + spec.rightTime() + ", " + spec.sizeMs() +
                    "ms, " + spec.slideMs() + "ms)";
            }
            if (spec.bounded())
            {
                return on + " where " + spec.leftTime() + " between " + spec.rightTime() + " - " + spec.beforeMs() +
                    "ms and " + spec.rightTime() + " + " + spec.afterMs() + "ms";
            }
            return on;
        }

        /**
         * A windowed join passes on a watermark on {@code window_start}, as a windowed aggregation does; the other
         * joins none yet.
         */
        @Override
        public String watermarkColumn()
        {
            // An interval join's rows carry the watermark on the left time (see IntervalJoinOperator).
            return spec.windowed() ? WindowOperators.WINDOW_START : spec.bounded() ? spec.leftTime() : null;
        }

        @Override
        public boolean isStateful()
        {
            return true;
        }
    }

    /**
     * Each row of a stream with the rows of a static table of equal keys.
     *
     * @param input node.
     * @param table the table.
     * @param spec  the keys and the output schema; the right side is the table's.
     */
    record StaticJoin(LogicalNode input, StaticTable table, JoinSpec spec) implements LogicalNode
    {
        @Override
        public Schema schema()
        {
            return spec.output();
        }

        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            return (spec.leftOuter() ? "leftOuterJoin" : "join") + spec.leftKeys() + "=" + spec.rightKeys() +
                " with " + table;
        }

        @Override
        public String watermarkColumn()
        {
            return keptTime(input.watermarkColumn(), schema());
        }
    }

    /**
     * A user function over each key's rows, with state and timers of the key.
     *
     * @param input    node.
     * @param keys     columns of the key.
     * @param schema   of the rows the function emits.
     * @param factory  of the function.
     * @param function its class name, as plans print it.
     */
    record Process(
        LogicalNode input, List<String> keys, Schema schema, Supplier<? extends KeyedProcessFunction> factory,
        String function) implements LogicalNode
    {
        @Override
        public List<LogicalNode> inputs()
        {
            return List.of(input);
        }

        @Override
        public String operation()
        {
            return "keyBy" + keys + ".process(" + function + ")";
        }

        /**
         * Timers fire, and their rows are written, before the watermark that fired them goes on: the output carries
         * the input's watermark, on a column of the name if the function writes one.
         */
        @Override
        public String watermarkColumn()
        {
            return keptTime(input.watermarkColumn(), schema);
        }

        @Override
        public boolean isStateful()
        {
            return true;
        }
    }

    /**
     * A window of an aggregation.
     *
     * @param timeColumn  of event times.
     * @param sizeMs      window size, or session gap.
     * @param slideMs     between window starts; 0 for sessions.
     * @param description as the API prints it.
     */
    record WindowSpec(String timeColumn, long sizeMs, long slideMs, String description)
    {
        /**
         * @return whether this is a session window.
         */
        public boolean isSession()
        {
            return slideMs == 0;
        }
    }

    private static String keptTime(final String column, final Schema schema)
    {
        if (null == column || !schema.contains(column))
        {
            return null;
        }
        final Column kept = schema.column(column);
        return kept.type() == ColumnType.LONG || kept.type() == ColumnType.TIMESTAMP ? column : null;
    }
}
