package io.millrace.cli;

import io.millrace.sink.DeadLetterHandler;
import org.agrona.DirectBuffer;

/**
 * A dead-letter output of the command line, which shows each record as its line: a line that failed to parse
 * with its line number ({@link #onDeadLetter}), a record rejected after parsing with its source position
 * ({@link #onDeadLine}, as {@link DeadRowLines} passes it on).
 */
@FunctionalInterface
interface DeadLetterLines extends DeadLetterHandler
{
    /**
     * A record rejected after parsing, shown as its line; by default written as any dead letter, the source
     * position in place of the line number.
     *
     * @param position source position of the record: the byte offset of its line, or the generated event's index.
     * @param reason   why it was rejected.
     * @param line     holding the record's line.
     * @param index    of its first byte.
     * @param length   of the line.
     */
    default void onDeadLine(
        final long position, final CharSequence reason, final DirectBuffer line, final int index, final int length)
    {
        onDeadLetter(position, reason, line, index, length);
    }
}
