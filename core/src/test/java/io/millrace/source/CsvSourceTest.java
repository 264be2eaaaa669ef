package io.millrace.source;

import io.millrace.Millrace;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.DeadLetters;
import io.millrace.testing.DeadLetters.Letter;
import io.millrace.testing.TestData;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.millrace.testing.TestData.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CsvSource}'s format: an optional header line per input, RFC 4180 quoting, and TIMESTAMP fields as epoch
 * milliseconds or ISO-8601 date-times with an offset. Inputs are written here from values, and the rows read back
 * are compared with those values.
 */
class CsvSourceTest
{
    private static final Schema TEXTS = Schema.builder()
        .longColumn("n").stringColumn("a", 64).stringColumn("b", 64).build();
    private static final String SPECIAL = "ab ,\"x";

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldReadRandomQuotedFieldsAsRfc4180WritesThem()
    {
        final Random random = new Random(4180);
        final List<List<Object>> expected = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        for (long n = 0; n < 2_000; n++)
        {
            final String a = randomValue(random);
            final String b = randomValue(random);
            expected.add(List.of(n, a, b));
            text.append(random.nextBoolean() ? quote("" + n) : "" + n).append(',')
                .append(encode(random, a)).append(',').append(encode(random, b)).append(random.nextBoolean() ? "\n" : "\r\n");
        }
        final CollectingSink sink = new CollectingSink();
        final DeadLetters deadLetters = new DeadLetters();
        run(new CsvSource(TestData.writeFiles(dir, List.of(utf8(text.toString()))), TEXTS, 1024, true), sink,
            deadLetters);

        assertEquals(List.of(), deadLetters.letters());
        assertEquals(expected, sink.values());
    }

