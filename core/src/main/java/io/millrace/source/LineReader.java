package io.millrace.source;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits one or more inputs into lines without allocating per line. A line ends at {@code \n}, or at the end of
 * its input; one {@code \r} before the {@code \n} is dropped. Lines are numbered from 1 across all inputs in
 * order. A line longer than the maximum is not delivered as a line: it is set aside (up to
 * {@link #OVERLONG_KEPT_MAX} bytes, allocated only when such a line comes) and reported whole, with its full
 * length, so that it can be dead-lettered as it was. The input named {@code -} is standard input, read without
 * blocking: {@link #read} returns what has arrived. Not thread-safe.
 */
public final class LineReader implements AutoCloseable
{
    /** Receives lines. */
    public interface LineHandler
    {
        /**
         * Receives a line; during the call {@link #position()} and {@link #lineNumber()} already count it.
         *
         * @param buffer     holding the line, valid during the call.
         * @param index      of its first byte.
         * @param length     of the line without its terminator.
         * @param lineNumber from 1.
         * @param offset     byte offset of the line's start from the start of the first input.
         * @return false to stop reading after this line.
         */
        boolean onLine(DirectBuffer buffer, int index, int length, long lineNumber, long offset);

        /**
         * @param buffer      holding the line, valid during the call: all of it, or its first
         *                    {@link #OVERLONG_KEPT_MAX} bytes when it is longer still.
         * @param index       of its first byte.
         * @param length      of the bytes held.
         * @param lineNumber  from 1.
         * @param totalLength of the whole line without its terminator.
         * @return false to stop reading after this line.
         */
        boolean onOverlongLine(DirectBuffer buffer, int index, int length, long lineNumber, long totalLength);
    }

    /** An input's limit when it is read to its end; see {@link #limitInputs}. */
    public static final long NO_LIMIT = -1;
    /** Returned by {@link #read} once every input is exhausted. */
    public static final int END_OF_INPUT = -1;
    private static final int READ_CHUNK = 64 * 1024;
    private static final long SEEK_WAIT_NANOS = 100_000;
    /** Most bytes of an over-long line kept to show it; longer lines are shown by their start. */
    public static final int OVERLONG_KEPT_MAX = 16 * 1024 * 1024;

    private final List<Path> inputs;
    private final int maxLineLength;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final ExpandableArrayBuffer overlong = new ExpandableArrayBuffer(0);
    private int overlongLength;
    private ReadableByteChannel channel;
    private int inputIndex = -1;
    private boolean inputEnded = true;
    private int start;
    private int scan;
    private int end;
    private long skipped = -1;
    private long lineNumber;
    private long consumedBeforeBuffer;
    private long inputStart;
    private long[] inputLimits;
    private long inputRead;

    /**
     * @param inputs        files to read in order; {@code -} for standard input.
     * @param maxLineLength longest line delivered whole, in bytes.
     */
    public LineReader(final List<Path> inputs, final int maxLineLength)
    {
        if (maxLineLength < 1)
        {
            throw new IllegalArgumentException("max line length must be positive: " + maxLineLength);
        }
        this.inputs = List.copyOf(inputs);
        this.maxLineLength = maxLineLength;
        this.byteBuffer = ByteBuffer.allocateDirect(maxLineLength + READ_CHUNK);
        this.buffer = new UnsafeBuffer(byteBuffer);
    }

    /**
     * Delivers up to {@code limit} lines.
     *
     * @param handler receiving them.
     * @param limit   most lines to deliver.
     * @return lines delivered, or {@link #END_OF_INPUT} when there are no more.
     * @throws UncheckedIOException when an input cannot be read.
     */
    public int read(final LineHandler handler, final int limit)
    {
        int lines = 0;
        while (lines < limit)
        {
            final int newline = findNewline();
            if (newline >= 0)
            {
                lines++;
                final boolean more = deliver(handler, newline, newline + 1);
                if (!more)
                {
                    break;
                }
                continue;
            }
            if (end - start > maxLineLength)
            {
                startSkipping();
                continue;
            }
            if (!inputEnded)
            {
                if (fill() == 0 && !inputEnded)
                {
                    break;
                }
                continue;
            }
            if (end > start || skipped >= 0)
            {
                lines++;
                if (!deliver(handler, end, end))
                {
                    break;
                }
                continue;
            }
            if (!nextInput())
            {
                return lines > 0 ? lines : END_OF_INPUT;
            }
        }
        return lines;
    }

    /**
     * Reads each input only up to a length, as if it ended there (a file that grows is not followed past it).
     * Call before the first read or seek.
     *
     * @param limits bytes to read of each input, in order, or {@link #NO_LIMIT} to read it to its end.
     */
    public void limitInputs(final long[] limits)
    {
        if (limits.length != inputs.size())
        {
            throw new IllegalArgumentException(limits.length + " limits for " + inputs.size() + " inputs");
        }
        inputLimits = limits.clone();
    }

    /**
     * @return bytes consumed across all inputs up to the start of the next line.
     */
    public long position()
    {
        return consumedBeforeBuffer + start;
    }

    /**
     * @return byte offset, from the start of the first input, where the input being read began: a line whose
     * offset equals it is the first line of its input.
     */
    public long inputStart()
    {
        return inputStart;
    }

    /**
     * @return number of the last line delivered; 0 before the first.
     */
    public long lineNumber()
    {
        return lineNumber;
    }

    /**
     * Moves to a byte position returned by {@link #position()}: files before it are skipped by size, the file it
     * falls in is positioned, standard input is read and discarded up to it.
     *
     * @param position   byte offset from the start of the first input.
     * @param lineNumber {@link #lineNumber()} at that position.
     * @throws UncheckedIOException when an input cannot be read or is shorter than it was.
     */
    public void seek(final long position, final long lineNumber)
    {
        closeChannel();
        inputIndex = -1;
        consumedBeforeBuffer = 0;
        start = 0;
        scan = 0;
        end = 0;
        skipped = -1;
        this.lineNumber = lineNumber;
        long remaining = position;
        while (nextInput())
        {
            try
            {
                if (channel instanceof FileChannel)
                {
                    final long size = limited(((FileChannel)channel).size());
                    if (remaining >= size && inputIndex + 1 < inputs.size())
                    {
                        remaining -= size;
                        consumedBeforeBuffer += size;
                        continue;
                    }
                    ((FileChannel)channel).position(Math.min(remaining, size));
                    consumedBeforeBuffer += Math.min(remaining, size);
                    inputRead = Math.min(remaining, size);
                    return;
                }
                while (remaining > 0)
                {
                    byteBuffer.clear().limit((int)Math.min(byteBuffer.capacity(), remaining));
                    final int read = channel.read(byteBuffer);
                    if (read < 0)
                    {
                        throw new UncheckedIOException(new IOException(
                            "standard input ended " + remaining + " bytes before position " + position));
                    }
                    if (read == 0)
                    {
                        LockSupport.parkNanos(SEEK_WAIT_NANOS);
                    }
                    remaining -= read;
                    consumedBeforeBuffer += read;
                    inputRead += read;
                }
                return;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot seek in " + inputs.get(inputIndex), ex);
            }
        }
    }

    @Override
    public void close()
    {
        closeChannel();
    }

    private int findNewline()
    {
        for (int i = scan; i < end; i++)
        {
            if (buffer.getByte(i) == '\n')
            {
                return i;
            }
        }
        scan = end;
        return -1;
    }

    private boolean deliver(final LineHandler handler, final int lineEnd, final int next)
    {
        lineNumber++;
        final int lineStart = start;
        // One '\r' is dropped before a '\n' only (next > lineEnd), not at the end of an input.
        final int cr = next > lineEnd && lineEnd > lineStart && buffer.getByte(lineEnd - 1) == '\r' ? 1 : 0;
        final boolean wasSkipping = skipped >= 0;
        final long offset = consumedBeforeBuffer + lineStart - (wasSkipping ? skipped : 0);
        final long total = (wasSkipping ? skipped : 0) + (lineEnd - lineStart) - cr;
        skipped = -1;
        // Consume the line before the handler runs, so that position() in the handler is the start of the next;
        // the line's bytes stay in the buffer.
        start = next;
        scan = next;
        if (wasSkipping)
        {
            keepOverlong(lineStart, lineEnd - cr);
            // A line of exactly the maximum followed by "\r\n" was taken for too long: what was kept is all of it.
            return total <= maxLineLength ?
                handler.onLine(overlong, 0, (int)total, lineNumber, offset) :
                handler.onOverlongLine(overlong, 0, overlongLength, lineNumber, total);
        }
        // A line found whole in the buffer can still be longer than the maximum.
        return total <= maxLineLength ?
            handler.onLine(buffer, lineStart, (int)total, lineNumber, offset) :
            handler.onOverlongLine(buffer, lineStart, (int)total, lineNumber, total);
    }

    private void startSkipping()
    {
        // Move the line's bytes so far out of the read buffer (keeping up to OVERLONG_KEPT_MAX of them, so that the
        // dead letter can show the original line) and read on to its newline. A '\r' that ends the buffered part
        // stays behind in case it precedes the newline.
        if (skipped < 0)
        {
            skipped = 0;
            overlongLength = 0;
        }
        final int keep = buffer.getByte(end - 1) == '\r' ? 1 : 0;
        keepOverlong(start, end - keep);
        skipped += end - start - keep;
        consumedBeforeBuffer += end - keep;
        buffer.putBytes(0, buffer, end - keep, keep);
        start = 0;
        scan = keep;
        end = keep;
    }

    private void keepOverlong(final int from, final int to)
    {
        final int length = Math.min(to - from, OVERLONG_KEPT_MAX - overlongLength);
        if (length > 0)
        {
            overlong.putBytes(overlongLength, buffer, from, length);
            overlongLength += length;
        }
    }

    private int fill()
    {
        if (start > 0)
        {
            buffer.putBytes(0, buffer, start, end - start);
            consumedBeforeBuffer += start;
            scan -= start;
            end -= start;
            start = 0;
        }
        byteBuffer.clear().position(end);
        final long limit = limited(Long.MAX_VALUE);
        if (inputRead >= limit)
        {
            inputEnded = true;
            return 0;
        }
        byteBuffer.limit((int)Math.min(byteBuffer.capacity(), end + (limit - inputRead)));
        try
        {
            final int read = channel.read(byteBuffer);
            if (read < 0)
            {
                inputEnded = true;
                return 0;
            }
            end += read;
            inputRead += read;
            return read;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + ("-".equals(inputs.get(inputIndex).toString()) ?
                "standard input" : inputs.get(inputIndex)) + ": " + ex.getMessage(), ex);
        }
    }

    private boolean nextInput()
    {
        closeChannel();
        consumedBeforeBuffer += end;
        start = 0;
        scan = 0;
        end = 0;
        if (inputIndex + 1 >= inputs.size())
        {
            return false;
        }
        inputStart = consumedBeforeBuffer;
        inputRead = 0;
        final Path path = inputs.get(++inputIndex);
        try
        {
            channel = "-".equals(path.toString()) ?
                StandardInput.channel() : FileChannel.open(path, StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open input " + path + ": " + ex.getMessage(), ex);
        }
        inputEnded = false;
        return true;
    }

    /**
     * @return {@code length}, or the current input's limit when that is smaller.
     */
    private long limited(final long length)
    {
        return null == inputLimits || inputLimits[inputIndex] == NO_LIMIT ? length :
            Math.min(length, inputLimits[inputIndex]);
    }

    private void closeChannel()
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Nothing was written; a failing close of a read-only file loses nothing.
            }
        }
        channel = null;
    }
}
