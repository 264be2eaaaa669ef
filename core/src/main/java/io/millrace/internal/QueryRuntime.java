package io.millrace.internal;

import io.millrace.checkpoint.Journal;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.sink.DeadLetterHandler;
import io.millrace.sink.Sink;
import io.millrace.internal.operator.Operator;
import io.millrace.internal.operator.OperatorContext;
import io.millrace.source.Source;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The agents of a running query and the threads (or invoker) that run them.
 */
public final class QueryRuntime
{
    /**
     * The operators of one task.
     *
     * @param heads     per input, the operator receiving its rows.
     * @param everyHead receiving markers and the end of input: every head, once each.
     * @param operators every operator, in the order of a snapshot's sections.
     * @param context   of the operators; task 0's holds the query's counters.
     */
    public record Task(List<Operator> heads, Operator everyHead, List<Operator> operators, OperatorContext context)
    {
    }

    /**
     * Where the tasks of a query of several write: each task's rows go to outputs of its own, which the committer
     * writes to the sinks in task order.
     *
     * @param outputs      per task, its outputs, in the order of {@code sinks}.
     * @param sinks        the query's sinks: the outputs', then the late records' if any.
     * @param countedSinks how many of the first sinks count as rows out.
     */
    public record Outputs(TaskOutput[][] outputs, List<Sink> sinks, int countedSinks)
    {
        /**
         * @param tasks        of the query.
         * @param sinks        the query's sinks: the outputs', then the late records' if any.
         * @param countedSinks how many of the first sinks count as rows out.
         * @return an output of each sink for each task.
         */
        public static Outputs of(final int tasks, final List<Sink> sinks, final int countedSinks)
        {
            final TaskOutput[][] outputs = new TaskOutput[tasks][sinks.size()];
            for (final TaskOutput[] taskOutputs : outputs)
            {
                for (int i = 0; i < taskOutputs.length; i++)
                {
                    taskOutputs[i] = new TaskOutput();
                }
            }
            return new Outputs(outputs, List.copyOf(sinks), countedSinks);
        }

        /**
         * @return the tasks writing.
         */
        public int tasks()
        {
            return outputs.length;
        }

        /**
         * @param task from 0.
         * @param sink index in {@code sinks}.
         * @return where the task writes that sink's rows.
         */
        public Sink of(final int task, final int sink)
        {
            return outputs[task][sink];
        }
    }

    private final QueryControl control;
    private final Checkpointing checkpoint;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final AgentInvoker invoker;
    private final AgentRunner committerRunner;
    private final Runnable producerQuiesce;
    private boolean closed;

    /**
     * Creates the agents and starts them on threads, or on the caller's invocations.
     *
     * @param sources      polled by a source agent, in the order of the query's inputs; empty when a publisher
     *                     feeds the ring.
     * @param idleCut      the publisher's cut of an epoch its idleness leaves open, or null for a source.
     * @param quiesce      waits for a producer outside the agents (a publisher's offer) to leave the journal alone.
     * @param checkpoint   journal and recovery of the query, or null without a checkpoint.
     * @param producer     publishing into the ring.
     * @param ring         between source and operators, with a reader per task.
     * @param tasks        the query's tasks: one, or several, each with a thread of its own but for task 0's, which
     *                     the source shares unless threads are dedicated; several cannot be invoked.
     * @param outputs      where the tasks write, for a query of several; null for one.
     * @param firstEpoch   the query starts in.
     * @param deadLetters  for records the source rejects.
     * @param control      of the query.
     * @param throttle     records per second for the source, 0 for no limit.
     * @param onClose      run when the last thread writing to the sinks ends (closes them).
     * @param dedicated    whether the source and each task get a thread each, rather than the source share task 0's.
     * @param invoked      whether the caller runs the agents through {@link #invoke()} instead of a thread.
     * @param idleStrategy one per thread.
     */
    public QueryRuntime(
        final List<Source> sources,
        final IdleCut idleCut,
        final Runnable quiesce,
        final Checkpointing checkpoint,
        final IngressProducer producer,
        final IngressRing ring,
        final List<Task> tasks,
        final Outputs outputs,
        final long firstEpoch,
        final DeadLetterHandler deadLetters,
        final QueryControl control,
        final long throttle,
        final Runnable onClose,
        final boolean dedicated,
        final boolean invoked,
        final Supplier<IdleStrategy> idleStrategy)
    {
        this.control = control;
        this.checkpoint = checkpoint;
        this.producerQuiesce = quiesce;
        final QueryCounters counters = tasks.get(0).context().counters();
        final Journal journal = null == checkpoint ? null : checkpoint.journal();
        final EpochCommitter committer;
        if (null != outputs)
        {
            committer = new EpochCommitter(journal, control, counters, firstEpoch, outputs.outputs(),
                outputs.sinks(), outputs.countedSinks(), onClose);
        }
        else
        {
            committer = null == journal ? null : new EpochCommitter(journal, control, counters, firstEpoch);
        }
        final List<OperatorAgent> operatorAgents = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++)
        {
            final Task task = tasks.get(i);
            operatorAgents.add(new OperatorAgent(ring, i, task.heads(), task.everyHead(), task.operators(),
                task.context(), control, committer, null == outputs ? onClose : null, i == 0 ? idleCut : null));
        }
        final OperatorAgent operatorAgent = operatorAgents.get(0);
        final SourceAgent sourceAgent = sources.isEmpty() ? null : new SourceAgent(
            sources, producer, counters, deadLetters, control, throttle, dedicated,
            null == checkpoint ? null : checkpoint.recovery());
        // Agrona reports an agent ending itself to the error handler too; that is not a failure.
        final ErrorHandler errorHandler = error ->
        {
            if (!(error instanceof AgentTerminationException))
            {
                control.failed(described(error, journal));
            }
        };

