package io.millrace.internal.metrics;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Each epoch's figures, taken where they arise and read by a reporter behind the query: the operator thread
 * records the epoch's end at its marker ({@link #markerPassed}), the committer thread its commit's stages
 * ({@link #committed}), and {@link #durableEpoch()} says up to which epoch the figures are complete. Nothing is
 * allocated; the figures of the last {@link #SLOTS} epochs are held, each in a slot guarded like a sequence lock: its
 * epoch field is cleared while the slot is rewritten, so a reader that fell that far behind finds another epoch there
 * and knows it missed one rather than reading a mix.
 */
public final class EpochFigures
{
    /** Epochs held for a reader. */
    public static final int SLOTS = 256;

    /** A slot's epoch, 0 while it is being written. */
    public static final int EPOCH = 0;
    /** Wall-clock time of the epoch's cut, epoch ms. */
    public static final int CUT_TIME = 1;
    /** {@link System#nanoTime()} when the marker reached the operators. */
    public static final int MARKER_NANOS = 2;
    /** Records the operators had taken, all epochs so far. */
    public static final int RECORDS = 3;
    /** Rows the sinks had received, all epochs so far. */
    public static final int ROWS_OUT = 4;
    /** Late records, all epochs so far. */
    public static final int LATE = 5;
    /** Dropped contributions to closed windows, all epochs so far. */
    public static final int DROPPED = 6;
    /** Dead letters, all epochs so far. */
    public static final int DEAD_LETTERS = 7;
    /** Rows held in state at the epoch's end. */
    public static final int STATE_ROWS = 8;
    /** Off-heap bytes held in state at the epoch's end. */
    public static final int STATE_BYTES = 9;
    /** The watermark at the epoch's end. */
    public static final int WATERMARK = 10;
    /** Nanoseconds of the marker through the operators and the sinks' commits. */
    public static final int MARKER_TIME = 11;
    /** Nanoseconds the operator thread waited for a snapshot buffer. */
    public static final int COMMIT_WAIT = 12;
    /** Nanoseconds of the state's copy into the snapshot buffer. */
    public static final int SNAPSHOT_COPY = 13;
    /** Nanoseconds of the committer's write of the snapshot and the commit, forcing excluded. */
    public static final int COMMIT_WRITE = 14;
    /** Nanoseconds the committer waited for the disk. */
    public static final int COMMIT_FORCE = 15;
    /** Records whose service time was sampled in the epoch (one in {@link QueryCounters#SERVICE_TIME_SAMPLE}). */
    public static final int SERVICE_COUNT = 16;
    /** Median sampled service time of the epoch, nanoseconds. */
    public static final int SERVICE_P50 = 17;
    /** 99th percentile of the epoch's sampled service times, nanoseconds. */
    public static final int SERVICE_P99 = 18;
    /** 99.9th percentile of the epoch's sampled service times, nanoseconds. */
    public static final int SERVICE_P999 = 19;
    /** Longest sampled service time of the epoch, nanoseconds. */
    public static final int SERVICE_MAX = 20;
    /** Sum of the epoch's sampled service times, nanoseconds. */
    public static final int SERVICE_TOTAL = 21;
    /** Fields of a slot. */
    public static final int FIELDS = 22;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS * FIELDS);
    private final Counter durableEpoch = new Counter(0);
    private final long[] written = new long[FIELDS];

    /**
     * @return the array the operator thread fills for {@link #markerPassed}, indexed by the field constants.
     */
    public long[] toWrite()
    {
        return written;
    }

    /**
     * Stores the figures the operator thread put into {@link #toWrite()} as the epoch's. Operator thread.
     *
     * @param epoch that ended.
     */
    public void markerPassed(final long epoch)
    {
        final int at = slot(epoch);
        slots.setRelease(at + EPOCH, 0);
        VarHandle.storeStoreFence();
        for (int field = 1; field < FIELDS; field++)
        {
            slots.setOpaque(at + field, written[field]);
        }
        slots.setRelease(at + EPOCH, epoch);
    }

    /**
     * The epoch's commit is durable; its stages complete its figures. Committer thread, in epoch order.
     *
     * @param epoch        committed.
     * @param writeNanos   of the snapshot and commit write.
     * @param forceNanos   waiting for the disk.
     */
    public void committed(final long epoch, final long writeNanos, final long forceNanos)
    {
        final int at = slot(epoch);
        if (slots.getAcquire(at + EPOCH) == epoch)
        {
            slots.setOpaque(at + COMMIT_WRITE, writeNanos);
            slots.setOpaque(at + COMMIT_FORCE, forceNanos);
        }
        durableEpoch.set(epoch);
    }

    /**
     * The epoch is complete without a commit of its own (a query without a checkpoint: its sinks committed it).
     *
     * @param epoch that ended.
     */
    public void durable(final long epoch)
    {
        durableEpoch.set(epoch);
    }

    /**
     * @return the last epoch whose figures are complete, 0 before the first.
     */
    public long durableEpoch()
    {
        return durableEpoch.get();
    }

    /**
     * Copies an epoch's figures. Any thread.
     *
     * @param epoch complete ({@link #durableEpoch()} has reached it).
     * @param into  {@link #FIELDS} longs, indexed by the field constants.
     * @return false when the slot holds another epoch now: the reader fell more than {@link #SLOTS} epochs behind.
     */
    public boolean read(final long epoch, final long[] into)
    {
        final int at = slot(epoch);
        if (slots.getAcquire(at + EPOCH) != epoch)
        {
            return false;
        }
        for (int field = 1; field < FIELDS; field++)
        {
            into[field] = slots.getOpaque(at + field);
        }
        VarHandle.loadLoadFence();
        into[EPOCH] = epoch;
        return slots.getAcquire(at + EPOCH) == epoch;
    }

    private static int slot(final long epoch)
    {
        return (int)(epoch % SLOTS) * FIELDS;
    }
}
