package io.millrace;

import io.millrace.internal.metrics.Json;

/**
 * One committed epoch of a query, as {@link StreamingQueryListener#onQueryProgress} receives it; the counts are
 * the epoch's own unless said otherwise. {@link #toJson()} writes it in the schema docs/command-line.md documents
 * ("Progress as JSON").
 *
 * @param queryName            of the query.
 * @param epoch                the epoch's id.
 * @param cutTime              wall-clock time of the epoch's cut, epoch ms: the query's processing time from then on.
 * @param durationNanos        from the previous epoch's end (or the query's start) to this one's, on the operator
 *                             thread's clock.
 * @param records              records the operators took in the epoch (after a restart, the journaled records
 *                             replayed too).
 * @param recordsPerSecond     {@code records} over the duration.
 * @param rowsOut              rows the sinks received in the epoch.
 * @param lateRecords          records all of whose windows were closed.
 * @param droppedContributions contributions of records to windows already closed.
 * @param deadLetters          records sent to the dead-letter output.
 * @param stateRows            rows held in state at the epoch's end, all stateful operations together.
 * @param stateBytes           off-heap bytes of that state.
 * @param watermark            the event-time watermark at the epoch's end, {@link Long#MIN_VALUE} while there is none.
 * @param serviceTime          records' service times in the epoch, from the operator thread taking a record off the
 *                             ingress ring to the sinks having its rows: one record in 64 is timed.
 * @param stages               how long the epoch's end took, step by step.
 */
public record EpochProgress(
    String queryName,
    long epoch,
    long cutTime,
    long durationNanos,
    long records,
    double recordsPerSecond,
    long rowsOut,
    long lateRecords,
    long droppedContributions,
    long deadLetters,
    long stateRows,
    long stateBytes,
    long watermark,
    StageTimes serviceTime,
    Stages stages)
{
    /**
     * The steps of an epoch's end, in nanoseconds.
     *
     * @param marker       the marker through the operators, the sinks committing the epoch's output included.
     * @param commitWait   the operator thread waiting for a snapshot buffer (earlier epochs still committing); 0
     *                     without a checkpoint.
     * @param snapshotCopy the operator thread copying the state into the snapshot buffer; 0 without a checkpoint.
     * @param commitWrite  the committer writing the snapshot and journaling the commit, forcing excluded.
     * @param commitForce  the committer waiting for the disk.
     */
    public record Stages(long marker, long commitWait, long snapshotCopy, long commitWrite, long commitForce)
    {
    }

    /**
     * @return the progress as one line of JSON, every field present, in the documented order; the watermark is
     *         {@code null} while there is none.
     */
    public String toJson()
    {
        final StringBuilder json = new StringBuilder(400).append("{\"query\":");
        Json.quote(json, queryName);
        json.append(",\"epoch\":").append(epoch)
            .append(",\"cutTime\":").append(cutTime)
            .append(",\"durationNanos\":").append(durationNanos)
            .append(",\"records\":").append(records)
            .append(",\"recordsPerSecond\":");
        Json.number(json, recordsPerSecond);
        json.append(",\"rowsOut\":").append(rowsOut)
            .append(",\"lateRecords\":").append(lateRecords)
            .append(",\"droppedContributions\":").append(droppedContributions)
            .append(",\"deadLetters\":").append(deadLetters)
            .append(",\"stateRows\":").append(stateRows)
            .append(",\"stateBytes\":").append(stateBytes)
            .append(",\"watermark\":").append(watermark == Long.MIN_VALUE ? "null" : Long.toString(watermark))
            .append(",\"serviceTimeNanos\":{\"count\":").append(serviceTime.count())
            .append(",\"p50\":").append(serviceTime.p50Nanos())
            .append(",\"p99\":").append(serviceTime.p99Nanos())
            .append(",\"p999\":").append(serviceTime.p999Nanos())
            .append(",\"max\":").append(serviceTime.maxNanos())
            .append("},\"stagesNanos\":{\"marker\":").append(stages.marker())
            .append(",\"commitWait\":").append(stages.commitWait())
            .append(",\"snapshotCopy\":").append(stages.snapshotCopy())
            .append(",\"commitWrite\":").append(stages.commitWrite())
            .append(",\"commitForce\":").append(stages.commitForce())
            .append("}}");
        return json.toString();
    }
}
