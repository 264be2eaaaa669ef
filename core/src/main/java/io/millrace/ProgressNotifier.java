package io.millrace;

import io.millrace.internal.QueryControl;
import io.millrace.internal.metrics.EpochFigures;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells a query's listeners how it goes, on a thread of its own: reads each epoch's figures once the epoch is
 * complete ({@link EpochFigures#durableEpoch()}), turns them into an {@link EpochProgress} and calls the listeners,
 * in epoch order; once the query has ended and its last epoch is told, calls their {@code onQueryTerminated}. The
 * query's threads only store figures, so a slow listener never holds up a record; one so slow that the query ends
 * more than {@link EpochFigures#SLOTS} epochs ahead of it misses epochs, and is told so on stderr.
 */
final class ProgressNotifier implements Runnable
{
    private static final long IDLE_NANOS = 1_000_000;

    private final String queryName;
    private final QueryControl control;
    private final EpochFigures figures;
    private final List<StreamingQueryListener> listeners;
    private final long[] current = new long[EpochFigures.FIELDS];
    private final long[] previous = new long[EpochFigures.FIELDS];
    private long nextEpoch;

    /**
     * @param queryName  of the query.
     * @param control    of the query: its end and its error.
     * @param figures    of the query's epochs.
     * @param listeners  to call.
     * @param firstEpoch the first epoch this run ends.
     * @param startNanos {@link System#nanoTime()} at the query's start, from which the first epoch's duration runs.
     */
    ProgressNotifier(
        final String queryName,
        final QueryControl control,
        final EpochFigures figures,
        final List<StreamingQueryListener> listeners,
        final long firstEpoch,
        final long startNanos)
    {
        this.queryName = queryName;
        this.control = control;
        this.figures = figures;
        this.listeners = new ArrayList<>(listeners);
        this.nextEpoch = firstEpoch;
        this.previous[EpochFigures.MARKER_NANOS] = startNanos;
    }

    /**
     * Starts the notifier's thread, a daemon named after the query.
     */
    void start()
    {
        final Thread thread = new Thread(this, "millrace-progress-" + queryName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run()
    {
        for (final StreamingQueryListener listener : List.copyOf(listeners))
        {
            call(listener, () -> listener.onQueryStarted(queryName));
        }
        while (true)
        {
            // Read before the epochs, so that every epoch of an ended query is told before its end.
            final boolean ended = control.isTerminated();
            final long durable = figures.durableEpoch();
            while (nextEpoch <= durable)
            {
                tell(nextEpoch++);
            }
            if (ended)
            {
                break;
            }
            LockSupport.parkNanos(IDLE_NANOS);
        }
        final Throwable error = control.error();
        for (final StreamingQueryListener listener : List.copyOf(listeners))
        {
            call(listener, () -> listener.onQueryTerminated(queryName, error));
        }
    }

    private void tell(final long epoch)
    {
        if (!figures.read(epoch, current))
        {
            System.err.println("millrace: query '" + queryName + "': the progress of epoch " + epoch + " was " +
                "overwritten before its listeners were told: they fell " + EpochFigures.SLOTS + " epochs behind");
            previous[EpochFigures.EPOCH] = 0;
            return;
        }
        final boolean counted = previous[EpochFigures.EPOCH] == epoch - 1 || previous[EpochFigures.EPOCH] == 0;
        final long duration = current[EpochFigures.MARKER_NANOS] - previous[EpochFigures.MARKER_NANOS];
        final long records = delta(EpochFigures.RECORDS, counted);
        final EpochProgress progress = new EpochProgress(queryName, epoch, current[EpochFigures.CUT_TIME], duration,
            records, duration > 0 ? records * 1e9 / duration : 0, delta(EpochFigures.ROWS_OUT, counted),
            delta(EpochFigures.LATE, counted), delta(EpochFigures.DROPPED, counted),
            delta(EpochFigures.DEAD_LETTERS, counted), current[EpochFigures.STATE_ROWS],
            current[EpochFigures.STATE_BYTES], current[EpochFigures.WATERMARK],
            new StageTimes(current[EpochFigures.SERVICE_COUNT], current[EpochFigures.SERVICE_P50],
                current[EpochFigures.SERVICE_P99], current[EpochFigures.SERVICE_P999],
                current[EpochFigures.SERVICE_MAX], current[EpochFigures.SERVICE_TOTAL]),
            new EpochProgress.Stages(current[EpochFigures.MARKER_TIME], current[EpochFigures.COMMIT_WAIT],
                current[EpochFigures.SNAPSHOT_COPY], current[EpochFigures.COMMIT_WRITE],
                current[EpochFigures.COMMIT_FORCE]));
        System.arraycopy(current, 0, previous, 0, EpochFigures.FIELDS);
        for (final StreamingQueryListener listener : List.copyOf(listeners))
        {
            call(listener, () -> listener.onQueryProgress(progress));
        }
    }

    /**
     * @return the epoch's share of a running total: the change since the previous epoch, or the total when the
     *         previous epoch's figures are missing (the first epoch; after a gap, the best there is).
     */
    private long delta(final int field, final boolean counted)
    {
        return counted ? current[field] - previous[field] : current[field];
    }

    private void call(final StreamingQueryListener listener, final Runnable call)
    {
        try
        {
            call.run();
        }
        catch (final RuntimeException | Error ex)
        {
            listeners.remove(listener);
            System.err.println("millrace: query '" + queryName + "': progress listener " + listener +
                " failed and is removed: " + ex);
        }
    }
}
