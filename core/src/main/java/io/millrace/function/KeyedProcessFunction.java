package io.millrace.function;

import io.millrace.row.RowView;
import io.millrace.row.Schema;

/**
 * User code over the rows of one key at a time, with state of that key and event-time timers, as Flink's
 * {@code KeyedProcessFunction} and Spark's {@code transformWithState}: used as
 * {@code stream.keyBy("auction").process(outputSchema, MyFunction::new)}.
 * <p>
 * Each key has a value state of {@link #stateBytes()} bytes; if {@link #listEntryBytes()} is above 0, a list of
 * entries of that many bytes in append order ({@link ProcessContext#listAppend()}); and if {@link #mapKeyBytes()} is
 * above 0, a map from keys of that many bytes to values of {@link #mapValueBytes()} bytes
 * ({@link ProcessContext#mapPut}), as Flink's {@code ListState} and {@code MapState}, with fixed widths. All are kept
 * off-heap by Millrace (zeros, an empty list and an empty map for a key not seen before or cleared), snapshotted with
 * each epoch and restored on recovery; the function itself holds no per-key state. {@link #processRow} receives
 * each row with a {@link ProcessContext} for the row's key: read and write its state, register event-time timers,
 * emit rows. A timer fires once the watermark reaches its time ({@code W >= time}), in time order (timers of one
 * time in the order of their keys), each once however often it was registered, through {@link #onTimer} with the
 * context of the key that registered it; rows emitted then reach downstream before the watermark that fired it. At
 * the end of input every timer left fires.
 * <p>
 * Processing time advances at epoch ends: it is the wall-clock time at which the latest epoch was cut, which the
 * journal records with the cut, so a recovery or a replay sees the same times at the same rows. A processing-time
 * timer ({@link ProcessContext#registerProcessingTimer}) fires through {@link #onProcessingTimer} at the end of the
 * first epoch whose cut time reaches it, in the same order as event-time timers, before the epoch's output is
 * committed; its resolution is the epoch interval. An idle input still ends an epoch when a processing-time timer is
 * due. Timers not yet due when the input ends do not fire.
 * <p>
 * The methods run on the operator thread and should allocate nothing. An exception from {@link #processRow} sends
 * the row to the dead letters (what it did to the state and the rows it emitted stay).
 */
public interface KeyedProcessFunction
{
    /**
     * @return bytes of each key's value state, 0 for none; asked after {@link #open}, and fixed from then on.
     */
    int stateBytes();

    /**
     * @return bytes of each entry of a key's list state, 0 (the default) for no list; asked after {@link #open}.
     */
    default int listEntryBytes()
    {
        return 0;
    }

    /**
     * @return bytes of the key of each entry of a key's map state, 0 (the default) for no map; asked after
     *         {@link #open}.
     */
    default int mapKeyBytes()
    {
        return 0;
    }

    /**
     * @return bytes of the value of each entry of a key's map state; asked after {@link #open} when
     *         {@link #mapKeyBytes()} is above 0.
     */
    default int mapValueBytes()
    {
        return 0;
    }

    /**
     * Resolves column accessors, once per query, before any row and before {@link #stateBytes()}; also called when
     * the query is built, so that a function that cannot read its input refuses the query then.
     *
     * @param input  schema of the rows received.
     * @param output schema of the rows emitted.
     */
    default void open(final Schema input, final Schema output)
    {
    }

    /**
     * @param row     of the context's key, valid only during the call.
     * @param context of the row's key.
     */
    void processRow(RowView row, ProcessContext context);

    /**
     * An event-time timer of the context's key fired.
     *
     * @param time    the timer was registered for.
     * @param context of the key that registered it.
     */
    default void onTimer(final long time, final ProcessContext context)
    {
    }

    /**
     * A processing-time timer of the context's key fired, at the end of an epoch whose cut time reached it; rows
     * emitted here belong to that epoch.
     *
     * @param time    the timer was registered for.
     * @param context of the key that registered it; its {@link ProcessContext#processingTime()} is the epoch's cut
     *                time.
     */
    default void onProcessingTimer(final long time, final ProcessContext context)
    {
    }
}
