package io.millrace.testing;

import io.millrace.sink.DeadLetterHandler;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A dead-letter handler that keeps what it receives; thread-safe, as handlers must be.
 */
public final class DeadLetters implements DeadLetterHandler
{
    /**
     * One dead letter.
     *
     * @param position where the record was.
     * @param reason   why it was rejected.
     * @param bytes    the record's bytes, one char per byte (ISO-8859-1).
     */
    public record Letter(long position, String reason, String bytes)
    {
        @Override
        public String toString()
        {
            return "Letter[" + position + ": " + reason + ": " +
                (bytes.length() > 40 ? bytes.substring(0, 40) + "...(" + bytes.length() + " bytes)" : bytes) + "]";
        }
    }

    private final List<Letter> letters = new ArrayList<>();

    @Override
    public synchronized void onDeadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(index, bytes);
        letters.add(new Letter(position, reason.toString(), ReferenceLines.show(bytes)));
    }

    /**
     * @return a copy of the dead letters so far, in order.
     */
    public synchronized List<Letter> letters()
    {
        return new ArrayList<>(letters);
    }
}
