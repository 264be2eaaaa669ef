package io.millrace.source;

import io.millrace.row.Schema;

/**
 * A source polled by the query's source agent: it reads records, turns each into a row of {@link #schema()},
 * and reports its position so that epochs can be cut at exact offsets. All methods but {@link #schema()} are
 * called on the source thread. A poll never blocks for long (file reads may block briefly), so that epochs end
 * on time while input is idle.
 * <p>
 * A source object feeds one query in its life: it holds that query's read position, so a second query on it
 * would share or inherit it. Starting a second query on a source, while the first runs or after it has ended,
 * throws {@link IllegalStateException} naming the source; build a new source for each query (a restart from a
 * checkpoint too: recovery seeks the new source to the committed cut).
 */
public interface Source
{
    /**
     * @return the schema of the rows this source emits; called when the query is built.
     */
    Schema schema();

    /**
     * Opens underlying resources; called once on the source thread before the first poll.
     *
     * @throws java.io.UncheckedIOException when the input cannot be opened.
     */
    default void open()
    {
    }

    /**
     * Reads up to {@code limit} records into {@code output}.
     *
     * @param output where rows and dead letters go.
     * @param limit  most records to emit.
     * @return whether more may follow.
     */
    SourceStatus poll(SourceOutput output, int limit);

    /**
     * @return the offset of the next record to read: a byte offset, an index, per source. Records are emitted
     * with their own offsets, which increase.
     */
    long position();

    /**
     * @return records (for text, lines) read so far, including rejected ones; restored by {@link #seek} so that
     * dead-letter line numbers stay right after a recovery.
     */
    default long lineNumber()
    {
        return position();
    }

    /**
     * @return whether {@link #seek} can bring back records already read; a source that cannot (standard input,
     * a socket) has its input journaled when the query has a checkpoint.
     */
    default boolean isReplayable()
    {
        return false;
    }

    /**
     * Moves to a position returned by {@link #position()}, before the first poll; recovery uses it to rewind to an
     * epoch's cut.
     *
     * @param position   to read from next.
     * @param lineNumber what {@link #lineNumber()} returned at that position.
     * @throws UnsupportedOperationException when the source cannot replay: journal its input instead.
     */
    default void seek(final long position, final long lineNumber)
    {
        throw new UnsupportedOperationException(this + " cannot rewind: journal its input to make it replayable");
    }

    /**
     * Prepares the source for {@link io.millrace.Trigger#availableNow()}: from now on it reads only the input
     * available at this call and then reports {@link SourceStatus#END_OF_INPUT}. Called once, on the thread
     * starting the query, before {@link #open()}. A source that has no notion of the input available now (a
     * socket, a queue that never ends) returns false, and the query is refused.
     *
     * @return whether the source will end after the input available now.
     */
    default boolean endAtAvailableInput()
    {
        return false;
    }

    /**
     * Releases underlying resources; called once, on whichever thread stops the query.
     */
    default void close()
    {
    }
}
