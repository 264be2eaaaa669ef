package io.millrace.internal.metrics;

import java.util.function.ToLongFunction;

/**
 * The figures a query shows outside the process, in one table: the Prometheus endpoint, the counters file that
 * {@code millrace stat} reads and the JMX bean all take their figures, names and order from here.
 */
public enum QueryFigure
{
    RECORDS_IN("records in", "millrace_records_in_total", true, "Records the query's sources published.",
        counters -> counters.recordsIn.get()),
    RECORDS_OUT("records out", "millrace_records_out_total", true, "Rows the query's sinks received.",
        counters -> counters.recordsOut.get()),
    DEAD_LETTERS("dead letters", "millrace_dead_letters_total", true, "Records sent to the dead-letter output.",
        counters -> counters.sourceDeadLetters.get() + counters.sum(task -> task.operatorDeadLetters.get())),
    LATE_RECORDS("late records", "millrace_late_records_total", true, "Records all of whose windows were closed.",
        counters -> counters.sum(task -> task.lateRecords.get())),
    DROPPED_CONTRIBUTIONS("dropped contributions", "millrace_dropped_contributions_total", true,
        "Contributions of records to windows already closed.", counters -> counters.sum(task -> task.droppedContributions.get())),
    STATE_ROWS("state rows", "millrace_state_rows", false, "Rows held in state, all stateful operations.",
        counters -> counters.sum(task -> task.stateRows.get())),
    STATE_BYTES("state bytes", "millrace_state_bytes", false, "Off-heap bytes held in state.",
        counters -> counters.sum(task -> task.stateBytes.get())),
    COMMITTED_EPOCH("committed epoch", "millrace_committed_epoch", false, "The last epoch the sinks committed.",
        counters -> counters.committedEpoch.get()),
    /** In epoch ms, 0 before the first; Prometheus shows it in seconds, and only then. */
    LAST_COMMIT("last commit ms", "millrace_last_commit_timestamp_seconds", false,
        "When the last epoch became durable, as seconds since the epoch; absent before the first.",
        counters -> counters.lastCommitMillis.get()),
    BACK_PRESSURE("back-pressure", "millrace_back_pressure_total", true,
        "Times the ingress ring was full and the producer had to wait.", counters -> counters.backPressure.get()),
    RING_SLOTS_USED("ring slots used", "millrace_ring_slots_used", false,
        "Slots of the ingress ring published and not yet taken by the operators.", QueryCounters::ringSlotsUsed),
    /** In epoch ms, {@link Long#MIN_VALUE} before there is one; Prometheus shows it in seconds, and only then. */
    WATERMARK("watermark ms", "millrace_watermark_seconds", false,
        "The event-time watermark, as seconds since the epoch; absent before there is one.",
        counters -> counters.watermark.get());

    private final String label;
    private final String metric;
    private final boolean counter;
    private final String help;
    private final ToLongFunction<QueryCounters> value;

    QueryFigure(
        final String label, final String metric, final boolean counter, final String help,
        final ToLongFunction<QueryCounters> value)
    {
        this.label = label;
        this.metric = metric;
        this.counter = counter;
        this.help = help;
        this.value = value;
    }

    /**
     * @return the figure's label in the counters file and in {@code millrace stat}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return the Prometheus metric's name.
     */
    public String metric()
    {
        return metric;
    }

    /**
     * @return the Prometheus metric's type: {@code counter} or {@code gauge}.
     */
    public String type()
    {
        return counter ? "counter" : "gauge";
    }

    /**
     * @return the Prometheus metric's help text.
     */
    public String help()
    {
        return help;
    }

    /**
     * @return whether the figure is a time, epoch ms, which Prometheus shows in seconds.
     */
    public boolean isTimestamp()
    {
        return this == WATERMARK || this == LAST_COMMIT;
    }

    /**
     * @param value of this figure.
     * @return whether it holds a value: a watermark once there is one (not before, nor the end of input's), the
     *         last commit's time once an epoch was committed; every other figure always.
     */
    public boolean isSet(final long value)
    {
        return switch (this)
        {
            case WATERMARK -> value != Long.MIN_VALUE && value != Long.MAX_VALUE;
            case LAST_COMMIT -> value != 0;
            default -> true;
        };
    }

    /**
     * @param counters of a query.
     * @return the figure now.
     */
    public long of(final QueryCounters counters)
    {
        return value.applyAsLong(counters);
    }
}
