package io.millrace.internal.plan;

import io.millrace.internal.metrics.OperatorFigures;
import io.millrace.internal.metrics.QueryGraph;
import io.millrace.internal.operator.AggregateOperator;
import io.millrace.internal.operator.ArrivalOrder;
import io.millrace.internal.operator.DeduplicateOperator;
import io.millrace.internal.operator.EmissionPolicy;
import io.millrace.internal.operator.Exchange;
import io.millrace.internal.operator.ExchangeOperator;
import io.millrace.internal.operator.FilterOperator;
import io.millrace.internal.operator.FlatMapOperator;
import io.millrace.internal.operator.IntervalJoinOperator;
import io.millrace.internal.operator.KeyedProcessOperator;
import io.millrace.internal.operator.MapOperator;
import io.millrace.internal.operator.MultiInputOperator;
import io.millrace.internal.operator.Operator;
import io.millrace.internal.operator.OperatorContext;
import io.millrace.internal.operator.PartitionOperator;
import io.millrace.internal.operator.ProjectOperator;
import io.millrace.internal.operator.SessionWindowOperator;
import io.millrace.internal.operator.SinkOperator;
import io.millrace.internal.operator.SplitOperator;
import io.millrace.internal.operator.StaticJoinOperator;
import io.millrace.internal.operator.UnionOperator;
import io.millrace.internal.operator.WatermarkOperator;
import io.millrace.internal.operator.WindowJoinOperator;
import io.millrace.internal.operator.WindowOperator;
import io.millrace.internal.operator.WindowOperators;
import io.millrace.internal.state.StateReader;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;


/**
 * Turns a query's logical plan (its outputs and the nodes they read) into operators, after checking what only the
 * whole query decides: which output mode each aggregation runs in, whether its rows can be final, whether its
 * inputs have the watermark it needs. Each node becomes one operator however many nodes read it; a node read
 * more than once feeds a split.
 * <p>
 * <b>Output modes along a graph.</b> An aggregation whose rows reach an output through stateless operations runs in
 * that output's mode. One whose rows feed a stateful operation (a watermark, a deduplication, another aggregation)
 * runs in append mode, so that only final rows flow on: it must be windowed, over a stream with a watermark.
 */
public final class Planner
{
    /**
     * One output of a query.
     *
     * @param node  whose rows are written.
     * @param mode  the output mode.
     * @param sink  receiving the rows.
     */
    public record Output(LogicalNode node, EmissionPolicy.Mode mode, Sink sink)
    {
    }

    /**
     * The operators of a query.
     *
     * @param heads     per input of the query, in the order of {@link #sources()}, the operator receiving its rows.
     * @param control   receiving markers, watermarks and the end of input: every head, once each.
     * @param operators one per node, inputs before the nodes that read them, then the sinks: the order of the
     *                  sections of a snapshot.
     * @param sinks     one per output, in the outputs' order.
     * @param byNode    the operator of each node of {@link #graph()}, by id: its figures; null for inputs and
     *                  outputs.
     */
    public record PhysicalPlan(
        List<Operator> heads, Operator control, List<Operator> operators, List<SinkOperator> sinks,
        List<OperatorFigures> byNode)
    {
        /**
         * Restores every operator's state from a snapshot, before the first row.
         *
         * @param snapshot of an epoch of this plan.
         */
        public void restore(final DirectBuffer snapshot)
        {
            restore(new StateReader(snapshot, 0, snapshot.capacity()));
        }

        /**
         * Restores every operator's state from the next sections of a snapshot, before the first row: a snapshot of
         * a query of several tasks holds task 0's sections, then task 1's, and so on.
         *
         * @param snapshot of an epoch, at this plan's first section.
         */
        public void restore(final StateReader snapshot)
        {
            for (final Operator operator : operators)
            {
                operator.readState(snapshot.nextSection());
            }
        }

        /**
         * Passes the rows each operator holds to its sink, as epoch 1; for a plan of {@link #planState}.
         */
        public void writeState()
        {
            for (final Operator operator : operators)
            {
                operator.emitState();
            }
            for (final SinkOperator sink : sinks)
            {
                sink.onMarker(1);
            }
        }
    }

