package io.millrace.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tests' reference line splitter, written from the contract of {@code LineReader}: a line ends at {@code \n}
 * or at the end of its input, one {@code \r} before the {@code \n} is dropped, lines are numbered from 1 across
 * inputs, and a line longer than the maximum is reported with its first bytes and its full length.
 */
public final class ReferenceLines
{
    private ReferenceLines()
    {
    }

    /**
     * A line as expected, or as delivered.
     *
     * @param number        from 1 across inputs.
     * @param bytes         the line without its terminator (all of it, also when overlong), one char per
     *                      byte (ISO-8859-1) so that messages show the bytes.
     * @param overlong      whether the line is longer than the maximum.
     * @param totalLength   of the whole line.
     * @param positionAfter byte offset across inputs just after the line and its terminator.
     */
    public record Line(long number, String bytes, boolean overlong, long totalLength, long positionAfter)
    {
        @Override
        public String toString()
        {
            final String shown = bytes.length() <= 40 ? bytes : bytes.substring(0, 40) + "...(" + bytes.length() +
                " bytes, hash " + bytes.hashCode() + ")";
            return "Line[" + number + ": '" + shown + "'" + (overlong ? " overlong" : "") + " total " + totalLength +
                " position after " + positionAfter + "]";
        }

        /**
         * @return the bytes of the line (or of its prefix).
         */
        public byte[] rawBytes()
        {
            return bytes.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * @param inputs        contents of the inputs, in order.
     * @param maxLineLength longest line delivered whole.
     * @return the lines.
     */
    public static List<Line> split(final List<byte[]> inputs, final int maxLineLength)
    {
        final List<Line> lines = new ArrayList<>();
        long base = 0;
        for (final byte[] input : inputs)
        {
            int start = 0;
            for (int i = 0; i <= input.length; i++)
            {
                final boolean newline = i < input.length && input[i] == '\n';
                final boolean endOfInput = i == input.length && start < input.length;
                if (!newline && !endOfInput)
                {
                    continue;
                }
                int end = i;
                if (newline && end > start && input[end - 1] == '\r')
                {
                    end--;
                }
                final byte[] line = Arrays.copyOfRange(input, start, end);
                final long after = base + (newline ? i + 1 : i);
                lines.add(new Line(lines.size() + 1, show(line), line.length > maxLineLength, line.length, after));
                start = i + 1;
            }
            base += input.length;
        }
        return lines;
    }

    /**
     * @param bytes to show.
     * @return one char per byte.
     */
    public static String show(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
