package io.millrace.source;

import io.millrace.Millrace;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.DeadLetters;
import io.millrace.testing.DeadLetters.Letter;
import io.millrace.testing.ReferenceLines;
import io.millrace.testing.ReferenceLines.Line;
import io.millrace.testing.TestData;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.millrace.testing.TestData.concat;
import static io.millrace.testing.TestData.repeat;
import static io.millrace.testing.TestData.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CsvSource} and {@link TextLineSource} in real queries: rows, dead letters with their line numbers and
 * reasons, and the source positions the rows carry.
 */
class FileSourceTest
{
    private static final int MAX_RECORD_SIZE = 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldSendEveryBadCsvLineToTheDeadLetterOutputWithItsLineNumberAndReason(final ThreadingMode mode)
    {
        final String key256 = "k".repeat(CsvSource.KEY_MAX_LENGTH);
        final String key257 = key256 + "k";
        final byte[] overlong = concat(utf8("1008,"), repeat(MAX_RECORD_SIZE + 100, 'o'));
        final byte[] first = concat(
            utf8("1000,alpha\n"),                       // 1 good
            utf8("x12,alpha\n"),                        // 2 bad number
            utf8("1001\n"),                             // 3 missing field
            utf8("1002,beta,extra\n"),                  // 4 extra field
            utf8("1003,\n"),                            // 5 empty key
            utf8("1004," + key257 + "\n"),              // 6 key over 256 bytes
            utf8("1005," + key256 + "\n"),              // 7 good: key of exactly 256 bytes
            utf8("\n"),                                 // 8 empty line
            utf8("1006,gamma\r\n"),                     // 9 good, CRLF
            utf8(",delta\n"),                           // 10 missing number
            utf8("-5,neg\n"),                           // 11 good, negative
            utf8("99999999999999999999,big\n"),         // 12 number too large
            overlong, utf8("\n"),                       // 13 over the maximum record size
            utf8("1007,a b;c\u00e9"));                  // 14 good, no trailing newline
        final byte[] second = utf8("2000,second\n");  // 15 good, after an empty input
        final List<Path> inputs = TestData.writeFiles(dir, List.of(first, new byte[0], second));

        final CollectingSink sink = new CollectingSink();
        final DeadLetters deadLetters = new DeadLetters();
        final StreamingQuery query = TestQueries.runToEnd(
            Millrace.readStream(new CsvSource(inputs, CsvSource.eventSchema(), MAX_RECORD_SIZE, false))
                .writeStream().trigger(Trigger.availableNow()).sink(sink).deadLetter(deadLetters),
            mode);

        assertEquals(List.of(
            List.of(1000L, "alpha"),
            List.of(1005L, key256),
            List.of(1006L, "gamma"),
            List.of(-5L, "neg"),
            List.of(1007L, "a b;c\u00e9"),
            List.of(2000L, "second")), sink.values());

        final List<Letter> letters = deadLetters.letters();
        final long[] lines = {2, 3, 4, 5, 6, 8, 10, 12, 13};
        assertEquals(lines.length, letters.size(), letters.toString());
        for (int n = 0; n < lines.length; n++)
        {
            assertEquals(lines[n], letters.get(n).position(), "line number of " + letters.get(n));
        }
        assertReason(letters.get(0), "x12,alpha", "event_time", "integer");
        assertReason(letters.get(1), "1001", "2 fields", "found 1");
        assertReason(letters.get(2), "1002,beta,extra", "2 fields", "found 3");
        assertReason(letters.get(3), "1003,", "'key'", "empty");
        assertReason(letters.get(4), "1004," + key257, "'key'", "257");
        assertReason(letters.get(5), "", "empty");
        assertReason(letters.get(6), ",delta", "event_time");
        assertReason(letters.get(7), "99999999999999999999,big", "event_time");
        assertReason(letters.get(8), ReferenceLines.show(overlong),
            String.valueOf(overlong.length), String.valueOf(MAX_RECORD_SIZE));
        assertEquals(lines.length, query.progress().deadLetters());
        assertEquals(6, query.progress().recordsIn());
        TestQueries.assertRowIdsConsistent(sink);
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldReadRandomTextLinesAndDeadLetterThoseOverTheMaximum(final ThreadingMode mode)
    {
        final Random random = new Random(77);
        final List<byte[]> contents = new ArrayList<>();
        for (int f = 0; f < 5; f++)
        {
            contents.add(f == 1 ? new byte[0] : TestData.randomLines(random, 100, random.nextInt(60_000)));
        }
        contents.add(concat(repeat(100, 'm'), utf8("\r\n"), repeat(101, 'p'), utf8("\n"), repeat(100_000, 'v')));
        final List<Path> inputs = TestData.writeFiles(dir, contents);
        final List<Line> expected = ReferenceLines.split(contents, 100);

        final CollectingSink sink = new CollectingSink();
        final DeadLetters deadLetters = new DeadLetters();
        final StreamingQuery query = TestQueries.runToEnd(Millrace.readStream(new TextLineSource(inputs, 100))
            .writeStream().trigger(Trigger.continuous(java.time.Duration.ofMillis(1))).sink(sink)
            .deadLetter(deadLetters), mode);

        final List<String> expectedRows = new ArrayList<>();
        final List<Letter> expectedLetters = new ArrayList<>();
        for (final Line line : expected)
        {
            if (line.overlong())
            {
                expectedLetters.add(new Letter(line.number(),
                    "record of " + line.totalLength() + " bytes exceeds max record size 100",
                    line.bytes()));
            }
            else
            {
                expectedRows.add(line.bytes());
            }
        }
        final List<String> rows = new ArrayList<>();
        for (final CollectingSink.Row row : sink.rows())
        {
            rows.add(ReferenceLines.show(utf8((String)row.values().get(0))));
        }
        assertEquals(expectedRows.size(), rows.size(), "rows");
        // The sink decodes strings as UTF-8, which is lossy for random bytes: compare them re-decoded the same way.
        for (int n = 0; n < rows.size(); n++)
        {
            assertEquals(ReferenceLines.show(utf8(new String(
                expectedRows.get(n).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                java.nio.charset.StandardCharsets.UTF_8))), rows.get(n), "row " + n);
        }
        assertEquals(expectedLetters, deadLetters.letters());
        assertEquals(expectedRows.size(), query.progress().recordsIn());
        TestQueries.assertRowIdsConsistent(sink);
    }

    @Test
    @Timeout(60)
    void shouldCarryTheByteOffsetOfEachLineAsItsPosition()
    {
        // A map that fails on some rows sends them to the dead-letter output with the offset the source gave the
        // row: for text files the byte offset where the line starts (SourceOutput.emit).
        final byte[] a = utf8("one\r\nboom two\n\nthree\n");
        final byte[] b = utf8("boom four\nfive boom");
        final List<Path> inputs = TestData.writeFiles(dir, List.of(a, b));
        final TextLineSource source = new TextLineSource(inputs, 64);
        final StringColumn line = source.schema().stringColumn(TextLineSource.LINE_COLUMN);
        final DeadLetters deadLetters = new DeadLetters();
        final CollectingSink sink = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(source)
            .map(source.schema(), (in, out) ->
            {
                if (line.getString(in).contains("boom"))
                {
                    throw new IllegalStateException("boom");
                }
                line.copy(in, out, line);
            })
            .writeStream().trigger(Trigger.availableNow()).sink(sink).deadLetter(deadLetters), ThreadingMode.INVOKER);

        final List<Line> lines = ReferenceLines.split(List.of(a, b), 64);
        final List<Long> expected = new ArrayList<>();
        long lineStart = 0;
        for (final Line l : lines)
        {
            if (l.bytes().contains("boom"))
            {
                expected.add(lineStart);
            }
            lineStart = l.positionAfter();
        }
        final List<Long> positions = new ArrayList<>();
        for (final Letter letter : deadLetters.letters())
        {
            assertTrue(letter.reason().contains("map"), letter.reason());
            positions.add(letter.position());
        }
        assertEquals(List.of(5L, a.length + 0L, a.length + 10L), expected, "reference positions");
        assertEquals(expected, positions);
        assertEquals(List.of(List.of("one"), List.of(""), List.of("three")), sink.values());
    }

    private static void assertReason(final Letter letter, final String line, final String... words)
    {
        assertEquals(line, letter.bytes(), "bytes of the dead letter at line " + letter.position());
        for (final String word : words)
        {
            assertTrue(letter.reason().contains(word), "reason '" + letter.reason() + "' should mention " + word);
        }
    }
}
