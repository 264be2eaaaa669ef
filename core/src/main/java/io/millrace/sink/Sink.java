package io.millrace.sink;

import io.millrace.row.RowView;
import io.millrace.row.Schema;

/**
 * Receives a query's output on the operator thread. A lambda {@code (row, epoch, sequence) -> ...} is a
 * callback sink.
 * <p>
 * Every row comes with its id: the epoch it belongs to and its sequence within that epoch, from 0. Epochs
 * are delivered in order; {@link #commitEpoch(long)} says that every row of an epoch has been delivered.
 * <b>Exactly-once contract:</b> after a recovery, rows of an epoch that was not committed are delivered again
 * with the same ids and the same contents; a sink that writes each {@code (epoch, sequence)} at most once,
 * or replaces a whole epoch's output atomically on commit, gives exactly-once output.
 */
@FunctionalInterface
public interface Sink
{
    /**
     * Called once before the first row.
     *
     * @param schema of the rows.
     */
    default void open(final Schema schema)
    {
    }

    /**
     * @param row      valid only during the call.
     * @param epoch    the row belongs to.
     * @param sequence of the row within its epoch, from 0.
     */
    void onRow(RowView row, long epoch, long sequence);

    /**
     * Every row of {@code epoch} has been delivered: make it durable and visible.
     *
     * @param epoch that ended.
     */
    default void commitEpoch(final long epoch)
    {
    }

    /**
     * @return whether committing an epoch waits on another system (a network round trip or more): the query then
     *         hands this sink an epoch's rows, and has it commit, on its committer's thread, so that the operator
     *         thread goes on with the next epoch meanwhile. The rows then reach the sink when their epoch ends
     *         rather than as they are made. False by default.
     */
    default boolean commitsRemotely()
    {
        return false;
    }

    /**
     * The newest epoch whose output this sink already holds durably, from an earlier run on the same checkpoint.
     * Called once before {@link #open}, so that a query refuses to start when its checkpoint has no record of
     * output that exists (a lost or replaced checkpoint): carrying on would mix that output with a different
     * cutting of the same epochs.
     *
     * @return the newest epoch with durable output, 0 when there is none, -1 when the sink cannot tell (the
     *         default: the check is skipped).
     */
    default long lastDurableEpoch()
    {
        return -1;
    }

    /**
     * Called once when the query stops, after the last commit.
     */
    default void close()
    {
    }
}
