package io.millrace.internal;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The Disruptor ring between a source and the operator chain, written by one producer at a time and read by one
 * reader per task of the
 * query: every reader sees every slot (a broadcast), and the producer reuses a slot once every reader has passed it.
 * <p>
 * Slots are pre-allocated with a small inline buffer ({@code slotCapacity} bytes), so a default ring stays
 * around a megabyte. A row longer than that, up to {@link #RETAINED_ROW_MAX} bytes, grows its slot's buffer,
 * which the slot keeps for later rows: steady streams of such rows allocate nothing. A longer row is copied into
 * a buffer allocated for it alone, which the consumer drops once the row is processed; the bytes of such rows
 * in flight are capped by {@code oversizeBudget}, and past the cap {@link #tryPublishRow} reports back-pressure;
 * the last reader to pass such a row drops its buffer.
 * Memory is therefore bounded by {@code ringSize * RETAINED_ROW_MAX + oversizeBudget + one maximum-size record},
 * and is {@code ringSize * slotCapacity} while rows are short.
 * <p>
 * Producer methods ({@code tryPublish*}, {@link #remainingCapacity()}) are called by one thread; {@link #drain}
 * by one thread per reader (or the producer's, in shared and invoker modes).
 */
public final class IngressRing
{
    /** Longest row a slot grows for and keeps a buffer for; longer rows get a buffer of their own. */
    public static final int RETAINED_ROW_MAX = 4096;

    /** Handles slots drained from the ring, on the consumer thread. */
    public interface SlotHandler
    {
        /**
         * @param buffer   holding the row.
         * @param offset   of the row in {@code buffer}.
         * @param length   of the row.
         * @param position source position of the row.
         * @param input    the query input the row came from, from 0.
         */
        void onRow(DirectBuffer buffer, int offset, int length, long position, int input);

        /**
         * @param epoch    that ends here.
         * @param position source position of the cut.
         * @param time     wall-clock time of the cut, epoch ms ({@link io.millrace.checkpoint.EpochCut#time()}).
         */
        void onMarker(long epoch, long position, long time);

        /**
         * The source has ended; nothing follows.
         */
        void onEnd();
    }

    private final RingBuffer<RowSlot> ring;
    private final Sequence[] consumed;
    private final boolean handedOver;
    private final AtomicLong oversizeBytes = new AtomicLong();
    private final int slotCapacity;
    private final long oversizeBudget;

    /**
     * @param size           slots, a power of two.
     * @param slotCapacity   inline bytes per slot.
     * @param oversizeBudget most bytes of rows longer than {@code slotCapacity} in flight at once.
     * @param readers        how many readers each see every slot, from 1.
     * @param handedOver     whether the producer's side passes between threads: a publisher's offers and the idle
     *                       cuts that a query of several tasks publishes from task 0's thread, one at a time under the
     *                       publisher's turn. The Disruptor then tracks each slot's publication, as for several
     *                       producers.
     */
    public IngressRing(
        final int size, final int slotCapacity, final long oversizeBudget, final int readers, final boolean handedOver)
    {
        this.handedOver = handedOver;
        this.slotCapacity = slotCapacity;
        this.oversizeBudget = oversizeBudget;
        consumed = new Sequence[readers];
        for (int reader = 0; reader < readers; reader++)
        {
            consumed[reader] = new Sequence();
        }
        // The consumer polls under its own idle strategy and never blocks in the ring, so publishing must not pay
        // for waking blocked consumers (the default BlockingWaitStrategy takes a lock on every publish).
        ring = handedOver ?
            RingBuffer.createMultiProducer(() -> new RowSlot(slotCapacity), size, new BusySpinWaitStrategy()) :
            RingBuffer.createSingleProducer(() -> new RowSlot(slotCapacity), size, new BusySpinWaitStrategy());
        ring.addGatingSequences(consumed);
    }

    /**
     * @return slots free for the producer now; only grows until the producer publishes.
     */
    public int remainingCapacity()
    {
        return (int)ring.remainingCapacity();
    }

    /**
     * @param length of a row.
     * @return whether {@link #tryPublishRow} would take it now; producer thread.
     */
    public boolean canPublish(final int length)
    {
        if (length > RETAINED_ROW_MAX && oversizeBytes.get() + length > oversizeBudget && oversizeBytes.get() > 0)
        {
            return false;
        }
        return ring.hasAvailableCapacity(1);
    }

    /**
     * Publishes a copy of a row.
     *
     * @param buffer   holding the row.
     * @param offset   of the row.
     * @param length   of the row.
     * @param position source position of the row.
     * @param input    the query input the row came from, from 0.
     * @return false when the ring is full or the oversize budget is spent: back-pressure, try again later.
     */
    public boolean tryPublishRow(
        final DirectBuffer buffer, final int offset, final int length, final long position, final int input)
    {
        if (!canPublish(length))
        {
            return false;
        }
        final boolean oversize = length > RETAINED_ROW_MAX;
        final long sequence = ring.next();
        try
        {
            final RowSlot slot = ring.get(sequence);
            if (oversize)
            {
                oversizeBytes.addAndGet(length);
                slot.buffer = new UnsafeBuffer(new byte[length]);
                slot.readersLeft.set(consumed.length);
            }
            else if (length > slot.buffer.capacity())
            {
                slot.buffer = new UnsafeBuffer(new byte[Math.min(RETAINED_ROW_MAX, BitUtil.findNextPositivePowerOfTwo(length))]);
            }
            slot.buffer.putBytes(0, buffer, offset, length);
            slot.kind = RowSlot.ROW;
            slot.length = length;
            slot.position = position;
            slot.input = input;
        }
        finally
        {
            ring.publish(sequence);
        }
        return true;
    }

    /**
     * Publishes an epoch marker.
     *
     * @param epoch    that ends at this cut.
     * @param position source position of the cut.
     * @param time     wall-clock time of the cut, epoch ms.
     * @return false when the ring is full.
     */
    public boolean tryPublishMarker(final long epoch, final long position, final long time)
    {
        return tryPublishControl(RowSlot.MARKER, epoch, position, time);
    }

    /**
     * Publishes the end of input.
     *
     * @return false when the ring is full.
     */
    public boolean tryPublishEnd()
    {
        return tryPublishControl(RowSlot.END, 0, 0, 0);
    }

    private boolean tryPublishControl(final byte kind, final long epoch, final long position, final long time)
    {
        if (!ring.hasAvailableCapacity(1))
        {
            return false;
        }
        final long sequence = ring.next();
        try
        {
            final RowSlot slot = ring.get(sequence);
            slot.kind = kind;
            slot.length = 0;
            slot.epoch = epoch;
            slot.position = position;
            slot.time = time;
        }
        finally
        {
            ring.publish(sequence);
        }
        return true;
    }

    /**
     * @return slots published and not yet handled; any thread (a reading of two sequences, for the figures).
     */
    public long slotsInUse()
    {
        return Math.max(0, ring.getCursor() - slowestReader());
    }

    /**
     * @return whether every reader has handled every published slot; any thread.
     */
    public boolean isDrained()
    {
        return ring.getCursor() == slowestReader();
    }

    private long slowestReader()
    {
        long slowest = Long.MAX_VALUE;
        for (final Sequence reader : consumed)
        {
            slowest = Math.min(slowest, reader.get());
        }
        return slowest;
    }

    /**
     * Hands up to {@code limit} published slots that a reader has not handled yet to {@code handler}, in order.
     *
     * @param reader  from 0; one thread drains for each.
     * @param handler to call.
     * @param limit   most slots to handle.
     * @return slots handled; 0 when none were published.
     */
    public int drain(final int reader, final SlotHandler handler, final int limit)
    {
        final Sequence consumed = this.consumed[reader];
        final long next = consumed.get() + 1;
        final long available = ring.getCursor();
        if (available < next)
        {
            return 0;
        }
        long last = Math.min(available, next + limit - 1);
        if (handedOver)
        {
            // The cursor is the last slot claimed; a slot is published once the Disruptor marks it available.
            long published = next;
            while (published <= last && ring.isAvailable(published))
            {
                published++;
            }
            last = published - 1;
            if (last < next)
            {
                return 0;
            }
        }
        long sequence = next;
        try
        {
            for (; sequence <= last; sequence++)
            {
                final RowSlot slot = ring.get(sequence);
                switch (slot.kind)
                {
                    case RowSlot.ROW:
                        handler.onRow(slot.buffer, 0, slot.length, slot.position, slot.input);
                        break;
                    case RowSlot.MARKER:
                        handler.onMarker(slot.epoch, slot.position, slot.time);
                        break;
                    default:
                        handler.onEnd();
                        break;
                }
                release(slot);
            }
        }
        finally
        {
            // A failing slot counts as consumed so that the ring keeps moving (STYLE: advance in finally).
            if (sequence <= last)
            {
                release(ring.get(sequence));
                sequence++;
            }
            consumed.set(sequence - 1);
        }
        return (int)(sequence - next);
    }

    private void release(final RowSlot slot)
    {
        // Only a row with a buffer of its own needs the readers to agree on which of them passes it last.
        if (slot.length > RETAINED_ROW_MAX && slot.readersLeft.decrementAndGet() == 0)
        {
            oversizeBytes.addAndGet(-slot.length);
            slot.buffer = slot.inline;
        }
    }
}
