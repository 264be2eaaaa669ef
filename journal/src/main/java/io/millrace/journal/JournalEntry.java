package io.millrace.journal;

import io.millrace.checkpoint.EpochCut;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One journal entry as read back, reused entry after entry by a {@link JournalReader}: its index, type and
 * payload (layout in {@link JournalDescriptor}), with decoders for each type. The input records an entry holds
 * (one in a RECORD entry, several in a RECORD_BATCH) are visited in order with {@link #nextRecord()}; the record
 * accessors describe the record it reached.
 */
public final class JournalEntry
{
    private final ExpandableDirectByteBuffer payload = new ExpandableDirectByteBuffer(256);
    private long index;
    private byte type;
    private int length;
    private int input;
    private int place;
    private int rowOffset;
    private int rowLength;

    void set(final long entryIndex, final byte entryType, final int payloadLength, final int entryInput)
    {
        index = entryIndex;
        type = entryType;
        length = payloadLength;
        input = entryInput;
        place = -1;
    }

    /**
     * Checks that an EPOCH_BEGIN entry has one of the cut layouts, and that a RECORD_BATCH entry's records fill its
     * payload exactly, as its writer laid them out.
     *
     * @return what is wrong, or null when the framing is intact (and for other types).
     */
    String checkFraming()
    {
        if (type == JournalDescriptor.EPOCH_BEGIN)
        {
            return length == JournalDescriptor.EPOCH_BEGIN_UNTIMED_LENGTH ||
                length >= JournalDescriptor.EPOCH_BEGIN_LENGTH &&
                (length - JournalDescriptor.EPOCH_BEGIN_LENGTH) % JournalDescriptor.INPUT_POSITION_LENGTH == 0 ?
                null : "epoch cut of " + length + " bytes has no known layout";
        }
        if (input != 0 && type != JournalDescriptor.RECORD_BATCH)
        {
            return "a " + JournalDescriptor.typeName(type) + " entry names input " + input;
        }
        if (type != JournalDescriptor.RECORD_BATCH)
        {
            return type == JournalDescriptor.RECORD && length < JournalDescriptor.RECORD_HEADER_LENGTH ?
                "record entry of " + length + " bytes is shorter than its header" : null;
        }
        if (length < JournalDescriptor.RECORD_BATCH_HEADER_LENGTH)
        {
            return "record batch of " + length + " bytes is shorter than its header";
        }
        final int count = payload.getInt(24);
        long frame = JournalDescriptor.RECORD_BATCH_HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            if (frame + Integer.BYTES > length)
            {
                return "record batch says " + count + " records but holds " + i;
            }
            final int rowBytes = payload.getInt((int)frame, ByteOrder.LITTLE_ENDIAN);
            if (rowBytes < 0 || frame + Integer.BYTES + rowBytes > length)
            {
                return "record " + i + " of the batch runs past its end";
            }
            frame += Integer.BYTES + rowBytes;
        }
        if (count < 1 || frame != length)
        {
            return "record batch of " + count + " records leaves " + (length - frame) + " bytes unaccounted for";
        }
        return null;
    }

    ExpandableDirectByteBuffer payloadBuffer()
    {
        return payload;
    }

    /**
     * @return the query input of a RECORD_BATCH entry's records, from 0; 0 for other entries.
     */
    public int input()
    {
        return input;
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
     * @return whether this entry holds input records (either layout).
     */
    public boolean isRecord()
    {
        return type == JournalDescriptor.RECORD || type == JournalDescriptor.RECORD_BATCH;
    }

    /**
     * @return whether this entry holds its records in the batch layout.
     */
    public boolean isRecordBatch()
    {
        return type == JournalDescriptor.RECORD_BATCH;
    }

    /**
     * @return input records in this entry.
     */
    public int recordCount()
    {
        return type == JournalDescriptor.RECORD_BATCH ? payload.getInt(24) :
            type == JournalDescriptor.RECORD ? 1 : 0;
    }

    /**
     * Moves to the entry's next input record (the first, on the first call).
     *
     * @return false when there is none left.
     */
    public boolean nextRecord()
    {
        if (place + 1 >= recordCount())
        {
            return false;
        }
        if (type == JournalDescriptor.RECORD)
        {
            rowOffset = JournalDescriptor.RECORD_HEADER_LENGTH;
            rowLength = length - JournalDescriptor.RECORD_HEADER_LENGTH;
        }
        else
        {
            final int frame = place < 0 ? JournalDescriptor.RECORD_BATCH_HEADER_LENGTH : rowOffset + rowLength;
            rowLength = payload.getInt(frame, ByteOrder.LITTLE_ENDIAN);
            rowOffset = frame + Integer.BYTES;
        }
        place++;
        return true;
    }

    /**
     * @return the offset of the entry's first record.
     */
    public long recordOffsetOfFirst()
    {
        return type == JournalDescriptor.RECORD_BATCH ? payload.getLong(0) : index;
    }

    /**
     * @return the current record's offset: for a batch, its first record's offset plus the record's place; for a
     *         RECORD entry, the entry's index.
     */
    public long recordOffset()
    {
        return recordOffsetOfFirst() + place;
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
        final boolean timed = length >= JournalDescriptor.EPOCH_BEGIN_LENGTH;
        final List<EpochCut.InputPosition> others = new ArrayList<>();
        for (int at = JournalDescriptor.EPOCH_BEGIN_LENGTH; timed && at < length;
            at += JournalDescriptor.INPUT_POSITION_LENGTH)
        {
            others.add(new EpochCut.InputPosition(payload.getLong(at), payload.getLong(at + 8)));
        }
        return new EpochCut(payload.getLong(0), payload.getLong(8), payload.getLong(16), payload.getLong(24),
            payload.getLong(32), payload.getLong(40), payload.getByte(48) != 0,
            timed ? payload.getLong(49) : EpochCut.NO_TIME, others.isEmpty() ? List.of() : List.copyOf(others));
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
     * @return the source offset after the entry's (last) record.
     */
    public long recordSourceOffset()
    {
        return payload.getLong(type == JournalDescriptor.RECORD_BATCH ? 8 : 0);
    }

    /**
     * @return the source's line number after the entry's (last) record.
     */
    public long recordLineNumber()
    {
        return payload.getLong(type == JournalDescriptor.RECORD_BATCH ? 16 : 8);
    }

    /**
     * @return the buffer holding the current record's row, from {@link #rowOffset()}.
     */
    public DirectBuffer rowBuffer()
    {
        return payload;
    }

    /**
     * @return offset of the current record's row in {@link #rowBuffer()}.
     */
    public int rowOffset()
    {
        return rowOffset;
    }

    /**
     * @return length of the current record's row.
     */
    public int rowLength()
    {
        return rowLength;
    }
}
