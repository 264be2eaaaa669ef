package io.millrace;

/**
 * A snapshot of a query's figures, taken by {@link StreamingQuery#progress()}.
 *
 * @param recordsIn            records read from the source.
 * @param recordsPerSecond     input rate since the previous snapshot (or the start).
 * @param recordsOut           rows written to the sink.
 * @param stateRows            rows (groups, windows) held in state.
 * @param stateBytes           off-heap bytes of state.
 * @param lateRecords          records all of whose windows were closed.
 * @param droppedContributions contributions of records to windows already closed.
 * @param deadLetters          records sent to the dead-letter output.
 * @param watermark            event-time watermark, {@link Long#MIN_VALUE} before the first record.
 * @param committedEpoch       last epoch the sink committed, 0 before the first.
 */
public record QueryProgress(
    long recordsIn,
    double recordsPerSecond,
    long recordsOut,
    long stateRows,
    long stateBytes,
    long lateRecords,
    long droppedContributions,
    long deadLetters,
    long watermark,
    long committedEpoch)
{
}
