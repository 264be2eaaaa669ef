package io.millrace.function;

import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import org.agrona.DirectBuffer;
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
     * Zeros the key's value state and empties its list and map; the key is forgotten once no timer of it is pending (its
     * timers still fire).
     */
    void clearState();

    /**
     * Adds an entry at the end of the key's list.
     *
     * @return the entry's id: write its {@link KeyedProcessFunction#listEntryBytes()} bytes at
     *         {@link #listOffset(int)} in {@link #listBuffer()}; zeros until written.
     * @throws IllegalStateException when the function declares no list.
     */
    int listAppend();

    /**
     * @return the id of the key's first entry, -1 when its list is empty.
     */
    int listFirst();

    /**
     * @param entry id of an entry of the key's list.
     * @return the id of the entry after it, -1 after the last.
     */
    int listNext(int entry);

    /**
     * @return the buffer holding the list entries; valid until the next {@link #listAppend()}.
     */
    MutableDirectBuffer listBuffer();

    /**
     * @param entry id of an entry.
     * @return where its bytes start in {@link #listBuffer()}.
     */
    int listOffset(int entry);

    /**
     * @return entries in the key's list.
     */
    int listSize();

    /**
     * Empties the key's list.
     */
    void clearList();

    /**
     * Finds an entry of the key's map state.
     *
     * @param mapKey buffer holding the entry's key, {@link KeyedProcessFunction#mapKeyBytes()} bytes.
     * @param offset of those bytes.
     * @return the entry's id, or -1 when the map has no entry of that key.
     * @throws IllegalStateException when the function declares no map.
     */
    int mapGet(DirectBuffer mapKey, int offset);

    /**
     * Finds the entry of a key in the key's map state, adding it when there is none.
     *
     * @param mapKey buffer holding the entry's key, {@link KeyedProcessFunction#mapKeyBytes()} bytes.
     * @param offset of those bytes.
     * @return the entry's id: its value is {@link KeyedProcessFunction#mapValueBytes()} bytes at
     *         {@link #mapValueOffset(int)} in {@link #mapBuffer()}, zeros when just added.
     * @throws IllegalStateException when the function declares no map.
     */
    int mapPut(DirectBuffer mapKey, int offset);

    /**
     * Removes an entry of the key's map state.
     *
     * @param entry id of an entry of the key's map.
     */
    void mapRemove(int entry);

    /**
     * @return the id of the key's first map entry in the order they were added, -1 when its map is empty.
     */
    int mapFirst();

    /**
     * @param entry id of an entry of the key's map.
     * @return the id of the entry added after it, -1 after the last.
     */
    int mapNext(int entry);

    /**
     * @return the buffer holding the map entries' keys and values; valid until the next {@link #mapPut}.
     */
    MutableDirectBuffer mapBuffer();

    /**
     * @param entry id of a map entry.
     * @return where its key's bytes start in {@link #mapBuffer()}.
     */
    int mapKeyOffset(int entry);

    /**
     * @param entry id of a map entry.
     * @return where its value's bytes start in {@link #mapBuffer()}.
     */
    int mapValueOffset(int entry);

    /**
     * @return entries in the key's map.
     */
    int mapSize();

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
     * @return the query's processing time, epoch milliseconds: the wall-clock time at which the latest epoch before
     *         this call was cut, the same when a recovery or a replay runs the call again; {@link Long#MIN_VALUE}
     *         before the query's first epoch has ended.
     */
    long processingTime();

    /**
     * @param time processing time at which {@link KeyedProcessFunction#onProcessingTimer} fires for this key: at the
     *             first epoch end whose cut time reaches it, so never before the next epoch end.
     */
    void registerProcessingTimer(long time);

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
