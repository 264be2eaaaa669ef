package io.millrace.cli;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The dead-letter file keeps one line of three fields per dead letter, {@code line_number<TAB>reason<TAB>original
 * line}, also when the dead letter comes with an exception whose message spans lines and holds tabs.
 */
class DeadLetterFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteADeadLetterWithItsExceptionAsOneLineOfThreeFields() throws IOException
    {
        final Path path = dir.resolve("dead-letters.tsv");
        final IllegalStateException error = new IllegalStateException("bad\tvalue\nat second line\r\n");
        final String reason = "map failed: " + error;
        final byte[] original = "17,key\twith tab".getBytes(StandardCharsets.UTF_8);
        try (DeadLetterFile file = new DeadLetterFile(path, false))
        {
            file.onDeadLetter(42, reason, error, new UnsafeBuffer(original), 0, original.length);
            file.onDeadLetter(43, "field 'event_time' is not an integer: x", null, new UnsafeBuffer(original), 0, 2);
        }

        final List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), lines.toString());
        final String[] first = lines.get(0).split("\t", 3);
        assertEquals("42", first[0]);
        assertEquals(reason.replaceAll("[\t\r\n]", " "), first[1]);
        assertEquals(error.getClass().getName() + ": bad value at second line  ",
            first[1].substring("map failed: ".length()));
        assertEquals(new String(original, StandardCharsets.UTF_8), first[2]);
        assertEquals(List.of("43", "field 'event_time' is not an integer: x", "17"),
            List.of(lines.get(1).split("\t", 3)));
    }
}
