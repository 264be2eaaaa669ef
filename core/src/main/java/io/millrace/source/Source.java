package io.millrace.source;

import io.millrace.row.Schema;

/**
 * A source polled by the query's source agent: it reads records, turns each into a row of {@link #schema()},
 * and reports its position so that epochs can be cut at exact offsets. All methods but {@link #schema()} are
 * called on the source thread. A poll never blocks for long (file reads may block briefly; stdin may block).
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
     * @return the position after the last record read: a byte offset, an index, a count, per source.
     */
    long position();

    /**
     * Releases underlying resources; called once, on whichever thread stops the query.
     */
    default void close()
    {
    }
}
