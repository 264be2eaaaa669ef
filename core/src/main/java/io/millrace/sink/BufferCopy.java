package io.millrace.sink;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes bytes of an off-heap buffer to an {@link OutputStream} through a reused scratch array, in chunks, so that
 * writing allocates nothing whatever the length. Not thread-safe.
 */
public final class BufferCopy
{
    private final byte[] scratch = new byte[8192];

    /**
     * @param source holding the bytes.
     * @param index  of the first byte.
     * @param length of the bytes.
     * @param out    to write to.
     * @throws IOException when writing fails.
     */
    public void write(final DirectBuffer source, final int index, final int length, final OutputStream out)
        throws IOException
    {
        for (int at = 0; at < length; at += scratch.length)
        {
            final int chunk = Math.min(scratch.length, length - at);
            source.getBytes(index + at, scratch, 0, chunk);
            out.write(scratch, 0, chunk);
        }
    }
}
