package io.millrace.checkpoint;

import org.agrona.DirectBuffer;

/**
 * Receives the journaled input of a query when it is read back: its records and the epoch cuts between them,
 * in journal order.
 */
public interface IngressHandler
{
    /**
     * @param input        the query input the record came from, from 0 ({@link RecordBatch#input()}).
     * @param recordOffset the record's offset, as {@link Journal#appendRecords} gave it.
     * @param sourceOffset position of the original source after the entry holding the record (records journaled
     *                     together share it).
     * @param lineNumber   records the original source had read after the entry holding the record.
     * @param row          buffer holding the row.
     * @param offset       of the row in {@code row}.
     * @param length       of the row.
     * @return false to stop reading after this record (back-pressure); the next read goes on with the next.
     */
    boolean onRecord(
        int input, long recordOffset, long sourceOffset, long lineNumber, DirectBuffer row, int offset, int length);

    /**
     * @param index journal index of the cut.
     * @param cut   the epoch cut.
     * @return false to stop reading after this entry (back-pressure).
     */
    boolean onEpochCut(long index, EpochCut cut);
}
