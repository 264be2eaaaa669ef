package io.millrace.internal.state;

import io.millrace.row.Column;
import io.millrace.row.ColumnType;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KeyCodec}: keys of every column type decode to the values encoded (DOUBLE values normalised: -0.0 as 0.0,
 * every NaN as the canonical NaN), and distinct key values never share an encoding.
 */
class KeyCodecTest
{
    private final Schema input = Schema.builder()
        .stringColumn("a", 300)
        .longColumn("l")
        .doubleColumn("ignored")
        .intColumn("i")
        .booleanColumn("b")
        .stringColumn("z", 5)
        .timestampColumn("ts")
        .doubleColumn("d")
        .build();
    private final List<String> keyNames = List.of("z", "ts", "a", "b", "i", "d", "l");
    private final Schema output = outputSchema();

    @Test
    void shouldDecodeWhatItEncodedWithAndWithoutAPrefix()
    {
        final Random random = new Random(31);
        final KeyCodec codec = codec();
        final RowWriter in = new RowWriter(input);
        final RowWriter out = new RowWriter(output);
        final RowView inView = new RowView();
        final RowView outView = new RowView();
        for (int n = 0; n < 2_000; n++)
        {
            randomRow(random, in);
            in.view(inView);
            final long prefix = random.nextLong();
            final boolean withPrefix = random.nextBoolean();
            final int length = withPrefix ? codec.encode(prefix, inView) : codec.encode(inView);
            assertEquals(length, codec.length());
            if (withPrefix)
            {
                assertEquals(prefix, codec.buffer().getLong(0, ByteOrder.LITTLE_ENDIAN));
            }
            // Decode from a copy at an odd offset, as the keyed table's arena would hold it.
            final byte[] copy = new byte[length + 3];
            codec.buffer().getBytes(0, copy, 3, length);
            out.reset();
            codec.decode(TestData.buffer(copy), 3 + (withPrefix ? Long.BYTES : 0), out);
            out.view(outView);
            for (final String name : keyNames)
            {
                assertEquals(expectedKey(input.column(name), inView), value(output.column(name), outView), name);
            }
        }
    }

    @Test
    void shouldEncodeDistinctKeysDistinctly()
    {
        final Schema twoStrings = Schema.builder().stringColumn("x", 8).stringColumn("y", 8).build();
        final KeyCodec codec = new KeyCodec(
            new Column[]{twoStrings.column("x"), twoStrings.column("y")},
            new Column[]{twoStrings.column("x"), twoStrings.column("y")});
        final RowWriter writer = new RowWriter(twoStrings);
        final RowView view = new RowView();
        final Map<String, String> seen = new HashMap<>();
        final String[] parts = {"", "a", "b", "ab", "ba", "aa", "abc", "\0", "a\0"};
        for (final String x : parts)
        {
            for (final String y : parts)
            {
                writer.reset().putString(twoStrings.stringColumn("x"), x).putString(twoStrings.stringColumn("y"), y);
                final int length = codec.encode(writer.view(view));
                final byte[] bytes = new byte[length];
                codec.buffer().getBytes(0, bytes);
                final String previous = seen.put(Arrays.toString(bytes), x + "|" + y);
                assertTrue(null == previous, x + "|" + y + " encodes like " + previous);
            }
        }
    }

    @Test
    void shouldOrderKeysAsTheirValuesColumnByColumn()
    {
        final Random random = new Random(7);
        final KeyCodec codec = codec();
        final RowWriter in = new RowWriter(input);
        final RowView view = new RowView();
        int unequal = 0;
        for (int n = 0; n < 5_000; n++)
        {
            // Few distinct values per column, so that many pairs tie on their first columns.
            smallRow(random, in);
            final List<Object> a = typedKey(in.view(view));
            final byte[] first = new byte[codec.encode(view)];
            codec.buffer().getBytes(0, first);
            smallRow(random, in);
            final List<Object> b = typedKey(in.view(view));
            final byte[] second = new byte[codec.encode(view)];
            codec.buffer().getBytes(0, second);

            final int expected = Integer.signum(compareTyped(a, b));
            assertEquals(expected, Integer.signum(codec.compare(TestData.buffer(first), 0, TestData.buffer(second), 0)),
                a + " vs " + b);
            unequal += expected != 0 ? 1 : 0;
        }
        assertTrue(unequal > 1_000, "pairs that differ: " + unequal);
    }

