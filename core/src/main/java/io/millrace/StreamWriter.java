package io.millrace;

import io.millrace.checkpoint.Journal;
import io.millrace.sink.Sink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Settings for writing a {@link Stream} to a sink: output mode, trigger, threads, ring. Validated by
 * {@link #start()}, which starts the query. Not thread-safe; defaults are the {@code *_DEFAULT} constants.
 */
public final class StreamWriter
{
    /** Default ring size in slots. */
    public static final int RING_SIZE_DEFAULT = 4096;
    /** Default inline bytes per ring slot; longer rows are carried out of line. */
    public static final int SLOT_CAPACITY_DEFAULT = 256;
    /** Default cap on bytes of out-of-line rows in the ring at once. */
    public static final long OVERSIZE_BUDGET_DEFAULT = 16L * 1024 * 1024;
    /** Default trigger: continuous, an epoch a second. */
    public static final Trigger TRIGGER_DEFAULT = Trigger.continuous(Duration.ofSeconds(1));
    /** Default idle strategy: {@link IdleMode#BACKOFF}, kind to 2-core hosts. */
    public static final Supplier<IdleStrategy> IDLE_STRATEGY_DEFAULT = IdleMode.BACKOFF.strategies();

    private final Stream stream;
    private OutputMode outputMode = OutputMode.APPEND;
    private Trigger trigger = TRIGGER_DEFAULT;
    private Sink sink;
    private Sink lateRecords;
    private DeadLetterHandler deadLetters;
    private ThreadingMode threadingMode = ThreadingMode.DEDICATED;
    private Supplier<IdleStrategy> idleStrategy = IDLE_STRATEGY_DEFAULT;
    private int ringSize = RING_SIZE_DEFAULT;
    private int slotCapacity = SLOT_CAPACITY_DEFAULT;
    private long throttle;
    private String queryName = "query";
    private long version = 1;
    private Journal journal;
    private boolean journalInput;
    private String identity;

    StreamWriter(final Stream stream)
    {
        this.stream = stream;
    }

    /**
     * @param mode what to write; default {@link OutputMode#APPEND}.
     * @return this.
     */
    public StreamWriter outputMode(final OutputMode mode)
    {
        this.outputMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /**
     * @param trigger when to produce results; default {@link #TRIGGER_DEFAULT}.
     * @return this.
     */
    public StreamWriter trigger(final Trigger trigger)
    {
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        return this;
    }

    /**
     * @param sink receiving the output; required.
     * @return this.
     */
    public StreamWriter sink(final Sink sink)
    {
        this.sink = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * @param lateSink receiving the records all of whose windows were closed (docs/semantics.md), as they reached the
     *                 windowed aggregation, with their own {@code (epoch, sequence)} ids; without it they are only
     *                 counted.
     * @return this.
     */
    public StreamWriter lateRecords(final Sink lateSink)
    {
        this.lateRecords = Objects.requireNonNull(lateSink, "lateSink");
        return this;
    }

    /**
     * @param handler for records that cannot be processed; by default they are counted and logged to stderr.
     * @return this.
     */
    public StreamWriter deadLetter(final DeadLetterHandler handler)
    {
        this.deadLetters = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * @param mode how agents get threads; default {@link ThreadingMode#DEDICATED}.
     * @return this.
     */
    public StreamWriter threadingMode(final ThreadingMode mode)
    {
        this.threadingMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /**
     * @param supplier of one idle strategy per thread; default {@link #IDLE_STRATEGY_DEFAULT}. Busy-spinning
     *                 strategies suit only hosts with a core for each query thread.
     * @return this.
     */
    public StreamWriter idleStrategy(final Supplier<IdleStrategy> supplier)
    {
        this.idleStrategy = Objects.requireNonNull(supplier, "supplier");
        return this;
    }

    /**
     * @param slots of the ingress ring, a power of two; default {@link #RING_SIZE_DEFAULT}.
     * @return this.
     */
    public StreamWriter ringSize(final int slots)
    {
        if (slots < 2 || Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("ring size must be a power of two >= 2: " + slots);
        }
        this.ringSize = slots;
        return this;
    }

    /**
     * @param bytes inline per ring slot; default {@link #SLOT_CAPACITY_DEFAULT}.
     * @return this.
     */
    public StreamWriter slotCapacity(final int bytes)
    {
        if (bytes < 16)
        {
            throw new IllegalArgumentException("slot capacity must be at least 16 bytes: " + bytes);
        }
        this.slotCapacity = bytes;
        return this;
    }

    /**
     * @param recordsPerSecond most records a polled source publishes per second; 0 (default) for no limit.
     * @return this.
     */
    public StreamWriter throttle(final long recordsPerSecond)
    {
        if (recordsPerSecond < 0)
        {
            throw new IllegalArgumentException("throttle must not be negative: " + recordsPerSecond);
        }
        this.throttle = recordsPerSecond;
        return this;
    }

    /**
     * @param name of the query, in thread names and messages; default "query".
     * @return this.
     */
    public StreamWriter queryName(final String name)
    {
        this.queryName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Gives the query a checkpoint (docs/checkpoints.md): epoch cuts are logged before they take effect, operator state
     * is snapshotted and the epoch committed after the sink commits, and a restart with the same journal resumes
     * from the last committed epoch. Sources that cannot replay have their input journaled. The query closes the
     * journal when it terminates.
     *
     * @param checkpoint the query's journal, e.g. from the journal module.
     * @return this.
     */
    public StreamWriter checkpoint(final Journal checkpoint)
    {
        this.journal = Objects.requireNonNull(checkpoint, "checkpoint");
        return this;
    }

    /**
     * @param journal whether to journal every input record before processing it, even from a replayable
     *                source, so that the journal alone can replay the query; needs a checkpoint.
     * @return this.
     */
    public StreamWriter journalInput(final boolean journal)
    {
        this.journalInput = journal;
        return this;
    }

    /**
     * @param version of the query's logic, part of its default identity (default 1). A checkpoint records the
     *                identity and a restart must present the same one, but the plan prints a function (a
     *                {@code filter} predicate, a {@code map}) by its kind, not its code: bump the version whenever
     *                such code changes, so that a restart refuses the old checkpoint instead of resuming from state
     *                that other code built.
     * @return this.
     */
    public StreamWriter version(final long version)
    {
        this.version = version;
        return this;
    }

    /**
     * Replaces the default identity: the query's name and {@link #version(long) version}, its plan (operators,
     * columns, windows, and its source with every parameter that decides its records), output mode and trigger
     * kind. The sink is not part of the default identity: include where it writes when a restart elsewhere would
     * break exactly-once (the command line includes its output directory).
     *
     * @param queryIdentity recorded in the checkpoint and checked on restart.
     * @return this.
     */
    public StreamWriter queryIdentity(final String queryIdentity)
    {
        this.identity = Objects.requireNonNull(queryIdentity, "queryIdentity");
        return this;
    }

    /**
     * Validates the query and starts it.
     *
     * @return the running query.
     * @throws IllegalArgumentException naming what is wrong: a missing sink, an output mode the plan cannot
     *                                  produce.
     */
    public StreamingQuery start()
    {
        if (null == sink)
        {
            throw new IllegalArgumentException("no sink: call sink(...) before start()");
        }
        final Stream aggregationNode = stream.aggregation();
        final String aggregation = stream.aggregationDescription();
        if (outputMode == OutputMode.APPEND && null != aggregationNode && !aggregationNode.isWindowed())
        {
            throw new IllegalArgumentException("append output mode is not supported for " + aggregation +
                " without a window: its rows never become final; use update or complete");
        }
        if (outputMode == OutputMode.APPEND && null != aggregationNode && null == stream.watermark())
        {
            throw new IllegalArgumentException("append output mode for " + aggregation + " needs a watermark: " +
                "add withWatermark(timeColumn, delay) before it, or its windows close only at the end of input");
        }
        if (null != lateRecords && (null == aggregationNode || !aggregationNode.isWindowed()))
        {
            throw new IllegalArgumentException("lateRecords(...) needs a windowed aggregation; " + stream + " has none");
        }
        if (outputMode == OutputMode.COMPLETE && null == aggregation)
        {
            throw new IllegalArgumentException(
                "complete output mode needs an aggregation; " + stream + " has none: use append or update");
        }
        if (journalInput && null == journal)
        {
            throw new IllegalArgumentException("journalInput needs a checkpoint: call checkpoint(...)");
        }
        if (null != journal && null != stream.ingress().publisher() && threadingMode == ThreadingMode.INVOKER)
        {
            throw new IllegalArgumentException("a Publisher with a checkpoint needs an operator thread to replay its " +
                "journal into when the query starts: use ThreadingMode.DEDICATED or SHARED");
        }
        return StreamingQuery.start(this);
    }

    /**
     * Prepares this writer to re-execute recorded epochs rather than run live; used by the journal module's
     * {@code Replay}. The query reads its recorded input through {@code replayJournal}; epochs are cut only where
     * the journal says (the trigger keeps its kind, with an interval too long to cut); late records and dead
     * letters are not written again.
     *
     * @param replayJournal read-only view of the original checkpoint.
     * @param wrapSink      wraps the sink, e.g. to keep an epoch range.
     * @return this.
     */
    public StreamWriter replayWith(final Journal replayJournal, final UnaryOperator<Sink> wrapSink)
    {
        final Duration never = Duration.ofDays(365);
        switch (trigger.kind())
        {
            case CONTINUOUS -> trigger = Trigger.continuous(never);
            case PROCESSING_TIME -> trigger = Trigger.processingTime(never);
            default -> trigger = Trigger.availableNow();
        }
        journal = Objects.requireNonNull(replayJournal, "replayJournal");
        sink = wrapSink.apply(Objects.requireNonNull(sink, "no sink: call sink(...) before replayWith(...)"));
        lateRecords = null;
        deadLetters = (position, reason, buffer, index, length) -> { };
        throttle = 0;
        return this;
    }

    /**
     * Writes the rows held in operator state as of a snapshot (every window or group with its aggregates, as the
     * query's output rows) to {@code stateSink}, without starting the query: for inspecting a checkpoint. The
     * snapshot must come from this query (see the journal module's {@code Replay}).
     *
     * @param snapshot  operator state of an epoch.
     * @param stateSink receiving the rows, as epoch 1.
     */
    public void writeState(final DirectBuffer snapshot, final Sink stateSink)
    {
        StreamingQuery.writeState(this, snapshot, Objects.requireNonNull(stateSink, "stateSink"));
    }

    Journal journal()
    {
        return journal;
    }

    boolean journalInput()
    {
        return journalInput;
    }

    String identity()
    {
        return null != identity ? identity :
            queryName + " version " + version + " | " + stream + " | " + outputMode + " | " + trigger.kind();
    }

    Stream stream()
    {
        return stream;
    }

    OutputMode outputMode()
    {
        return outputMode;
    }

    Trigger trigger()
    {
        return trigger;
    }

    Sink sink()
    {
        return sink;
    }

    Sink lateRecords()
    {
        return lateRecords;
    }

    DeadLetterHandler deadLetters()
    {
        return deadLetters;
    }

    ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    Supplier<IdleStrategy> idleStrategy()
    {
        return idleStrategy;
    }

    int ringSize()
    {
        return ringSize;
    }

    int slotCapacity()
    {
        return slotCapacity;
    }

    long throttle()
    {
        return throttle;
    }

    String queryName()
    {
        return queryName;
    }
}
