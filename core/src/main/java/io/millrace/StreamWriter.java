package io.millrace;

import io.millrace.checkpoint.Journal;
import io.millrace.internal.operator.EmissionPolicy;
import io.millrace.internal.plan.Planner;
import io.millrace.sink.DeadLetterHandler;
import io.millrace.sink.Sink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import io.millrace.sink.DeadLetterHandler;

/**
 * Settings for writing a {@link Stream} to a sink: output mode, trigger, threads, ring. Validated by
 * {@link #start()}, which starts the query. Not thread-safe; defaults are the {@code *_DEFAULT} constants.
 * <p>
 * One query can write several streams of one input, each to a sink of its own ({@link #alsoWrite}): the input is
 * read once, every operation the streams share runs once, and an epoch commits when every sink has committed it.
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
    private final List<Also> also = new ArrayList<>();
    private final List<StreamingQueryListener> listeners = new ArrayList<>();
    private int metricsPort = -1;
    private int parallelism = 1;
    private Path countersDirectory;

    /** A further output of the query. */
    private record Also(Stream stream, OutputMode mode, Sink sink)
    {
    }

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
     * Writes another stream of the same input to a sink of its own, in the same query: the rows of every operation
     * the streams share are computed once and passed to both. Each sink numbers its rows {@code (epoch, sequence)}
     * on its own; an epoch commits once every sink has committed it, and a restart gives each the same rows again.
     *
     * @param other stream of the same input as this writer's.
     * @param mode  what to write of it.
     * @param output receiving its rows.
     * @return this.
     */
    public StreamWriter alsoWrite(final Stream other, final OutputMode mode, final Sink output)
    {
        also.add(new Also(Objects.requireNonNull(other, "other"), Objects.requireNonNull(mode, "mode"),
            Objects.requireNonNull(output, "output")));
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
     * @param listener told of the query's start, of each committed epoch's progress and of its end, on a thread of
     *                 the query's own ({@link StreamingQueryListener}); several may be added.
     * @return this.
     */
    public StreamWriter listener(final StreamingQueryListener listener)
    {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Serves the query's figures while it runs: in the Prometheus text format at {@code http://127.0.0.1:PORT/metrics}
     * (queries of one JVM naming the same port share it, each sample labelled with its query's name), and as the JMX
     * bean {@code io.millrace:type=Query,name=<name>,id=<n>}. Off by default; the names and units are in the
     * README's "Watching a query".
     *
     * @param port on the loopback address; 0 for one the system picks ({@link StreamingQuery#metricsPort()}).
     * @return this.
     * @throws IllegalArgumentException for a port outside 0..65535.
     */
    public StreamWriter metricsPort(final int port)
    {
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("metrics port must be 0..65535: " + port);
        }
        metricsPort = port;
        return this;
    }

    /**
     * Publishes the query's counters in a memory-mapped file in a directory while it runs, so that another process
     * can read them ({@code millrace stat --dir DIR}); the file goes when the query ends. Off by default.
     *
     * @param directory of counters files, made if missing.
     * @return this.
     */
    public StreamWriter countersDirectory(final Path directory)
    {
        countersDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /**
     * Runs the query as several tasks, each on an operator thread of its own (docs/parallelism.md). Every task reads
     * every record and runs on it the operations before the keyed stateful ones that no stateful operation reads
     * (maps, filters, the watermark, and keyed operations another stateful one reads); each such last keyed
     * operation (an aggregation, a deduplication, a join, a keyed process function) keeps only the keys its task
     * owns, by a fixed hash of the key. Each key's rows are therefore exactly those of a query of one task. The committer writes each epoch's rows to the sinks once every task has passed its marker, task 0's
     * first, so a sink gets each epoch's rows from one thread, numbered as before, at the epoch's end.
     * <p>
     * With {@link ThreadingMode#DEDICATED} the source has a thread of its own and each task another; with
     * {@link ThreadingMode#SHARED} the source shares task 0's thread, so that P tasks take P threads, which suits a
     * host with no core to spare for the source. A {@link Publisher} is the producer itself, on the offering thread.
     * Refuses {@link ThreadingMode#INVOKER}. The number of tasks is part of the query's identity: a checkpoint is resumed with
     * the number it was written with.
     *
     * @param tasks 1 (default) to 128.
     * @return this.
     */
    public StreamWriter parallelism(final int tasks)
    {
        if (tasks < 1 || tasks > 128)
        {
            throw new IllegalArgumentException("parallelism must be 1 to 128: " + tasks);
        }
        this.parallelism = tasks;
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
     * break exactly-once (the command line includes its output directory). With a {@link #parallelism} above 1, a
     * line {@code --parallelism=N} is added to either identity: a snapshot holds each task's state.
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
        final Planner planner = planner();
        if (null != lateRecords)
        {
            planner.lateRecordSchema();
        }
        if (journalInput && null == journal)
        {
            throw new IllegalArgumentException("journalInput needs a checkpoint: call checkpoint(...)");
        }
        if (null != journal && planner.sources().get(0).input() instanceof Publisher &&
            threadingMode == ThreadingMode.INVOKER)
        {
            throw new IllegalArgumentException("a Publisher with a checkpoint needs an operator thread to replay its " +
                "journal into when the query starts: use ThreadingMode.DEDICATED or SHARED");
        }
        if (parallelism > 1)
        {
            if (threadingMode == ThreadingMode.INVOKER)
            {
                throw new IllegalArgumentException("parallelism " + parallelism + " runs each task on a thread of " +
                    "its own: use ThreadingMode.DEDICATED or SHARED");
            }
            planner.checkTasks(parallelism);
        }
        return StreamingQuery.start(this, planner);
    }

    /**
     * @return the planner of the query's outputs.
     * @throws IllegalArgumentException naming what the plan cannot do.
     */
    Planner planner()
    {
        final List<Planner.Output> outputs = new ArrayList<>();
        outputs.add(new Planner.Output(stream.node(), mode(outputMode), sink));
        for (final Also output : also)
        {
            outputs.add(new Planner.Output(output.stream().node(), mode(output.mode()), output.sink()));
        }
        return new Planner(outputs, trigger.kind() == Trigger.Kind.CONTINUOUS);
    }

    private static EmissionPolicy.Mode mode(final OutputMode mode)
    {
        return switch (mode)
        {
            case APPEND -> EmissionPolicy.Mode.APPEND;
            case UPDATE -> EmissionPolicy.Mode.UPDATE;
            case COMPLETE -> EmissionPolicy.Mode.COMPLETE;
        };
    }

    /**
     * Prepares this writer to re-execute recorded epochs rather than run live; used by the journal module's
     * {@code Replay}. The query reads its recorded input through {@code replayJournal}; epochs are cut only where
     * the journal says (the trigger keeps its kind, with an interval too long to cut); late records and dead
     * letters are not written again.
     *
     * @param replayJournal read-only view of the original checkpoint.
     * @param wrapSink      wraps each output's sink, e.g. to keep an epoch range.
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
        also.replaceAll(output -> new Also(output.stream(), output.mode(), wrapSink.apply(output.sink())));
        lateRecords = null;
        deadLetters = (position, reason, buffer, index, length) -> { };
        listeners.clear();
        metricsPort = -1;
        countersDirectory = null;
        throttle = 0;
        return this;
    }

    /**
     * Writes the rows held in operator state as of a snapshot to {@code stateSink}, without starting the query: for
     * inspecting a checkpoint. Each stateful operation writes its rows to the sink in turn, opened again with that
     * operation's schema: an aggregation every window or group with its aggregates, as it would write them in
     * complete mode; a keyed process function a row per key, its key columns then {@code value_state} (the value
     * state in hexadecimal), {@code list_entries}, {@code map_entries} and {@code timers_pending}; a join a row per
     * row it holds, {@code side} (0 left, 1 right), {@code time}, {@code matched} and {@code row} (a CSV line). The snapshot must come from this query
     * (see the journal module's {@code Replay}).
     *
     * @param snapshot  operator state of an epoch.
     * @param stateSink receiving the rows, as epoch 1.
     */
    public void writeState(final DirectBuffer snapshot, final Sink stateSink)
    {
        Objects.requireNonNull(stateSink, "stateSink");
        writeState(snapshot, operation -> stateSink);
    }

    /**
     * Writes the rows held in operator state as of a snapshot, each stateful operation's (aggregations, joins and
     * keyed process functions, as {@link #writeState(DirectBuffer, Sink)} says) to a sink of its own, without starting the
     * query: for inspecting a checkpoint. The snapshot must come from this query.
     *
     * @param snapshot   operator state of an epoch.
     * @param stateSinks gives the sink of an operation from its name, as plans print it (e.g.
     *                   {@code groupBy[auction].agg[count() as count]}); each is opened with the rows' schema,
     *                   receives its rows as epoch 1 and is closed.
     */
    public void writeState(final DirectBuffer snapshot, final Function<String, Sink> stateSinks)
    {
        StreamingQuery.writeState(this, snapshot, Objects.requireNonNull(stateSinks, "stateSinks"));
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
        final String tasks = parallelism == 1 ? "" : "\n--parallelism=" + parallelism;
        if (null != identity)
        {
            return identity + tasks;
        }
        final StringBuilder outputs = new StringBuilder().append(stream).append(" | ").append(outputMode);
        for (final Also output : also)
        {
            outputs.append(" | also ").append(output.stream()).append(" | ").append(output.mode());
        }
        return queryName + " version " + version + " | " + outputs + " | " + trigger.kind() + tasks;
    }

    int parallelism()
    {
        return parallelism;
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

    /**
     * @return every output's sink, this writer's first.
     */
    List<Sink> sinks()
    {
        final List<Sink> sinks = new ArrayList<>();
        sinks.add(sink);
        for (final Also output : also)
        {
            sinks.add(output.sink());
        }
        return sinks;
    }

    Sink lateRecords()
    {
        return lateRecords;
    }

    DeadLetterHandler deadLetters()
    {
        return deadLetters;
    }

    List<StreamingQueryListener> listeners()
    {
        return listeners;
    }

    int metricsPort()
    {
        return metricsPort;
    }

    Path countersDirectory()
    {
        return countersDirectory;
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
