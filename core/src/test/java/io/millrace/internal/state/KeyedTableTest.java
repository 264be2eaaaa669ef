package io.millrace.internal.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KeyedTable} against {@link HashMap} on seeded random operations: inserts, finds and removes of keys of
 * 0 bytes to a few KiB, growth from a tiny capacity, hashes chosen to collide, and arena compaction. The value
 * of every entry is written through {@link KeyedTable#values()} and must survive everything that happens to
 * other entries.
 */
class KeyedTableTest
{
    private static final int VALUE_WIDTH = 24;
    private static final int VALUE_LONGS = VALUE_WIDTH / Long.BYTES;

    /** How the tests hash keys; findOrInsert takes the hash as a parameter, so collisions can be forced. */
    enum Hashing
    {
        /** {@link KeyedTable#hash}, as the operators use it. */
        REAL,
        /** The same hash for every key: one long probe chain. */
        CONSTANT,
        /** Eight distinct hashes: long chains that interleave. */
        FEW,
        /** Eight distinct negative hashes: the sign bit of the stored hash is set. */
        FEW_NEGATIVE;

        int hash(final DirectBuffer buffer, final int offset, final int length)
        {
            final int real = KeyedTable.hash(buffer, offset, length);
            switch (this)
            {
                case REAL: return real;
                case CONSTANT: return 0x5EED_1234;
                case FEW: return real & 7;
                default: return (real & 7) | 0x8000_0000;
            }
        }
    }

    /** A key by content, for the reference map. */
    record Key(byte[] bytes)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Key && Arrays.equals(bytes, ((Key)o).bytes);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString()
        {
            return bytes.length + " bytes " + Arrays.toString(Arrays.copyOf(bytes, Math.min(8, bytes.length)));
        }
    }

    /** The table under test with its reference: key to id, id to key, id to expected value. */
    static final class Checked
    {
        final KeyedTable table;
        final Hashing hashing;
        final Random random;
        final Map<Key, Integer> ids = new HashMap<>();
        final Map<Integer, Key> keys = new HashMap<>();
        final Map<Integer, long[]> values = new HashMap<>();
        final List<Key> live = new ArrayList<>();
        final Map<Key, Integer> livePosition = new HashMap<>();
        // Keys are passed at a varying, unaligned offset inside a larger buffer.
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[16 * 1024]);
        int scratchOffset;

        Checked(final int initialCapacity, final Hashing hashing, final long seed)
        {
            this.table = new KeyedTable(VALUE_WIDTH, initialCapacity);
            this.hashing = hashing;
            this.random = new Random(seed);
        }

        int stage(final Key key)
        {
            scratchOffset = random.nextInt(64);
            scratch.setMemory(0, scratch.capacity(), (byte)0x5A);
            scratch.putBytes(scratchOffset, key.bytes);
            return hashing.hash(scratch, scratchOffset, key.bytes.length);
        }

        int findOrInsert(final Key key)
        {
            final int hash = stage(key);
            final int id = table.findOrInsert(scratch, scratchOffset, key.bytes.length, hash);
            final Integer known = ids.get(key);
            if (null != known)
            {
                assertFalse(table.lastInserted(), "found " + key);
                assertEquals(known, id, "id of " + key);
                assertValue(id);
            }
            else
            {
                assertTrue(table.lastInserted(), "inserted " + key);
                assertFalse(keys.containsKey(id), "new key " + key + " got the id of live " + keys.get(id));
                assertTrue(id >= 0 && id < table.entryLimit(), "id " + id + " below entry limit");
                final MutableDirectBuffer buffer = table.values();
                for (int b = 0; b < VALUE_WIDTH; b++)
                {
                    assertEquals(0, buffer.getByte(table.valueOffset(id) + b), "value of a new entry is zeroed");
                }
                ids.put(key, id);
                keys.put(id, key);
                livePosition.put(key, live.size());
                live.add(key);
            }
            writeValue(id);
            return id;
        }

        void remove(final Key key)
        {
            final int id = ids.remove(key);
            keys.remove(id);
            values.remove(id);
            final int position = livePosition.remove(key);
            final Key last = live.remove(live.size() - 1);
            if (position < live.size())
            {
                live.set(position, last);
                livePosition.put(last, position);
            }
            table.remove(id);
            final int hash = stage(key);
            assertEquals(-1, table.find(scratch, scratchOffset, key.bytes.length, hash), "find after remove");
        }

        void find(final Key key)
        {
            final int hash = stage(key);
            final Integer id = ids.get(key);
            assertEquals(null == id ? -1 : id, table.find(scratch, scratchOffset, key.bytes.length, hash),
                "find " + key);
        }

        void writeValue(final int id)
        {
            final long[] value = new long[VALUE_LONGS];
            for (int v = 0; v < VALUE_LONGS; v++)
            {
                value[v] = random.nextLong();
                table.values().putLong(table.valueOffset(id) + v * Long.BYTES, value[v]);
            }
            values.put(id, value);
        }

        void assertValue(final int id)
        {
            final long[] expected = values.get(id);
            for (int v = 0; v < VALUE_LONGS; v++)
            {
                assertEquals(expected[v], table.values().getLong(table.valueOffset(id) + v * Long.BYTES),
                    "value word " + v + " of " + keys.get(id));
            }
        }

        void verifyAll()
        {
            assertEquals(ids.size(), table.size(), "size");
            final Set<Integer> seen = new HashSet<>();
            for (int id = 0; id < table.entryLimit(); id++)
            {
                if (!table.isLive(id))
                {
                    assertFalse(keys.containsKey(id), "live id " + id + " reads as free");
                    assertEquals(-1, table.keyLength(id));
                    continue;
                }
                seen.add(id);
                final Key key = keys.get(id);
                assertTrue(null != key, "id " + id + " is live but holds no key of the reference");
                final byte[] stored = new byte[table.keyLength(id)];
                table.keyBuffer(id).getBytes(table.keyOffset(id), stored);
                assertArrayEquals(key.bytes, stored, "key bytes of id " + id);
                assertValue(id);
            }
            assertEquals(keys.keySet(), seen, "iteration visits exactly the live ids");
            for (final Map.Entry<Key, Integer> entry : ids.entrySet())
            {
                final int hash = stage(entry.getKey());
                assertEquals(entry.getValue(),
                    table.find(scratch, scratchOffset, entry.getKey().bytes.length, hash), "find " + entry.getKey());
            }
        }

        Key newKey()
        {
            if (!live.isEmpty() && random.nextInt(5) == 0)
            {
                // A near miss of a live key: same length, one byte different, or one byte longer or shorter.
                final byte[] base = live.get(random.nextInt(live.size())).bytes;
                final int change = random.nextInt(3);
                if (change == 0 && base.length > 0)
                {
                    final byte[] near = base.clone();
                    near[random.nextInt(near.length)] ^= (byte)(1 + random.nextInt(255));
                    return new Key(near);
                }
                if (change == 1)
                {
                    final byte[] longer = Arrays.copyOf(base, base.length + 1);
                    longer[base.length] = (byte)random.nextInt(256);
                    return new Key(longer);
                }
                if (base.length > 0)
                {
                    return new Key(Arrays.copyOf(base, base.length - 1));
                }
            }
            final int kind = random.nextInt(100);
            final int length = kind < 3 ? 0 : kind < 55 ? 1 + random.nextInt(16) : kind < 80 ?
                17 + random.nextInt(184) : kind < 95 ? 201 + random.nextInt(1800) : 2001 + random.nextInt(3000);
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return new Key(bytes);
        }

        void randomOperations(final int operations, final int removePercent)
        {
            for (int op = 0; op < operations; op++)
            {
                final int dice = random.nextInt(100);
                if (dice < removePercent && !live.isEmpty())
                {
                    remove(live.get(random.nextInt(live.size())));
                }
                else if (dice < removePercent + 15)
                {
                    find(random.nextBoolean() || live.isEmpty() ? newKey() : live.get(random.nextInt(live.size())));
                }
                else if (dice < removePercent + 35 && !live.isEmpty())
                {
                    findOrInsert(live.get(random.nextInt(live.size())));
                }
                else
                {
                    findOrInsert(newKey());
                }
                if (op % 997 == 0)
                {
                    verifyAll();
                }
            }
            verifyAll();
        }
    }

    @Test
    @Timeout(30)
    void shouldMatchHashMapOnRandomOperationsGrowingFromATinyCapacity()
    {
        final Checked checked = new Checked(1, Hashing.REAL, 1);
        // Mostly inserts, then a phase dominated by removals, then inserts again into the freed ids.
        checked.randomOperations(12_000, 10);
        assertTrue(checked.ids.size() > 5_000, "grew to " + checked.ids.size());
        checked.randomOperations(12_000, 60);
        checked.randomOperations(6_000, 5);
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    @Timeout(30)
    void shouldMatchHashMapWhenHashesCollide(final Hashing hashing)
    {
        final Checked checked = new Checked(2, hashing, 17 + hashing.ordinal());
        checked.randomOperations(2_500, 15);
        checked.randomOperations(2_500, 55);
        checked.randomOperations(1_000, 10);
    }

    @Test
    @Timeout(30)
    void shouldKeepKeysAndValuesWhenRemovingMostKeysCompactsTheArena()
    {
        final Checked checked = new Checked(4, Hashing.REAL, 99);
        for (int k = 0; k < 3_000; k++)
        {
            final byte[] bytes = new byte[200 + checked.random.nextInt(400)];
            checked.random.nextBytes(bytes);
            checked.findOrInsert(new Key(bytes));
        }
        checked.verifyAll();
        final DirectBuffer arenaBefore = checked.table.keys();
        final long bytesBefore = checked.table.bytes();

        int removed = 0;
        while (checked.live.size() > 300)
        {
            checked.remove(checked.live.get(checked.random.nextInt(checked.live.size())));
            if (++removed % 250 == 0)
            {
                checked.verifyAll();
            }
        }
        checked.verifyAll();
        assertNotSame(arenaBefore, checked.table.keys(), "removing 90% of about 1.2 MB of keys compacts the arena");
        assertTrue(checked.table.bytes() < bytesBefore, "compaction gives memory back");

        checked.randomOperations(5_000, 20);
    }

    @Test
    void shouldAssignTheSameIdsForTheSameOperations()
    {
        final Checked first = new Checked(1, Hashing.REAL, 5);
        final Checked second = new Checked(1, Hashing.REAL, 5);
        first.randomOperations(3_000, 30);
        second.randomOperations(3_000, 30);
        assertEquals(first.ids, second.ids);
    }

    @Test
    void shouldForgetEverythingOnClearAndStayUsable()
    {
        final Checked checked = new Checked(8, Hashing.REAL, 3);
        checked.randomOperations(2_000, 10);
        final List<Key> before = new ArrayList<>(checked.live);
        checked.table.clear();
        assertEquals(0, checked.table.size());
        assertEquals(0, checked.table.entryLimit());
        for (final Key key : before)
        {
            final int hash = checked.stage(key);
            assertEquals(-1, checked.table.find(checked.scratch, checked.scratchOffset, key.bytes.length, hash));
        }
        // Every key inserts afresh into the cleared table and is found again.
        final Map<Key, Integer> reinserted = new HashMap<>();
        for (final Key key : before)
        {
            final int hash = checked.stage(key);
            final int id = checked.table.findOrInsert(checked.scratch, checked.scratchOffset, key.bytes.length, hash);
            assertTrue(checked.table.lastInserted(), "inserted again " + key);
            assertFalse(reinserted.containsValue(id), "id " + id + " given twice");
            reinserted.put(key, id);
        }
        assertEquals(before.size(), checked.table.size());
        for (final Map.Entry<Key, Integer> entry : reinserted.entrySet())
        {
            final int hash = checked.stage(entry.getKey());
            assertEquals(entry.getValue(), checked.table.find(
                checked.scratch, checked.scratchOffset, entry.getKey().bytes.length, hash));
            final byte[] stored = new byte[checked.table.keyLength(entry.getValue())];
            checked.table.keyBuffer(entry.getValue()).getBytes(checked.table.keyOffset(entry.getValue()), stored);
            assertArrayEquals(entry.getKey().bytes, stored);
        }
    }

    @Test
    void shouldHashEqualBytesEquallyWhereverTheyAre()
    {
        final Random random = new Random(8);
        for (int length = 0; length < 70; length++)
        {
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            final UnsafeBuffer a = new UnsafeBuffer(new byte[length + 16]);
            final UnsafeBuffer b = new UnsafeBuffer(new byte[length + 16]);
            a.putBytes(3, bytes);
            b.putBytes(11, bytes);
            assertEquals(KeyedTable.hash(a, 3, length), KeyedTable.hash(b, 11, length), "length " + length);
        }
    }

    @Test
    void shouldRejectValueWidthsThatAreNotMultiplesOfEight()
    {
        assertThrows(IllegalArgumentException.class, () -> new KeyedTable(12, 16));
        assertThrows(IllegalArgumentException.class, () -> new KeyedTable(-8, 16));
        final KeyedTable keysOnly = new KeyedTable(0, 0);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[]{1, 2, 3});
        final int id = keysOnly.findOrInsert(key, 0, 3, KeyedTable.hash(key, 0, 3));
        assertTrue(keysOnly.lastInserted());
        assertEquals(id, keysOnly.find(key, 0, 3, KeyedTable.hash(key, 0, 3)));
    }
}
