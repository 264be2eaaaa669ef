package io.millrace.internal.state;

import io.millrace.row.Column;
import io.millrace.row.ColumnType;
import io.millrace.row.DoubleColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Encodes the key columns of a row into a compact byte key for a {@link KeyedTable}, and decodes it back into
 * an output row. Fixed-width columns take their width; a string takes a 4-byte length then its bytes. An
 * optional 8-byte prefix (a window start) comes first. Reuses one scratch buffer; not thread-safe.
 * <p>
 * A DOUBLE is encoded normalised, as SQL groups it: {@code -0.0} as {@code 0.0} and every NaN as the canonical
 * NaN, so that values that compare equal share a key; decoding writes the normalised value.
 */
public final class KeyCodec
{
    private final Column[] inputs;
    private final Column[] outputs;
    private final ExpandableDirectByteBuffer scratch;
    private int capacity;
    private int length;

    /**
     * @param inputs  key columns of the input rows.
     * @param outputs matching columns of the output rows, same types.
     */
    public KeyCodec(final Column[] inputs, final Column[] outputs)
    {
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        long longest = Long.BYTES;
        for (final Column column : inputs)
        {
            longest += column.type() == ColumnType.STRING ? 4 + column.maxLength() : column.type().fixedWidth();
        }
        // Room for the longest key when that is modest, so that encoding never has to grow the buffer.
        capacity = (int)Math.min(longest, 128 * 1024);
        scratch = new ExpandableDirectByteBuffer(capacity);
    }

    /**
     * Encodes the key of {@code row} after an 8-byte prefix into {@link #buffer()}.
     *
     * @param prefix e.g. a window start; written first.
     * @param row    to take the key columns from.
     * @return length of the key in {@link #buffer()}.
     */
    public int encode(final long prefix, final RowView row)
    {
        scratch.putLong(0, prefix, ByteOrder.LITTLE_ENDIAN);
        return length = encodeColumns(row, Long.BYTES);
    }

    /**
     * Encodes the key of {@code row} into {@link #buffer()}, with no prefix.
     *
     * @param row to take the key columns from.
     * @return length of the key in {@link #buffer()}.
     */
    public int encode(final RowView row)
    {
        return length = encodeColumns(row, 0);
    }

    /**
     * @return the buffer holding the last encoded key, from index 0.
     */
    public MutableDirectBuffer buffer()
    {
        return scratch;
    }

    /**
     * @return length of the last encoded key.
     */
    public int length()
    {
        return length;
    }

    /**
     * Writes the key columns encoded at {@code offset} (after the prefix, if any) into an output row.
     *
     * @param key    buffer holding the key.
     * @param offset of the first key column (past any prefix).
     * @param out    writer of the output row.
     */
    public void decode(final DirectBuffer key, final int offset, final RowWriter out)
    {
        int at = offset;
        for (final Column column : outputs)
        {
            final ColumnType type = column.type();
            if (type == ColumnType.STRING)
            {
                final int stringLength = key.getInt(at, ByteOrder.LITTLE_ENDIAN);
                out.putString((StringColumn)column, key, at + 4, stringLength);
                at += 4 + stringLength;
            }
            else
            {
                final int width = type.fixedWidth();
                out.buffer().putBytes(column.fixedOffset(), key, at, width);
                at += width;
            }
        }
    }

    /**
     * Compares two keys encoded by this codec without a prefix, column by column in the columns' own order:
     * numbers by value, booleans false first, strings by their bytes, unsigned, a prefix before a longer string.
     *
     * @param a       buffer holding one key.
     * @param aOffset of its first column.
     * @param b       buffer holding the other key.
     * @param bOffset of its first column.
     * @return negative, zero or positive as the first key orders before, with or after the second.
     */
    public int compare(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset)
    {
        int atA = aOffset;
        int atB = bOffset;
        for (final Column column : inputs)
        {
            final ColumnType type = column.type();
            final int order;
            if (type == ColumnType.STRING)
            {
                final int lengthA = a.getInt(atA, ByteOrder.LITTLE_ENDIAN);
                final int lengthB = b.getInt(atB, ByteOrder.LITTLE_ENDIAN);
                order = compareBytes(a, atA + 4, lengthA, b, atB + 4, lengthB);
                atA += 4 + lengthA;
                atB += 4 + lengthB;
            }
            else
            {
                order = switch (type)
                {
                    case INT -> Integer.compare(a.getInt(atA, ByteOrder.LITTLE_ENDIAN),
                        b.getInt(atB, ByteOrder.LITTLE_ENDIAN));
                    case DOUBLE -> Double.compare(Double.longBitsToDouble(a.getLong(atA, ByteOrder.LITTLE_ENDIAN)),
                        Double.longBitsToDouble(b.getLong(atB, ByteOrder.LITTLE_ENDIAN)));
                    case BOOLEAN -> Byte.compare(a.getByte(atA), b.getByte(atB));
                    default -> Long.compare(a.getLong(atA, ByteOrder.LITTLE_ENDIAN),
                        b.getLong(atB, ByteOrder.LITTLE_ENDIAN));
                };
                atA += type.fixedWidth();
                atB += type.fixedWidth();
            }
            if (order != 0)
            {
                return order;
            }
        }
        return 0;
    }

    private static int compareBytes(
        final DirectBuffer a, final int aIndex, final int aLength, final DirectBuffer b, final int bIndex,
        final int bLength)
    {
        final int common = Math.min(aLength, bLength);
        for (int i = 0; i < common; i++)
        {
            final int order = Integer.compare(a.getByte(aIndex + i) & 0xFF, b.getByte(bIndex + i) & 0xFF);
            if (order != 0)
            {
                return order;
            }
        }
        return Integer.compare(aLength, bLength);
    }

    private void ensureCapacity(final int required)
    {
        if (required > capacity)
        {
            scratch.checkLimit(required);
            capacity = scratch.capacity();
        }
    }

    private int encodeColumns(final RowView row, final int start)
    {
        int at = start;
        for (final Column column : inputs)
        {
            if (column.type() == ColumnType.STRING)
            {
                final StringColumn string = (StringColumn)column;
                final int stringLength = string.length(row);
                ensureCapacity(at + 4 + stringLength);
                scratch.putInt(at, stringLength, ByteOrder.LITTLE_ENDIAN);
                scratch.putBytes(at + 4, row.buffer(), string.bytesOffset(row), stringLength);
                at += 4 + stringLength;
            }
            else if (column.type() == ColumnType.DOUBLE)
            {
                ensureCapacity(at + Double.BYTES);
                scratch.putLong(at, normalisedBits(((DoubleColumn)column).get(row)), ByteOrder.LITTLE_ENDIAN);
                at += Double.BYTES;
            }
            else
            {
                final int width = column.type().fixedWidth();
                ensureCapacity(at + width);
                scratch.putBytes(at, row.buffer(), row.offset() + column.fixedOffset(), width);
                at += width;
            }
        }
        return at;
    }

    /**
     * @return the bits of {@code value} with -0.0 taken as 0.0 and every NaN as the canonical NaN.
     */
    private static long normalisedBits(final double value)
    {
        // -0.0 == 0.0 holds; doubleToLongBits gives every NaN the canonical bits.
        return value == 0.0 ? 0L : Double.doubleToLongBits(value);
    }
}
