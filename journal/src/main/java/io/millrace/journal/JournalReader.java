package io.millrace.journal;

import io.millrace.checkpoint.IngressHandler;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.LongHashSet;

/**
 * Reads journal entries in order and checks each one (length, type, CRC32C), so that corruption is found
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
    private String problem;
    private long problemIndex = -1;

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
     * Positions the reader so that the next entry read is the one after {@code index}.
     *
     * @param index of an entry, or -1 for the start.
     */
    void seekAfter(final long index)
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
            if (!dc.isPresent())
            {
                throw new IllegalStateException("journal has no entry at index " + Long.toHexString(index));
            }
        }
    }

    /**
     * Reads the next entry into {@code entry}.
     *
     * @param entry to fill.
     * @return {@link #ENTRY}, {@link #END} or {@link #CORRUPT}.
     */
    public int next(final JournalEntry entry)
    {
        int result;
        while ((result = read(entry)) == SKIPPED)
        {
            problem = null;
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
            final byte type = bytes.readByte();
            bytes.readSkip(3);
            final int length = bytes.readInt();
            final int crc = bytes.readInt();
            bytes.readInt();
            if (length != remaining - JournalDescriptor.HEADER_LENGTH)
            {
                return corrupt(index, "payload length " + length + " but " +
                    (remaining - JournalDescriptor.HEADER_LENGTH) + " bytes present");
            }
            if (type < JournalDescriptor.IDENTITY || type > JournalDescriptor.EPOCH_COMMIT)
            {
                return corrupt(index, "unknown entry type " + type);
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
            if (checksum.compute(payload, 0, length) != crc)
            {
                return corrupt(index, "checksum mismatch");
            }
            entry.set(index, type, length);
            return ENTRY;
        }
    }

    /**
     * Hands the input records and epoch cuts that follow to a handler, skipping other entries.
     *
     * @param entry   reused for each entry.
     * @param handler receiving records and cuts; returning false stops after that entry.
     * @param limit   most records and cuts to deliver.
     * @return records and cuts delivered; -1 when the journal ended before any.
     * @throws IllegalStateException when an entry is damaged.
     */
    int readIngress(final JournalEntry entry, final IngressHandler handler, final int limit)
    {
        int delivered = 0;
        while (delivered < limit)
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
            final boolean more;
            if (entry.isRecord())
            {
                delivered++;
                more = handler.onRecord(entry.index(), entry.recordSourceOffset(), entry.recordLineNumber(),
                    entry.rowBuffer(), entry.rowOffset(), entry.rowLength());
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
