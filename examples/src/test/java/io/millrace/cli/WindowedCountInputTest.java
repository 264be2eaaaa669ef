package io.millrace.cli;

import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code windowed-count} reads the same events however they are written: times as epoch milliseconds or ISO-8601
 * date-times, keys bare or quoted, with or without a header line per file; the rows are those of the plain input.
 */
@Timeout(120)
class WindowedCountInputTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCountTheSameEventsWrittenWithIsoTimesQuotedKeysAndHeaders() throws IOException
    {
        final Random random = new Random(20231114);
        final StringBuilder plain = new StringBuilder();
        final StringBuilder first = new StringBuilder("event_time,key\n");
        final StringBuilder second = new StringBuilder("event_time,key\n");
        for (int i = 0; i < 4_000; i++)
        {
            final long time = 1_700_000_000_000L + i * 3L + random.nextInt(50);
            final String key = random.nextInt(10) == 0 ? "INIT" : "k" + random.nextInt(20);
            plain.append(time).append(',').append(key).append('\n');
            final Instant instant = Instant.ofEpochMilli(time);
            final String written = switch (random.nextInt(3))
            {
                case 0 -> Long.toString(time);
                case 1 -> instant.toString();
                default -> OffsetDateTime.ofInstant(instant, ZoneOffset.ofHours(random.nextInt(25) - 12))
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            };
            (i < 2_000 ? first : second).append(written).append(',')
                .append(random.nextBoolean() ? '"' + key + '"' : key).append('\n');
        }
        final Path plainFile = write("plain.csv", plain);
        final Path firstFile = write("first.csv", first);
        final Path secondFile = write("second.csv", second);

        final Cli.Run expected = Cli.run("windowed-count", "--input", plainFile.toString(), "--window", "100ms");
        final Path deadLetters = dir.resolve("dead-letters.tsv");
        final Cli.Run actual = Cli.run("windowed-count", "--input", firstFile.toString(), secondFile.toString(),
            "--header", "--window", "100ms", "--dead-letter", deadLetters.toString());
        assertEquals(0, expected.exitCode(), expected.toString());
        assertEquals(0, actual.exitCode(), actual.toString());
        assertTrue(expected.outText().contains(",INIT,"), "keys are written bare: " + expected.outText().substring(0,
            Math.min(200, expected.outText().length())));
        assertEquals("", Files.readString(deadLetters), "no line is a dead letter");
        assertArrayEquals(expected.out(), actual.out());
    }

    @Test
    void shouldRefuseAHeaderForGeneratedEvents()
    {
        final Cli.Run run = Cli.run("windowed-count", "--generate", "10", "--header", "--window", "1s");
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--header goes with --input"), run.err());
    }

    private Path write(final String name, final CharSequence text) throws IOException
    {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
