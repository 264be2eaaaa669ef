package io.millrace.journal;

import io.millrace.checkpoint.EpochCut;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.charset.StandardCharsets;

/**
 * One journal entry as read back, reused entry after entry by a {@link JournalReader}: its index, type and
 * payload (layout in {@link JournalDescriptor}), with decoders for each type.
 */
public final class JournalEntry
{
    private final ExpandableDirectByteBuffer payload = new ExpandableDirectByteBuffer(256);
    private long index;
    private byte type;
    private int length;

    void set(final long entryIndex, final byte entryType, final int payloadLength)
    {
        index = entryIndex;
        type = entryType;
        length = payloadLength;
    }

    ExpandableDirectByteBuffer payloadBuffer()
    {
        return payload;
    }

    /**
     * @return a copy of the entry's payload bytes (layout in {@link JournalDescriptor}); allocates, for tools.
     */
    public byte[] payload()
    {
        final byte[] bytes = new byte[length];
        payload.getBytes(0, bytes);
        return bytes;
    }

    /**
     * @return the entry's Chronicle index.
     */
    public long index()
    {
        return index;
    }

    /**
     * @return the entry's type, a {@link JournalDescriptor} constant.
     */
    public byte type()
    {
        return type;
    }

    /**
     * @return the type's name.
     */
    public String typeName()
    {
        return JournalDescriptor.typeName(type);
    }

    /**
     * @return whether this is an input record.
     */
    public boolean isRecord()
    {
        return type == JournalDescriptor.RECORD;
    }

    /**
     * @return whether this is an epoch cut.
     */
    public boolean isEpochBegin()
    {
        return type == JournalDescriptor.EPOCH_BEGIN;
    }

    /**
     * @return whether this is an epoch commit.
     */
    public boolean isEpochCommit()
    {
        return type == JournalDescriptor.EPOCH_COMMIT;
    }

    /**
     * @return whether this is the query's identity.
     */
    public boolean isIdentity()
    {
        return type == JournalDescriptor.IDENTITY;
    }

    /**
     * @return the identity of an IDENTITY entry.
     */
    public String identity()
    {
        final byte[] bytes = new byte[length];
        payload.getBytes(0, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * @return the cut of an EPOCH_BEGIN entry.
     */
    public EpochCut epochCut()
    {
        return new EpochCut(payload.getLong(0), payload.getLong(8), payload.getLong(16), payload.getLong(24),
            payload.getLong(32), payload.getLong(40), payload.getByte(48) != 0);
    }

    /**
     * @return the epoch of an EPOCH_COMMIT entry.
     */
    public long commitEpoch()
    {
        return payload.getLong(0);
    }

    /**
     * @return the snapshot length of an EPOCH_COMMIT entry.
     */
    public long commitSnapshotLength()
    {
        return payload.getLong(8);
    }

    /**
     * @return the snapshot CRC32C of an EPOCH_COMMIT entry.
     */
    public int commitSnapshotCrc()
    {
        return payload.getInt(16);
    }

    /**
     * @return the source offset after the record, for a RECORD entry.
     */
    public long recordSourceOffset()
    {
        return payload.getLong(0);
    }

    /**
     * @return the source's line number after the record, for a RECORD entry.
     */
    public long recordLineNumber()
    {
        return payload.getLong(8);
    }

    /**
     * @return the buffer holding a RECORD entry's row, from {@link #rowOffset()}.
     */
    public DirectBuffer rowBuffer()
    {
        return payload;
    }

    /**
     * @return offset of a RECORD entry's row in {@link #rowBuffer()}.
     */
    public int rowOffset()
    {
        return JournalDescriptor.RECORD_HEADER_LENGTH;
    }

    /**
     * @return length of a RECORD entry's row.
     */
    public int rowLength()
    {
        return length - JournalDescriptor.RECORD_HEADER_LENGTH;
    }
}
