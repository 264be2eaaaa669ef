package io.millrace.sink;

import io.millrace.row.RowView;
import org.agrona.DirectBuffer;

/**
 * Receives records that could not be processed: unparsable, longer than the maximum record size, failing in a
 * user function, or with a window that cannot be represented ({@link io.millrace.Window}). Called on the source thread (parse
 * failures) and on the operator thread (the others), so implementations must be thread-safe. Each call is counted
 * in {@link io.millrace.QueryProgress#deadLetters()}.
 * <p>
 * The query calls {@link #onDeadLetter(long, CharSequence, Throwable, DirectBuffer, int, int)}, which by default
 * passes on to the text-only method: a lambda gets the reason, and a handler that wants the exception a user
 * function threw overrides the method that takes it.
 */
@FunctionalInterface
public interface DeadLetterHandler
{
    /**
     * @param position where the record was in its source: its line number for parse failures, its source offset
     *                 for rows an operator rejects ({@link #onDeadRow}).
     * @param reason   why it was rejected; for a failing user function the stage, the exception's class and its
     *                 message, e.g. {@code map failed: java.lang.IllegalStateException: boom}.
     * @param buffer   holding the record's bytes (the original input for parse failures, the row otherwise).
     * @param index    of the first byte.
     * @param length   of the bytes.
     */
    void onDeadLetter(long position, CharSequence reason, DirectBuffer buffer, int index, int length);

    /**
     * Receives a row an operator rejected, as it reached the operator; by default its bytes go to
     * {@link #onDeadLetter}. A handler that knows the row's schema can show the row instead. Called on the operator
     * thread.
     *
     * @param position source offset of the record.
     * @param reason   why it was rejected.
     * @param row      the row, valid only during the call.
     */
    default void onDeadRow(final long position, final CharSequence reason, final RowView row)
    {
        onDeadLetter(position, reason, row.buffer(), row.offset(), row.length());
    }

    /**
     * Receives a dead letter with the exception that made it one; by default calls
     * {@link #onDeadLetter(long, CharSequence, DirectBuffer, int, int)} without it.
     *
     * @param position where the record was in its source, e.g. a line number.
     * @param reason   why it was rejected.
     * @param error    the exception a user function threw, with its stack trace; null when the source rejected
     *                 the record (a parse failure, an over-long record).
     * @param buffer   holding the record's bytes (the original input for parse failures, the row otherwise).
     * @param index    of the first byte.
     * @param length   of the bytes.
     */
    default void onDeadLetter(
        final long position,
        final CharSequence reason,
        final Throwable error,
        final DirectBuffer buffer,
        final int index,
        final int length)
    {
        onDeadLetter(position, reason, buffer, index, length);
    }
}
