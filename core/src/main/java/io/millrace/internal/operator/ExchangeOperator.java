package io.millrace.internal.operator;

import io.millrace.internal.state.KeyCodec;
import io.millrace.row.RowView;
import org.agrona.concurrent.IdleStrategy;

/**
 * One task's end of an {@link Exchange}: sends each row of the task's share of a windowed aggregation to the task
 * owning its key for the stateful operation that reads it, and at each watermark, marker and end of input passes
 * on, before them, the rows every task sent this task since the last, merged into the order a query of one task
 * writes them: by window start, then by the arrival of the row that opened the key's entry ({@link ArrivalOrder}),
 * then by task.
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
        exchange.channel(task, to, point).add(order.writtenStart(), order.writtenArrival(), row);
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
            long firstStart = 0;
            long firstArrival = 0;
            for (int from = 0; from < tasks; from++)
            {
                final Exchange.Channel channel = exchange.channel(from, task, point);
                final int at = cursors[from];
                if (at < channel.limit())
                {
                    final long start = channel.start(at);
                    final long arrival = channel.arrival(at);
                    if (first < 0 || start < firstStart || (start == firstStart && arrival < firstArrival))
                    {
                        first = from;
                        firstStart = start;
                        firstArrival = arrival;
                    }
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
