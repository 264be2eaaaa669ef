package io.millrace.journal;

/**
 * Layout of a journal entry: one Chronicle Queue document of raw bytes, little-endian. Every byte of the entry is
 * covered by its checksum, so that no single damaged byte (the type included) passes for another valid entry.
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +---------------+---------------+-------------------------------+
 *  |     type      | format version|             input             |
 *  +---------------+---------------+-------------------------------+
 *  |                        payload length                         |
 *  +---------------------------------------------------------------+
 *  |                                                               |
 *  +                     sequence (8 bytes)                        +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |      CRC32C of the whole entry, this field taken as zero      |
 *  +---------------------------------------------------------------+
 *  |                           reserved                            |
 *  +---------------------------------------------------------------+
 *  |                            payload                           ...
 *  +---------------------------------------------------------------+
 *
 *  sequence     the entry's number in the journal, from 0: a gap or a repeat means entries were lost
 *  IDENTITY     payload: the query's identity, UTF-8
 *  EPOCH_BEGIN  payload: epoch, source offset, line number, records, first offset, last offset (8 bytes each),
 *                        end of input (1 byte), the cut's wall-clock time in epoch ms (8 bytes; absent from the
 *                        cuts of builds before processing time, read as unknown), then for each input of the query
 *                        after the first its source offset and line number (8 bytes each)
 *  RECORD       payload: source offset after the record, line number (8 bytes each), the row's bytes; written
 *               by earlier builds, one entry per input record, whose offset is the entry's Chronicle index
 *  EPOCH_COMMIT payload: epoch, snapshot length (8 bytes each), snapshot CRC32C (4 bytes)
 *  input        a RECORD_BATCH's query input (0 for the first or only one); 0 in other entries
 *  RECORD_BATCH payload: offset of the first record, source offset and line number after the last record (8 bytes
 *               each), record count (4 bytes), then each record: the row's length (4 bytes) and its bytes. The
 *               record at place i has offset first + i; offsets grow from one batch to the next
 * </pre>
 * This build writes RECORD_BATCH and reads both record layouts, so a checkpoint written by an earlier build
 * resumes, replays and is inspected as it is, with no migration.
 */
final class JournalDescriptor
{
    /**
     * Version of the checkpoint formats this build writes and reads: journal entries, snapshot files and the
     * checkpoint file. Version 1 entries (the first release) have a zero in the version byte.
     */
    static final int FORMAT_VERSION = 2;

    static final byte IDENTITY = 1;
    static final byte EPOCH_BEGIN = 2;
    static final byte RECORD = 3;
    static final byte EPOCH_COMMIT = 4;
    static final byte RECORD_BATCH = 5;

    static final int TYPE_OFFSET = 0;
    static final int VERSION_OFFSET = 1;
    /** A RECORD_BATCH's query input (2 bytes; 0 in other entries, and in batches of builds before inputs). */
    static final int INPUT_OFFSET = 2;
    static final int LENGTH_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    static final int CRC_OFFSET = 16;
    static final int HEADER_LENGTH = 24;

    static final int EPOCH_BEGIN_LENGTH = 7 * Long.BYTES + 1;
    /** An EPOCH_BEGIN without the cut's time, as builds before processing time wrote it. */
    static final int EPOCH_BEGIN_UNTIMED_LENGTH = 6 * Long.BYTES + 1;
    /** What an EPOCH_BEGIN holds past {@link #EPOCH_BEGIN_LENGTH} for each input after the first. */
    static final int INPUT_POSITION_LENGTH = 2 * Long.BYTES;
    static final int RECORD_HEADER_LENGTH = 2 * Long.BYTES;
    static final int EPOCH_COMMIT_LENGTH = 2 * Long.BYTES + Integer.BYTES;
    static final int RECORD_BATCH_HEADER_LENGTH = 3 * Long.BYTES + Integer.BYTES;

    private JournalDescriptor()
    {
    }

    static String typeName(final byte type)
    {
        switch (type)
        {
            case IDENTITY: return "IDENTITY";
            case EPOCH_BEGIN: return "EPOCH_BEGIN";
            case RECORD: return "RECORD";
            case EPOCH_COMMIT: return "EPOCH_COMMIT";
            case RECORD_BATCH: return "RECORD_BATCH";
            default: return "UNKNOWN(" + type + ")";
        }
    }

    /**
     * @param type as stored in an entry.
     * @return whether this build knows it.
     */
    static boolean isKnownType(final byte type)
    {
        return type >= IDENTITY && type <= RECORD_BATCH;
    }

    /**
     * @param version as stored in an entry's version byte or a file's header.
     * @return how to name it in a message.
     */
    static String versionName(final int version)
    {
        return version == 0 ? "1 (written before formats carried a version)" : Integer.toString(version);
    }
}
