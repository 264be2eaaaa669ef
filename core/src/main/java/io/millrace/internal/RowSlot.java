package io.millrace.internal;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pre-allocated slot of the {@link IngressRing}: a row with its source position, an epoch marker, or the
 * end of input. Rows live in the slot's buffer: its inline off-heap buffer, a larger one the slot grew, or for a
 * very long row a buffer of its own for the time it is in the ring (see {@link IngressRing}).
 */
final class RowSlot
{
    static final byte ROW = 0;
    static final byte MARKER = 1;
    static final byte END = 2;

    final UnsafeBuffer inline;
    UnsafeBuffer buffer;
    byte kind;
    int length;
    /** Source position of the row, or of the cut for a marker. */
    long position;
    /** The query input a row came from, from 0. */
    int input;
    /** Epoch a marker ends. */
    long epoch;
    /** Readers yet to pass a row with a buffer of its own, which the last of them drops. */
    final AtomicInteger readersLeft = new AtomicInteger();
    /** Wall-clock time of a marker's cut, epoch milliseconds: the processing time from the marker on. */
    long time;

    RowSlot(final int inlineCapacity)
    {
        inline = new UnsafeBuffer(ByteBuffer.allocateDirect(inlineCapacity));
        buffer = inline;
    }
}
