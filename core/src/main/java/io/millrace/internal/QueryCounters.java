package io.millrace.internal;

/**
 * The live figures of one query. Each counter has one writer: the source thread (records in, source dead
 * letters), the operator thread (everything else).
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
    /** Last epoch the sink committed, 0 before the first. */
    public final Counter committedEpoch = new Counter(0);
}