    /**
     * One of the tasks a query runs as (docs/parallelism.md): every task runs the whole plan over every record, but
     * each keyed stateful operation that no stateful operation reads keeps only the rows whose key the task owns
     * ({@link PartitionOperator}), a windowed aggregation or process function whose readers are such operations keeps
     * its keys' share too and sends its rows to the tasks owning theirs ({@link ExchangeOperator}), and rows that reach
     * an output without meeting one are written by task 0 alone.
     *
     * @param index          of the task, from 0.
     * @param count          of tasks in the query.
     * @param sinks          the task's sink for each output, in the outputs' order.
     * @param exchanges      the query's exchanges, shared by its tasks: {@link #exchangeCount()}, in the plan's
     *                       order.
     */
    public record Task(int index, int count, List<Sink> sinks, List<Exchange> exchanges)
    {
    }

    /**
     * An input of a stateful operation.
     *
     * @param reader the operation.
     * @param input  which of its inputs, from 0.
     */
    private record Edge(LogicalNode reader, int input)
    {
    }

    private static final String OUTPUT = "output ";

    private final List<Output> outputs;
    private final boolean continuous;
    private final Map<LogicalNode, EmissionPolicy.Mode> modes = new IdentityHashMap<>();
    private final Map<LogicalNode, String> modeCauses = new IdentityHashMap<>();
    private final List<LogicalNode.Aggregate> windowed = new ArrayList<>();
    private final List<LogicalNode.Process> processes = new ArrayList<>();
    private final List<LogicalNode.Source> sources = new ArrayList<>();
    /** The nodes whose rows a stateful operation reads, directly or through others, except through an exchange. */
    private final Set<LogicalNode> statefulReaders = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Where a stage split among tasks is read through an exchange, in plan order. */
    private final List<Edge> exchanged = new ArrayList<>();
    /** The windowed aggregations and process functions whose rows cross an exchange. */
    private final Set<LogicalNode> exchangeSources = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Checks the query.
     *
     * @param outputs    at least one.
     * @param continuous whether the trigger is continuous (update mode then writes each change at once).
     * @throws IllegalArgumentException naming the operation at fault and why.
     */
    public Planner(final List<Output> outputs, final boolean continuous)
    {
        this.outputs = List.copyOf(outputs);
        this.continuous = continuous;
        for (int i = 0; i < outputs.size(); i++)
        {
            final Output output = outputs.get(i);
            final boolean aggregated = demand(output.node(), output.mode(), OUTPUT + (i + 1));
            if (output.mode() == EmissionPolicy.Mode.COMPLETE && !aggregated)
            {
                throw new IllegalArgumentException("complete output mode needs an aggregation; " +
                    LogicalNode.describe(output.node()) + " has none: use append or update");
            }
        }
        for (final Map.Entry<LogicalNode, EmissionPolicy.Mode> entry : modes.entrySet())
        {
            checkFinal((LogicalNode.Aggregate)entry.getKey(), entry.getValue());
        }
        collect(outputs);
        findExchanges();
        final Map<LogicalNode, Boolean> visited = new IdentityHashMap<>();
        for (final Output output : outputs)
        {
            findStatefulReaders(output.node(), visited);
        }
    }

