package io.millrace.journal;

import io.millrace.checkpoint.IngressHandler;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Reads journal entries in order and checks each one (format version, length, CRC32C, type, sequence), so that corruption is found
 * rather than replayed; entries already cut off as damaged are skipped. Not thread-safe.
 */
public final class JournalReader implements AutoCloseable
{
    /** {@link #next} found an intact entry. */
    public static final int ENTRY = 1;
    /** {@link #next} found no more entries. */
    public static final int END = 0;
    /** {@link #next} found a damaged entry; {@link #problem()} says how. */
    public static final int CORRUPT = -1;
    private static final int SKIPPED = 2;

    private final ExcerptTailer tailer;
    private final LongHashSet cutOff;
    private final Checksum checksum = new Checksum();
    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(JournalDescriptor.HEADER_LENGTH));
    private long expectedSequence;
    private long lastIndexSeen = -1;
    private int firstVersion = -1;
    private boolean unreadable;
    private String problem;
    private long problemIndex = -1;
    /** Whether the entry read last still holds records not delivered by {@link #readIngress}. */
    private boolean recordsLeft;

    /**
     * @param queue  the journal.
     * @param cutOff indexes of damaged entries already cut off the journal, to skip.
     */
    JournalReader(final ChronicleQueue queue, final LongHashSet cutOff)
    {
        this.tailer = queue.createTailer();
        this.cutOff = cutOff;
    }

    /**
     * Positions the reader so that the next entry read is the one after {@code index}, checking that Chronicle's
     * index led to the entry that the scan found there: a damaged index would otherwise replay from the wrong place.
     *
     * @param index    of an entry, or -1 for the start.
     * @param sequence the number the entry carries (ignored for the start).
     */
    void seekAfter(final long index, final long sequence)
    {
        if (index < 0)
        {
            tailer.toStart();
            return;
        }
        if (!tailer.moveToIndex(index))
        {
            throw new IllegalStateException("journal has no entry at index " + Long.toHexString(index));
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            final Bytes<?> bytes = dc.isPresent() ? dc.wire().bytes() : null;
            if (null == bytes || dc.index() != index || bytes.readRemaining() < JournalDescriptor.HEADER_LENGTH ||
                bytes.readLong(bytes.readPosition() + JournalDescriptor.SEQUENCE_OFFSET) != sequence)
            {
                throw new IllegalStateException("journal's index is damaged: it does not lead to entry " +
                    Long.toHexString(index) + " (number " + sequence + "). Run 'journal verify' for details.");
            }
        }
        expectedSequence = sequence + 1;
    }

    /**
     * Reads the next entry into {@code entry}.
     *
     * @param entry to fill.
     * @return {@link #ENTRY}, {@link #END} or {@link #CORRUPT}.
     */
    public int next(final JournalEntry entry)
    {
        if (unreadable)
        {
            return END;
        }
        int result;
        try
        {
            while ((result = read(entry)) == SKIPPED)
            {
                problem = null;
            }
        }
        catch (final InternalError | AssertionError | RuntimeException ex)
        {
            // A journal file cut short faults when its mapping is read past the file's end (SIGBUS, which the JVM
            // raises as an InternalError); damaged framing makes Chronicle throw, or fail its own assertions when
            // they are enabled. Either way nothing after this point can be read.
            unreadable = true;
            return corrupt(lastIndexSeen + 1, "the journal cannot be read past this point (" +
                ex.getClass().getSimpleName() + ": " + ex.getMessage() + "); a journal file is cut short or damaged");
        }
        return result;
    }

    private int read(final JournalEntry entry)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return END;
            }
            final long index = dc.index();
            lastIndexSeen = index;
            if (cutOff.contains(index))
            {
                return SKIPPED;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            final long remaining = bytes.readRemaining();
            if (remaining < JournalDescriptor.HEADER_LENGTH)
            {
                return corrupt(index, "entry of " + remaining + " bytes is shorter than its header");
            }
            for (int i = 0; i < JournalDescriptor.HEADER_LENGTH; i += Long.BYTES)
            {
                header.putLong(i, bytes.readLong());
            }
            final byte type = header.getByte(JournalDescriptor.TYPE_OFFSET);
            final int version = header.getByte(JournalDescriptor.VERSION_OFFSET);
            final int length = header.getInt(JournalDescriptor.LENGTH_OFFSET);
            final long sequence = header.getLong(JournalDescriptor.SEQUENCE_OFFSET);
            final int crc = header.getInt(JournalDescriptor.CRC_OFFSET);
            final int input = header.getShort(JournalDescriptor.INPUT_OFFSET) & 0xFFFF;
            if (firstVersion < 0)
            {
                firstVersion = version;
            }
            if (version != JournalDescriptor.FORMAT_VERSION)
            {
                return corrupt(index, "entry of format version " + JournalDescriptor.versionName(version) +
                    "; this build reads version " + JournalDescriptor.FORMAT_VERSION);
            }
            if (length != remaining - JournalDescriptor.HEADER_LENGTH)
            {
                return corrupt(index, "payload length " + length + " but " +
                    (remaining - JournalDescriptor.HEADER_LENGTH) + " bytes present");
            }
            final ExpandableDirectByteBuffer payload = entry.payloadBuffer();
            payload.checkLimit(length);
            int i = 0;
            for (; i + Long.BYTES <= length; i += Long.BYTES)
            {
                payload.putLong(i, bytes.readLong());
            }
            for (; i < length; i++)
            {
                payload.putByte(i, bytes.readByte());
            }
            header.putInt(JournalDescriptor.CRC_OFFSET, 0);
            checksum.compute(header, 0, JournalDescriptor.HEADER_LENGTH);
            if (checksum.update(payload, 0, length) != crc)
            {
                return corrupt(index, "checksum mismatch");
            }
            if (!JournalDescriptor.isKnownType(type))
            {
                return corrupt(index, "unknown entry type " + type);
            }
            if (sequence != expectedSequence)
            {
                return corrupt(index, "entry number " + sequence + " where " + expectedSequence +
                    " was expected: entries are missing or repeated");
            }
            expectedSequence = sequence + 1;
            entry.set(index, type, length, input);
            final String framing = entry.checkFraming();
            return null == framing ? ENTRY : corrupt(index, framing);
        }
    }

    /**
     * @return the Chronicle index of the last entry the reader reached, damaged and cut-off ones included; -1 when
     *         none.
     */
    long lastIndexSeen()
    {
        return lastIndexSeen;
    }

    /**
     * @return the format version of the first entry read; this build's when none was read.
     */
    int firstVersion()
    {
        return firstVersion < 0 ? JournalDescriptor.FORMAT_VERSION : firstVersion;
    }

    /**
     * Hands the input records and epoch cuts that follow to a handler, skipping other entries; a call that stops
     * inside an entry's records continues there the next time.
     *
     * @param entry   reused for each entry; the same one on every call.
     * @param handler receiving records and cuts; returning false stops after that record or cut.
     * @param limit   most records and cuts to deliver.
     * @return records and cuts delivered; -1 when the journal ended before any.
     * @throws IllegalStateException when an entry is damaged.
     */
    int readIngress(final JournalEntry entry, final IngressHandler handler, final int limit)
    {
        int delivered = 0;
        while (delivered < limit)
        {
            if (!recordsLeft)
            {
                final int result = next(entry);
                if (result == END)
                {
                    return delivered > 0 ? delivered : -1;
                }
                if (result == CORRUPT)
                {
                    throw new IllegalStateException("journal entry " + Long.toHexString(problemIndex) +
                        " is damaged: " + problem);
                }
                recordsLeft = entry.isRecord();
            }
            final boolean more;
            if (recordsLeft)
            {
                if (!entry.nextRecord())
                {
                    recordsLeft = false;
                    continue;
                }
                delivered++;
                more = handler.onRecord(entry.input(), entry.recordOffset(), entry.recordSourceOffset(),
                    entry.recordLineNumber(), entry.rowBuffer(), entry.rowOffset(), entry.rowLength());
            }
            else if (entry.isEpochBegin())
            {
                delivered++;
                more = handler.onEpochCut(entry.index(), entry.epochCut());
            }
            else
            {
                more = true;
            }
            if (!more)
            {
                break;
            }
        }
        return delivered;
    }

    /**
     * @return what was wrong with the last corrupt entry.
     */
    public String problem()
    {
        return problem;
    }

    /**
     * @return index of the last corrupt entry.
     */
    public long problemIndex()
    {
        return problemIndex;
    }

    @Override
    public void close()
    {
        tailer.close();
    }

    private int corrupt(final long index, final String what)
    {
        problemIndex = index;
        problem = what;
        return CORRUPT;
    }
}
