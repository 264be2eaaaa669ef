package io.millrace.internal.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The rows a join holds, off-heap: for each key, the rows of each side (0 and 1) in arrival order. A key is the
 * join key's bytes (for a windowed join, prefixed by the window's start). Each row is kept in a fixed-width record
 * of a {@link Slab}, with its event time, and linked into its key's list for its side, so that it is found by key,
 * visited in arrival order, and removed on its own in constant time. Single-threaded.
 */
public final class JoinState
{
    private static final int NEXT = 0;
    private static final int PREVIOUS = 4;
    private static final int KEY = 8;
    private static final int SIDE = 12;
    private static final int MATCHED = 2;
    private static final int TIME = 16;
    private static final int LENGTH = 24;
    private static final int ROW = 28;
    private static final int NONE = -1;
    /** Per key: head and tail of side 0, head and tail of side 1. */
    private static final int KEY_VALUE_WIDTH = 16;

    private final KeyedTable keys = new KeyedTable(KEY_VALUE_WIDTH, 1024);
    private final Slab rows;
    private final int maxRowLength;

    /**
     * @param maxRowLength longest row of either side, in bytes.
     */
    public JoinState(final int maxRowLength)
    {
        this.maxRowLength = maxRowLength;
        this.rows = new Slab(ROW + maxRowLength, 1024);
    }

    /**
     * @param key    bytes of the key.
     * @param offset of the key.
     * @param length of the key.
     * @return the key's id, -1 when the state holds no row of it.
     */
    public int find(final DirectBuffer key, final int offset, final int length)
    {
        return keys.find(key, offset, length, KeyedTable.hash(key, offset, length));
    }

    /**
     * Adds a row at the end of its key's list for its side.
     *
     * @param key       bytes of the key.
     * @param keyOffset of the key.
     * @param keyLength of the key.
     * @param side      0 or 1.
     * @param time      event time of the row.
     * @param row       bytes of the row.
     * @param rowOffset of the row.
     * @param rowLength of the row; at most the maximum row length.
     * @return the row's id.
     */
    public int add(
        final DirectBuffer key,
        final int keyOffset,
        final int keyLength,
        final int side,
        final long time,
        final DirectBuffer row,
        final int rowOffset,
        final int rowLength)
    {
        final int keyId = keys.findOrInsert(key, keyOffset, keyLength, KeyedTable.hash(key, keyOffset, keyLength));
        final MutableDirectBuffer values = keys.values();
        final int head = keys.valueOffset(keyId) + side * 8;
        if (keys.lastInserted())
        {
            values.putInt(keys.valueOffset(keyId), NONE);
            values.putInt(keys.valueOffset(keyId) + 4, NONE);
            values.putInt(keys.valueOffset(keyId) + 8, NONE);
            values.putInt(keys.valueOffset(keyId) + 12, NONE);
        }
        final int id = rows.allocateUnzeroed();
        final MutableDirectBuffer records = rows.buffer();
        final int at = rows.offset(id);
        final int tail = values.getInt(head + 4);
        records.putInt(at + NEXT, NONE);
        records.putInt(at + PREVIOUS, tail);
        records.putInt(at + KEY, keyId);
        records.putInt(at + SIDE, side);
        records.putLong(at + TIME, time);
        records.putInt(at + LENGTH, rowLength);
        records.putBytes(at + ROW, row, rowOffset, rowLength);
        if (tail == NONE)
        {
            values.putInt(head, id);
        }
        else
        {
            records.putInt(rows.offset(tail) + NEXT, id);
        }
        values.putInt(head + 4, id);
        return id;
    }

    /**
     * @return one past the highest key id in use, for visiting every key with {@link #isKey(int)}.
     */
    public int keyLimit()
    {
        return keys.entryLimit();
    }

    /**
     * @param keyId below {@link #keyLimit()}.
     * @return whether a key holds that id.
     */
    public boolean isKey(final int keyId)
    {
        return keys.isLive(keyId);
    }

