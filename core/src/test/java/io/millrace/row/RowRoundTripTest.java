package io.millrace.row;

import io.millrace.testing.TestData;
import org.agrona.AsciiSequenceView;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes rows with {@link RowWriter} and reads them back with the column accessors, for every column type and
 * at the boundaries of each.
 */
class RowRoundTripTest
{
    private static final long[] LONGS = {
        0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 0x0102030405060708L};
    private static final int[] INTS = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x01020304};
    private static final double[] DOUBLES = {
        0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
        -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, 1.0 / 3, Math.PI};

    private final Schema schema = Schema.builder()
        .longColumn("l")
        .intColumn("i")
        .doubleColumn("d")
        .booleanColumn("b")
        .timestampColumn("ts")
        .stringColumn("s", 100)
        .build();
    private final LongColumn l = schema.longColumn("l");
    private final IntColumn i = schema.intColumn("i");
    private final DoubleColumn d = schema.doubleColumn("d");
    private final BooleanColumn b = schema.booleanColumn("b");
    private final LongColumn ts = schema.longColumn("ts");
    private final StringColumn s = schema.stringColumn("s");

    @Test
    void shouldRoundTripExtremeNumbersOfEveryType()
    {
        final RowWriter writer = new RowWriter(schema);
        final RowView view = new RowView();
        for (final long longValue : LONGS)
        {
            for (final int intValue : INTS)
            {
                for (final double doubleValue : DOUBLES)
                {
                    final boolean boolValue = (longValue & 1) == 0;
                    writer.reset()
                        .putLong(l, longValue)
                        .putInt(i, intValue)
                        .putDouble(d, doubleValue)
                        .putBoolean(b, boolValue)
                        .putLong(ts, ~longValue);
                    writer.view(view);
                    assertEquals(longValue, l.get(view));
                    assertEquals(intValue, i.get(view));
                    // Bit for bit: NaN stays NaN and -0.0 stays negative.
                    assertEquals(Double.doubleToRawLongBits(doubleValue), Double.doubleToRawLongBits(d.get(view)));
                    assertEquals(boolValue, b.get(view));
                    assertEquals(~longValue, ts.get(view));
                    assertEquals("", s.getString(view));
                    assertEquals(0, s.length(view));
                }
            }
        }
    }

    @Test
    void shouldLayColumnsOutLittleEndianInDeclarationOrder()
    {
        final RowWriter writer = new RowWriter(schema).reset()
            .putLong(l, 0x0102030405060708L)
            .putInt(i, 0x0A0B0C0D)
            .putBoolean(b, true)
            .putString(s, "xyz");
        final byte[] bytes = new byte[writer.length()];
        writer.buffer().getBytes(0, bytes);

        // Fixed section per RowDescriptor: l 8, i 4, d 8, b 1, ts 8, s 8 = 37 bytes, then the string bytes.
        assertEquals(37, schema.fixedLength());
        assertEquals(37 + 3, writer.length());
        assertArrayEquals(new byte[]{8, 7, 6, 5, 4, 3, 2, 1}, Arrays.copyOfRange(bytes, 0, 8));
        assertArrayEquals(new byte[]{0x0D, 0x0C, 0x0B, 0x0A}, Arrays.copyOfRange(bytes, 8, 12));
        assertEquals(1, bytes[20]);
        assertArrayEquals(new byte[]{37, 0, 0, 0, 3, 0, 0, 0}, Arrays.copyOfRange(bytes, 29, 37));
        assertEquals("xyz", new String(bytes, 37, 3, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldReadRowsCopiedToAnyOffsetOfAnotherBuffer()
    {
        final RowWriter writer = new RowWriter(schema).reset()
            .putLong(l, Long.MIN_VALUE)
            .putDouble(d, -0.0)
            .putString(s, "moved");
        for (final int offset : new int[]{0, 1, 7, 13, 1000})
        {
            final UnsafeBuffer other = new UnsafeBuffer(new byte[offset + writer.length() + 5]);
            other.putBytes(offset, writer.buffer(), 0, writer.length());
            final RowView view = new RowView().wrap(other, offset, writer.length());
            assertEquals(Long.MIN_VALUE, l.get(view));
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d.get(view)));
            assertEquals("moved", s.getString(view));
            assertEquals(offset + 37, s.bytesOffset(view));
            assertEquals("moved", s.wrap(view, new AsciiSequenceView()).toString());
            assertTrue(s.equals(view, TestData.buffer(TestData.utf8("moved")), 0, 5));
            assertFalse(s.equals(view, TestData.buffer(TestData.utf8("moves")), 0, 5));
            assertFalse(s.equals(view, TestData.buffer(TestData.utf8("move")), 0, 4));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 100, 255, 256, 257, 4096, 65536, 1 << 20})
    void shouldAcceptStringsUpToTheMaximumLengthAndRejectOneByteMore(final int maxLength)
    {
        final Schema strings = Schema.builder().intColumn("n").stringColumn("text", maxLength).build();
        final StringColumn text = strings.stringColumn("text");
        final IntColumn n = strings.intColumn("n");
        final RowWriter writer = new RowWriter(strings);
        final RowView view = new RowView();
        final byte[] value = TestData.randomBytes(new Random(maxLength), maxLength);

        writer.reset().putInt(n, 7).putString(text, TestData.buffer(value), 0, maxLength);
        writer.view(view);
        assertEquals(maxLength, text.length(view));
        final byte[] read = new byte[maxLength];
        view.buffer().getBytes(text.bytesOffset(view), read);
        assertArrayEquals(value, read);
        assertEquals(7, n.get(view));

        final String ascii = "q".repeat(maxLength);
        writer.reset().putString(text, ascii);
        assertEquals(ascii, text.getString(writer.view(view)));

        final byte[] tooLong = new byte[maxLength + 1];
        final IllegalArgumentException fromBytes = assertThrows(IllegalArgumentException.class,
            () -> writer.reset().putString(text, TestData.buffer(tooLong), 0, tooLong.length));
        assertTrue(fromBytes.getMessage().contains("'text'"), fromBytes.getMessage());
        final IllegalArgumentException fromChars = assertThrows(IllegalArgumentException.class,
            () -> writer.reset().putString(text, ascii + "q"));
        assertTrue(fromChars.getMessage().contains("'text'"), fromChars.getMessage());
        final IllegalArgumentException fromBegin = assertThrows(IllegalArgumentException.class,
            () -> writer.reset().beginString(text, maxLength + 1));
        assertTrue(fromBegin.getMessage().contains("'text'"), fromBegin.getMessage());

        // A rejected value leaves the writer usable for the next row.
        writer.reset().putInt(n, 9);
        writer.view(view);
        assertEquals(9, n.get(view));
        assertEquals(0, text.length(view));
    }

    @Test
    void shouldRoundTripEmptyAndMultiByteStrings()
    {
        final Schema strings = Schema.builder()
            .stringColumn("a", 64).stringColumn("empty", 0).stringColumn("c", 64).build();
        final StringColumn a = strings.stringColumn("a");
        final StringColumn empty = strings.stringColumn("empty");
        final StringColumn c = strings.stringColumn("c");
        final RowWriter writer = new RowWriter(strings);
        final RowView view = new RowView();
        final byte[] unicode = TestData.utf8("grüße 日本 \uD83D\uDE00");

        writer.reset()
            .putString(c, TestData.buffer(unicode), 0, unicode.length)
            .putString(empty, "")
            .putString(a, "");
        writer.view(view);
        assertEquals("", a.getString(view));
        assertEquals("", empty.getString(view));
        assertEquals("grüße 日本 \uD83D\uDE00", c.getString(view));
        assertEquals(unicode.length, c.length(view));
        assertThrows(IllegalArgumentException.class, () -> writer.putString(empty, "x"));
    }

    @Test
    void shouldBeginAndEndAStringInPlace()
    {
        final RowWriter writer = new RowWriter(schema).reset();
        final int at = writer.beginString(s, 100);
        writer.buffer().putStringWithoutLengthAscii(at, "built in place");
        writer.endString(s, "built".length()).putLong(l, 5);
        final RowView view = writer.view(new RowView());
        assertEquals("built", s.getString(view));
        assertEquals(5, l.get(view));
        assertEquals(schema.fixedLength() + 5, writer.length());
    }

    @Test
    void shouldRoundTripManyColumnsOfRandomValuesAcrossReusedRows()
    {
        final Random random = new Random(20240611);
        final Schema.Builder builder = Schema.builder();
        final ColumnType[] types = new ColumnType[300];
        for (int c = 0; c < types.length; c++)
        {
            types[c] = ColumnType.values()[random.nextInt(ColumnType.values().length)];
            final String name = "c" + c;
            switch (types[c])
            {
                case LONG -> builder.longColumn(name);
                case INT -> builder.intColumn(name);
                case DOUBLE -> builder.doubleColumn(name);
                case BOOLEAN -> builder.booleanColumn(name);
                case TIMESTAMP -> builder.timestampColumn(name);
                default -> builder.stringColumn(name, random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3000));
            }
        }
        final Schema wide = builder.build();
        assertEquals(types.length, wide.size());
        final RowWriter writer = new RowWriter(wide);
        final RowView view = new RowView();

        for (int row = 0; row < 200; row++)
        {
            final Object[] expected = new Object[types.length];
            writer.reset();
            // Put a random subset of the columns in a random order; the others must read as zero values.
            final List<Integer> order = new ArrayList<>();
            for (int c = 0; c < types.length; c++)
            {
                order.add(c);
            }
            java.util.Collections.shuffle(order, random);
            for (final int c : order.subList(0, random.nextInt(types.length + 1)))
            {
                expected[c] = put(writer, wide.columns().get(c), random);
            }
            writer.view(view);
            for (int c = 0; c < types.length; c++)
            {
                final Column column = wide.columns().get(c);
                assertEquals(c, column.index());
                assertEquals(null == expected[c] ? zero(column.type()) : expected[c], read(column, view),
                    "row " + row + " column " + column);
            }
        }
    }

    @Test
    void shouldCopyEveryTypeIntoAnotherSchemaWithCopy()
    {
        final Schema target = Schema.builder()
            .stringColumn("s", 100).like("ts2", ts).like(b).like(d).like(i).like(l).build();
        assertEquals(ColumnType.TIMESTAMP, target.column("ts2").type());
        assertEquals(100, target.column("s").maxLength());
        final RowWriter source = new RowWriter(schema).reset()
            .putLong(l, Long.MAX_VALUE).putInt(i, Integer.MIN_VALUE).putDouble(d, Double.NaN).putBoolean(b, true)
            .putLong(ts, -5).putString(s, "copied");
        final RowView in = source.view(new RowView());
        final RowWriter out = new RowWriter(target).reset();
        for (final Column column : target.columns())
        {
            schema.column("ts2".equals(column.name()) ? "ts" : column.name()).copy(in, out, column);
        }
        final RowView view = out.view(new RowView());
        assertEquals("copied", target.stringColumn("s").getString(view));
        assertEquals(-5, target.longColumn("ts2").get(view));
        assertTrue(target.booleanColumn("b").get(view));
        assertTrue(Double.isNaN(target.doubleColumn("d").get(view)));
        assertEquals(Integer.MIN_VALUE, target.intColumn("i").get(view));
        assertEquals(Long.MAX_VALUE, target.longColumn("l").get(view));
    }

    private static Object put(final RowWriter writer, final Column column, final Random random)
    {
        switch (column.type())
        {
            case LONG:
            case TIMESTAMP:
            {
                final long value = random.nextBoolean() ? random.nextLong() : LONGS[random.nextInt(LONGS.length)];
                writer.putLong((LongColumn)column, value);
                return value;
            }
            case INT:
            {
                final int value = random.nextInt();
                writer.putInt((IntColumn)column, value);
                return value;
            }
            case DOUBLE:
            {
                final double value = random.nextBoolean() ? random.nextGaussian() :
                    DOUBLES[random.nextInt(DOUBLES.length)];
                writer.putDouble((DoubleColumn)column, value);
                return Double.doubleToRawLongBits(value);
            }
            case BOOLEAN:
            {
                final boolean value = random.nextBoolean();
                writer.putBoolean((BooleanColumn)column, value);
                return value;
            }
            default:
            {
                final byte[] value = TestData.randomBytes(random, random.nextInt(column.maxLength() + 1));
                writer.putString((StringColumn)column, TestData.buffer(value), 0, value.length);
                return Arrays.toString(value);
            }
        }
    }

    private static Object zero(final ColumnType type)
    {
        switch (type)
        {
            case LONG:
            case TIMESTAMP:
                return 0L;
            case INT:
                return 0;
            case DOUBLE:
                return Double.doubleToRawLongBits(0.0);
            case BOOLEAN:
                return false;
            default:
                return Arrays.toString(new byte[0]);
        }
    }

    private static Object read(final Column column, final RowView view)
    {
        switch (column.type())
        {
            case LONG:
            case TIMESTAMP:
                return ((LongColumn)column).get(view);
            case INT:
                return ((IntColumn)column).get(view);
            case DOUBLE:
                return Double.doubleToRawLongBits(((DoubleColumn)column).get(view));
            case BOOLEAN:
                return ((BooleanColumn)column).get(view);
            default:
            {
                final StringColumn string = (StringColumn)column;
                final byte[] bytes = new byte[string.length(view)];
                view.buffer().getBytes(string.bytesOffset(view), bytes);
                return Arrays.toString(bytes);
            }
        }
    }
}
