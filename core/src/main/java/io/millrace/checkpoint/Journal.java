package io.millrace.checkpoint;

import org.agrona.DirectBuffer;

/**
 * A query's write-ahead log and checkpoint store (docs/checkpoints.md). The {@code journal} module implements it over
 * Chronicle Queue; core only sees this interface.
 * <p>
 * Threads: {@link #open} on the control thread before the query starts; {@link #appendRecords},
 * {@link #appendEpochCut} and {@link #readIngress} on the producer's thread (the source thread, or the thread
 * offering to a publisher, whose idle epochs the operator thread cuts while holding the publisher's turn: one
 * thread at a time); {@link #commit} on the query's committer thread; {@link #close} once all have stopped.
 * <p>
 * Durability: an entry returned from an append survives the process being killed at any moment. A commit is
 * durable when it returns: its snapshot is written and forced to disk before the commit entry is appended.
 */
public interface Journal extends AutoCloseable
{
    /**
     * Opens the checkpoint for a query, recording its identity the first time and checking it afterwards.
     *
     * @param identity the query's identity and parameters; a restart must present the same.
     * @return what the query must do to resume.
     * @throws IllegalStateException when the checkpoint belongs to another query or other parameters (the
     *                               checkpoint is left untouched).
     */
    Recovery open(String identity);

    /**
     * @return whether the checkpoint holds nothing yet, so that {@link #open} would create it: a query that must
     *         be refused is then refused before, leaving no checkpoint behind.
     */
    default boolean isNew()
    {
        return false;
    }

    /**
     * @return whether an epoch's output is committed by this journal, atomically with its snapshot, rather than by
     *         the sinks ahead of it: a journal that keeps the checkpoint in the system the sinks write to (a Kafka
     *         topic written in the same transaction as the rows). The query then hands the sinks an epoch's rows on
     *         the committer's thread, just before {@link #commit}, and a sink's last durable epoch is always the
     *         journal's last committed one, so no cut needs logging ahead of a commit.
     */
    default boolean commitsOutput()
    {
        return false;
    }

    /**
     * Journals input records before they are processed (the ingress journal), all in one entry: a crash keeps all
     * of them or none. Records get consecutive offsets, growing from one entry to the next.
     *
     * @param sourceOffset position of the source of the batch's input ({@link RecordBatch#input()}) after the last
     *                     record.
     * @param lineNumber   records that source had read after the last record.
     * @param records      the rows, at least one.
     * @return the offset of the first record; the record at place {@code i} in the batch has this plus {@code i}.
     */
    long appendRecords(long sourceOffset, long lineNumber, RecordBatch records);

    /**
     * Logs an epoch cut ({@code EPOCH_BEGIN}) before its marker enters the ring.
     *
     * @param cut where the epoch ended.
     * @return the journal index of the cut.
     */
    long appendEpochCut(EpochCut cut);

    /**
     * Reads the journaled input after the committed epoch's cut: records and cuts, in order. Call repeatedly; each
     * call continues where the last stopped.
     *
     * @param handler receiving entries.
     * @param limit   most entries to deliver.
     * @return entries delivered; -1 once the journal is exhausted.
     */
    int readIngress(IngressHandler handler, int limit);

    /**
     * Commits an epoch: stores its snapshot durably, then appends {@code EPOCH_COMMIT}.
     *
     * @param epoch    whose output the sink has durably written.
     * @param snapshot operator state at the end of the epoch.
     * @param offset   of the snapshot in {@code snapshot}.
     * @param length   of the snapshot.
     * @return nanoseconds of the commit spent waiting for the disk to hold the snapshot (forcing it and its
     *         directory entry), for the query's figures; 0 when nothing was forced.
     */
    long commit(long epoch, DirectBuffer snapshot, int offset, int length);

    @Override
    void close();
}
