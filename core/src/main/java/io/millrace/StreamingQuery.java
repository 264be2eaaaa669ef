package io.millrace;

import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.CheckpointException;
import io.millrace.checkpoint.Recovery;
import io.millrace.internal.Checkpointing;
import io.millrace.internal.CloseAll;
import io.millrace.internal.EpochCommitter;
import io.millrace.internal.IngressProducer;
import io.millrace.internal.IngressRing;
import io.millrace.internal.InputClaims;
import io.millrace.internal.QueryControl;
import io.millrace.internal.metrics.CountersFile;
import io.millrace.internal.metrics.GraphFigures;
import io.millrace.internal.metrics.OperatorFigures;
import io.millrace.internal.state.StateReader;
import io.millrace.row.RowView;
import io.millrace.internal.metrics.MetricsEndpoint;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.metrics.QueryMetrics;
import io.millrace.internal.QueryRuntime;
import io.millrace.internal.operator.Exchange;
import io.millrace.internal.operator.OperatorContext;
import io.millrace.internal.operator.SinkOperator;
import io.millrace.internal.plan.LogicalNode;
import io.millrace.internal.plan.Planner;
import io.millrace.sink.Sink;
import io.millrace.source.Source;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import io.millrace.sink.DeadLetterHandler;

/**
 * A running query, returned by {@link StreamWriter#start()}. All methods are thread-safe.
 */
public final class StreamingQuery implements AutoCloseable
{

    private final String name;
    private final QueryControl control;
    private final QueryCounters counters;
    private final QueryRuntime runtime;
    private final int metricsPort;
    /** What shows the query's figures outside (endpoint, bean, counters file): closed by whoever sees its end. */
    private final List<AutoCloseable> publications;
    private long lastProgressNanos;
    private long lastProgressRecords;

    private StreamingQuery(
        final String name,
        final QueryControl control,
        final QueryCounters counters,
        final QueryRuntime runtime,
        final List<AutoCloseable> metrics)
    {
        this.name = name;
        this.control = control;
        this.counters = counters;
        this.runtime = runtime;
        this.publications = metrics;
        this.metricsPort = metrics.stream().filter(MetricsEndpoint.Registration.class::isInstance)
            .mapToInt(published -> ((MetricsEndpoint.Registration)published).port()).findFirst().orElse(-1);
        this.lastProgressNanos = System.nanoTime();
    }

    static StreamingQuery start(final StreamWriter settings, final Planner planner)
    {
        final List<Object> inputs = new ArrayList<>();
        final List<String> descriptions = new ArrayList<>();
        for (final LogicalNode.Source source : planner.sources())
        {
            inputs.add(source.input());
            descriptions.add(source.description());
        }
        final Ingress ingress = Ingress.of(inputs);
        final QueryControl control = new QueryControl(settings.queryName());
        final QueryCounters counters = new QueryCounters(inputs.size());
        final GraphFigures graph = new GraphFigures(planner.graph(), counters);
        final List<Object> claimed = new ArrayList<>();
        final List<AutoCloseable> metrics = new ArrayList<>();
        try
        {
            for (int i = 0; i < inputs.size(); i++)
            {
                InputClaims.claim(inputs.get(i), descriptions.get(i), ingress.kind(), control);
                claimed.add(inputs.get(i));
            }
            if (settings.metricsPort() >= 0)
            {
                // Before anything is opened, so that a port in use refuses the query with nothing to undo.
                metrics.add(MetricsEndpoint.register(settings.metricsPort(), settings.queryName(), counters, graph));
                metrics.add(QueryMetrics.register(settings.queryName(), counters));
            }
            return start(settings, planner, ingress, control, counters, graph, metrics);
        }
        catch (final RuntimeException | Error ex)
        {
            if (!control.isTerminated())
            {
                // The query failed before its agents ran, so nothing has read its inputs: another query may.
                claimed.forEach(InputClaims::release);
            }
            closeQuietly(metrics);
            throw ex;
        }
    }

