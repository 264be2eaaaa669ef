package io.millrace.checkpoint;

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
 */
public record EpochCut(
    long epoch, long sourceOffset, long lineNumber, long records, long firstOffset, long lastOffset,
    boolean endOfInput)
{
}
