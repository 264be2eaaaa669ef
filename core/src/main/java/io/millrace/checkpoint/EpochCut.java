package io.millrace.checkpoint;

import java.util.List;

/**
 * Where an epoch ended in its source: written to the journal as {@code EPOCH_BEGIN} before the epoch's marker
 * enters the ring, so that a recovery cuts the epoch again at exactly the same place (docs/checkpoints.md).
 *
 * @param epoch        the epoch that ends at this cut.
 * @param sourceOffset position of the source at the cut: the offset of the next record to read.
 * @param lineNumber   records (lines) the source had read at the cut, for numbering after a rewind.
 * @param records      records in the epoch.
 * @param firstOffset  offset of the epoch's first record (a journal index when input is journaled), -1 if none.
 * @param lastOffset   offset of the epoch's last record, -1 if none.
 * @param endOfInput   whether the epoch ended with the input (the last epoch of a bounded source).
 * @param time         wall-clock time of the cut, epoch milliseconds: the query's processing time from the epoch's
 *                     marker on; {@link #NO_TIME} in a cut journaled before cuts carried their time.
 * @param otherInputs  for a query of several inputs, where the cut left each input after the first (whose place is
 *                     {@code sourceOffset} and {@code lineNumber}); empty for one input.
 */
public record EpochCut(
    long epoch, long sourceOffset, long lineNumber, long records, long firstOffset, long lastOffset,
    boolean endOfInput, long time, List<InputPosition> otherInputs)
{
    /** The time of a cut that carries none: processing time stays where it was. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /**
     * A cut of a query with one input.
     *
     * @param epoch        the epoch that ends at this cut.
     * @param sourceOffset position of the source at the cut.
     * @param lineNumber   records the source had read at the cut.
     * @param records      records in the epoch.
     * @param firstOffset  offset of the epoch's first record, -1 if none.
     * @param lastOffset   offset of the epoch's last record, -1 if none.
     * @param endOfInput   whether the epoch ended with the input.
     * @param time         wall-clock time of the cut, epoch ms.
     */
    public EpochCut(
        final long epoch, final long sourceOffset, final long lineNumber, final long records, final long firstOffset,
        final long lastOffset, final boolean endOfInput, final long time)
    {
        this(epoch, sourceOffset, lineNumber, records, firstOffset, lastOffset, endOfInput, time, List.of());
    }

    /**
     * @param input of the query, from 0.
     * @return the input's place at the cut.
     */
    public InputPosition position(final int input)
    {
        return input == 0 ? new InputPosition(sourceOffset, lineNumber) : otherInputs.get(input - 1);
    }

    /**
     * Where an input was at a cut.
     *
     * @param sourceOffset position of the input's source: the offset of the next record to read.
     * @param lineNumber   records (lines) the source had read.
     */
    public record InputPosition(long sourceOffset, long lineNumber)
    {
    }
}