        if (dedicated)
        {
            if (null != sourceAgent)
            {
                runners.add(new AgentRunner(idleStrategy.get(), errorHandler, null, sourceAgent));
            }
            for (final OperatorAgent agent : operatorAgents)
            {
                runners.add(new AgentRunner(idleStrategy.get(), errorHandler, null, agent));
            }
            invoker = null;
        }
        else
        {
            // The source shares task 0's thread; the other tasks of a query of several have a thread each.
            final Agent agent = null == sourceAgent ? operatorAgent : new CompositeAgent(sourceAgent, operatorAgent);
            if (!invoked)
            {
                runners.add(new AgentRunner(idleStrategy.get(), errorHandler, null, agent));
                for (final OperatorAgent other : operatorAgents.subList(1, operatorAgents.size()))
                {
                    runners.add(new AgentRunner(idleStrategy.get(), errorHandler, null, other));
                }
                invoker = null;
            }
            else
            {
                invoker = new AgentInvoker(errorHandler, null, agent);
            }
        }

        // Agrona hands an Error to the error handler and then rethrows it, out of the thread. An Error here is
        // mostly the JVM's report of a mapped page the disk could not back (SIGBUS as an InternalError, raised at
        // a later safepoint, so anywhere); it has failed the query already and must not reach stderr as a trace.
        final ThreadFactory threads = agent ->
        {
            final Thread thread = new Thread(agent);
            thread.setUncaughtExceptionHandler((t, error) -> control.failed(described(error, journal)));
            return thread;
        };
        // The committer has a thread of its own in every mode: it waits for disks, which nothing else should.
        committerRunner = null == committer ? null : new AgentRunner(idleStrategy.get(), errorHandler, null, committer);
        if (null != committerRunner)
        {
            AgentRunner.startOnThread(committerRunner, threads);
        }
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner, threads);
        }
        if (null != invoker)
        {
            invoker.start();
        }
    }

    /**
     * @return the error a query fails with: the JVM's report of a mapped page the disk could not back, raised at a
     *         safepoint after the write that caused it and so outside the journal's own catching of it, said as what
     *         it most likely is, naming the checkpoint.
     */
    private static Throwable described(final Throwable error, final Journal journal)
    {
        if (error instanceof InternalError && null != journal)
        {
            return new UncheckedIOException(new IOException("no space left on device, or another fault of a " +
                "memory-mapped file, writing " + journal + ": " + error.getMessage(), error));
        }
        return error;
    }

    /**
     * Runs one duty cycle of the agents; only when the agents are invoked.
     *
     * @return work done, 0 when idle.
     */
    public int invoke()
    {
        if (null == invoker)
        {
            throw new IllegalStateException("invoke() needs ThreadingMode.INVOKER");
        }
        return invoker.isClosed() ? 0 : invoker.invoke();
    }

    /**
     * Asks the agents to end and waits for their threads. Callers on several threads are served one after another:
     * a later one returns once the first has closed everything.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (!control.isTerminated())
        {
            control.stop();
        }
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        if (null != invoker)
        {
            invoker.close();
        }
        // After the operator agent, whose close waits for the epochs it handed over to be committed and then lets
        // the committer end itself: this only waits for its thread.
        if (null != committerRunner)
        {
            committerRunner.close();
        }
        if (null != checkpoint)
        {
            // An offer in progress on the application's thread may be appending to the journal: let it finish
            // (the query is stopped, so the next offer returns false) before the journal closes.
            producerQuiesce.run();
            checkpoint.journal().close();
        }
    }
}
