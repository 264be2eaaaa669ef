package io.millrace;

import io.millrace.row.Schema;
import io.millrace.sink.CsvSink;
import io.millrace.source.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example in {@link Millrace}'s javadoc compiles and does what it says: {@link #example()} holds it line for
 * line (the test reads the javadoc from the source and checks), run over a small file.
 */
class MillraceExampleTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepTheJavadocExampleAsItIsHere() throws Exception
    {
        final String javadoc = Files.readString(Path.of("src/main/java/io/millrace/Millrace.java"));
        final String example = between(javadoc, "<pre>{@code\n", "}</pre>").lines()
            .map(line -> line.replaceFirst("^ \\* ", "")).collect(Collectors.joining("\n"));
        final String here = Files.readString(Path.of("src/test/java/io/millrace/MillraceExampleTest.java"));
        final String body = between(here, "// example begins\n", "        // example ends").lines()
            .map(String::strip).collect(Collectors.joining("\n"));
        assertEquals(example.lines().map(String::strip).collect(Collectors.joining("\n")), body,
            "the javadoc example of Millrace and this test's copy differ");
    }

    @Test
    @Timeout(60)
    void shouldCountEventsPerSensorAsTheExampleSays() throws Exception
    {
        Files.writeString(dir.resolve("events.csv"), "1000,s1\n1001,s2\n1002,s1\n", StandardCharsets.US_ASCII);
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream stdout = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            example();
        }
        finally
        {
            System.setOut(stdout);
        }
        final List<String> rows = Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\n"));
        rows.sort(null);
        assertEquals(List.of("s1,2", "s2,1"), rows);
    }

    private void example() throws InterruptedException
    {
        final Path file = dir.resolve("events.csv");
        // example begins
        Schema events = Schema.builder().timestampColumn("event_time").stringColumn("sensor", 64).build();
        CsvSource input = CsvSource.builder(List.of(file), events).build();
        StreamingQuery query = Millrace.readStream(input)
            .groupBy("sensor").count()
            .writeStream().outputMode(OutputMode.COMPLETE).trigger(Trigger.availableNow())
            .sink(new CsvSink(System.out, false))
            .start();
        query.awaitTermination();
        // example ends
        assertTrue(query.isFinished());
    }

    private static String between(final String text, final String start, final String end)
    {
        final int from = text.indexOf(start);
        final int to = text.indexOf(end, from + start.length());
        assertTrue(from >= 0 && to > from, "no " + start.strip() + " ... " + end.strip());
        return text.substring(from + start.length(), to);
    }
}
