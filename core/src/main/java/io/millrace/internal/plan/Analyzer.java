package io.millrace.internal.plan;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.RowFlatMapper;
import io.millrace.function.RowMapper;
import io.millrace.function.RowPredicate;
import io.millrace.internal.operator.JoinSpec;
import io.millrace.internal.operator.WindowOperators;
import io.millrace.internal.state.AggregateLayout;
import io.millrace.internal.state.AggregateSpec;
import io.millrace.row.Column;
import io.millrace.row.Schema;
import io.millrace.source.StaticTable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes the nodes of a logical plan, checking each against its inputs as it is made, so that a mistake is reported
 * where it is written: a message names the operation and the column at fault, e.g.
 * {@code select[price, x]: no column 'x' in schema (...)}.
 */
public final class Analyzer
{
    private Analyzer()
    {
    }

    /**
     * @param input       the source or publisher.
     * @param description of the input.
     * @param schema      of its rows.
     * @return the node.
     */
    public static LogicalNode source(final Object input, final String description, final Schema schema)
    {
        return new LogicalNode.Source(input, description, schema);
    }

    /**
     * @param input     node.
     * @param predicate user function.
     * @return the node.
     */
    public static LogicalNode filter(final LogicalNode input, final RowPredicate predicate)
    {
        return new LogicalNode.Filter(input, predicate);
    }

    /**
     * @param input  node.
     * @param output schema.
     * @param mapper user function.
     * @return the node.
     */
    public static LogicalNode map(final LogicalNode input, final Schema output, final RowMapper mapper)
    {
        return new LogicalNode.Map(input, output, mapper, null);
    }

    /**
     * @param input  node.
     * @param output schema.
     * @param mapper user function.
     * @return the node.
     */
    public static LogicalNode flatMap(final LogicalNode input, final Schema output, final RowFlatMapper mapper)
    {
        return new LogicalNode.Map(input, output, null, mapper);
    }

    /**
     * @param input    node.
     * @param existing column to rename.
     * @param newName  its name from now on.
     * @return the node: every column, in order, one renamed.
     * @throws IllegalArgumentException naming the column when it does not exist or the new name is taken.
     */
    public static LogicalNode rename(final LogicalNode input, final String existing, final String newName)
    {
        final String operation = "withColumnRenamed[" + existing + " -> " + newName + "]";
        checked(operation, () -> input.schema().column(existing));
        final List<String> columns = new ArrayList<>();
        final Schema.Builder builder = Schema.builder();
        for (final Column column : input.schema().columns())
        {
            columns.add(column.name());
            checked(operation, () -> builder.like(column.name().equals(existing) ? newName : column.name(), column));
        }
        return new LogicalNode.Select(input, List.copyOf(columns), checked(operation, builder::build));
    }

    /**
     * @param input   node.
     * @param columns to keep, at least one.
     * @return the node.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public static LogicalNode select(final LogicalNode input, final List<String> columns)
    {
        final String operation = "select" + columns;
        if (columns.isEmpty())
        {
            throw new IllegalArgumentException("select needs at least one column");
        }
        final Schema.Builder builder = Schema.builder();
        for (final String name : columns)
        {
            checked(operation, () -> builder.like(input.schema().column(name)));
        }
        return new LogicalNode.Select(input, List.copyOf(columns), checked(operation, builder::build));
    }

    /**
     * @param input   node.
     * @param column  of event times.
     * @param delayMs zero or more.
     * @return the node.
     * @throws IllegalArgumentException when the column is missing or not a time, or the stream has a watermark.
     */
    public static LogicalNode watermark(final LogicalNode input, final String column, final long delayMs)
    {
        final String operation = "withWatermark(" + column + ", " + delayMs + "ms)";
        checked(operation, () -> input.schema().longColumn(column));
        if (delayMs < 0)
        {
            throw new IllegalArgumentException(operation + ": the delay must not be negative");
        }
        if (null != input.watermarkColumn())
        {
            throw new IllegalArgumentException(operation + ": the stream already has a watermark, on '" +
                input.watermarkColumn() + "': " + LogicalNode.describe(input));
        }
        return new LogicalNode.Watermark(input, column, delayMs);
    }