    /**
     * @param keyId from {@link #find}.
     * @param side  0 or 1.
     * @return the first row of the key's list for the side, -1 when it has none.
     */
    public int first(final int keyId, final int side)
    {
        return keys.values().getInt(keys.valueOffset(keyId) + side * 8);
    }

    /**
     * @param id of a row.
     * @return the next row of its key and side, -1 after the last.
     */
    public int next(final int id)
    {
        return rows.buffer().getInt(rows.offset(id) + NEXT);
    }

    /**
     * @param id of a row.
     * @return its event time.
     */
    public long time(final int id)
    {
        return rows.buffer().getLong(rows.offset(id) + TIME);
    }

    /**
     * @param id of a row.
     * @return its key's id.
     */
    public int keyOf(final int id)
    {
        return rows.buffer().getInt(rows.offset(id) + KEY);
    }

    /**
     * Marks a row as having met a row of the other side, for an outer join.
     *
     * @param id of a row.
     */
    public void markMatched(final int id)
    {
        final int at = rows.offset(id) + SIDE;
        rows.buffer().putInt(at, rows.buffer().getInt(at) | MATCHED);
    }

    /**
     * @param id of a row.
     * @return whether {@link #markMatched} marked it.
     */
    public boolean isMatched(final int id)
    {
        return (rows.buffer().getInt(rows.offset(id) + SIDE) & MATCHED) != 0;
    }

    /**
     * @return the buffer holding the rows' bytes; valid until the next {@link #add}.
     */
    public DirectBuffer rowBuffer()
    {
        return rows.buffer();
    }

    /**
     * @param id of a row.
     * @return where its bytes start in {@link #rowBuffer()}.
     */
    public int rowOffset(final int id)
    {
        return rows.offset(id) + ROW;
    }

    /**
     * @param id of a row.
     * @return how many bytes it has.
     */
    public int rowLength(final int id)
    {
        return rows.buffer().getInt(rows.offset(id) + LENGTH);
    }

    /**
     * Removes a row; its key goes when it has no row left.
     *
     * @param id of a row.
     */
    public void remove(final int id)
    {
        final MutableDirectBuffer records = rows.buffer();
        final int at = rows.offset(id);
        final int next = records.getInt(at + NEXT);
        final int previous = records.getInt(at + PREVIOUS);
        final int keyId = records.getInt(at + KEY);
        final int head = keys.valueOffset(keyId) + (records.getInt(at + SIDE) & 1) * 8;
        final MutableDirectBuffer values = keys.values();
        if (previous == NONE)
        {
            values.putInt(head, next);
        }
        else
        {
            records.putInt(rows.offset(previous) + NEXT, next);
        }
        if (next == NONE)
        {
            values.putInt(head + 4, previous);
        }
        else
        {
            records.putInt(rows.offset(next) + PREVIOUS, previous);
        }
        rows.free(id);
        final int valueAt = keys.valueOffset(keyId);
        if (values.getInt(valueAt) == NONE && values.getInt(valueAt + 8) == NONE)
        {
            keys.remove(keyId);
        }
    }

    /**
     * @return the longest row the state takes.
     */
    public int maxRowLength()
    {
        return maxRowLength;
    }

    /**
     * @return rows held.
     */
    public int size()
    {
        return rows.size();
    }

    /**
     * @return off-heap bytes held.
     */
    public long bytes()
    {
        return keys.bytes() + rows.bytes();
    }

    /**
     * Appends the keys and rows to a snapshot.
     *
     * @param out to append to.
     */
    public void writeTo(final StateWriter out)
    {
        keys.writeTo(out);
        rows.writeTo(out);
    }

    /**
     * Restores what {@link #writeTo} wrote.
     *
     * @param in positioned at the state.
     */
    public void readFrom(final StateReader in)
    {
        keys.readFrom(in);
        rows.readFrom(in);
    }
}
