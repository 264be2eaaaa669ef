package io.millrace.internal.metrics;

import java.util.List;

/**
 * The figures of each operation of a query's graph, by node id ({@link QueryGraph}): the rows an input's records
 * brought in, the rows each operation passed on and the state it holds. Bound to the operators once they are built
 * ({@link #bind}); read from any thread.
 */
public final class GraphFigures
{
    private final QueryGraph graph;
    private final QueryCounters counters;
    private volatile List<OperatorFigures> operators = List.of();

    /**
     * @param graph    of the query.
     * @param counters of the query, which count the rows each input brings in.
     */
    public GraphFigures(final QueryGraph graph, final QueryCounters counters)
    {
        this.graph = graph;
        this.counters = counters;
    }

    /**
     * @return the graph.
     */
    public QueryGraph graph()
    {
        return graph;
    }

    /**
     * @param byNode the figures of the operation built for each node, by id; null where a node has none (an input,
     *               an output).
     */
    public void bind(final List<OperatorFigures> byNode)
    {
        operators = byNode;
    }

    /**
     * @param node id.
     * @return rows the node passed downstream so far (for an input, the records the operators took from it); -1 for
     *         an output, or before the operators are built.
     */
    public long rowsOut(final int node)
    {
        final QueryGraph.Node described = graph.nodes().get(node);
        if (described.input() >= 0)
        {
            return counters.inputRows(described.input());
        }
        final OperatorFigures figures = figuresOf(node);
        return null == figures ? -1 : figures.rowsOut();
    }

    /**
     * @param node id.
     * @return whether the node's operation counts the state it holds; false before the operators are built.
     */
    public boolean countsState(final int node)
    {
        final OperatorFigures figures = figuresOf(node);
        return null != figures && figures.countsState();
    }

    /**
     * @param node id.
     * @return rows the node holds in state; 0 for a stateless node.
     */
    public long stateRows(final int node)
    {
        final OperatorFigures figures = figuresOf(node);
        return null == figures ? 0 : figures.stateRows();
    }

    /**
     * @param node id.
     * @return off-heap bytes of that state.
     */
    public long stateBytes(final int node)
    {
        final OperatorFigures figures = figuresOf(node);
        return null == figures ? 0 : figures.stateBytes();
    }

    /**
     * Writes the figures as a JSON array, an object per node that has them (not the outputs, whose rows are their
     * input's): {@code [{"id":0,"rowsOut":n},{"id":2,"rowsOut":n,"stateRows":n,"stateBytes":n},...]}; state only
     * for nodes that count it ({@link #countsState}).
     *
     * @param json to append to.
     */
    public void appendJson(final StringBuilder json)
    {
        json.append('[');
        boolean first = true;
        for (final QueryGraph.Node node : graph.nodes())
        {
            final long rowsOut = rowsOut(node.id());
            if (rowsOut < 0)
            {
                continue;
            }
            json.append(first ? "{" : ",{").append("\"id\":").append(node.id()).append(",\"rowsOut\":").append(rowsOut);
            if (countsState(node.id()))
            {
                json.append(",\"stateRows\":").append(stateRows(node.id()))
                    .append(",\"stateBytes\":").append(stateBytes(node.id()));
            }
            json.append('}');
            first = false;
        }
        json.append(']');
    }

    private OperatorFigures figuresOf(final int node)
    {
        final List<OperatorFigures> bound = operators;
        return node < bound.size() ? bound.get(node) : null;
    }
}