    /**
     * @param input   node.
     * @param columns of the key, at least one.
     * @return the node.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public static LogicalNode deduplicate(final LogicalNode input, final List<String> columns)
    {
        final String operation = "dropDuplicates" + columns;
        if (columns.isEmpty())
        {
            throw new IllegalArgumentException("dropDuplicates needs at least one column");
        }
        for (final String name : columns)
        {
            checked(operation, () -> input.schema().column(name));
        }
        return new LogicalNode.Deduplicate(input, List.copyOf(columns));
    }

    /**
     * @param input      node.
     * @param keys       grouping columns besides the window; at least one without a window.
     * @param window     the window, or null.
     * @param aggregates at least one; output names distinct from each other, the keys and the window columns.
     * @return the node.
     * @throws IllegalArgumentException naming the aggregate or column at fault.
     */
    public static LogicalNode aggregate(
        final LogicalNode input,
        final List<String> keys,
        final LogicalNode.WindowSpec window,
        final List<AggregateSpec> aggregates)
    {
        final String grouping = grouping(input, keys, window);
        if (aggregates.isEmpty())
        {
            throw new IllegalArgumentException("agg needs at least one aggregate for " + grouping);
        }
        checkOutputNames(keys, window, aggregates);

        final Schema.Builder builder = Schema.builder();
        if (null != window)
        {
            builder.timestampColumn(WindowOperators.WINDOW_START).timestampColumn(WindowOperators.WINDOW_END);
        }
        for (final String key : keys)
        {
            builder.like(input.schema().column(key));
        }
        final String operation = grouping + ".agg" + aggregates;
        checked(operation, () ->
        {
            AggregateLayout.addOutputColumns(input.schema(), aggregates, builder);
            return builder;
        });
        return new LogicalNode.Aggregate(
            input, List.copyOf(keys), window, List.copyOf(aggregates), checked(operation, builder::build));
    }

    /**
     * Checks a grouping before its aggregates are known.
     *
     * @param input  node.
     * @param keys   grouping columns besides the window; at least one without a window.
     * @param window the window, or null.
     * @return the grouping as messages print it, e.g. {@code groupBy[auction]}.
     * @throws IllegalArgumentException naming a column that does not exist, or a window off the watermark's column.
     */
    public static String grouping(
        final LogicalNode input, final List<String> keys, final LogicalNode.WindowSpec window)
    {
        final String grouping = null == window ? "groupBy" + keys :
            "groupBy(" + window.description() + (keys.isEmpty() ? "" : ", " + String.join(", ", keys)) + ")";
        if (null == window && keys.isEmpty())
        {
            throw new IllegalArgumentException("groupBy needs at least one column, or a window");
        }
        for (final String key : keys)
        {
            checked(grouping, () -> input.schema().column(key));
        }
        if (null != window)
        {
            checked(grouping, () -> input.schema().longColumn(window.timeColumn()));
            final String watermark = input.watermarkColumn();
            if (null != watermark && !watermark.equals(window.timeColumn()))
            {
                throw new IllegalArgumentException(grouping + ": the window must be on the watermark's column '" +
                    watermark + "': " + LogicalNode.describe(input));
            }
        }
        return grouping;
    }

    /**
     * @param inputs two or more nodes of one schema.
     * @return the node.
     * @throws IllegalArgumentException naming the input whose schema differs.
     */
    public static LogicalNode union(final List<LogicalNode> inputs)
    {
        if (inputs.size() < 2)
        {
            throw new IllegalArgumentException("union needs at least two streams");
        }
        final Schema schema = inputs.get(0).schema();
        for (int i = 1; i < inputs.size(); i++)
        {
            if (!inputs.get(i).schema().equals(schema))
            {
                throw new IllegalArgumentException("union: stream " + (i + 1) + " has the schema " +
                    inputs.get(i).schema() + ", the first " + schema + "; select or map them to one schema first");
            }
        }
        return new LogicalNode.Union(new ArrayList<>(inputs));
    }

