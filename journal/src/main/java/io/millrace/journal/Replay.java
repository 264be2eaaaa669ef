package io.millrace.journal;

import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.checkpoint.EpochCut;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Re-executes a range of recorded epochs of a query from its checkpoint (docs/checkpoints.md): the query restores the
 * newest kept snapshot before the range, re-reads the recorded input (the ingress journal when input was
 * journaled, the replayable source otherwise), is cut exactly where the original run was cut, and so writes the
 * same rows with the same {@code (epoch, sequence)} ids as the original run for the epochs of the range. The
 * checkpoint is only read.
 * <pre>{@code
 * new Replay(checkpointDir).epochs(10, 12).onRow((row, epoch, sequence) -> inspect(row))
 *     .run(samePlan.writeStream().outputMode(...).trigger(...).sink(new PartFileSink(dir)));
 * }</pre>
 * Not thread-safe; one replay at a time per instance.
 */
public final class Replay
{
    /** Called after every epoch of the range has been written, on the operator thread. */
    @FunctionalInterface
    public interface MarkerHook
    {
        /**
         * @param epoch that ended.
         */
        void onMarker(long epoch);
    }

    private final Path checkpoint;
    private long from = 1;
    private long to = Long.MAX_VALUE;
    private Sink rowHook = (row, epoch, sequence) -> { };
    private MarkerHook markerHook = epoch -> { };

    /**
     * @param checkpoint directory of the original run.
     * @throws IllegalArgumentException when it holds no journal.
     */
    public Replay(final Path checkpoint)
    {
        if (!Files.isDirectory(checkpoint.resolve("journal")))
        {
            throw new IllegalArgumentException("no journal in checkpoint " + checkpoint);
        }
        this.checkpoint = checkpoint;
    }

    /**
     * @param fromEpoch first epoch to write, from 1.
     * @param toEpoch   last epoch to write; at most the last recorded epoch.
     * @return this.
     */
    public Replay epochs(final long fromEpoch, final long toEpoch)
    {
        if (fromEpoch < 1 || toEpoch < fromEpoch)
        {
            throw new IllegalArgumentException("epoch range " + fromEpoch + ".." + toEpoch + " is empty or below 1");
        }
        from = fromEpoch;
        to = toEpoch;
        return this;
    }

    /**
     * @param hook called with every row written for the range, after the sink; as a {@link Sink} it is opened with
     *             the rows' schema before the first row and closed when the replay ends.
     * @return this.
     */
    public Replay onRow(final Sink hook)
    {
        rowHook = hook;
        return this;
    }

    /**
     * @param hook called after each epoch of the range is committed.
     * @return this.
     */
    public Replay onMarker(final MarkerHook hook)
    {
        markerHook = hook;
        return this;
    }

    /**
     * Re-executes the epochs of the range, writing their rows to the writer's sink; blocks until done.
     *
     * @param writer describes the same query as the original run (its identity is checked), with a sink.
     * @return the range replayed: first and last epoch.
     * @throws InterruptedException  when interrupted.
     * @throws IllegalStateException when the range goes past the recorded epochs, or past an entry damaged in the
     *                               middle of the journal, or the query differs.
     */
    public long[] run(final StreamWriter writer) throws InterruptedException
    {
        final JournalScan scan = JournalScan.of(checkpoint);
        final long last = lastRecordedEpoch(scan);
        final long end = to == Long.MAX_VALUE ? last : to;
        if (to == Long.MAX_VALUE || end > last || from > last)
        {
            checkNoDamageAfter(scan, last);
        }
        if (end > last || from > last)
        {
            throw new IllegalStateException("epoch " + Math.max(from, end) + " is past the last recorded epoch " +
                last + " of checkpoint " + checkpoint);
        }
        execute(writer, scan, from, end, (epoch, snapshot, offset, length) -> { });
        return new long[]{from, end};
    }

