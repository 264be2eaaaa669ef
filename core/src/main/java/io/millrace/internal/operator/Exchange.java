package io.millrace.internal.operator;

import io.millrace.row.RowView;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Moves the rows of a stage split among a query's tasks (a windowed aggregation, a process function) to the tasks
 * owning the keys of the stateful operation reading them (docs/parallelism.md, "Exchanges"). One per such edge of the
 * plan, shared by the tasks; each task writes and reads it through its {@link ExchangeOperator}.
 * <p>
 * <b>Points.</b> Rows cross at <i>points</i>: the watermarks, markers and end of input that reach the exchange, which
 * are the same in every task, in the same order, because every task runs the operations before the stage on every
 * record. Between two points a task appends the rows it makes to a channel per receiving task; at a point it
 * says so and waits until every task has reached it, then reads what every task wrote to it for the point.
 * <p>
 * <b>Channels.</b> Each pair of tasks has two channels, used by alternate points: while the tasks read point
 * {@code n}'s, the writers may already fill point {@code n + 1}'s; a writer empties a channel for point {@code n + 2}
 * only once every task has reached point {@code n + 1}, so after every task has read it. A channel is written by one
 * thread and read by another only on either side of a point, whose counter orders the two.
 */
public final class Exchange
{
    /** Longs between two tasks' counters, so that each has a cache line of its own. */
    private static final int PADDING = 16;
    private static final int KEY_LENGTH = 2 * Long.BYTES;
    private static final int ROW_LENGTH = KEY_LENGTH + Integer.BYTES;
    private static final int HEADER = ROW_LENGTH + Integer.BYTES;

    /** Rows one task wrote to another for one point, each with its stamp ({@link ArrivalOrder}). */
    static final class Channel
    {
        private final ExpandableDirectByteBuffer bytes = new ExpandableDirectByteBuffer(1024);
        private int limit;

        void add(final ArrivalOrder stamp, final RowView row)
        {
            final int keyLength = stamp.writtenKeyLength();
            final int length = row.length();
            bytes.putLong(limit, stamp.writtenFirst());
            bytes.putLong(limit + Long.BYTES, stamp.writtenSecond());
            bytes.putInt(limit + KEY_LENGTH, keyLength);
            bytes.putInt(limit + ROW_LENGTH, length);
            if (keyLength > 0)
            {
                bytes.putBytes(limit + HEADER, stamp.writtenKey(), stamp.writtenKeyOffset(), keyLength);
            }
            bytes.putBytes(limit + HEADER + keyLength, row.buffer(), row.offset(), length);
            limit += HEADER + keyLength + length;
        }

        int limit()
        {
            return limit;
        }

        ExpandableDirectByteBuffer bytes()
        {
            return bytes;
        }

        long first(final int at)
        {
            return bytes.getLong(at);
        }

        long second(final int at)
        {
            return bytes.getLong(at + Long.BYTES);
        }

        int keyLength(final int at)
        {
            return bytes.getInt(at + KEY_LENGTH);
        }

        /**
         * @return where the stamp's key begins.
         */
        static int key(final int at)
        {
            return at + HEADER;
        }

        /**
         * @return where the next row begins.
         */
        int row(final int at, final RowView view)
        {
            final int keyLength = bytes.getInt(at + KEY_LENGTH);
            final int length = bytes.getInt(at + ROW_LENGTH);
            view.wrap(bytes, at + HEADER + keyLength, length);
            return at + HEADER + keyLength + length;
        }
    }

    private final int tasks;
    private final AtomicLongArray reached;
    private final Channel[] channels;
    private final BooleanSupplier stopping;
    private final Supplier<IdleStrategy> idleStrategy;

    /**
     * @param tasks        of the query.
     * @param stopping     whether the query is ending: a task waiting at a point gives up then, as another task may
     *                     never come.
     * @param idleStrategy the query's, for each task to wait at a point as its thread waits for records.
     */
    public Exchange(final int tasks, final BooleanSupplier stopping, final Supplier<IdleStrategy> idleStrategy)
    {
        this.tasks = tasks;
        this.reached = new AtomicLongArray(tasks * PADDING);
        this.channels = new Channel[tasks * tasks * 2];
        for (int i = 0; i < channels.length; i++)
        {
            channels[i] = new Channel();
        }
        this.stopping = stopping;
        this.idleStrategy = idleStrategy;
    }

    /**
     * @return a new idle strategy of the query's kind, for one task.
     */
    IdleStrategy idleStrategy()
    {
        return idleStrategy.get();
    }

    int tasks()
    {
        return tasks;
    }

    /**
     * @return the channel from one task to another for a point.
     */
    Channel channel(final int from, final int to, final long point)
    {
        return channels[(from * tasks + to) * 2 + (int)(point & 1)];
    }

    /**
     * Says that the task has written its rows for the point, and waits until every task has.
     *
     * @throws AgentTerminationException when the query ends meanwhile.
     */
    void arrive(final int task, final long point, final IdleStrategy idle)
    {
        reached.setRelease(task * PADDING, point);
        idle.reset();
        for (int other = 0; other < tasks; other++)
        {
            while (reached.getAcquire(other * PADDING) < point)
            {
                if (stopping.getAsBoolean())
                {
                    throw new AgentTerminationException("query stopping");
                }
                idle.idle();
            }
        }
    }

    /**
     * Empties the task's channels for a point, before it writes to them; every task has read them for the point
     * two before.
     */
    void clear(final int task, final long point)
    {
        for (int to = 0; to < tasks; to++)
        {
            channel(task, to, point).limit = 0;
        }
    }
}
