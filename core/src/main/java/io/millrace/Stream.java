package io.millrace;

import io.millrace.function.RowFlatMapper;
import io.millrace.function.RowMapper;
import io.millrace.function.RowPredicate;
import io.millrace.internal.plan.Analyzer;
import io.millrace.internal.plan.LogicalNode;
import io.millrace.row.Schema;
import io.millrace.source.StaticTable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A node of a query's logical plan: the unbounded table produced by its source and the operations so far.
 * Each call returns a new node; nothing runs until {@link StreamWriter#start()}. Immutable; build on any thread.
 */
public final class Stream
{
    private final LogicalNode node;

    Stream(final LogicalNode node)
    {
        this.node = node;
    }

    static Stream root(final Object input, final String description, final Schema schema)
    {
        return new Stream(Analyzer.source(input, description, schema));
    }

    /**
     * @return the schema of this node's rows.
     */
    public Schema schema()
    {
        return node.schema();
    }

    /**
     * Keeps the rows {@code predicate} accepts.
     *
     * @param predicate run on the operator thread for each row.
     * @return the filtered stream.
     */
    public Stream filter(final RowPredicate predicate)
    {
        Objects.requireNonNull(predicate, "predicate");
        return new Stream(Analyzer.filter(node, predicate));
    }

    /**
     * Maps each row to one row of {@code output}.
     *
     * @param output schema of the mapped rows.
     * @param mapper run on the operator thread for each row.
     * @return the mapped stream.
     */
    public Stream map(final Schema output, final RowMapper mapper)
    {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(mapper, "mapper");
        return new Stream(Analyzer.map(node, output, mapper));
    }

    /**
     * Maps each row to zero or more rows of {@code output}.
     *
     * @param output schema of the emitted rows.
     * @param mapper run on the operator thread for each row.
     * @return the stream of emitted rows.
     */
    public Stream flatMap(final Schema output, final RowFlatMapper mapper)
    {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(mapper, "mapper");
        return new Stream(Analyzer.flatMap(node, output, mapper));
    }

    /**
     * Keeps the named columns, in the order given.
     *
     * @param columns to keep.
     * @return the projected stream.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public Stream select(final String... columns)
    {
        return new Stream(Analyzer.select(node, List.of(columns)));
    }

    /**
     * Renames a column, as Spark's {@code withColumnRenamed}; the other columns stay as they are, in order. A
     * watermark on the column moves to its new name.
     *
     * @param existing column to rename.
     * @param newName  its name from now on.
     * @return the stream with the column renamed.
     * @throws IllegalArgumentException naming the column when it does not exist, or when another column has the new
     *                                  name.
     */
    public Stream withColumnRenamed(final String existing, final String newName)
    {
        return new Stream(Analyzer.rename(node, existing, newName));
    }

    /**
     * Declares the event-time watermark (docs/semantics.md): before each record, the watermark is the largest event
     * time of the records before it minus {@code delay}. Windows downstream close when the watermark reaches their
     * end, and records for closed windows are late.
     *
     * @param timeColumn LONG or TIMESTAMP column of event times.
     * @param delay      how far the watermark trails the largest event time seen; zero or more.
     * @return the stream with a watermark.
     * @throws IllegalArgumentException naming the column when it is missing or not a time, when the delay is
     *                                  beyond a long number of milliseconds, or when the stream already has a
     *                                  watermark.
     */
    public Stream withWatermark(final String timeColumn, final Duration delay)
    {
        final long delayMs;
        try
        {
            delayMs = delay.toMillis();
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException("watermark delay must be 0 to " + Long.MAX_VALUE + " ms: " + delay, ex);
        }
        return new Stream(Analyzer.watermark(node, timeColumn, delayMs));
    }

    /**
     * Drops rows whose values of {@code columns} were seen before. With a watermark, a key is remembered until
     * the watermark passes its first occurrence's event time plus the delay, so state stays bounded; without
     * one, forever. DOUBLE key values are compared as in {@link #groupBy(String...)}.
     *
     * @param columns the key; at least one.
     * @return the stream without duplicates.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public Stream dropDuplicates(final String... columns)
    {
        return new Stream(Analyzer.deduplicate(node, List.of(columns)));
    }

    /**
     * Groups rows by an event-time window and some columns, for a windowed aggregation. The result has the
     * columns {@code window_start}, {@code window_end}, the key columns, then the aggregates. DOUBLE key values
     * are grouped as in {@link #groupBy(String...)}. Without key columns every row of a window falls in one group:
     * a global windowed aggregate (sessions then span all rows).
     *
     * @param window  tumbling, sliding or session window over a time column.
     * @param columns to group by besides the window; none for one group per window.
     * @return the grouped stream.
     * @throws IllegalArgumentException naming a column that does not exist or is not a time.
     */
    public GroupedStream groupBy(final Window window, final String... columns)
    {
        Objects.requireNonNull(window, "window");
        return new GroupedStream(node, List.of(columns), window);
    }

    /**
     * Groups rows by the values of some columns, for an aggregation. DOUBLE values are grouped as SQL compares
     * them: {@code -0.0} falls in the group of {@code 0.0}, and every NaN, whatever its bits, in one group; the
     * result holds {@code 0.0} and the canonical {@link Double#NaN} for those groups.
     *
     * @param columns to group by; at least one.
     * @return the grouped stream.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public GroupedStream groupBy(final String... columns)
    {
        return new GroupedStream(node, List.of(columns), null);
    }

    /**
     * Partitions the stream by key columns, for a function over each key's rows with state and timers
     * ({@link KeyedStream#process}). DOUBLE key values are grouped as in {@link #groupBy(String...)}.
     *
     * @param columns of the key; at least one.
     * @return the keyed stream.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public KeyedStream keyBy(final String... columns)
    {
        return new KeyedStream(node, List.of(columns));
    }

    /**
     * The rows of this stream and of {@code others}, all of this stream's schema, as they arrive: a row of each
     * input is passed on when it comes. The watermark is the smallest of the inputs' watermarks (an input without
     * one holds it back forever), so a window downstream closes only once every input has passed its end; it is on
     * a column only when every input has its watermark on that column.
     *
     * @param others streams of the same input and schema; at least one.
     * @return the union.
     * @throws IllegalArgumentException naming the stream whose schema differs.
     */
    public Stream union(final Stream... others)
    {
        if (others.length == 0)
        {
            throw new IllegalArgumentException("union needs at least one other stream");
        }
        final List<LogicalNode> inputs = new ArrayList<>();
        inputs.add(node);
        for (final Stream other : others)
        {
            inputs.add(Objects.requireNonNull(other, "stream").node);
        }
        return new Stream(Analyzer.union(inputs));
    }

    /**
     * Joins this stream (the left side) with another of the same input (the right side): pairs of rows with equal
     * keys, optionally bounded in time or within one window ({@link Join}). Each pair is written once: when its
     * second row arrives, or for a windowed join when the window closes. With a time bound or a window, both sides
     * need a watermark on their time column, and the join's watermark is the smaller of theirs; a row whose time is
     * below it (for a window: whose windows are all closed) is late, counted and not joined, and rows no later row
     * can meet are dropped from state. Without either, the join keeps every row for as long as the query runs.
     *
     * @param right stream whose rows are the right side.
     * @param join  the keys, and the time bound or window.
     * @return the joined stream: the left columns, then the right columns (see {@link Join}).
     * @throws IllegalArgumentException naming the column at fault.
     */
    public Stream join(final Stream right, final Join join)
    {
        Objects.requireNonNull(right, "right");
        Objects.requireNonNull(join, "join");
        final Window window = join.window();
        final LogicalNode.WindowSpec spec = null == window ? null : new LogicalNode.WindowSpec(
            window.timeColumn(), window.sizeMs(), window.slideMs(), window.toString());
        return new Stream(Analyzer.join(node, right.node, join.leftKeys(), join.rightKeys(), join.leftTime(),
            join.rightTime(), join.beforeMs(), join.afterMs(), spec, join.rightPrefix(), join.isLeftOuter()));
    }

    /**
     * Joins each row of this stream with the rows of a static table of equal keys, as the row arrives (a stream-static
     * join): only {@link Join#on}, {@link Join#and}, {@link Join#rightPrefix} and {@link Join#leftOuter} apply, and a
     * left outer join writes a row without a table row at once. The table is indexed when the query starts and holds
     * no state; it is part of the query's identity by its checksum.
     *
     * @param table whose rows are the right side.
     * @param join  the keys.
     * @return the joined stream: this stream's columns, then the table's (see {@link Join}).
     * @throws IllegalArgumentException naming the column at fault, or a time bound or window, which a table has not.
     */
    public Stream join(final StaticTable table, final Join join)
    {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(join, "join");
        if (null != join.leftTime())
        {
            throw new IllegalArgumentException("join with " + table + ": a table has no event time; a time bound or " +
                "a window joins two streams");
        }
        return new Stream(Analyzer.staticJoin(node, table, join.leftKeys(), join.rightKeys(), join.rightPrefix(),
            join.isLeftOuter()));
    }

    /**
     * Starts describing where and how this stream is written.
     *
     * @return a writer for this stream.
     */
    public StreamWriter writeStream()
    {
        return new StreamWriter(this);
    }

    LogicalNode node()
    {
        return node;
    }

    @Override
    public String toString()
    {
        return LogicalNode.describe(node);
    }
}
