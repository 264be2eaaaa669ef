package io.millrace;

import io.millrace.function.RowFlatMapper;
import io.millrace.function.RowMapper;
import io.millrace.function.RowPredicate;
import io.millrace.internal.operator.DeduplicateOperator;
import io.millrace.internal.operator.FilterOperator;
import io.millrace.internal.operator.FlatMapOperator;
import io.millrace.internal.operator.MapOperator;
import io.millrace.internal.operator.ProjectOperator;
import io.millrace.internal.operator.WatermarkOperator;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A node of a query's logical plan: the unbounded table produced by its source and the operations so far.
 * Each call returns a new node; nothing runs until {@link StreamWriter#start()}. Immutable; build on any thread.
 */
public final class Stream
{
    /** The role of a node in the plan. */
    enum Kind
    {
        SOURCE, STATELESS, WATERMARK, DEDUPLICATION, AGGREGATION, WINDOWED_AGGREGATION
    }

    private final Ingress ingress;
    private final Stream parent;
    private final Schema schema;
    private final String description;
    private final Kind kind;
    private final Stage stage;
    private final Window window;
    private final String watermarkColumn;
    private final long watermarkDelayMs;

    private Stream(
        final Ingress ingress,
        final Stream parent,
        final Schema schema,
        final String description,
        final Kind kind,
        final Stage stage,
        final Window window,
        final String watermarkColumn,
        final long watermarkDelayMs)
    {
        this.ingress = ingress;
        this.parent = parent;
        this.schema = schema;
        this.description = description;
        this.kind = kind;
        this.stage = stage;
        this.window = window;
        this.watermarkColumn = watermarkColumn;
        this.watermarkDelayMs = watermarkDelayMs;
    }

    static Stream root(final Ingress ingress)
    {
        return new Stream(ingress, null, ingress.schema(), ingress.toString(), Kind.SOURCE, null, null, null, 0);
    }

    /**
     * @return the schema of this node's rows.
     */
    public Schema schema()
    {
        return schema;
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
        return child(schema, "filter", Kind.STATELESS, (q, c) -> new FilterOperator(predicate, c));
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
        return child(output, "map", Kind.STATELESS, (q, c) -> new MapOperator(mapper, output, c));
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
        return child(output, "flatMap", Kind.STATELESS, (q, c) -> new FlatMapOperator(mapper, output, c));
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
        if (columns.length == 0)
        {
            throw new IllegalArgumentException("select needs at least one column");
        }
        final Schema.Builder builder = Schema.builder();
        for (final String name : columns)
        {
            builder.like(schema.column(name));
        }
        final Schema output = builder.build();
        final Schema input = schema;
        return child(output, "select" + List.of(columns), Kind.STATELESS, (q, c) -> new ProjectOperator(input, output));
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
        final LongColumn time = schema.longColumn(timeColumn);
        final long delayMs;
        try
        {
            delayMs = delay.toMillis();
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException("watermark delay must be 0 to " + Long.MAX_VALUE + " ms: " + delay, ex);
        }
        if (delayMs < 0)
        {
            throw new IllegalArgumentException("watermark delay must not be negative: " + delay);
        }
        if (null != watermark())
        {
            throw new IllegalArgumentException("the stream already has a watermark: " + watermark().description);
        }
        return new Stream(ingress, this, schema, "withWatermark(" + timeColumn + ", " + delayMs + "ms)",
            Kind.WATERMARK, (q, c) -> new WatermarkOperator(time, delayMs, c), null, timeColumn, delayMs);
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
        if (columns.length == 0)
        {
            throw new IllegalArgumentException("dropDuplicates needs at least one column");
        }
        final Column[] key = new Column[columns.length];
        for (int i = 0; i < columns.length; i++)
        {
            key[i] = schema.column(columns[i]);
        }
        final Stream watermark = watermark();
        final LongColumn time = null == watermark ? null : schema.longColumn(watermark.watermarkColumn);
        final long delayMs = null == watermark ? 0 : watermark.watermarkDelayMs;
        return child(schema, "dropDuplicates" + List.of(columns), Kind.DEDUPLICATION,
            (q, c) -> new DeduplicateOperator(key, time, delayMs, c));
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
        schema.longColumn(window.timeColumn());
        final Stream watermark = watermark();
        if (null != watermark && !watermark.watermarkColumn.equals(window.timeColumn()))
        {
            throw new IllegalArgumentException(window + " must be on the watermark's column: " + watermark.description);
        }
        return new GroupedStream(checkGroupBy(columns), List.of(columns), window);
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
        if (columns.length == 0)
        {
            throw new IllegalArgumentException("groupBy needs at least one column, or a window");
        }
        return new GroupedStream(checkGroupBy(columns), List.of(columns), null);
    }

    private Stream checkGroupBy(final String... columns)
    {
        for (final String name : columns)
        {
            schema.column(name);
        }
        if (hasAggregation())
        {
            throw new IllegalArgumentException(
                "multiple aggregations are not supported in one streaming query: groupBy" + List.of(columns) +
                " follows " + aggregationDescription());
        }
        return this;
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

    Stream child(final Schema output, final String what, final Kind childKind, final Stage childStage)
    {
        return new Stream(ingress, this, output, what, childKind, childStage, null, null, 0);
    }

    Stream windowedChild(final Schema output, final String what, final Window childWindow, final Stage childStage)
    {
        return new Stream(ingress, this, output, what, Kind.WINDOWED_AGGREGATION, childStage, childWindow, null, 0);
    }

    Ingress ingress()
    {
        return ingress;
    }

    boolean hasAggregation()
    {
        return null != aggregationDescription();
    }

    String aggregationDescription()
    {
        final Stream node = aggregation();
        return null == node ? null : node.description;
    }

    /**
     * @return the aggregation node on the path to this one, or null.
     */
    Stream aggregation()
    {
        for (Stream node = this; node != null; node = node.parent)
        {
            if (node.kind == Kind.AGGREGATION || node.kind == Kind.WINDOWED_AGGREGATION)
            {
                return node;
            }
        }
        return null;
    }

    /**
     * @return the watermark node on the path to this one, or null.
     */
    Stream watermark()
    {
        for (Stream node = this; node != null; node = node.parent)
        {
            if (node.kind == Kind.WATERMARK)
            {
                return node;
            }
        }
        return null;
    }

    boolean isWindowed()
    {
        return null != window;
    }

    Stream parent()
    {
        return parent;
    }

    String watermarkColumn()
    {
        return watermarkColumn;
    }

    long watermarkDelayMs()
    {
        return watermarkDelayMs;
    }

    /**
     * @return the nodes from the source's child to this one, in order.
     */
    List<Stream> path()
    {
        final List<Stream> nodes = new ArrayList<>();
        for (Stream node = this; node.parent != null; node = node.parent)
        {
            nodes.add(node);
        }
        Collections.reverse(nodes);
        return nodes;
    }

    Stage stage()
    {
        return stage;
    }

    @Override
    public String toString()
    {
        return null == parent ? description : parent + " -> " + description;
    }
}