    @Test
    @Timeout(60)
    void shouldDeadLetterBadQuotingWithItsReason()
    {
        final String lines = String.join("\n",
            "1,\"open,b",                 // 1 not closed on its line: a field spanning lines
            "still open\",x",              // 2 its second line: a quote inside an unquoted field
            "2,\"a\"b,c",                  // 3 text after the closing quote
            "3,a\"b,c",                    // 4 a quote inside an unquoted field
            "4,\"a,b\",\"c\"\"\"",          // 5 good: a,b and c"
            "5,\"a\",\"b\",\"c\"",           // 6 four fields, one of them quoted with a comma-free value
            "6,\"x,y\"");                  // 7 two fields: the comma is inside the quotes
        final CollectingSink sink = new CollectingSink();
        final DeadLetters deadLetters = new DeadLetters();
        run(new CsvSource(TestData.writeFiles(dir, List.of(utf8(lines))), TEXTS, 1024, true), sink, deadLetters);

        assertEquals(List.of(List.of(4L, "a,b", "c\"")), sink.values());
        final List<Letter> letters = deadLetters.letters();
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 7L), letters.stream().map(Letter::position).toList(), "" + letters);
        assertReason(letters.get(0), "'a'", "not closed", "spanning lines");
        assertReason(letters.get(1), "'n'", "does not start with one");
        assertReason(letters.get(2), "'a'", "after its closing quote");
        assertReason(letters.get(3), "'a'", "does not start with one");
        assertReason(letters.get(4), "3 fields", "found 4");
        assertReason(letters.get(5), "3 fields", "found 2");
    }

    @Test
    @Timeout(60)
    void shouldReadTimestampsGivenAsEpochMillisecondsOrIsoInstants()
    {
        final Random random = new Random(8601);
        final List<List<Object>> expected = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3_000; i++)
        {
            // From 1900 to 2100, to the nanosecond: the engine keeps milliseconds, rounded down.
            final Instant instant = Instant.ofEpochSecond(-2_208_988_800L + (long)(random.nextDouble() * 6.3e9),
                random.nextInt(1_000_000_000));
            final String written = switch (random.nextInt(4))
            {
                case 0 -> Long.toString(instant.toEpochMilli());
                case 1 -> instant.toString();
                case 2 -> instant.truncatedTo(ChronoUnit.MILLIS).toString();
                default -> OffsetDateTime.ofInstant(instant, ZoneOffset.ofTotalSeconds(
                    (random.nextInt(37) - 18) * 1800)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            };
            final String key = "k" + i;
            expected.add(List.of(Math.floorDiv(instant.getEpochSecond() * 1_000_000_000L + instant.getNano(),
                1_000_000L), key));
            text.append(random.nextInt(5) == 0 ? quote(written) : written).append(',').append(key).append('\n');
        }
        text.append("2023-11-14T22:13:20Z,given\n")
            .append("2023-11-14T22:13:20.123Z,given\n")
            .append("2023-11-14T23:13:20+01:00,given\n")
            .append("2023-11-14T22:13:20,local\n")            // no offset: which instant is unknown
            .append("2023-11-31T22:13:20Z,no such day\n")
            .append("yesterday,word\n");
        expected.add(List.of(1_700_000_000_000L, "given"));
        expected.add(List.of(1_700_000_000_123L, "given"));
        expected.add(List.of(1_700_000_000_000L, "given"));
        final CollectingSink sink = new CollectingSink();
        final DeadLetters deadLetters = new DeadLetters();
        run(new CsvSource(TestData.writeFiles(dir, List.of(utf8(text.toString()))), CsvSource.eventSchema(), 1024,
            false), sink, deadLetters);

        assertEquals(expected, sink.values());
        final List<Letter> letters = deadLetters.letters();
        assertEquals(List.of(3_004L, 3_005L, 3_006L), letters.stream().map(Letter::position).toList(), "" + letters);
        for (final Letter letter : letters)
        {
            assertReason(letter, "'event_time'", "epoch milliseconds", "ISO-8601");
        }
    }

    @Test
    @Timeout(60)
    void shouldSkipTheHeaderOfEveryInputWhenAsked()
    {
        final String header = "event_time,key\n";
        final List<byte[]> files = List.of(utf8(header + "1,a\n2,b\n"), utf8(""), utf8(header),
            utf8(header + "3,c\nbad\n4,\"d\""), utf8(header.trim()));
        final List<Path> inputs = TestData.writeFiles(dir, files);

        final CollectingSink withHeader = new CollectingSink();
        final DeadLetters withHeaderLetters = new DeadLetters();
        run(CsvSource.builder(inputs, CsvSource.eventSchema()).header(true).build(), withHeader, withHeaderLetters);
        assertEquals(List.of(List.of(1L, "a"), List.of(2L, "b"), List.of(3L, "c"), List.of(4L, "d")),
            withHeader.values());
        // Header lines count: "bad" is the seventh line of the inputs taken together.
        assertEquals(List.of(7L), withHeaderLetters.letters().stream().map(Letter::position).toList());

        final CollectingSink without = new CollectingSink();
        final DeadLetters withoutLetters = new DeadLetters();
        run(CsvSource.builder(inputs, CsvSource.eventSchema()).build(), without, withoutLetters);
        assertEquals(withHeader.values(), without.values());
        assertEquals(List.of(1L, 4L, 5L, 7L, 9L), withoutLetters.letters().stream().map(Letter::position).toList());
    }

    @Test
    @Timeout(60)
    void shouldSkipTheHeaderOfAFileWhoseStartASeekLandsOn()
    {
        final List<Path> inputs = TestData.writeFiles(dir, List.of(utf8("t,k\n1,a\n"), utf8("t,k\n2,b\n3,c\n")));
        final CsvSource source = CsvSource.builder(inputs, CsvSource.eventSchema()).header(true).build();
        final List<String> keys = new ArrayList<>();
        final SourceOutput output = new SourceOutput()
        {
            private final io.millrace.row.RowWriter writer = new io.millrace.row.RowWriter(source.schema());

            public io.millrace.row.RowWriter row()
            {
                return writer.reset();
            }

            public boolean emit(final long offset)
            {
                keys.add(offset + ":" + source.schema().stringColumn("key").getString(writer.view(
                    new io.millrace.row.RowView())));
                return true;
            }

            public void deadLetter(
                final long position, final CharSequence reason, final org.agrona.DirectBuffer buffer,
                final int index, final int length)
            {
                keys.add("dead letter at " + position + ": " + reason);
            }
        };
        source.open();
        source.seek(8, 2);
        while (source.poll(output, 10) != SourceStatus.END_OF_INPUT)
        {
            Thread.onSpinWait();
        }
        source.close();
        assertEquals(List.of("12:b", "16:c"), keys);
    }

    private static void run(final CsvSource source, final CollectingSink sink, final DeadLetters deadLetters)
    {
        TestQueries.runToEnd(Millrace.readStream(source).writeStream().trigger(Trigger.availableNow()).sink(sink)
            .deadLetter(deadLetters), ThreadingMode.INVOKER);
    }

    private static String randomValue(final Random random)
    {
        final StringBuilder value = new StringBuilder();
        final int length = 1 + random.nextInt(12);
        for (int i = 0; i < length; i++)
        {
            value.append(random.nextInt(3) == 0 ? SPECIAL.charAt(random.nextInt(SPECIAL.length())) :
                TestData.ALPHANUMERIC.charAt(random.nextInt(TestData.ALPHANUMERIC.length())));
        }
        return value.toString();
    }

    /** As RFC 4180 writes a field: quoted when it holds a comma or quote (and at random otherwise). */
    private static String encode(final Random random, final String value)
    {
        return value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || random.nextBoolean() ? quote(value) : value;
    }

    private static String quote(final String value)
    {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static void assertReason(final Letter letter, final String... words)
    {
        for (final String word : words)
        {
            assertTrue(letter.reason().contains(word), "reason '" + letter.reason() + "' should mention " + word);
        }
    }
}
