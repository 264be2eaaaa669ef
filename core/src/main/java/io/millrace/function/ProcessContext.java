package io.millrace.function;

import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import org.agrona.MutableDirectBuffer;

/**
 * What a {@link KeyedProcessFunction} may do for the key of the row (or timer) it is called for. The state and
 * the writer are valid only during the call.
 */
public interface ProcessContext
{
    /**
     * @return the buffer holding the key's value state, at {@link #stateOffset()} for
     *         {@link KeyedProcessFunction#stateBytes()} bytes; zeros for a new key.
     */
    MutableDirectBuffer state();

    /**
     * @return where the key's state starts in {@link #state()}.
     */
    int stateOffset();

    /**
     * Forgets the key's state and its timers not yet fired; the key then starts again from zeros.
     */
    void clearState();

    /**
     * @param time at which the watermark fires {@link KeyedProcessFunction#onTimer} for this key; a timer the
     *             watermark has already reached fires before the next row.
     */
    void registerTimer(long time);

    /**
     * @return the event-time watermark before the row; {@link Long#MIN_VALUE} before there is one.
     */
    long watermark();

    /**
     * @return a writer for the next output row, reset.
     */
    RowWriter row();

    /**
     * Passes the row written since the last {@link #row()} downstream.
     */
    void emit();

    /**
     * Passes a row of the output schema downstream as it is, such as the input row when the output has the input's
     * schema.
     *
     * @param row of the output schema, valid only during the call.
     */
    void emit(RowView row);
}