    /**
     * The operator state at the end of an epoch: the kept snapshot, or one rebuilt by replaying from an earlier
     * snapshot when it was pruned. Write it out with {@link StreamWriter#writeState}.
     *
     * @param writer describes the same query as the original run, with any sink (nothing is written to it).
     * @param epoch  recorded epoch.
     * @return the snapshot.
     * @throws InterruptedException  when interrupted.
     * @throws IllegalStateException when the epoch was not recorded.
     */
    public DirectBuffer stateAt(final StreamWriter writer, final long epoch) throws InterruptedException
    {
        final JournalScan scan = JournalScan.of(checkpoint);
        final SnapshotStore snapshots = new SnapshotStore(checkpoint.resolve("snapshots"));
        final JournalScan.CommitInfo commit = scan.commit(epoch);
        if (null != commit && snapshots.epochs().contains(epoch))
        {
            return snapshots.read(epoch, commit.snapshotLength(), commit.snapshotCrc());
        }
        if (epoch > lastRecordedEpoch(scan))
        {
            checkNoDamageAfter(scan, lastRecordedEpoch(scan));
        }
        if (epoch < 1 || epoch > lastRecordedEpoch(scan))
        {
            throw new IllegalStateException("epoch " + epoch + " was not recorded in checkpoint " + checkpoint);
        }
        final DirectBuffer[] state = new DirectBuffer[1];
        execute(writer, scan, epoch + 1, epoch, (committed, snapshot, offset, length) ->
        {
            if (committed == epoch)
            {
                final UnsafeBuffer copy = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
                copy.putBytes(0, snapshot, offset, length);
                state[0] = copy;
            }
        });
        return state[0];
    }

    private void execute(
        final StreamWriter writer,
        final JournalScan scan,
        final long firstWritten,
        final long lastEpoch,
        final ReplayJournal.CommitHook onCommit) throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(1);
        final long start = ReplayJournal.startEpoch(scan, new SnapshotStore(checkpoint.resolve("snapshots")),
            firstWritten);
        final ReplayJournal journal = new ReplayJournal(checkpoint, scan, start, lastEpoch,
            (epoch, snapshot, offset, length) ->
            {
                onCommit.onCommit(epoch, snapshot, offset, length);
                if (epoch >= lastEpoch)
                {
                    done.countDown();
                }
            });
        final StreamingQuery query = writer
            .replayWith(journal, sink -> new RangeSink(sink, firstWritten, lastEpoch))
            .start();
        try
        {
            while (!done.await(100, TimeUnit.MILLISECONDS))
            {
                if (!query.isActive())
                {
                    query.awaitTermination(Duration.ZERO);
                    if (done.getCount() > 0)
                    {
                        throw new IllegalStateException("replay ended before epoch " + lastEpoch);
                    }
                }
            }
        }
        finally
        {
            query.stop();
        }
    }

    /**
     * Damage other than a torn last entry hides the epochs recorded after it from the scan: refuse to treat the
     * epochs before it as all there is.
     */
    private void checkNoDamageAfter(final JournalScan scan, final long last)
    {
        if (scan.damagedIndex() >= 0 && !scan.isTornTail())
        {
            throw new IllegalStateException("journal entry 0x" + Long.toHexString(scan.damagedIndex()) +
                " is damaged (" + scan.damage() + "); epochs after " + last + " of checkpoint " + checkpoint +
                " cannot be replayed. Run 'journal verify' for details.");
        }
    }

    private static long lastRecordedEpoch(final JournalScan scan)
    {
        final List<EpochCut> cuts = scan.cuts();
        return cuts.isEmpty() ? 0 : cuts.get(cuts.size() - 1).epoch();
    }

    /**
     * Passes on only the epochs of the range, with the hooks.
     */
    private final class RangeSink implements Sink
    {
        private final Sink delegate;
        private final long first;
        private final long last;

        RangeSink(final Sink delegate, final long first, final long last)
        {
            this.delegate = delegate;
            this.first = first;
            this.last = last;
        }

        @Override
        public void open(final Schema schema)
        {
            delegate.open(schema);
            rowHook.open(schema);
        }

        @Override
        public void onRow(final RowView row, final long epoch, final long sequence)
        {
            if (epoch >= first && epoch <= last)
            {
                delegate.onRow(row, epoch, sequence);
                rowHook.onRow(row, epoch, sequence);
            }
        }

        @Override
        public void commitEpoch(final long epoch)
        {
            if (epoch >= first && epoch <= last)
            {
                delegate.commitEpoch(epoch);
                markerHook.onMarker(epoch);
            }
        }

        @Override
        public void close()
        {
            delegate.close();
            rowHook.close();
        }
    }
}
