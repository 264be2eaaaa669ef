package io.millrace.sink;

import io.millrace.row.BooleanColumn;
import io.millrace.row.DoubleColumn;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link CsvSink} against a reference CSV writer (RFC 4180 quoting of strings holding a comma, quote, CR or LF;
 * decimal integers; {@link Double#toString}), and {@link CollectingSink} on the same rows.
 */
class CsvSinkTest
{
    private static final String[] STRINGS = {
        "", "plain", "with,comma", "with\"quote", "\"", "\"\"", "cr\rinside", "lf\ninside", "crlf\r\n", ",",
        "tab\tis fine", "gr\u00fc\u00dfe", "\u65e5\u672c"};

    private final Schema schema = Schema.builder()
        .stringColumn("s", 20_000).longColumn("l").intColumn("i").doubleColumn("d").booleanColumn("b")
        .timestampColumn("ts").build();
    private final StringColumn s = schema.stringColumn("s");
    private final LongColumn l = schema.longColumn("l");
    private final IntColumn i = schema.intColumn("i");
    private final DoubleColumn d = schema.doubleColumn("d");
    private final BooleanColumn b = schema.booleanColumn("b");
    private final LongColumn ts = schema.longColumn("ts");

    @Test
    void shouldWriteRowsAsTheReferenceCsvWriterDoes()
    {
        final Random random = new Random(11);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CsvSink csv = new CsvSink(out, true);
        final CollectingSink collecting = new CollectingSink();
        csv.open(schema);
        collecting.open(schema);
        final RowWriter writer = new RowWriter(schema);
        final RowView view = new RowView();
        final StringBuilder expected = new StringBuilder();
        final List<List<Object>> expectedValues = new ArrayList<>();
        for (int row = 0; row < 2_000; row++)
        {
            final String string = row % 100 == 99 ? "long,".repeat(3_000) :
                random.nextBoolean() ? STRINGS[random.nextInt(STRINGS.length)] : TestData.randomWord(random, 0, 30);
            final long longValue = random.nextInt(5) == 0 ? (random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) :
                random.nextLong();
            final int intValue = random.nextInt(5) == 0 ? Integer.MIN_VALUE : random.nextInt();
            final double doubleValue = random.nextInt(7) == 0 ? -0.0 : random.nextInt(7) == 0 ? Double.NaN :
                random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            final boolean boolValue = random.nextBoolean();
            final long time = random.nextLong();
            final byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
            writer.reset().putString(s, TestData.buffer(bytes), 0, bytes.length).putLong(l, longValue)
                .putInt(i, intValue).putDouble(d, doubleValue).putBoolean(b, boolValue).putLong(ts, time);
            csv.onRow(writer.view(view), 1, row);
            collecting.onRow(view, 1, row);
            expected.append(quote(string)).append(',').append(longValue).append(',').append(intValue).append(',')
                .append(doubleValue).append(',').append(boolValue).append(',').append(time).append('\n');
            expectedValues.add(List.of(string, longValue, intValue, doubleValue, boolValue, time));
        }
        csv.commitEpoch(1);
        collecting.commitEpoch(1);
        // Flushed at the commit, before close.
        assertArrayEquals(expected.toString().getBytes(StandardCharsets.UTF_8), out.toByteArray());
        csv.close();
        assertEquals(expectedValues, collecting.values());
        assertEquals(List.of(1L), collecting.commits());
        assertEquals(1999L, collecting.rows().get(1999).sequence());
    }

    private static String quote(final String value)
    {
        if (value.contains(",") || value.contains("\"") || value.contains("\r") || value.contains("\n"))
        {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