    /**
     * Checks the key of a keyed stream.
     *
     * @param input   node.
     * @param columns of the key, at least one.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public static void keyed(final LogicalNode input, final List<String> columns)
    {
        final String operation = "keyBy" + columns;
        if (columns.isEmpty())
        {
            throw new IllegalArgumentException("keyBy needs at least one column");
        }
        for (final String name : columns)
        {
            checked(operation, () -> input.schema().column(name));
        }
    }

    /**
     * @param input   node.
     * @param keys    columns of the key.
     * @param output  schema of the rows the function emits.
     * @param factory of the function.
     * @return the node.
     * @throws IllegalArgumentException when the factory gives no function or a negative state size.
     */
    public static LogicalNode process(
        final LogicalNode input,
        final List<String> keys,
        final Schema output,
        final Supplier<? extends KeyedProcessFunction> factory)
    {
        keyed(input, keys);
        final KeyedProcessFunction function = factory.get();
        if (null == function)
        {
            throw new IllegalArgumentException("keyBy" + keys + ".process: the factory returned null");
        }
        final String name = describe(function);
        checked("keyBy" + keys + ".process(" + name + ")", () ->
        {
            function.open(input.schema(), output);
            return function;
        });
        if (function.listEntryBytes() < 0)
        {
            throw new IllegalArgumentException("keyBy" + keys + ".process(" + name + "): listEntryBytes() is " +
                function.listEntryBytes() + "; a list entry takes 0 bytes or more");
        }
        if (function.stateBytes() < 0)
        {
            throw new IllegalArgumentException("keyBy" + keys + ".process(" + name + "): stateBytes() is " +
                function.stateBytes() + "; a key's state takes 0 bytes or more");
        }
        return new LogicalNode.Process(input, List.copyOf(keys), output, factory, name);
    }

    /**
     * @return the function's class, and its own description when it has one (its parameters, for the library's
     * functions), as plans and identities print it.
     */
    private static String describe(final KeyedProcessFunction function)
    {
        final String type = function.getClass().getName();
        try
        {
            final boolean described = function.getClass().getMethod("toString").getDeclaringClass() != Object.class;
            return described ? type + " " + function : type;
        }
        catch (final NoSuchMethodException ex)
        {
            return type;
        }
    }

    /**
     * Longest row a join holds; longer schemas are refused, since each held row takes a record this wide.
     */
    public static final int MAX_JOIN_ROW_LENGTH = 64 * 1024;

    /**
     * @param left        node.
     * @param right       node.
     * @param leftKeys    key columns of the left rows, at least one.
     * @param rightKeys   key columns of the right rows, as many, of the same types.
     * @param leftTime    event-time column of the left rows, or null without a bound or window.
     * @param rightTime   event-time column of the right rows, or null without a bound or window.
     * @param beforeMs    of an interval join.
     * @param afterMs     of an interval join.
     * @param window      of a windowed join (on the left time column), or null.
     * @param rightPrefix for right columns whose names the left side has.
     * @param leftOuter   whether left rows that meet no right row are written too.
     * @return the node.
     * @throws IllegalArgumentException naming the column at fault.
     */
    public static LogicalNode join(
        final LogicalNode left,
        final LogicalNode right,
        final List<String> leftKeys,
        final List<String> rightKeys,
        final String leftTime,
        final String rightTime,
        final long beforeMs,
        final long afterMs,
        final LogicalNode.WindowSpec window,
        final String rightPrefix,
        final boolean leftOuter)
    {
        final String operation = (leftOuter ? "leftOuterJoin" : "join") + leftKeys + "=" + rightKeys;
        if (leftOuter && null == leftTime)
        {
            throw new IllegalArgumentException(operation + ": a left outer join needs a time bound (between) or a " +
                "window: without one, no watermark ever proves that a left row will meet no right row, so its " +
                "row alone could never be written");
        }
        checkJoinKeys(operation, left.schema(), right.schema(), leftKeys, rightKeys);
        if (null != leftTime)
        {
            checkJoinTime(operation, "left", left, leftTime);
            checkJoinTime(operation, "right", right, rightTime);
        }
        if (null != window && window.isSession())
        {
            throw new IllegalArgumentException(operation + ": a join window is tumbling or sliding, not " +
                window.description());
        }
        for (final LogicalNode side : List.of(left, right))
        {
            if (side.schema().maxRowLength() > MAX_JOIN_ROW_LENGTH)
            {
                throw new IllegalArgumentException(operation + ": rows of " + side.schema() + " may be " +
                    side.schema().maxRowLength() + " bytes, and a join holds rows of at most " + MAX_JOIN_ROW_LENGTH +
                    ": select the columns the join needs, or shorten their maximum lengths, first");
            }
        }

        final Schema output = joinSchema(operation, left.schema(), right.schema(), null != window, rightPrefix,
            leftOuter);
        return new LogicalNode.Join(left, right, new JoinSpec(left.schema(), right.schema(), List.copyOf(leftKeys),
            List.copyOf(rightKeys), leftTime, rightTime, beforeMs, afterMs,
            null == window ? 0 : window.sizeMs(), null == window ? 0 : window.slideMs(), leftOuter, output));
    }

