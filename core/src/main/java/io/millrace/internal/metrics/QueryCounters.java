package io.millrace.internal.metrics;

import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The live figures of one query. Each counter has one writer: the source thread (records in, source dead
 * letters), the committer thread (the commit's stages), the operator thread (everything else).
 * <p>
 * A query of several tasks gives each task after the first counters of its own ({@link #addTask}), which its
 * operator thread writes; the figures the tasks add up ({@link #sum}) are read over all of them, the others are task
 * 0's. Rows out and the committed epoch are then the committer's, which writes the tasks' rows to the sinks.
 */
public final class QueryCounters
{
    /** Records the source published. */
    public final Counter recordsIn = new Counter(0);
    /** Rows handed to the sink. */
    public final Counter recordsOut = new Counter(0);
    /** Records the source sent to the dead-letter output. */
    public final Counter sourceDeadLetters = new Counter(0);
    /** Records the operators sent to the dead-letter output. */
    public final Counter operatorDeadLetters = new Counter(0);
    /** Records whose every window was closed. */
    public final Counter lateRecords = new Counter(0);
    /** Contributions of records to windows already closed. */
    public final Counter droppedContributions = new Counter(0);
    /** Rows (groups, windows) held in state. */
    public final Counter stateRows = new Counter(0);
    /** Off-heap bytes held by state. */
    public final Counter stateBytes = new Counter(0);
    /** Current event-time watermark, {@link Long#MIN_VALUE} before the first record. */
    public final Counter watermark = new Counter(Long.MIN_VALUE);
    /** Last epoch the sinks committed, 0 before the first. */
    public final Counter committedEpoch = new Counter(0);
    /** Wall-clock time the last epoch became durable (its commit journaled, or its sinks committed), epoch ms. */
    public final Counter lastCommitMillis = new Counter(0);
    /** Times the producer found the ingress ring full and had to wait with a row, a batch or a marker. */
    public final Counter backPressure = new Counter(0);
    /** One record in {@link #SERVICE_TIME_SAMPLE} from the operator thread taking it to the sink having it. */
    public final StageRecorder serviceTime = new StageRecorder();
    /** The same samples, per epoch, for the epoch's figures. */
    public final EpochServiceTime epochServiceTime = new EpochServiceTime();
    /** Records whose service time was sampled, so far. */
    public final Counter serviceTimeCount = new Counter(0);
    /** The sum of their service times, nanoseconds. */
    public final Counter serviceTimeSumNanos = new Counter(0);
    /** A marker through the operators and the sink's commit of the epoch's output. */
    public final StageRecorder marker = new StageRecorder();
    /** The operator thread waiting for a free snapshot buffer: epochs in flight to the committer. */
    public final StageRecorder commitWait = new StageRecorder();
    /** The operator thread writing the state into a snapshot buffer. */
    public final StageRecorder snapshotCopy = new StageRecorder();
    /** The committer writing the snapshot and journaling the commit, the disk's forcing excluded. */
    public final StageRecorder commitWrite = new StageRecorder();
    /** The committer waiting for the disk to hold the snapshot. */
    public final StageRecorder commitForce = new StageRecorder();
    /** Each epoch's figures, for progress reports per epoch. */
    public final EpochFigures epochs = new EpochFigures();

    private volatile LongSupplier ringSlotsUsed = () -> 0;
    private volatile QueryCounters[] tasks = new QueryCounters[0];
    /** Per input of the query, the rows the operator thread took from it. */
    private final Counter[] inputRows;

    /**
     * Counters of a query of one input.
     */
    public QueryCounters()
    {
        this(1);
    }

    /**
     * @param inputs of the query.
     */
    public QueryCounters(final int inputs)
    {
        inputRows = new Counter[inputs];
        for (int i = 0; i < inputs; i++)
        {
            inputRows[i] = new Counter(0);
        }
    }

    /**
     * @return the inputs of the query.
     */
    public int inputs()
    {
        return inputRows.length;
    }

    /**
     * Counts a row the operator thread took from an input; operator thread.
     *
     * @param input of the query, from 0.
     */
    public void inputRow(final int input)
    {
        inputRows[input].increment();
    }

    /**
     * @param input of the query, from 0.
     * @return rows the operator thread took from it; any thread.
     */
    public long inputRows(final int input)
    {
        return inputRows[input].get();
    }

    /**
     * @param used how many slots of the ingress ring are published and not yet handled, readable from any thread.
     */
    public void ringSlotsUsed(final LongSupplier used)
    {
        ringSlotsUsed = used;
    }

    /**
     * @return slots of the ingress ring published and not yet handled now; any thread.
     */
    public long ringSlotsUsed()
    {
        return ringSlotsUsed.getAsLong();
    }

    /**
     * @param task the counters of another task of the query, written by its operator thread.
     */
    public void addTask(final QueryCounters task)
    {
        final QueryCounters[] grown = java.util.Arrays.copyOf(tasks, tasks.length + 1);
        grown[tasks.length] = task;
        tasks = grown;
    }

    /**
     * @param figure read from one task's counters.
     * @return its sum over the query's tasks; any thread.
     */
    public long sum(final ToLongFunction<QueryCounters> figure)
    {
        long sum = figure.applyAsLong(this);
        for (final QueryCounters task : tasks)
        {
            sum += figure.applyAsLong(task);
        }
        return sum;
    }

    /** Records per service-time measurement: a power of two. */
    public static final int SERVICE_TIME_SAMPLE = 64;
}
