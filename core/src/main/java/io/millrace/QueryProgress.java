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
 * @param watermark            event-time watermark of the plan's first {@code withWatermark},
 *                             {@link Long#MIN_VALUE} before the first record.
 * @param committedEpoch       last epoch the sink committed, 0 before the first.
 * @param stages               how long the engine's stages took since the previous snapshot.
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
    long committedEpoch,
    Stages stages)
{
    /**
     * How long the engine's own stages took, apart from any queueing: what a record costs once the operator thread
     * takes it, and what each epoch's marker costs, step by step. Each is measured by the thread that runs the stage,
     * without allocating, and covers the time since the previous {@link StreamingQuery#progress()}.
     *
     * @param serviceTime  one record from the operator thread taking it off the ingress ring to the sink having it:
     *                     the engine's cost per record, with no time spent waiting in the ring (one record in 64 is
     *                     timed, so that the clock's own cost stays off the record path).
     * @param marker       an epoch's marker through the operators, the sink committing the epoch's output included.
     * @param commitWait   the operator thread waiting for a free snapshot buffer because earlier epochs are still
     *                     being committed: back-pressure from the disk, 0 while the committer keeps up.
     * @param snapshotCopy the operator thread writing the operators' state into a snapshot buffer.
     * @param commitWrite  the committer thread writing the snapshot file and journaling the commit, behind the
     *                     operator thread, the disk's forcing excluded.
     * @param commitForce  the committer thread waiting for the disk to hold the snapshot.
     */
    public record Stages(
        StageTimes serviceTime,
        StageTimes marker,
        StageTimes commitWait,
        StageTimes snapshotCopy,
        StageTimes commitWrite,
        StageTimes commitForce)
    {
    }
}
