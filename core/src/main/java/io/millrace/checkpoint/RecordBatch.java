package io.millrace.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;

/**
 * Input rows gathered to be journaled as one entry ({@link Journal#appendRecords}), with one checksum and one
 * write for all of them: journaling the rows of one poll together costs one journal append instead of one per row.
 * The rows lie back to back in {@link #buffer()}, each after its length (a little-endian int), and are read back in
 * that order with {@link #first()}, {@link #next}, {@link #rowOffset} and {@link #rowLength}. Reused batch after
 * batch; not thread-safe.
 */
public final class RecordBatch
{
    /** Bytes in front of each row: its length. */
    public static final int FRAME_HEADER = Integer.BYTES;

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(16 * 1024);
    private int length;
    private int count;
    private int input;

    /**
     * Adds a copy of a row.
     *
     * @param row    buffer holding the row.
     * @param offset of the row.
     * @param rowLength of the row.
     */
    public void add(final DirectBuffer row, final int offset, final int rowLength)
    {
        buffer.putInt(length, rowLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(length + FRAME_HEADER, row, offset, rowLength);
        length += FRAME_HEADER + rowLength;
        count++;
    }

    /**
     * Empties the batch.
     */
    public void clear()
    {
        length = 0;
        count = 0;
    }

    /**
     * @param inputIndex the query input every row of the batch comes from, from 0; kept until set again.
     */
    public void input(final int inputIndex)
    {
        input = inputIndex;
    }

    /**
     * @return the query input the rows come from, from 0 (a query of one input has only 0).
     */
    public int input()
    {
        return input;
    }

    /**
     * @return rows in the batch.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return bytes the framed rows take in {@link #buffer()}.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return whether the batch holds no row.
     */
    public boolean isEmpty()
    {
        return count == 0;
    }

    /**
     * @return the framed rows, from 0 to {@link #length()}.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return where the first row's frame starts.
     */
    public int first()
    {
        return 0;
    }

    /**
     * @param frame where a row's frame starts.
     * @return where the next row's frame starts.
     */
    public int next(final int frame)
    {
        return frame + FRAME_HEADER + rowLength(frame);
    }

    /**
     * @param frame where a row's frame starts.
     * @return offset of the row in {@link #buffer()}.
     */
    public int rowOffset(final int frame)
    {
        return frame + FRAME_HEADER;
    }

    /**
     * @param frame where a row's frame starts.
     * @return length of the row.
     */
    public int rowLength(final int frame)
    {
        return buffer.getInt(frame, ByteOrder.LITTLE_ENDIAN);
    }
}
