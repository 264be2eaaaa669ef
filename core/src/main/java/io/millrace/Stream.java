package io.millrace;

import io.millrace.function.RowFlatMapper;
import io.millrace.function.RowMapper;
import io.millrace.function.RowPredicate;
import io.millrace.internal.operator.FilterOperator;
import io.millrace.internal.operator.FlatMapOperator;
import io.millrace.internal.operator.MapOperator;
import io.millrace.internal.operator.ProjectOperator;
import io.millrace.row.Schema;

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
        SOURCE, STATELESS, AGGREGATION
    }

    private final Ingress ingress;
    private final Stream parent;
    private final Schema schema;
    private final String description;
    private final Kind kind;
    private final Stage stage;

    private Stream(
        final Ingress ingress,
        final Stream parent,
        final Schema schema,
        final String description,
        final Kind kind,
        final Stage stage)
    {
        this.ingress = ingress;
        this.parent = parent;
        this.schema = schema;
        this.description = description;
        this.kind = kind;
        this.stage = stage;
    }

    static Stream root(final Ingress ingress)
    {
        return new Stream(ingress, null, ingress.schema(), ingress.toString(), Kind.SOURCE, null);
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
     * Groups rows by the values of some columns, for an aggregation.
     *
     * @param columns to group by; at least one.
     * @return the grouped stream.
     * @throws IllegalArgumentException naming a column that does not exist.
     */
    public GroupedStream groupBy(final String... columns)
    {
        if (columns.length == 0)
        {
            throw new IllegalArgumentException("groupBy needs at least one column");
        }
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
        return new GroupedStream(this, List.of(columns));
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
        return new Stream(ingress, this, output, what, childKind, childStage);
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
        for (Stream node = this; node != null; node = node.parent)
        {
            if (node.kind == Kind.AGGREGATION)
            {
                return node.description;
            }
        }
        return null;
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
