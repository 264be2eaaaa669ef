package io.millrace.journal;

import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.RecordBatch;
import io.millrace.checkpoint.Recovery;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.agrona.DirectBuffer;

import java.nio.file.Path;

/**
 * A read-only view of a checkpoint that lets a query re-execute recorded epochs (docs/checkpoints.md): it
 * recovers to a chosen committed epoch's snapshot, replays the journaled input and cuts from there, and writes
 * nothing: commits are handed to a hook instead of being stored. The original checkpoint is never modified.
 */
final class ReplayJournal implements Journal
{
    private final Path checkpoint;
    private final JournalScan scan;
    private final long startEpoch;
    private final long lastEpoch;
    private final CommitHook onCommit;
    private final StopAfterLastEpoch stopAfterLastEpoch = new StopAfterLastEpoch();
    private IngressHandler handler;
    private boolean lastEpochCut;
    private ChronicleQueue queue;
    private JournalReader ingress;
    private final JournalEntry entry = new JournalEntry();

    /**
     * Receives the snapshot of each epoch the replay commits.
     */
    @FunctionalInterface
    interface CommitHook
    {
        void onCommit(long epoch, DirectBuffer snapshot, int offset, int length);
    }

    /**
     * @param checkpoint directory of the original run.
     * @param scan       of its journal.
     * @param startEpoch committed epoch whose snapshot to start from (0: from the beginning, empty state).
     * @param lastEpoch  last epoch to replay: journaled input after its cut is not read.
     * @param onCommit   receives each replayed epoch's snapshot.
     */
    ReplayJournal(
        final Path checkpoint,
        final JournalScan scan,
        final long startEpoch,
        final long lastEpoch,
        final CommitHook onCommit)
    {
        this.checkpoint = checkpoint;
        this.scan = scan;
        this.startEpoch = startEpoch;
        this.lastEpoch = lastEpoch;
        this.onCommit = onCommit;
    }

    /**
     * @param scan       of the journal.
     * @param snapshots  of the checkpoint.
     * @param beforeEpoch the first epoch to replay.
     * @return the newest committed epoch before {@code beforeEpoch} whose snapshot is kept, or 0.
     */
    static long startEpoch(final JournalScan scan, final SnapshotStore snapshots, final long beforeEpoch)
    {
        long start = 0;
        for (final long epoch : snapshots.epochs())
        {
            if (epoch < beforeEpoch && null != scan.commit(epoch))
            {
                start = epoch;
            }
        }
        return start;
    }

    @Override
    public Recovery open(final String identity)
    {
        if (!identity.equals(scan.identity()))
        {
            throw new IllegalStateException("checkpoint " + checkpoint + " was written by another query:\n  " +
                "checkpoint: " + scan.identity() + "\n  replay:     " + identity);
        }
        final DirectBuffer snapshot;
        if (startEpoch == 0)
        {
            snapshot = null;
        }
        else
        {
            final JournalScan.CommitInfo commit = scan.commit(startEpoch);
            snapshot = new SnapshotStore(checkpoint.resolve("snapshots"))
                .read(startEpoch, commit.snapshotLength(), commit.snapshotCrc());
        }
        queue = JournalScan.openQueue(checkpoint, true);
        return new Recovery(startEpoch, scan.cut(startEpoch), snapshot, scan.cutsAfter(startEpoch),
            scan.recordsAfter(startEpoch));
    }

    /**
     * Nothing is journaled: the source of a replay may read past the last replayed epoch before the replay stops,
     * and what it reads there is never output.
     */
    @Override
    public long appendRecords(final long sourceOffset, final long lineNumber, final RecordBatch records)
    {
        return 0;
    }

    @Override
    public long appendEpochCut(final EpochCut cut)
    {
        return -1;
    }

    @Override
    public int readIngress(final IngressHandler ingressHandler, final int limit)
    {
        if (lastEpochCut)
        {
            return 0;
        }
        handler = ingressHandler;
        if (null == ingress)
        {
            ingress = new JournalReader(queue, scan.cutOff());
            if (startEpoch == 0)
            {
                ingress.seekAfter(-1, 0);
            }
            else
            {
                ingress.seekAfter(scan.cutIndex(startEpoch), scan.cutSequence(startEpoch));
            }
        }
        // Never report the end, which would hand over to the live source (standard input may be gone): the
        // replay stops at its last epoch, which the journal holds.
        return Math.max(0, ingress.readIngress(entry, stopAfterLastEpoch, limit));
    }

    /**
     * Passes entries on until the last epoch's cut, then stops reading: what follows is not replayed, and may be
     * damaged.
     */
    private final class StopAfterLastEpoch implements IngressHandler
    {
        @Override
        public boolean onRecord(
            final int input,
            final long index,
            final long sourceOffset,
            final long lineNumber,
            final DirectBuffer row,
            final int offset,
            final int length)
        {
            return handler.onRecord(input, index, sourceOffset, lineNumber, row, offset, length);
        }

        @Override
        public boolean onEpochCut(final long index, final EpochCut cut)
        {
            lastEpochCut = cut.epoch() >= lastEpoch;
            return handler.onEpochCut(index, cut) && !lastEpochCut;
        }
    }

    @Override
    public long commit(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
    {
        onCommit.onCommit(epoch, snapshot, offset, length);
        return 0;
    }

    @Override
    public void close()
    {
        if (null != ingress)
        {
            ingress.close();
        }
        if (null != queue)
        {
            queue.close();
        }
    }
}
