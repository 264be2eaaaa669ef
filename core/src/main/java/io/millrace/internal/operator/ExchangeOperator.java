package io.millrace.internal.operator;

import io.millrace.internal.state.KeyCodec;
import io.millrace.row.RowView;
import org.agrona.concurrent.IdleStrategy;

/**
 * One task's end of an {@link Exchange}: sends each row of the task's share of a stage (a windowed aggregation, a
 * process function) to the task owning its key for the stateful operation that reads it, and at each watermark, marker
 * and end of input passes on, before them, the rows every task sent this task since the last, merged into the order a
 * query of one task writes them by their stamps ({@link ArrivalOrder}), then by task.
 */
public final class ExchangeOperator extends Operator
{
    private final Exchange exchange;
    private final int task;
    private final int tasks;
    private final KeyCodec key;
    private final ArrivalOrder order;
    /**
     * Waiting at a point, as the task's thread waits for records: backing off, a task that arrives first lets the
     * others have the cores.
     */
    private final IdleStrategy idle;
    private final RowView view = new RowView();
    private final int[] cursors;
    private long point = 1;

    /**
     * @param exchange shared by the tasks.
     * @param task     this task, from 0.
     * @param key      the key of the reading operation, as {@link PartitionOperator} routes it.
     * @param order    of the aggregation whose rows cross, which stamps each row it writes.
     */
    public ExchangeOperator(final Exchange exchange, final int task, final KeyCodec key, final ArrivalOrder order)
    {
        this.exchange = exchange;
        this.task = task;
        this.tasks = exchange.tasks();
        this.key = key;
        this.order = order;
        this.cursors = new int[tasks];
        this.idle = exchange.idleStrategy();
    }

    @Override
    public void onRow(final RowView row)
    {
        final int to = PartitionOperator.owner(key, row, tasks);
        exchange.channel(task, to, point).add(order, row);
    }

    @Override
    public void onWatermark(final long watermark)
    {
        deliver();
        next.onWatermark(watermark);
    }

    @Override
    public void onMarker(final long epoch)
    {
        deliver();
        next.onMarker(epoch);
    }

    @Override
    public void onEnd()
    {
        deliver();
        next.onEnd();
    }

    /**
     * @return whether the next row from task {@code a} comes before the next from task {@code b}, which is later.
     */
    private boolean before(final int a, final int b)
    {
        final Exchange.Channel from = exchange.channel(a, task, point);
        final Exchange.Channel other = exchange.channel(b, task, point);
        final int at = cursors[a];
        final int otherAt = cursors[b];
        if (from.first(at) != other.first(otherAt))
        {
            return from.first(at) < other.first(otherAt);
        }
        if (from.second(at) != other.second(otherAt))
        {
            return from.second(at) < other.second(otherAt);
        }
        // Timers of one time, of keys in different tasks: a key is in one task only, so the keys differ.
        return from.keyLength(at) > 0 && other.keyLength(otherAt) > 0 &&
            order.compareKeys(from.bytes(), Exchange.Channel.key(at), other.bytes(), Exchange.Channel.key(otherAt)) < 0;
    }

    private void deliver()
    {
        exchange.arrive(task, point, idle);
        for (int from = 0; from < tasks; from++)
        {
            cursors[from] = 0;
        }
        while (true)
        {
            int first = -1;
            for (int from = 0; from < tasks; from++)
            {
                if (cursors[from] < exchange.channel(from, task, point).limit() && (first < 0 || before(from, first)))
                {
                    first = from;
                }
            }
            if (first < 0)
            {
                break;
            }
            cursors[first] = exchange.channel(first, task, point).row(cursors[first], view);
            forward(view);
        }
        exchange.clear(task, point + 1);
        point++;
    }
}
