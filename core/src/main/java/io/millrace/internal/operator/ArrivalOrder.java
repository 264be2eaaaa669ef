package io.millrace.internal.operator;

import io.millrace.internal.state.KeyCodec;
import org.agrona.DirectBuffer;

/**
 * Stamps the rows of an operation whose rows cross an {@link Exchange} with their place in the order a query of one
 * task writes them, so that the tasks' rows can be merged back into it (docs/parallelism.md, "Exchanges").
 * <p>
 * Every task runs the operations before it on every record, and the operation's {@link PartitionOperator} counts
 * every row it sees, its task's or not: so a row's number is the same in every task. The stamp of a written row is
 * two longs and, for rows a timer writes, the key; rows merge by the first long, then the second, then the key:
 * <ul>
 *     <li>a window's rows: its start, then the number of the row that opened the key's entry in it, since a query of
 *     one task writes a closing window's rows in the order its keys arrived;</li>
 *     <li>rows a process function writes for a row (or a timer firing at once after it): {@link #FOR_ROW}, then the
 *     row's number;</li>
 *     <li>rows its timers write at a watermark, a marker or the end of input: the timer's time, then 0, then the key,
 *     since a query of one task fires the timers of one time in their keys' order;</li>
 *     <li>rows of event-time timers that processing-time timers set at a marker, due already, which fire after
 *     those: {@link #AFTER_TIMERS}, then the timer's time, then the key.</li>
 * </ul>
 * A timer that sets another for a time at or before its own, while the watermark is past both, is the exception:
 * one task fires the new timer before the other keys' timers of later times, and the merge does not.
 * Used by one task's thread only.
 */
public final class ArrivalOrder
{
    /** First part of the stamp of a row a process function writes for an input row: before any timer's. */
    static final long FOR_ROW = Long.MIN_VALUE;
    /** First part of the stamp of a row of an event-time timer set at a marker: after the processing-time timers'. */
    static final long AFTER_TIMERS = Long.MAX_VALUE;

    private KeyCodec keyOrder;
    private long counted;
    private long arriving;
    private long writtenFirst;
    private long writtenSecond;
    private DirectBuffer writtenKey;
    private int writtenKeyOffset;
    private int writtenKeyLength;

    /**
     * @param operation whose snapshot lacks the number of rows counted.
     * @return the refusal of a checkpoint whose every task computed the operation in full.
     */
    static IllegalStateException olderCheckpoint(final String operation)
    {
        return new IllegalStateException("the checkpoint's snapshot holds " + operation + " computed in full by " +
            "every task, as Millrace did before tasks exchanged rows: this version splits it among the tasks; finish " +
            "the query with the version that wrote the checkpoint, or start a new checkpoint");
    }

    /**
     * @param keys the codec of the keys whose order breaks ties between rows of timers of one time.
     */
    void orderKeysBy(final KeyCodec keys)
    {
        keyOrder = keys;
    }

    /**
     * A row reached the operation's partition, in this task or not.
     */
    void count()
    {
        arriving = counted++;
    }

    /**
     * @return the number of the row being processed.
     */
    long arriving()
    {
        return arriving;
    }

    /**
     * Stamps the row about to be written.
     */
    void writing(final long first, final long second)
    {
        writtenFirst = first;
        writtenSecond = second;
        writtenKeyLength = 0;
    }

    /**
     * Stamps the row about to be written by a timer of the key at {@code keyOffset}.
     */
    void writing(
        final long first, final long second, final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        writtenFirst = first;
        writtenSecond = second;
        writtenKey = key;
        writtenKeyOffset = keyOffset;
        writtenKeyLength = keyLength;
    }

    long writtenFirst()
    {
        return writtenFirst;
    }

    long writtenSecond()
    {
        return writtenSecond;
    }

    DirectBuffer writtenKey()
    {
        return writtenKey;
    }

    int writtenKeyOffset()
    {
        return writtenKeyOffset;
    }

    /**
     * @return length of the key of the written row's stamp, 0 when it has none.
     */
    int writtenKeyLength()
    {
        return writtenKeyLength;
    }

    /**
     * @return the order of two encoded keys of stamps.
     */
    int compareKeys(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset)
    {
        return keyOrder.compare(a, aOffset, b, bOffset);
    }

    /**
     * @return rows counted so far, for a snapshot.
     */
    long counted()
    {
        return counted;
    }

    /**
     * @param rows counted before the snapshot restored.
     */
    void restore(final long rows)
    {
        counted = rows;
    }
}
