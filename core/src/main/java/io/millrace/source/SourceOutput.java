package io.millrace.source;

import io.millrace.row.RowWriter;
import org.agrona.DirectBuffer;

/**
 * Where a {@link Source} puts what it reads, on the source thread: write a row into {@link #row()}, then
 * {@link #emit(long)} it; send what cannot be parsed to {@link #deadLetter}.
 */
public interface SourceOutput
{
    /**
     * @return the writer for the next row, reset.
     */
    RowWriter row();

    /**
     * Publishes the row written into {@link #row()}.
     *
     * @param offset the record's offset in its source (e.g. the byte offset of its line); offsets increase.
     * @return true when published; false when the ring is full: the row is kept and published before the next
     * poll, and the source must return from {@link Source#poll} without writing another row.
     */
    boolean emit(long offset);

    /**
     * Reports a record that cannot become a row. It is counted and handed to the query's dead-letter handler.
     *
     * @param position where the record is, e.g. its line number.
     * @param reason   why it was rejected.
     * @param buffer   holding the original bytes.
     * @param index    of the first byte.
     * @param length   of the bytes.
     */
    void deadLetter(long position, CharSequence reason, DirectBuffer buffer, int index, int length);
}