    /**
     * Finds the stages whose readers can be split with them: a tumbling or sliding window aggregation or a keyed
     * process function whose every stateful reader, through filters, maps and projections, is a keyed aggregation,
     * deduplication, process function or join that no stateful operation reads (a join with its other input from
     * neither). Its rows then cross an exchange to the tasks owning those readers' keys, and each task computes only
     * its share of both; any other stage a stateful operation reads is computed in full by every task.
     */
    private void findExchanges()
    {
        final Map<LogicalNode, List<LogicalNode>> readers = new IdentityHashMap<>();
        final Map<LogicalNode, Boolean> visited = new IdentityHashMap<>();
        for (final Output output : outputs)
        {
            findReaders(output.node(), readers, visited);
        }
        // The stateful readers as if there were no exchange: a stage's reader that another stateful operation reads
        // stays whole. The constructor finds them again once the exchanges are known.
        final Map<LogicalNode, Boolean> beforeStateful = new IdentityHashMap<>();
        for (final Output output : outputs)
        {
            findStatefulReaders(output.node(), beforeStateful);
        }
        final List<LogicalNode> sources = new ArrayList<>(processes);
        sources.addAll(windowed);
        for (final LogicalNode source : sources)
        {
            final List<LogicalNode> stateful = new ArrayList<>();
            statefulReadersOf(source, readers, stateful);
            final List<Edge> edges = new ArrayList<>();
            boolean splittable = !stateful.isEmpty() &&
                !(source instanceof LogicalNode.Aggregate aggregate && aggregate.window().isSession());
            for (final LogicalNode reader : stateful)
            {
                splittable &= !statefulReaders.contains(reader) && (reader instanceof LogicalNode.Aggregate ||
                    reader instanceof LogicalNode.Deduplicate || reader instanceof LogicalNode.Process ||
                    reader instanceof LogicalNode.Join join && !(isStage(origin(join.left())) &&
                    isStage(origin(join.right()))));
                for (int input = 0; input < reader.inputs().size(); input++)
                {
                    if (origin(reader.inputs().get(input)) == source)
                    {
                        edges.add(new Edge(reader, input));
                    }
                }
            }
            if (splittable)
            {
                exchangeSources.add(source);
                exchanged.addAll(edges);
            }
        }
        statefulReaders.clear();
    }

    /**
     * @return whether the node is a filter, map or projection: rows that cross an exchange may pass through it.
     */
    private static boolean passesRowsOn(final LogicalNode node)
    {
        return node instanceof LogicalNode.Filter || node instanceof LogicalNode.Map ||
            node instanceof LogicalNode.Select;
    }

    private static boolean isStage(final LogicalNode node)
    {
        return node instanceof LogicalNode.Aggregate || node instanceof LogicalNode.Process;
    }

    /**
     * @return the node whose rows {@code node} passes on through filters, maps and projections: itself when it is
     *         none of those.
     */
    private static LogicalNode origin(final LogicalNode node)
    {
        LogicalNode origin = node;
        while (passesRowsOn(origin))
        {
            origin = origin.inputs().get(0);
        }
        return origin;
    }

    private static void findReaders(
        final LogicalNode node, final Map<LogicalNode, List<LogicalNode>> readers, final Map<LogicalNode, Boolean> seen)
    {
        if (null != seen.put(node, Boolean.TRUE))
        {
            return;
        }
        for (final LogicalNode input : node.inputs())
        {
            readers.computeIfAbsent(input, unused -> new ArrayList<>()).add(node);
            findReaders(input, readers, seen);
        }
    }

    /**
     * Adds to {@code found} the first node that is not a filter, map or projection on each path down from
     * {@code node}.
     */
    private static void statefulReadersOf(
        final LogicalNode node, final Map<LogicalNode, List<LogicalNode>> readers, final List<LogicalNode> found)
    {
        for (final LogicalNode reader : readers.getOrDefault(node, List.of()))
        {
            if (passesRowsOn(reader))
            {
                statefulReadersOf(reader, readers, found);
            }
            else if (found.stream().noneMatch(known -> known == reader))
            {
                found.add(reader);
            }
        }
    }

