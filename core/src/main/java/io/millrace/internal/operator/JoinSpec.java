package io.millrace.internal.operator;

import io.millrace.row.Schema;

import java.util.List;

/**
 * A join of two streams as its operator sees it.
 *
 * @param left      schema of the left rows.
 * @param right     schema of the right rows.
 * @param leftKeys  key columns of the left rows.
 * @param rightKeys key columns of the right rows, of the same types in the same order.
 * @param leftTime  event-time column of the left rows; null for a join without a time bound.
 * @param rightTime event-time column of the right rows; null for a join without a time bound.
 * @param beforeMs  for an interval join, how far a left row's time may be before the right row's.
 * @param afterMs   for an interval join, how far a left row's time may be after the right row's.
 * @param sizeMs    for a windowed join, the window size; 0 otherwise.
 * @param slideMs   for a windowed join, the slide between window starts; 0 otherwise.
 * @param leftOuter whether a left row that meets no right row is written too, once no match can come.
 * @param output    {@code window_start, window_end} for a windowed join, the left columns, the right columns,
 *                  {@code matched} for a left outer join.
 */
public record JoinSpec(
    Schema left,
    Schema right,
    List<String> leftKeys,
    List<String> rightKeys,
    String leftTime,
    String rightTime,
    long beforeMs,
    long afterMs,
    long sizeMs,
    long slideMs,
    boolean leftOuter,
    Schema output)
{
    /** Output column of a left outer join: whether the row has a right side (false: its right columns are zero). */
    public static final String MATCHED = "matched";

    /**
     * @return whether both rows must fall in one window.
     */
    public boolean windowed()
    {
        return sizeMs > 0;
    }

    /**
     * @return whether the rows' times bound the join, so that the watermark evicts its state.
     */
    public boolean bounded()
    {
        return null != leftTime;
    }
}