    /**
     * @param input       node, the left side.
     * @param table       the right side.
     * @param leftKeys    key columns of the stream's rows, at least one.
     * @param rightKeys   key columns of the table's rows, as many, of the same types.
     * @param rightPrefix for table columns whose names the stream has.
     * @param leftOuter   whether stream rows without a table row are written too.
     * @return the node.
     * @throws IllegalArgumentException naming the column at fault.
     */
    public static LogicalNode staticJoin(
        final LogicalNode input,
        final StaticTable table,
        final List<String> leftKeys,
        final List<String> rightKeys,
        final String rightPrefix,
        final boolean leftOuter)
    {
        final String operation = (leftOuter ? "leftOuterJoin" : "join") + leftKeys + "=" + rightKeys + " with " +
            table;
        checkJoinKeys(operation, input.schema(), table.schema(), leftKeys, rightKeys);
        final Schema output = joinSchema(operation, input.schema(), table.schema(), false, rightPrefix, leftOuter);
        return new LogicalNode.StaticJoin(input, table, new JoinSpec(input.schema(), table.schema(),
            List.copyOf(leftKeys), List.copyOf(rightKeys), null, null, 0, 0, 0, 0, leftOuter, output));
    }

    private static void checkJoinKeys(
        final String operation,
        final Schema left,
        final Schema right,
        final List<String> leftKeys,
        final List<String> rightKeys)
    {
        if (leftKeys.isEmpty() || leftKeys.size() != rightKeys.size())
        {
            throw new IllegalArgumentException(operation + ": needs as many right key columns as left ones, one or " +
                "more");
        }
        for (int i = 0; i < leftKeys.size(); i++)
        {
            final String leftKey = leftKeys.get(i);
            final String rightKey = rightKeys.get(i);
            final Column leftColumn = checked(operation + " (left)", () -> left.column(leftKey));
            final Column rightColumn = checked(operation + " (right)", () -> right.column(rightKey));
            if (leftColumn.type() != rightColumn.type())
            {
                throw new IllegalArgumentException(operation + ": left column '" + leftKey + "' is " +
                    leftColumn.type() + " and right column '" + rightKey + "' is " + rightColumn.type() +
                    "; keys compare only within one type: map one side first");
            }
        }
    }

    private static Schema joinSchema(
        final String operation,
        final Schema left,
        final Schema right,
        final boolean windowed,
        final String rightPrefix,
        final boolean leftOuter)
    {
        final Schema.Builder builder = Schema.builder();
        if (windowed)
        {
            builder.timestampColumn(WindowOperators.WINDOW_START).timestampColumn(WindowOperators.WINDOW_END);
        }
        for (final Column column : left.columns())
        {
            builder.like(column);
        }
        for (final Column column : right.columns())
        {
            final boolean windowColumn = column.name().equals(WindowOperators.WINDOW_START) ||
                column.name().equals(WindowOperators.WINDOW_END);
            final boolean clash = left.contains(column.name()) || (windowed && windowColumn);
            builder.like(clash ? rightPrefix + column.name() : column.name(), column);
        }
        if (leftOuter)
        {
            builder.booleanColumn(JoinSpec.MATCHED);
        }
        return checked(operation, builder::build);
    }

    private static void checkJoinTime(
        final String operation, final String side, final LogicalNode node, final String column)
    {
        checked(operation + " (" + side + ")", () -> node.schema().longColumn(column));
        if (!column.equals(node.watermarkColumn()))
        {
            throw new IllegalArgumentException(operation + ": the " + side + " stream needs a watermark on '" +
                column + "', which evicts the rows no later row can meet" + (null == node.watermarkColumn() ?
                "; add withWatermark(\"" + column + "\", delay) before the join" :
                ", but has it on '" + node.watermarkColumn() + "'") + ": " + LogicalNode.describe(node));
        }
    }

    private static void checkOutputNames(
        final List<String> keys, final LogicalNode.WindowSpec window, final List<AggregateSpec> aggregates)
    {
        for (int i = 0; i < aggregates.size(); i++)
        {
            final AggregateSpec aggregate = aggregates.get(i);
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

    private static <T> T checked(final String operation, final Supplier<T> check)
    {
        try
        {
            return check.get();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(operation + ": " + ex.getMessage(), ex);
        }
    }
}