    /**
     * @return the number of the exchange through which input {@code input} of the node reads, -1 when it reads none.
     */
    private int exchangeOf(final LogicalNode node, final int input)
    {
        for (int i = 0; i < exchanged.size(); i++)
        {
            if (exchanged.get(i).reader() == node && exchanged.get(i).input() == input)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return how many exchanges a query of several tasks has, to make before planning its tasks.
     */
    public int exchangeCount()
    {
        return exchanged.size();
    }

    /**
     * @return the one windowed aggregation of the plan, whose input schema late records have.
     * @throws IllegalArgumentException when the plan has none or several.
     */
    public Schema lateRecordSchema()
    {
        if (windowed.size() != 1)
        {
            final String plan = LogicalNode.describe(outputs.get(0).node());
            throw new IllegalArgumentException("lateRecords(...) needs a windowed aggregation, exactly one; " + plan +
                (windowed.isEmpty() ? " has none" : " and the other outputs have " + windowed.size()));
        }
        return windowed.get(0).input().schema();
    }

    /**
     * @return how many outputs the query has.
     */
    public int outputCount()
    {
        return outputs.size();
    }

    /**
     * @param index of an output.
     * @return the schema of its rows.
     */
    public Schema outputSchema(final int index)
    {
        return outputs.get(index).node().schema();
    }

    /**
     * @return the query's inputs, each once, in the order the plan meets them from its first output: the inputs'
     *         numbers, which tag their rows in the ring and their records in the journal.
     */
    public List<LogicalNode.Source> sources()
    {
        return sources;
    }

    private int inputOf(final LogicalNode.Source node)
    {
        for (int input = 0; input < sources.size(); input++)
        {
            if (sources.get(input).input() == node.input())
            {
                return input;
            }
        }
        throw new IllegalStateException("not an input of the plan: " + node.description());
    }

    /**
     * Makes the operators of the query, wired as the plan says.
     *
     * @param context    of the operators.
     * @param firstEpoch the sinks start in.
     * @return the operators.
     */
    public PhysicalPlan plan(final OperatorContext context, final long firstEpoch)
    {
        return plan(context, firstEpoch, null);
    }

    /**
     * Makes the operators of one task of the query, wired as the plan says.
     *
     * @param context    of the task's operators.
     * @param firstEpoch the sinks start in.
     * @param task       which task, or null for a query run as one.
     * @return the operators.
     */
    public PhysicalPlan plan(final OperatorContext context, final long firstEpoch, final Task task)
    {
        final Map<LogicalNode, Operator> built = new IdentityHashMap<>();
        final Map<LogicalNode, List<Operator>> targets = new IdentityHashMap<>();
        final List<Operator> operators = new ArrayList<>();
        final List<LogicalNode> order = new ArrayList<>();
        final Map<LogicalNode, Boolean> split = new IdentityHashMap<>();
        final Map<LogicalNode, ArrivalOrder> stamps = new IdentityHashMap<>();
        // The operations every task runs on the same rows report dead letters, late records and state in task 0 only.
        final OperatorContext replicas = null == task || task.index() == 0 ? context : context.replica();
        for (final Output output : outputs)
        {
            build(output.node(), built, targets, operators, context, replicas, order, task, split, stamps);
        }
        final List<SinkOperator> sinks = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++)
        {
            final Output output = outputs.get(i);
            // A task's rows are counted where the tasks' outputs meet, on their way to the real sink.
            final SinkOperator sink = null == task ?
                new SinkOperator(output.sink(), context.counters(), firstEpoch) :
                new SinkOperator(task.sinks().get(i), null, firstEpoch);
            sinks.add(sink);
            operators.add(sink);
            targets.get(output.node()).add(null == task || isSplit(output.node(), split) ? sink :
                chained(PartitionOperator.firstTaskOnly(task.index()), sink));
        }
        final List<List<Operator>> readers = new ArrayList<>();
        for (int input = 0; input < sources.size(); input++)
        {
            readers.add(new ArrayList<>());
        }
        for (final LogicalNode node : order)
        {
            if (node instanceof LogicalNode.Source read)
            {
                // Every node reading an input gets its rows: one head per input.
                readers.get(inputOf(read)).addAll(targets.get(node));
            }
            else
            {
                built.get(node).then(fanOut(targets.get(node)));
            }
        }
        final List<Operator> heads = new ArrayList<>();
        for (final List<Operator> reading : readers)
        {
            heads.add(fanOut(reading));
        }
        final Map<LogicalNode, Integer> ids = new IdentityHashMap<>();
        operationNodes(ids);
        final List<OperatorFigures> byNode = new ArrayList<>(Collections.nCopies(ids.size(), null));
        for (final Map.Entry<LogicalNode, Integer> node : ids.entrySet())
        {
            // A node every task runs on the same rows shows task 0's figures; one split by key, the sum of all.
            final boolean replica = null != task && task.index() > 0 && !isSplit(node.getKey(), split);
            byNode.set(node.getValue(), replica ? null : built.get(node.getKey()));
        }
        return new PhysicalPlan(heads, fanOut(heads), operators, sinks, Collections.unmodifiableList(byNode));
    }

    /**
     * Makes the operators of the query for reading a snapshot's state: each aggregation, join and keyed process
     * function writes its rows to a sink of its own rather than downstream, so that no operator's state flows into
     * another's. An aggregation's rows are its output rows; a process function's, a row per key
     * ({@link KeyedProcessOperator#stateSchema()}); a join's, a row per row held ({@link Operator#stateSchema()}).
     *
     * @param context of the operators.
     * @param sinks   for the rows of each such node, opened here with the rows' schema.
     * @return the operators, in snapshot order; their sinks in the order of the nodes.
     */
    public PhysicalPlan planState(final OperatorContext context, final Function<LogicalNode, Sink> sinks)
    {
        final Map<LogicalNode, Operator> built = new IdentityHashMap<>();
        final List<Operator> operators = new ArrayList<>();
        final List<LogicalNode> order = new ArrayList<>();
        for (final Output output : outputs)
        {
            build(output.node(), built, new IdentityHashMap<>(), operators, context, context, order, null, null, null);
        }
        final List<SinkOperator> stateSinks = new ArrayList<>();
        for (final LogicalNode node : order)
        {
            final Operator operator = built.get(node);
            // The source node has no operator of its own.
            final Schema stateSchema = node instanceof LogicalNode.Aggregate ? node.schema() :
                null == operator ? null : operator.stateSchema();
            if (null != stateSchema)
            {
                final Sink sink = sinks.apply(node);
                sink.open(stateSchema);
                final SinkOperator stage = new SinkOperator(sink, null, 1);
                operator.then(stage);
                stateSinks.add(stage);
            }
        }
        for (final Output output : outputs)
        {
            // The snapshot holds a section for each output's sink stage too; they hold no state.
            operators.add(new SinkOperator((row, epoch, sequence) -> { }, null, 1));
        }
        return new PhysicalPlan(List.of(), null, operators, stateSinks, List.of());
    }

    /**
     * Records what the outputs ask of the aggregations they read, through the stateless operations between.
     *
     * @return whether {@code node} reads an aggregation that way.
     */
    private boolean demand(final LogicalNode node, final EmissionPolicy.Mode mode, final String cause)
    {
        if (node instanceof LogicalNode.Aggregate aggregate)
        {
            final EmissionPolicy.Mode known = modes.get(node);
            if (null != known && known != mode)
            {
                throw new IllegalArgumentException(aggregate.operation() + ": " + modeCauses.get(node) +
                    " reads its rows in " + name(known) + " mode and " + cause + " in " + name(mode) + " mode (a " +
                    "stateful operation reads final rows); an aggregation runs in one output mode: give its readers " +
                    "one mode");
            }
            if (null == known)
            {
                modes.put(node, mode);
                modeCauses.put(node, cause);
                demand(aggregate.input(), EmissionPolicy.Mode.APPEND, aggregate.operation());
            }
            return true;
        }
        if (node.isStateful())
        {
            // A watermark, a deduplication or a join needs final rows.
            for (final LogicalNode input : node.inputs())
            {
                demand(input, EmissionPolicy.Mode.APPEND, node.operation());
            }
            return false;
        }
        boolean aggregated = false;
        for (final LogicalNode input : node.inputs())
        {
            aggregated |= demand(input, mode, cause);
        }
        return aggregated;
    }

    private void checkFinal(final LogicalNode.Aggregate aggregate, final EmissionPolicy.Mode mode)
    {
        if (mode != EmissionPolicy.Mode.APPEND)
        {
            return;
        }
        final String cause = modeCauses.get(aggregate);
        final boolean byOutput = cause.startsWith(OUTPUT);
        if (null == aggregate.window())
        {
            throw new IllegalArgumentException(byOutput ?
                "append output mode is not supported for " + aggregate.operation() + " without a window: its rows " +
                    "never become final; use update or complete" :
                cause + " needs the final rows of " + aggregate.operation() + ", and without a window they never " +
                    "become final: aggregate by a window, or write this aggregation to an output in update mode");
        }
        if (null == aggregate.input().watermarkColumn())
        {
            throw new IllegalArgumentException("append output mode for " + aggregate.operation() + " needs a " +
                "watermark" + (byOutput ? "" : " (" + cause + " reads its final rows)") + ": add " +
                "withWatermark(timeColumn, delay) before it, or its windows close only at the end of input");
        }
    }

    /**
     * @return the query's dataflow graph, for the status page: every node reachable from the outputs, inputs first
     *         (a node read by several others once), then an output node per output.
     */
    public QueryGraph graph()
    {
        final Map<LogicalNode, Integer> ids = new IdentityHashMap<>();
        final List<QueryGraph.Node> nodes = operationNodes(ids);
        for (int i = 0; i < outputs.size(); i++)
        {
            final Output output = outputs.get(i);
            nodes.add(new QueryGraph.Node(nodes.size(), OUTPUT + (i + 1) + " (" +
                output.mode().name().toLowerCase(Locale.ROOT) + ")", false, List.of(ids.get(output.node())), -1));
        }
        return new QueryGraph(List.copyOf(nodes), outputs.size());
    }

    /**
     * @param ids filled with each node's id in {@link #graph()}, by identity.
     * @return the graph's nodes but the outputs, in id order.
     */
    private List<QueryGraph.Node> operationNodes(final Map<LogicalNode, Integer> ids)
    {
        final List<QueryGraph.Node> nodes = new ArrayList<>();
        for (final Output output : outputs)
        {
            addToGraph(output.node(), ids, nodes);
        }
        return nodes;
    }

    private int addToGraph(
        final LogicalNode node, final Map<LogicalNode, Integer> ids, final List<QueryGraph.Node> nodes)
    {
        final Integer known = ids.get(node);
        if (null != known)
        {
            return known;
        }
        final List<Integer> inputs = new ArrayList<>();
        for (final LogicalNode input : node.inputs())
        {
            inputs.add(addToGraph(input, ids, nodes));
        }
        final int id = nodes.size();
        nodes.add(new QueryGraph.Node(id, node.operation(), node.isStateful(), List.copyOf(inputs),
            node instanceof LogicalNode.Source source ? inputOf(source) : -1));
        ids.put(node, id);
        return id;
    }

    private void collect(final List<Output> all)
    {
        final Map<LogicalNode, Boolean> seen = new IdentityHashMap<>();
        for (final Output output : all)
        {
            collect(output.node(), seen);
        }
    }

    private void collect(final LogicalNode node, final Map<LogicalNode, Boolean> seen)
    {
        if (null != seen.put(node, Boolean.TRUE))
        {
            return;
        }
        if (node instanceof LogicalNode.Source found &&
            sources.stream().noneMatch(known -> known.input() == found.input()))
        {
            if (!sources.isEmpty() && (!(found.input() instanceof io.millrace.source.Source) ||
                !(sources.get(0).input() instanceof io.millrace.source.Source)))
            {
                throw new IllegalArgumentException("a query of several inputs reads polled sources only; this one " +
                    "reads " + sources.get(0).description() + " and " + found.description() + ": offer every " +
                    "stream's rows to one publisher (with a column saying which they are), or read sources");
            }
            sources.add(found);
        }
        if (node instanceof LogicalNode.Aggregate aggregate && null != aggregate.window())
        {
            windowed.add(aggregate);
        }
        if (node instanceof LogicalNode.Process process)
        {
            processes.add(process);
        }
        for (final LogicalNode input : node.inputs())
        {
            collect(input, seen);
        }
    }

    private void build(
        final LogicalNode node,
        final Map<LogicalNode, Operator> built,
        final Map<LogicalNode, List<Operator>> targets,
        final List<Operator> operators,
        final OperatorContext context,
        final OperatorContext replicas,
        final List<LogicalNode> order,
        final Task task,
        final Map<LogicalNode, Boolean> split,
        final Map<LogicalNode, ArrivalOrder> stamps)
    {
        if (built.containsKey(node))
        {
            return;
        }
        final List<LogicalNode> inputs = node.inputs();
        for (final LogicalNode input : inputs)
        {
            build(input, built, targets, operators, context, replicas, order, task, split, stamps);
        }
        final Operator operator = create(node, null == task || isSplit(node, split) ? context : replicas, operators);
        built.put(node, operator);
        order.add(node);
        targets.put(node, new ArrayList<>());
        if (null != operator)
        {
            operators.add(operator);
        }
        final boolean exchanging = null != task && task.count() > 1;
        final ArrivalOrder arrivals = exchanging && exchangeSources.contains(node) ? new ArrivalOrder() : null;
        if (operator instanceof WindowOperator window && null != arrivals)
        {
            window.stampArrivals(arrivals);
        }
        if (operator instanceof KeyedProcessOperator process && null != arrivals)
        {
            process.stampArrivals(arrivals);
        }
        if (null != arrivals)
        {
            stamps.put(node, arrivals);
        }
        for (int i = 0; i < inputs.size(); i++)
        {
            final Operator target = operator instanceof MultiInputOperator several ? several.input(i) : operator;
            final LogicalNode input = inputs.get(i);
            final int exchange = exchangeOf(node, i);
            if (exchanging && exchange >= 0)
            {
                // Where the rows of one task's share of a stage go to the tasks owning their keys.
                targets.get(input).add(chained(new ExchangeOperator(task.exchanges().get(exchange), task.index(),
                    PartitionOperator.keyCodec(input.schema(), keys(node, i)), stamps.get(origin(input))), target));
            }
            else if (null == task || !isSplit(node, split) || isSplit(input, split))
            {
                targets.get(input).add(target);
            }
            else
            {
                // Where the rows every task has meet the rows of one task's keys.
                final List<String> keys = keys(node, i);
                targets.get(input).add(chained(null == keys ? PartitionOperator.firstTaskOnly(task.index()) :
                    PartitionOperator.byKey(input.schema(), keys, task.index(), task.count(), arrivals), target));
            }
        }
    }

    private static Operator chained(final Operator first, final Operator target)
    {
        first.then(target);
        return first;
    }

    /**
     * @return the key columns of input {@code i} of a keyed stateful operation, null for any other node.
     */
    private static List<String> keys(final LogicalNode node, final int i)
    {
        if (node instanceof LogicalNode.Aggregate aggregate)
        {
            return aggregate.keys();
        }
        if (node instanceof LogicalNode.Deduplicate deduplicate)
        {
            return deduplicate.columns();
        }
        if (node instanceof LogicalNode.Process process)
        {
            return process.keys();
        }
        if (node instanceof LogicalNode.Join join)
        {
            return i == 0 ? join.spec().leftKeys() : join.spec().rightKeys();
        }
        return null;
    }

    /**
     * @return whether a task holds only its keys' share of the node's rows: the node is a keyed stateful operation
     *         that no stateful operation reads but through an exchange, through any path (where the tasks split the
     *         work), or reads one. Every task runs the nodes before on every record, keyed ones included: a stateful
     *         operation reading a keyed one keyed otherwise needs all of its rows, unless they cross an exchange.
     */
    private boolean isSplit(final LogicalNode node, final Map<LogicalNode, Boolean> known)
    {
        final Boolean seen = known.get(node);
        if (null != seen)
        {
            return seen;
        }
        boolean split = null != keys(node, 0) && !statefulReaders.contains(node);
        for (final LogicalNode input : node.inputs())
        {
            split |= isSplit(input, known);
        }
        known.put(node, split);
        return split;
    }

    /**
     * Adds every node upstream of the stateful operations among {@code node} and the nodes it reads to
     * {@link #statefulReaders}.
     */
    private void findStatefulReaders(final LogicalNode node, final Map<LogicalNode, Boolean> visited)
    {
        if (null != visited.put(node, Boolean.TRUE))
        {
            return;
        }
        for (int i = 0; i < node.inputs().size(); i++)
        {
            final LogicalNode input = node.inputs().get(i);
            if (node.isStateful() && exchangeOf(node, i) < 0)
            {
                markUpstream(input);
            }
            findStatefulReaders(input, visited);
        }
    }

    private void markUpstream(final LogicalNode node)
    {
        if (statefulReaders.add(node))
        {
            for (final LogicalNode input : node.inputs())
            {
                markUpstream(input);
            }
        }
    }

    /**
     * Checks that the query can run as the given number of tasks.
     *
     * @param tasks the query is to run as.
     * @throws IllegalArgumentException when there cannot be that many.
     */
    public void checkTasks(final int tasks)
    {
        if (tasks < 1 || tasks > PartitionOperator.KEY_GROUPS)
        {
            throw new IllegalArgumentException("parallelism must be 1 to " + PartitionOperator.KEY_GROUPS + ": " +
                tasks);
        }
    }

    private Operator create(final LogicalNode node, final OperatorContext context, final List<Operator> before)
    {
        if (node instanceof LogicalNode.Filter filter)
        {
            return new FilterOperator(filter.predicate(), context);
        }
        if (node instanceof LogicalNode.Map map)
        {
            return null != map.mapper() ? new MapOperator(map.mapper(), map.schema(), context) :
                new FlatMapOperator(map.flat(), map.schema(), context);
        }
        if (node instanceof LogicalNode.Select select)
        {
            return new ProjectOperator(select.input().schema(), select.columns(), select.schema());
        }
        if (node instanceof LogicalNode.Watermark watermark)
        {
            // The progress shows the first watermark of the plan.
            final boolean first = before.stream().noneMatch(WatermarkOperator.class::isInstance);
            return new WatermarkOperator(watermark.schema().longColumn(watermark.column()), watermark.delayMs(),
                first ? context.counters().watermark : null, context);
        }
        if (node instanceof LogicalNode.Deduplicate deduplicate)
        {
            return deduplicate(deduplicate);
        }
        if (node instanceof LogicalNode.Aggregate aggregate)
        {
            return aggregate(aggregate, context);
        }
        if (node instanceof LogicalNode.Union union)
        {
            return new UnionOperator(union.inputs().size());
        }
        if (node instanceof LogicalNode.Process process)
        {
            return new KeyedProcessOperator(process.input().schema(), process.keys(), process.schema(),
                process.factory().get(), process.operation(), context);
        }
        if (node instanceof LogicalNode.StaticJoin join)
        {
            return new StaticJoinOperator(join.spec(), join.table());
        }
        if (node instanceof LogicalNode.Join join)
        {
            return join.spec().windowed() ? new WindowJoinOperator(join.spec(), context) :
                new IntervalJoinOperator(join.spec(), context.counters());
        }
        return null; // a source: the ring delivers its rows
    }

    private static Operator deduplicate(final LogicalNode.Deduplicate node)
    {
        final Schema schema = node.schema();
        final Column[] key = new Column[node.columns().size()];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = schema.column(node.columns().get(i));
        }
        final String watermark = node.watermarkColumn();
        final LongColumn time = null == watermark ? null : schema.longColumn(watermark);
        return new DeduplicateOperator(key, time, declaredDelay(node.input()));
    }

