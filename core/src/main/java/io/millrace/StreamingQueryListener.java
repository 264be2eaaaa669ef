package io.millrace;

/**
 * Hears how a query goes, as Spark's {@code StreamingQueryListener} does: registered with
 * {@link StreamWriter#listener}, called on a thread of the query's own (never on the record path, which only stores
 * each epoch's figures), one call at a time, in this order: {@link #onQueryStarted} once,
 * {@link #onQueryProgress} for each epoch in epoch order once the epoch is committed (journaled with a checkpoint;
 * written by the sinks without one), {@link #onQueryTerminated} once, after the last epoch's progress. A listener
 * that throws is removed, with one line on stderr naming it; the query goes on.
 */
public interface StreamingQueryListener
{
    /**
     * @param queryName of the query that started.
     */
    default void onQueryStarted(final String queryName)
    {
    }

    /**
     * @param progress of an epoch that committed.
     */
    default void onQueryProgress(final EpochProgress progress)
    {
    }

    /**
     * @param queryName of the query that ended.
     * @param error     it failed with, or null when it finished or was stopped.
     */
    default void onQueryTerminated(final String queryName, final Throwable error)
    {
    }
}
