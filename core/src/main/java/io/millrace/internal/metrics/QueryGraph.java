package io.millrace.internal.metrics;

import java.util.List;

/**
 * The dataflow graph of a query as the status page draws it: its operations, inputs before the operations that read
 * them, and its outputs last.
 *
 * @param nodes   in that order; a node's inputs are earlier nodes.
 * @param outputs how many of the nodes, the last ones, are the query's outputs.
 */
public record QueryGraph(List<Node> nodes, int outputs)
{
    /**
     * @param node of the graph.
     * @return whether it is one of the query's outputs.
     */
    public boolean isOutput(final Node node)
    {
        return node.id() >= nodes.size() - outputs;
    }

    /**
     * One operation.
     *
     * @param id        its place in {@link #nodes()}.
     * @param operation as plans print it, e.g. {@code select[price, auction]}; an output is {@code output N (mode)}.
     * @param stateful  whether it holds state across rows.
     * @param inputs    ids of the nodes it reads.
     * @param input     for a node that reads one of the query's inputs, its number from 0; -1 for the others.
     */
    public record Node(int id, String operation, boolean stateful, List<Integer> inputs, int input)
    {
    }

    /**
     * Writes the graph as JSON: {@code {"nodes":[{"id":0,"operation":"...","stateful":false,"inputs":[]},...]}}
     * (which of the query's inputs a node reads is for the figures, not shown).
     *
     * @param json to append to.
     */
    public void appendJson(final StringBuilder json)
    {
        json.append("{\"nodes\":[");
        for (int i = 0; i < nodes.size(); i++)
        {
            final Node node = nodes.get(i);
            json.append(i == 0 ? "" : ",").append("{\"id\":").append(node.id()).append(",\"operation\":");
            Json.quote(json, node.operation());
            json.append(",\"stateful\":").append(node.stateful()).append(",\"inputs\":[");
            for (int j = 0; j < node.inputs().size(); j++)
            {
                json.append(j == 0 ? "" : ",").append(node.inputs().get(j));
            }
            json.append("]}");
        }
        json.append("]}");
    }
}
