package io.millrace.internal.state;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Off-heap hash table from variable-length byte keys to fixed-width values. Single-threaded.
 * <p>
 * Three regions, all off-heap:
 * <ul>
 *   <li><b>index</b>: open addressing with linear probing, one long per slot,
 *       {@code (hash << 32) | (entryId + 1)}, 0 when empty; removal shifts later slots back, so there are no
 *       tombstones. Load stays at most {@link #MAX_LOAD}; the index doubles when it would pass it.</li>
 *   <li><b>entries</b>: fixed-width records addressed by a stable entry id (ids survive growth and the
 *       removal of other entries; freed ids are reused):
 *       <pre>
 *  +---------------+---------------+-------------------------------+
 *  | key offset:4  | key length:4  | inline key: 16 bytes          |
 *  +---------------+---------------+-------------------------------+
 *  | value: valueWidth bytes                                      ...
 *  +---------------------------------------------------------------+
 *       </pre>
 *       key length -1 marks a free entry. A key of up to {@link #INLINE_KEY_LENGTH} bytes is kept in the entry,
 *       so that finding it touches one line less.</li>
 *   <li><b>arena</b>: the bytes of longer keys, appended; space of removed keys is reclaimed by compaction once
 *       it is most of the arena.</li>
 * </ul>
 * Iteration by entry id ({@link #entryLimit()}, {@link #isLive(int)}) is deterministic for a given sequence
 * of operations, which keeps output order reproducible on replay.
 */
public final class KeyedTable
{
    /** Highest ratio of live entries to index slots. */
    public static final double MAX_LOAD = 0.5;
    /** Longest key kept inside its entry rather than in the arena. */
    public static final int INLINE_KEY_LENGTH = 16;
    private static final int KEY_OFFSET_OFFSET = 0;
    private static final int KEY_LENGTH_OFFSET = 4;
    private static final int INLINE_KEY_OFFSET = 8;
    private static final int ENTRY_HEADER_LENGTH = INLINE_KEY_OFFSET + INLINE_KEY_LENGTH;
    private static final int MIN_INDEX_CAPACITY = 16;
    private static final int MIN_COMPACTION_GARBAGE = 64 * 1024;

    private final int valueWidth;
    private final int entryWidth;
    private UnsafeBuffer index;
    private int indexMask;
    private UnsafeBuffer entries;
    private ExpandableDirectByteBuffer arena;
    private int arenaLimit;
    private long arenaGarbage;
    private int entryLimit;
    private int size;
    private final IntArrayList freeIds = new IntArrayList();
    private boolean lastInserted;

    /**
     * @param valueWidth      bytes of value per entry, a multiple of 8.
     * @param initialCapacity entries to hold before the first growth.
     */
    public KeyedTable(final int valueWidth, final int initialCapacity)
    {
        if (valueWidth < 0 || (valueWidth & 7) != 0)
        {
            throw new IllegalArgumentException("value width must be a non-negative multiple of 8: " + valueWidth);
        }
        this.valueWidth = valueWidth;
        this.entryWidth = ENTRY_HEADER_LENGTH + valueWidth;
        final int indexCapacity = Math.max(MIN_INDEX_CAPACITY, BitUtil.findNextPositivePowerOfTwo(
            (int)Math.min(1 << 30, (long)Math.ceil(initialCapacity / MAX_LOAD))));
        index = Slab.allocate((long)indexCapacity * Long.BYTES);
        indexMask = indexCapacity - 1;
        entries = Slab.allocate((long)Math.max(8, initialCapacity) * entryWidth);
        // Room for some keys longer than the inline ones; a table of short keys never touches it.
        arena = new ExpandableDirectByteBuffer(initialCapacity * INLINE_KEY_LENGTH);
    }

    /**
     * Hash of a key, as {@link #findOrInsert} and {@link #find} expect it.
     *
     * @param buffer holding the key.
     * @param offset of the key's first byte.
     * @param length of the key.
     * @return its hash.
     */
    public static int hash(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            h = Long.rotateLeft((h ^ buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN)) * 0xBF58476D1CE4E5B9L, 27);
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8)
        {
            tail |= (buffer.getByte(offset + i) & 0xFFL) << shift;
        }
        h = (h ^ tail) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return (int)(h ^ (h >>> 29));
    }

    /**
     * Finds the entry of a key, inserting it with a zeroed value when absent; {@link #lastInserted()} then
     * says which happened.
     *
     * @param key    buffer holding the key.
     * @param offset of the key's first byte.
     * @param length of the key.
     * @param hash   of the key from {@link #hash}.
     * @return the entry id.
     */
    public int findOrInsert(final DirectBuffer key, final int offset, final int length, final int hash)
    {
        int slot = hash & indexMask;
        long word;
        while ((word = index.getLong(slot << 3)) != 0)
        {
            final int id = (int)word - 1;
            if ((int)(word >>> 32) == hash && keyEquals(id, key, offset, length))
            {
                lastInserted = false;
                return id;
            }
            slot = (slot + 1) & indexMask;
        }

        lastInserted = true;
        if (size + 1 > (indexMask + 1) * MAX_LOAD)
        {
            growIndex();
            slot = freeSlot(hash);
        }
        final int id = newEntry(key, offset, length);
        index.putLong(slot << 3, ((long)hash << 32) | ((id + 1) & 0xFFFF_FFFFL));
        size++;
        return id;
    }

    /**
     * @param key    buffer holding the key.
     * @param offset of the key's first byte.
     * @param length of the key.
     * @param hash   of the key from {@link #hash}.
     * @return the entry id, or -1 when the key is absent.
     */
    public int find(final DirectBuffer key, final int offset, final int length, final int hash)
    {
        int slot = hash & indexMask;
        long word;
        while ((word = index.getLong(slot << 3)) != 0)
        {
            final int id = (int)word - 1;
            if ((int)(word >>> 32) == hash && keyEquals(id, key, offset, length))
            {
                return id;
            }
            slot = (slot + 1) & indexMask;
        }
        return -1;
    }

    /**
     * @return whether the last {@link #findOrInsert} inserted a new entry.
     */
    public boolean lastInserted()
    {
        return lastInserted;
    }

    /**
     * Removes a live entry; its id may be reused by a later insert.
     *
     * @param id of the entry.
     */
    public void remove(final int id)
    {
        final int keyLength = keyLength(id);
        final int hash = hash(keyBuffer(id), keyOffset(id), keyLength);
        int slot = hash & indexMask;
        while ((int)index.getLong(slot << 3) - 1 != id)
        {
            slot = (slot + 1) & indexMask;
        }
        deleteSlot(slot);

        entries.putInt(entryOffset(id) + KEY_LENGTH_OFFSET, -1);
        freeIds.addInt(id);
        size--;
        if (keyLength > INLINE_KEY_LENGTH)
        {
            arenaGarbage += keyLength;
        }
        if (arenaGarbage > MIN_COMPACTION_GARBAGE && arenaGarbage * 2 > arenaLimit)
        {
            compactArena();
        }
    }

    /**
     * Removes every entry, keeping the memory for reuse.
     */
    public void clear()
    {
        index.setMemory(0, index.capacity(), (byte)0);
        freeIds.clear();
        entryLimit = 0;
        size = 0;
        arenaLimit = 0;
        arenaGarbage = 0;
    }

    /**
     * Gives the table's off-heap memory back at once rather than when the collector finds it; the table must not
     * be used afterwards.
     */
    public void close()
    {
        BufferUtil.free(index);
        BufferUtil.free(entries);
        BufferUtil.free(arena.byteBuffer());
    }

    /**
     * @return live entries.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return off-heap bytes held by the index, entries and arena.
     */
    public long bytes()
    {
        return (long)index.capacity() + entries.capacity() + arena.capacity();
    }

    /**
     * @return one past the highest entry id in use; iterate ids below it and skip those not {@link #isLive}.
     */
    public int entryLimit()
    {
        return entryLimit;
    }

    /**
     * @param id below {@link #entryLimit()}.
     * @return whether the id holds an entry.
     */
    public boolean isLive(final int id)
    {
        return keyLength(id) >= 0;
    }

    /**
     * @return the buffer holding values; an entry's value starts at {@link #valueOffset(int)}.
     */
    public MutableDirectBuffer values()
    {
        return entries;
    }

    /**
     * @param id of a live entry.
     * @return index of its value in {@link #values()}; valid until the next insert.
     */
    public int valueOffset(final int id)
    {
        return entryOffset(id) + ENTRY_HEADER_LENGTH;
    }

    /**
     * @return the arena: the buffer holding keys longer than {@link #INLINE_KEY_LENGTH}.
     */
    public DirectBuffer keys()
    {
        return arena;
    }

    /**
     * @param id of a live entry.
     * @return the buffer holding its key, from {@link #keyOffset(int)}; valid until the next insert or removal.
     */
    public DirectBuffer keyBuffer(final int id)
    {
        return keyLength(id) <= INLINE_KEY_LENGTH ? entries : arena;
    }

    /**
     * @param id of a live entry.
     * @return index of its key in {@link #keyBuffer(int)}; valid until the next insert or removal.
     */
    public int keyOffset(final int id)
    {
        final int entry = entryOffset(id);
        return entries.getInt(entry + KEY_LENGTH_OFFSET) <= INLINE_KEY_LENGTH ?
            entry + INLINE_KEY_OFFSET : entries.getInt(entry + KEY_OFFSET_OFFSET);
    }

    /**
     * @param id of an entry.
     * @return length of its key, -1 when the entry is free.
     */
    public int keyLength(final int id)
    {
        return entries.getInt(entryOffset(id) + KEY_LENGTH_OFFSET);
    }

    private int entryOffset(final int id)
    {
        return id * entryWidth;
    }

    private boolean keyEquals(final int id, final DirectBuffer key, final int offset, final int length)
    {
        final int entry = entryOffset(id);
        if (entries.getInt(entry + KEY_LENGTH_OFFSET) != length)
        {
            return false;
        }
        final boolean inline = length <= INLINE_KEY_LENGTH;
        final DirectBuffer stored = inline ? entries : arena;
        final int at = inline ? entry + INLINE_KEY_OFFSET : entries.getInt(entry + KEY_OFFSET_OFFSET);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            if (stored.getLong(at + i) != key.getLong(offset + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (stored.getByte(at + i) != key.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private int newEntry(final DirectBuffer key, final int offset, final int length)
    {
        final int id;
        if (freeIds.isEmpty())
        {
            id = entryLimit++;
            if ((long)entryLimit * entryWidth > entries.capacity())
            {
                final UnsafeBuffer grown = Slab.allocate(Math.max((long)entryLimit * entryWidth, entries.capacity() * 2L));
                grown.putBytes(0, entries, 0, entries.capacity());
                entries = grown;
            }
        }
        else
        {
            id = freeIds.popInt();
        }

        final int entry = entryOffset(id);
        entries.putInt(entry + KEY_LENGTH_OFFSET, length);
        if (length <= INLINE_KEY_LENGTH)
        {
            entries.putBytes(entry + INLINE_KEY_OFFSET, key, offset, length);
            entries.putInt(entry + KEY_OFFSET_OFFSET, -1);
        }
        else
        {
            arena.putBytes(arenaLimit, key, offset, length);
            entries.putInt(entry + KEY_OFFSET_OFFSET, arenaLimit);
            arenaLimit += length;
        }
        entries.setMemory(entry + ENTRY_HEADER_LENGTH, valueWidth, (byte)0);
        return id;
    }

    private int freeSlot(final int hash)
    {
        int slot = hash & indexMask;
        while (index.getLong(slot << 3) != 0)
        {
            slot = (slot + 1) & indexMask;
        }
        return slot;
    }

    private void growIndex()
    {
        final UnsafeBuffer old = index;
        final int oldCapacity = indexMask + 1;
        if (oldCapacity >= 1 << 30)
        {
            throw new IllegalStateException("keyed table full at " + size + " entries");
        }
        index = Slab.allocate((long)oldCapacity * 2 * Long.BYTES);
        indexMask = oldCapacity * 2 - 1;
        for (int i = 0; i < oldCapacity; i++)
        {
            final long word = old.getLong(i << 3);
            if (word != 0)
            {
                index.putLong(freeSlot((int)(word >>> 32)) << 3, word);
            }
        }
    }

    private void deleteSlot(final int deleted)
    {
        int hole = deleted;
        int slot = (hole + 1) & indexMask;
        long word;
        while ((word = index.getLong(slot << 3)) != 0)
        {
            final int home = (int)(word >>> 32) & indexMask;
            // Move the word back into the hole unless its home lies cyclically in (hole, slot].
            if (((slot - home) & indexMask) >= ((slot - hole) & indexMask))
            {
                index.putLong(hole << 3, word);
                hole = slot;
            }
            slot = (slot + 1) & indexMask;
        }
        index.putLong(hole << 3, 0L);
    }

    private void compactArena()
    {
        final ExpandableDirectByteBuffer compacted =
            new ExpandableDirectByteBuffer(Math.max(1024, BitUtil.findNextPositivePowerOfTwo(arenaLimit - (int)arenaGarbage)));
        int limit = 0;
        for (int id = 0; id < entryLimit; id++)
        {
            final int length = keyLength(id);
            if (length > INLINE_KEY_LENGTH)
            {
                compacted.putBytes(limit, arena, keyOffset(id), length);
                entries.putInt(entryOffset(id) + KEY_OFFSET_OFFSET, limit);
                limit += length;
            }
        }
        arena = compacted;
        arenaLimit = limit;
        arenaGarbage = 0;
    }

    /**
     * Appends the table to a snapshot as bulk copies of its regions.
     *
     * @param out to append to.
     */
    public void writeTo(final StateWriter out)
    {
        out.putInt(valueWidth);
        out.putInt(entryLimit);
        out.putInt(size);
        out.putInt(arenaLimit);
        out.putLong(arenaGarbage);
        out.putBytes(index, 0, index.capacity());
        out.putBytes(entries, 0, entryLimit * entryWidth);
        out.putBytes(arena, 0, arenaLimit);
        out.putInts(freeIds);
    }

    /**
     * Replaces the table's contents with a snapshot written by {@link #writeTo(StateWriter)}.
     *
     * @param in positioned at the table.
     * @throws IllegalStateException when the snapshot is of a table with another value width.
     */
    public void readFrom(final StateReader in)
    {
        final int width = in.getInt();
        if (width != valueWidth)
        {
            throw new IllegalStateException("snapshot of a table with " + width + "-byte values, expected " + valueWidth);
        }
        entryLimit = in.getInt();
        size = in.getInt();
        arenaLimit = in.getInt();
        arenaGarbage = in.getLong();
        final int indexBytes = in.peekBytesLength();
        index = Slab.allocate(indexBytes);
        indexMask = indexBytes / Long.BYTES - 1;
        in.getBytes(index, 0);
        entries = Slab.allocate(Math.max((long)in.peekBytesLength(), 8L * entryWidth));
        in.getBytes(entries, 0);
        arena.checkLimit(in.peekBytesLength());
        in.getBytes(arena, 0);
        in.getInts(freeIds);
    }
}