    private static void closeQuietly(final List<AutoCloseable> closeables)
    {
        for (final AutoCloseable closeable : closeables)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ignore)
            {
                // Metrics of a query that ends: nothing depends on their closing.
            }
        }
    }

    private static StreamingQuery start(
        final StreamWriter settings,
        final Planner planner,
        final Ingress ingress,
        final QueryControl control,
        final QueryCounters counters,
        final GraphFigures graph,
        final List<AutoCloseable> metrics)
    {
        if (settings.trigger().kind() == Trigger.Kind.AVAILABLE_NOW)
        {
            endAtAvailableInput(ingress);
        }
        final DeadLetterHandler handler = null != settings.deadLetters() ?
            settings.deadLetters() : StreamingQuery::logDeadLetter;
        // The threads of a query of several tasks report dead letters one at a time, as a handler is used to.
        final DeadLetterHandler deadLetters = settings.parallelism() == 1 ? handler : new SerialDeadLetters(handler);
        final Journal journal = settings.journal();
        if (null != journal && journal.isNew())
        {
            // A new checkpoint over an output that holds parts would be refused after opening: refuse before.
            checkSinksKnown(settings.sinks(), journal, null);
        }
        final Recovery recovery = null == journal ? null : journal.open(settings.identity());
        if (null != recovery && null != recovery.committedCut() && recovery.committedCut().endOfInput())
        {
            // The checkpoint holds a run that finished: nothing is left to do or to write.
            journal.close();
            if (null != ingress.publisher())
            {
                ingress.publisher().bindFinished(recovery.committedCut().sourceOffset());
            }
            control.finished();
            notifyListeners(settings, control, counters, recovery.committedEpoch() + 1, System.nanoTime(), metrics);
            return new StreamingQuery(settings.queryName(), control, counters, null, metrics);
        }
        checkSinksKnown(settings.sinks(), journal, recovery);
        final long firstEpoch = null == recovery ? 1 : recovery.committedEpoch() + 1;
        final Checkpointing checkpoint = null == journal ? null : new Checkpointing(journal,
            settings.journalInput() || !ingress.replayable() || ingress.sources().size() > 1, recovery);

        final Sink lateSink = settings.lateRecords();
        if (null != lateSink)
        {
            lateSink.open(planner.lateRecordSchema());
        }
        final List<Sink> sinks = settings.sinks();
        final int parallelism = settings.parallelism();
        // A query of several tasks, one whose journal commits its output, or one with a sink whose commit waits on
        // another system writes to the sinks on the committer's thread; a query of one task otherwise writes to them
        // on its operator thread, as rows are made.
        final boolean committerWrites = parallelism > 1 || (null != journal && journal.commitsOutput()) ||
            sinks.stream().anyMatch(Sink::commitsRemotely);
        final QueryRuntime.Outputs outputs = !committerWrites ? null :
            QueryRuntime.Outputs.of(parallelism, withLate(sinks, lateSink), sinks.size());
        final List<QueryRuntime.Task> tasks = new ArrayList<>();
        final List<Planner.PhysicalPlan> plans = new ArrayList<>();
        final StateReader restoring = null == recovery || null == recovery.snapshot() ? null :
            new StateReader(recovery.snapshot(), 0, recovery.snapshot().capacity());
        final List<Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < planner.exchangeCount(); i++)
        {
            exchanges.add(new Exchange(parallelism, control::isStopping, settings.idleStrategy()));
        }
        for (int task = 0; task < parallelism; task++)
        {
            final Planner.PhysicalPlan plan =
                planTask(planner, counters, deadLetters, lateSink, firstEpoch, tasks, outputs, exchanges, task);
            if (null != restoring)
            {
                plan.restore(restoring);
            }
            plans.add(plan);
        }
        graph.bind(figuresByNode(plans));
        openAll(sinks, planner);

        final IngressRing ring = new IngressRing(
            settings.ringSize(), settings.slotCapacity(), StreamWriter.OVERSIZE_BUDGET_DEFAULT, parallelism,
            null != ingress.publisher() && parallelism > 1);
        counters.ringSlotsUsed(ring::slotsInUse);
        final long intervalNanos = settings.trigger().interval().toNanos();
        final long startNanos = System.nanoTime();
        final IngressProducer producer = new IngressProducer(ring, counters, intervalNanos, firstEpoch,
            startNanos, journal, null != checkpoint && checkpoint.journalInput(),
            wallClockMillis -> processingTimerDue(tasks, wallClockMillis),
            Math.max(1, ingress.sources().size()));
        if (null != ingress.publisher())
        {
            ingress.publisher().bind(producer, control, settings.threadingMode() == ThreadingMode.INVOKER,
                parallelism);
        }
        final QueryRuntime runtime = new QueryRuntime(
            ingress.sources(), null == ingress.publisher() ? null : ingress.publisher()::cutWhenIdle,
            null == ingress.publisher() ? () -> { } : ingress.publisher()::awaitOffer, checkpoint, producer, ring,
            tasks, outputs, firstEpoch, deadLetters, control,
            settings.throttle(), () -> closeAll(sinks, lateSink), settings.threadingMode() == ThreadingMode.DEDICATED,
            settings.threadingMode() == ThreadingMode.INVOKER, settings.idleStrategy());
        if (null != ingress.publisher() && null != recovery)
        {
            try
            {
                ingress.publisher().recover(recovery);
            }
            catch (final RuntimeException ex)
            {
                // The agents run already: end them rather than leave them without a query to stop them.
                control.failed(ex);
                runtime.close();
                throw ex;
            }
        }
        if (null != settings.countersDirectory())
        {
            try
            {
                metrics.add(CountersFile.publish(settings.countersDirectory(), settings.queryName(), counters,
                    graph, control::isTerminated));
            }
            catch (final RuntimeException ex)
            {
                control.failed(ex);
                runtime.close();
                throw ex;
            }
        }
        notifyListeners(settings, control, counters, firstEpoch, startNanos, metrics);
        return new StreamingQuery(settings.queryName(), control, counters, runtime, metrics);
    }

    /**
     * Plans one task of the query. Without task outputs (a query of one task writing to its sinks on its operator
     * thread) the task writes to the query's sinks; with them, each task writes its rows, late records included, to
     * outputs of its own. Task 0 counts into the query's counters, the others into their own, which the query's sum.
     */
    private static Planner.PhysicalPlan planTask(
        final Planner planner,
        final QueryCounters counters,
        final DeadLetterHandler deadLetters,
        final Sink lateSink,
        final long firstEpoch,
        final List<QueryRuntime.Task> tasks,
        final QueryRuntime.Outputs outputs,
        final List<Exchange> exchanges,
        final int task)
    {
        final QueryCounters taskCounters = task == 0 ? counters : new QueryCounters(counters.inputs());
        if (task > 0)
        {
            counters.addTask(taskCounters);
        }
        final int outputCount = planner.outputCount();
        final Sink late = null == outputs ? lateSink :
            outputs.sinks().size() > outputCount ? outputs.of(task, outputCount) : null;
        final SinkOperator lateRecords = null == late ? null : new SinkOperator(late, null, firstEpoch);
        final OperatorContext context = new OperatorContext(taskCounters, deadLetters, lateRecords);
        final Planner.PhysicalPlan plan;
        if (null == outputs)
        {
            plan = planner.plan(context, firstEpoch);
        }
        else
        {
            final List<Sink> taskSinks = new ArrayList<>();
            for (int i = 0; i < outputCount; i++)
            {
                taskSinks.add(outputs.of(task, i));
            }
            plan = planner.plan(context, firstEpoch, new Planner.Task(task, outputs.tasks(), taskSinks, exchanges));
        }
        tasks.add(new QueryRuntime.Task(plan.heads(), plan.control(), plan.operators(), context));
        return plan;
    }

    private static boolean processingTimerDue(final List<QueryRuntime.Task> tasks, final long wallClockMillis)
    {
        for (int i = 0; i < tasks.size(); i++)
        {
            if (tasks.get(i).context().processingTimerDue(wallClockMillis))
            {
                return true;
            }
        }
        return false;
    }

    private static List<Sink> withLate(final List<Sink> sinks, final Sink lateSink)
    {
        final List<Sink> all = new ArrayList<>(sinks);
        if (null != lateSink)
        {
            all.add(lateSink);
        }
        return all;
    }

    /**
     * @return each graph node's figures: task 0's for a node every task runs on the same rows, the sum over the
     *         tasks for one split by key.
     */
    private static List<OperatorFigures> figuresByNode(final List<Planner.PhysicalPlan> plans)
    {
        if (plans.size() == 1)
        {
            return plans.get(0).byNode();
        }
        final List<OperatorFigures> byNode = new ArrayList<>();
        for (int node = 0; node < plans.get(0).byNode().size(); node++)
        {
            final List<OperatorFigures> tasks = new ArrayList<>();
            for (final Planner.PhysicalPlan plan : plans)
            {
                if (null != plan.byNode().get(node))
                {
                    tasks.add(plan.byNode().get(node));
                }
            }
            byNode.add(tasks.isEmpty() ? null : tasks.size() == 1 ? tasks.get(0) : OperatorFigures.sum(tasks));
        }
        return byNode;
    }

    /**
     * A dead-letter handler called by one thread at a time.
     */
    private record SerialDeadLetters(DeadLetterHandler handler) implements DeadLetterHandler
    {
        @Override
        public synchronized void onDeadLetter(
            final long position, final CharSequence reason, final DirectBuffer buffer, final int index,
            final int length)
        {
            handler.onDeadLetter(position, reason, buffer, index, length);
        }

        @Override
        public synchronized void onDeadRow(final long position, final CharSequence reason, final RowView row)
        {
            handler.onDeadRow(position, reason, row);
        }

        @Override
        public synchronized void onDeadLetter(
            final long position, final CharSequence reason, final Throwable error, final DirectBuffer buffer,
            final int index, final int length)
        {
            handler.onDeadLetter(position, reason, error, buffer, index, length);
        }
    }

    private static void notifyListeners(
        final StreamWriter settings,
        final QueryControl control,
        final QueryCounters counters,
        final long firstEpoch,
        final long startNanos,
        final List<AutoCloseable> metrics)
    {
        final List<StreamingQueryListener> listeners = new ArrayList<>(settings.listeners());
        if (metrics.stream().anyMatch(published -> !(published instanceof CountersFile)))
        {
            // The endpoint and the bean serve the query's figures until it has ended (the counters file has a
            // thread of its own that watches for the end).
            listeners.add(new StreamingQueryListener()
            {
                @Override
                public void onQueryTerminated(final String queryName, final Throwable error)
                {
                    closeQuietly(metrics);
                }
            });
        }
        if (!listeners.isEmpty())
        {
            new ProgressNotifier(settings.queryName(), control, counters.epochs, listeners, firstEpoch, startNanos)
                .start();
        }
    }

    /**
     * Fixes the input an available-now query reads at what its source has now, or refuses the query.
     */
    private static void endAtAvailableInput(final Ingress ingress)
    {
        if (null != ingress.publisher())
        {
            throw new IllegalArgumentException("availableNow needs input that exists when the query starts, and a " +
                "publisher's rows are offered after: use processingTime or continuous, and close() the publisher " +
                "to end the input");
        }
        for (final Source source : ingress.sources())
        {
            if (!source.endAtAvailableInput())
            {
                throw new IllegalArgumentException("availableNow needs a source that can tell what input is " +
                    "available when the query starts; source " + source + " cannot (Source.endAtAvailableInput): " +
                    "use processingTime or continuous");
            }
        }
    }

    private static void checkSinksKnown(final List<Sink> sinks, final Journal journal, final Recovery recovery)
    {
        for (final Sink sink : sinks)
        {
            checkSinkKnown(sink, journal, recovery);
        }
    }

    /**
     * Refuses to start when the sink holds output of epochs the checkpoint has no record of: each epoch's output
     * is only the same on a rerun when it is cut where the journal logged it.
     */
    private static void checkSinkKnown(final Sink sink, final Journal journal, final Recovery recovery)
    {
        final long durable = sink.lastDurableEpoch();
        final long committed = null == recovery ? 0 : recovery.committedEpoch();
        if (durable <= committed)
        {
            return;
        }
        // Epochs are committed behind the sink, so the sink may hold the output of up to IN_FLIGHT + 1 epochs past the
        // last commit: written just before a crash that came before their commits. Recovery cuts each again at the
        // same place. More than that means commits were lost.
        final long ahead = durable - committed;
        final boolean logged = null != recovery && ahead <= EpochCommitter.IN_FLIGHT + 1 &&
            ahead <= recovery.loggedCuts().size() &&
            recovery.loggedCuts().get((int)ahead - 1).epoch() == durable;
        if (logged)
        {
            return;
        }
        if (null == journal)
        {
            throw new IllegalStateException("the sink already holds output of epochs up to " + durable + " and " +
                "the query has no checkpoint that records them: write to an empty output, or resume from the " +
                "checkpoint that wrote it");
        }
        journal.close();
        if (null == recovery)
        {
            throw new CheckpointException(CheckpointException.Reason.DAMAGED, "the sink already holds output of " +
                "epochs up to " + durable + ", and the checkpoint is new: write to an empty output, or resume from " +
                "the checkpoint that wrote it. Nothing was written, and no checkpoint was created.");
        }
        throw new CheckpointException(CheckpointException.Reason.DAMAGED, "the sink already holds output of " +
            "epoch " + durable + ", but the checkpoint records " + (committed == 0 ? "no committed epoch" :
            "epoch " + committed + " as the last committed one") + " and no cut of epoch " + durable + ": the " +
            "checkpoint lost what it had recorded, or belongs to another output. Nothing was written.");
    }

    /**
     * Writes the rows each aggregation holds as of a snapshot to its sink, without running the query; for inspecting
     * a checkpoint.
     */
    static void writeState(
        final StreamWriter settings, final DirectBuffer snapshot, final Function<String, Sink> stateSinks)
    {
        // A snapshot of several tasks holds task 0's sections, then task 1's...: each stateful operation's sink gets
        // the rows of every task, numbered on as one epoch.
        final Map<String, StateRows> byOperation = new java.util.LinkedHashMap<>();
        final StateReader sections = new StateReader(snapshot, 0, snapshot.capacity());
        final Planner planner = settings.planner();
        for (int task = 0; task < settings.parallelism(); task++)
        {
            final OperatorContext context = new OperatorContext(new QueryCounters(), StreamingQuery::logDeadLetter,
                null);
            final Planner.PhysicalPlan plan = planner.planState(context, node ->
                byOperation.computeIfAbsent(node.operation(), operation -> new StateRows(stateSinks.apply(operation))));
            plan.restore(sections);
            plan.writeState();
        }
        final List<Runnable> ends = new ArrayList<>();
        for (final StateRows rows : byOperation.values())
        {
            ends.add(rows::end);
        }
        CloseAll.run(ends);
    }

    /**
     * Passes on the state rows of one operation, from every task, as one epoch: opened once, committed and closed
     * once all tasks have written theirs.
     */
    private static final class StateRows implements Sink
    {
        private final Sink sink;
        private boolean opened;
        private long sequence;

        StateRows(final Sink sink)
        {
            this.sink = sink;
        }

        @Override
        public void open(final io.millrace.row.Schema schema)
        {
            if (!opened)
            {
                opened = true;
                sink.open(schema);
            }
        }

        @Override
        public void onRow(final RowView row, final long epoch, final long ignored)
        {
            sink.onRow(row, epoch, sequence++);
        }

        void end()
        {
            try
            {
                sink.commitEpoch(1);
            }
            finally
            {
                sink.close();
            }
        }
    }

    private static void openAll(final List<Sink> sinks, final Planner planner)
    {
        for (int i = 0; i < sinks.size(); i++)
        {
            sinks.get(i).open(planner.outputSchema(i));
        }
    }

    /**
     * @return the port of the query's Prometheus endpoint on 127.0.0.1 (the one chosen when
     *         {@link StreamWriter#metricsPort} asked for 0); -1 without one.
     */
    public int metricsPort()
    {
        return metricsPort;
    }

    /**
     * @return the query's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Waits until the query ends: its input is exhausted and processed, it fails, or it is stopped.
     *
     * @throws StreamingQueryException when the query failed.
     * @throws InterruptedException    when interrupted while waiting.
     */
    public void awaitTermination() throws InterruptedException
    {
        boolean terminated;
        do
        {
            terminated = awaitTermination(Duration.ofDays(1));
        }
        while (!terminated);
    }

    /**
     * Waits up to {@code timeout} for the query to end.
     *
     * @param timeout to wait.
     * @return whether the query ended.
     * @throws StreamingQueryException when the query failed.
     * @throws InterruptedException    when interrupted while waiting.
     */
    public boolean awaitTermination(final Duration timeout) throws InterruptedException
    {
        if (!control.await(timeout.toNanos(), TimeUnit.NANOSECONDS))
        {
            return false;
        }
        if (null != runtime)
        {
            runtime.close();
        }
        closeQuietly(publications);
        final Throwable error = control.error();
        if (null != error)
        {
            throw new StreamingQueryException(name, error);
        }
        return true;
    }

    /**
     * Stops the query where it is and waits for its threads; output of the open epoch is not committed.
     */
    public void stop()
    {
        if (null != runtime)
        {
            runtime.close();
        }
        closeQuietly(publications);
    }

    /**
     * Same as {@link #stop()}.
     */
    @Override
    public void close()
    {
        stop();
    }

    /**
     * @return whether the query is still running.
     */
    public boolean isActive()
    {
        return !control.isTerminated();
    }

    /**
     * @return whether the query ended by processing all of its input.
     */
    public boolean isFinished()
    {
        return control.isFinished();
    }

    /**
     * @return the error the query failed with, or null.
     */
    public Throwable lastError()
    {
        return control.error();
    }

    /**
     * Runs one duty cycle of the query's agents on the calling thread; for {@link ThreadingMode#INVOKER}.
     *
     * @return work done; 0 when idle or ended.
     * @throws IllegalStateException in other threading modes.
     */
    public int invoke()
    {
        return null == runtime ? 0 : runtime.invoke();
    }

    /**
     * @return the query's figures now; the rate is measured since the previous call.
     */
    public synchronized QueryProgress progress()
    {
        final long now = System.nanoTime();
        final long recordsIn = counters.recordsIn.get();
        final double seconds = (now - lastProgressNanos) / 1e9;
        final double rate = seconds > 0 ? (recordsIn - lastProgressRecords) / seconds : 0;
        lastProgressNanos = now;
        lastProgressRecords = recordsIn;
        return new QueryProgress(
            recordsIn,
            rate,
            counters.recordsOut.get(),
            counters.sum(task -> task.stateRows.get()),
            counters.sum(task -> task.stateBytes.get()),
            counters.sum(task -> task.lateRecords.get()),
            counters.sum(task -> task.droppedContributions.get()),
            counters.sourceDeadLetters.get() + counters.sum(task -> task.operatorDeadLetters.get()),
            counters.watermark.get(),
            counters.committedEpoch.get(),
            new QueryProgress.Stages(counters.serviceTime.take(StageTimes::new), counters.marker.take(StageTimes::new),
                counters.commitWait.take(StageTimes::new), counters.snapshotCopy.take(StageTimes::new),
                counters.commitWrite.take(StageTimes::new), counters.commitForce.take(StageTimes::new)));
    }

    private static void closeAll(final List<Sink> sinks, final Sink lateSink)
    {
        // Every sink is closed, whichever fails; the first failure is the query's.
        final List<Runnable> closes = new ArrayList<>();
        for (final Sink sink : sinks)
        {
            closes.add(sink::close);
        }
        if (null != lateSink)
        {
            closes.add(lateSink::close);
        }
        CloseAll.run(closes);
    }

    private static void logDeadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index,
        final int length)
    {
        final byte[] bytes = new byte[Math.min(length, 200)];
        buffer.getBytes(index, bytes);
        System.err.println("millrace: dead letter at " + position + ": " + reason + ": " +
            new String(bytes, StandardCharsets.UTF_8));
    }
}