    private Operator aggregate(final LogicalNode.Aggregate node, final OperatorContext context)
    {
        final EmissionPolicy policy = EmissionPolicy.of(modes.get(node), continuous);
        final Schema input = node.input().schema();
        if (null == node.window())
        {
            return new AggregateOperator(input, node.keys(), node.aggregates(), node.schema(), policy,
                context.counters());
        }
        final LogicalNode.WindowSpec window = node.window();
        final WindowOperators.Spec spec = new WindowOperators.Spec(
            window.timeColumn(), window.sizeMs(), window.slideMs(), node.keys(), node.aggregates());
        return window.isSession() ?
            new SessionWindowOperator(input, spec, node.schema(), policy, context) :
            new WindowOperator(input, spec, node.schema(), policy, context);
    }

    /**
     * @return the delay of the watermark the node's rows carry, as declared by {@code withWatermark}; 0 for a
     * watermark an aggregation passes on, the largest of a union's inputs'.
     */
    private static long declaredDelay(final LogicalNode node)
    {
        if (node instanceof LogicalNode.Watermark watermark)
        {
            return watermark.delayMs();
        }
        if (node instanceof LogicalNode.Union union)
        {
            return union.inputs().stream().mapToLong(Planner::declaredDelay).max().orElse(0);
        }
        if (node instanceof LogicalNode.Source || node instanceof LogicalNode.Aggregate ||
            node instanceof LogicalNode.Join || node instanceof LogicalNode.Process)
        {
            return 0;
        }
        return declaredDelay(node.inputs().get(0));
    }

    private static String name(final EmissionPolicy.Mode mode)
    {
        return mode.name().toLowerCase();
    }

    private static Operator fanOut(final List<Operator> targets)
    {
        if (targets.size() == 1)
        {
            return targets.get(0);
        }
        final SplitOperator split = new SplitOperator();
        for (final Operator target : targets)
        {
            split.then(target);
        }
        return split;
    }
}
