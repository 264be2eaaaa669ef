package io.millrace.internal.operator;

import io.millrace.internal.state.KeyCodec;
import io.millrace.row.Column;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * Keeps the rows whose key this task owns, in front of a keyed stateful operation where the tasks of a query split
 * the work (docs/parallelism.md).
 * Every task reads every record, so each passes on only its share of the rows, and the operation's state for a key
 * lives in exactly one task.
 * <p>
 * <b>Which task owns a key</b> (a contract: it decides where state lives, so it cannot change without migrating
 * checkpoints): the key columns are encoded as the state tables encode them (fixed-width columns little-endian, a
 * string as its 4-byte length then its UTF-8 bytes, a double normalised), the bytes hashed with MurmurHash3 x86 32-bit
 * (seed 0) into one of {@link #KEY_GROUPS} key groups ({@code hash mod 128}, taken as unsigned), and key group
 * {@code g} belongs to task {@code g * tasks / 128}. A keyless operation (a global aggregation) hashes zero bytes,
 * so one task holds all of it.
 * <p>
 * Without key columns ({@link #firstTaskOnly}), only the first task passes rows on: rows that reach an output without
 * meeting a keyed operation are written once, by task 0.
 */
public final class PartitionOperator extends Operator
{
    /** Key groups a key hashes to; the unit of ownership, so at most this many tasks. */
    public static final int KEY_GROUPS = 128;

    private final KeyCodec key;
    private final boolean owner;
    private final int task;
    private final int tasks;
    private final ArrivalOrder order;

    private PartitionOperator(
        final KeyCodec key, final boolean owner, final int task, final int tasks, final ArrivalOrder order)
    {
        this.key = key;
        this.owner = owner;
        this.task = task;
        this.tasks = tasks;
        this.order = order;
    }

    /**
     * @param schema of the rows.
     * @param keys   the key columns of the operation the rows go to.
     * @param task   this task, from 0.
     * @param tasks  of the query.
     * @param order  numbering every row seen, for a stage whose rows cross an {@link Exchange}; or null.
     * @return the operator keeping the rows whose key {@code task} owns.
     */
    public static PartitionOperator byKey(
        final Schema schema, final List<String> keys, final int task, final int tasks, final ArrivalOrder order)
    {
        return new PartitionOperator(keyCodec(schema, keys), false, task, tasks, order);
    }

    /**
     * @param schema of the rows.
     * @param keys   the key columns.
     * @return the codec encoding them as the owner of a key is computed from.
     */
    public static KeyCodec keyCodec(final Schema schema, final List<String> keys)
    {
        final Column[] columns = new Column[keys.size()];
        for (int i = 0; i < columns.length; i++)
        {
            columns[i] = schema.column(keys.get(i));
        }
        return new KeyCodec(columns, columns);
    }

    /**
     * @param task this task, from 0.
     * @return the operator passing every row on in task 0 and none in the others.
     */
    public static PartitionOperator firstTaskOnly(final int task)
    {
        return new PartitionOperator(null, task == 0, task, 1, null);
    }

    @Override
    public void onRow(final RowView row)
    {
        if (null != order)
        {
            order.count();
        }
        if (null == key ? owner : owner(key, row, tasks) == task)
        {
            forward(row);
        }
    }

    /**
     * @param key   encoding the key columns.
     * @param row   a row.
     * @param tasks of the query.
     * @return the task owning the row's key.
     */
    static int owner(final KeyCodec key, final RowView row, final int tasks)
    {
        return owner(keyGroup(key.buffer(), 0, key.encode(row)), tasks);
    }

    /**
     * @param keyGroup from 0 to {@link #KEY_GROUPS} - 1.
     * @param tasks    of the query.
     * @return the task owning the key group.
     */
    public static int owner(final int keyGroup, final int tasks)
    {
        return keyGroup * tasks / KEY_GROUPS;
    }

    /**
     * @param bytes  an encoded key.
     * @param offset of the key.
     * @param length of the key.
     * @return its key group.
     */
    public static int keyGroup(final DirectBuffer bytes, final int offset, final int length)
    {
        return Integer.remainderUnsigned(murmur3(bytes, offset, length), KEY_GROUPS);
    }

    /**
     * MurmurHash3, x86 32-bit variant, seed 0, little-endian blocks.
     */
    static int murmur3(final DirectBuffer bytes, final int offset, final int length)
    {
        int hash = 0;
        final int blocks = length & ~3;
        for (int i = 0; i < blocks; i += 4)
        {
            hash ^= mixBlock(bytes.getInt(offset + i, java.nio.ByteOrder.LITTLE_ENDIAN));
            hash = Integer.rotateLeft(hash, 13) * 5 + 0xe6546b64;
        }
        int tail = 0;
        switch (length & 3)
        {
            case 3:
                tail ^= (bytes.getByte(offset + blocks + 2) & 0xff) << 16;
                // fall through
            case 2:
                tail ^= (bytes.getByte(offset + blocks + 1) & 0xff) << 8;
                // fall through
            case 1:
                tail ^= bytes.getByte(offset + blocks) & 0xff;
                hash ^= mixBlock(tail);
                break;
            default:
                break;
        }
        hash ^= length;
        hash ^= hash >>> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >>> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >>> 16;
        return hash;
    }

    private static int mixBlock(final int block)
    {
        return Integer.rotateLeft(block * 0xcc9e2d51, 15) * 0x1b873593;
    }
}
