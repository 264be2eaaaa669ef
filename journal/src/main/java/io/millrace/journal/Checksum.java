package io.millrace.journal;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of bytes in an off-heap Agrona buffer, through the JDK's intrinsic without copying or allocating.
 * One instance per thread.
 */
final class Checksum
{
    private final CRC32C crc = new CRC32C();

    /**
     * @param buffer off-heap buffer wrapping a direct {@link ByteBuffer}.
     * @param offset of the first byte.
     * @param length of the bytes.
     * @return their CRC32C.
     */
    int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        crc.reset();
        return update(buffer, offset, length);
    }

    /**
     * Continues the checksum of the bytes given since the last {@link #compute} with more bytes.
     *
     * @param buffer off-heap buffer wrapping a direct {@link ByteBuffer}.
     * @param offset of the first byte.
     * @param length of the bytes.
     * @return the CRC32C of all the bytes so far.
     */
    int update(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer bytes = buffer.byteBuffer();
        final int from = buffer.wrapAdjustment() + offset;
        bytes.limit(from + length).position(from);
        crc.update(bytes);
        bytes.clear();
        return (int)crc.getValue();
    }
}
