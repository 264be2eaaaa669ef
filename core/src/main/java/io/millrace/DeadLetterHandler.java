package io.millrace;

import org.agrona.DirectBuffer;

/**
 * Receives records that could not be processed: unparsable, longer than the maximum record size, or failing in
 * a user function. Called on the source thread (parse failures) and on the operator thread (function failures),
 * so implementations must be thread-safe. Each call is counted in {@link QueryProgress#deadLetters()}.
 */
@FunctionalInterface
public interface DeadLetterHandler
{
    /**
     * @param position where the record was in its source, e.g. a line number.
     * @param reason   why it was rejected.
     * @param buffer   holding the record's bytes (the original input for parse failures, the row otherwise).
     * @param index    of the first byte.
     * @param length   of the bytes.
     */
    void onDeadLetter(long position, CharSequence reason, DirectBuffer buffer, int index, int length);
}