    private void smallRow(final Random random, final RowWriter writer)
    {
        final String[] strings = {"", "a", "b", "ab", "\u00e9", "ba"};
        final double[] doubles = {-1.5, 0.0, 2.0};
        writer.reset()
            .putLong(input.longColumn("l"), random.nextInt(3) - 1L + (random.nextBoolean() ? Long.MIN_VALUE / 2 : 0))
            .putInt(input.intColumn("i"), random.nextInt(3) - 1)
            .putBoolean(input.booleanColumn("b"), random.nextBoolean())
            .putLong(input.longColumn("ts"), random.nextInt(2) * 1_000_000_000_000L - 1)
            .putDouble(input.doubleColumn("d"), doubles[random.nextInt(doubles.length)])
            .putString(input.stringColumn("a"), strings[random.nextInt(strings.length)])
            .putString(input.stringColumn("z"), strings[random.nextInt(3)]);
    }

    private List<Object> typedKey(final RowView row)
    {
        return List.of(input.stringColumn("z").getString(row), input.longColumn("ts").get(row),
            input.stringColumn("a").getString(row), input.booleanColumn("b").get(row), input.intColumn("i").get(row),
            input.doubleColumn("d").get(row), input.longColumn("l").get(row));
    }

    /** Strings by their UTF-8 bytes, unsigned: a plain-Java ordering to hold the codec's against. */
    @SuppressWarnings("unchecked")
    private static int compareTyped(final List<Object> a, final List<Object> b)
    {
        for (int k = 0; k < a.size(); k++)
        {
            final int order = a.get(k) instanceof String x
                ? Arrays.compareUnsigned(x.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    ((String)b.get(k)).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : ((Comparable<Object>)a.get(k)).compareTo(b.get(k));
            if (order != 0)
            {
                return order;
            }
        }
        return 0;
    }

    private KeyCodec codec()
    {
        final Column[] inputs = new Column[keyNames.size()];
        final Column[] outputs = new Column[keyNames.size()];
        for (int k = 0; k < inputs.length; k++)
        {
            inputs[k] = input.column(keyNames.get(k));
            outputs[k] = output.column(keyNames.get(k));
        }
        return new KeyCodec(inputs, outputs);
    }

    private Schema outputSchema()
    {
        // The output has the keys in another order than the input, after a column of its own.
        final Schema.Builder builder = Schema.builder().longColumn("count");
        for (final String name : keyNames)
        {
            builder.like(input.column(name));
        }
        return builder.build();
    }

    private void randomRow(final Random random, final RowWriter writer)
    {
        writer.reset()
            .putLong(input.longColumn("l"), random.nextLong())
            .putDouble(input.doubleColumn("ignored"), random.nextDouble())
            .putInt(input.intColumn("i"), random.nextInt())
            .putBoolean(input.booleanColumn("b"), random.nextBoolean())
            .putLong(input.longColumn("ts"), random.nextLong())
            .putDouble(input.doubleColumn("d"), randomDouble(random));
        putRandom(random, writer, input.stringColumn("a"));
        putRandom(random, writer, input.stringColumn("z"));
    }

    /**
     * @return -0.0, a NaN with random sign and payload, or an ordinary value.
     */
    private static double randomDouble(final Random random)
    {
        switch (random.nextInt(4))
        {
            case 0: return -0.0;
            case 1: return Double.longBitsToDouble(0x7ff0_0000_0000_0000L | random.nextLong() & 0x800f_ffff_ffff_ffffL |
                1L << random.nextInt(52));
            default: return random.nextGaussian();
        }
    }

    /**
     * @return what decoding the key of {@code column} in {@code row} must give, as {@link #value} reads it.
     */
    private static Object expectedKey(final Column column, final RowView row)
    {
        if (column.type() == ColumnType.DOUBLE)
        {
            final double x = ((io.millrace.row.DoubleColumn)column).get(row);
            return x == 0.0 ? 0L : Double.isNaN(x) ? 0x7ff8_0000_0000_0000L : Double.doubleToRawLongBits(x);
        }
        return value(column, row);
    }

    private static void putRandom(final Random random, final RowWriter writer, final StringColumn column)
    {
        final byte[] bytes = TestData.randomBytes(random, random.nextInt(column.maxLength() + 1));
        writer.putString(column, TestData.buffer(bytes), 0, bytes.length);
    }

    private static Object value(final Column column, final RowView row)
    {
        switch (column.type())
        {
            case STRING:
            {
                final StringColumn string = (StringColumn)column;
                final byte[] bytes = new byte[string.length(row)];
                row.buffer().getBytes(string.bytesOffset(row), bytes);
                return Arrays.toString(bytes);
            }
            case DOUBLE:
                return Double.doubleToRawLongBits(((io.millrace.row.DoubleColumn)column).get(row));
            case INT:
                return ((io.millrace.row.IntColumn)column).get(row);
            case BOOLEAN:
                return ((io.millrace.row.BooleanColumn)column).get(row);
            default:
                return ((io.millrace.row.LongColumn)column).get(row);
        }
    }
}
