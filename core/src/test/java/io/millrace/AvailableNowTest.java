package io.millrace;

import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;
import io.millrace.source.TextLineSource;
import io.millrace.testing.TestData;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Trigger#availableNow()} processes the input there is when the query starts and then stops: a file is
 * read up to the length it had at the start, even when it grows; inputs without a notion of what is available now
 * (a publisher, a source that does not say) are refused with a message.
 */
class AvailableNowTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldReadFilesOnlyAsFarAsTheyReachedWhenTheQueryStarted(final ThreadingMode mode) throws IOException
    {
        final List<List<Object>> expected = new ArrayList<>();
        final StringBuilder first = new StringBuilder();
        final StringBuilder second = new StringBuilder();
        for (int i = 0; i < 3_000; i++)
        {
            (i < 1_000 ? first : second).append("line ").append(i).append('\n');
            expected.add(List.of("line " + i));
        }
        final List<Path> inputs = TestData.writeFiles(dir, List.of(
            TestData.utf8(first.toString()), TestData.utf8(second.toString() + "last, without a newline")));
        expected.add(List.of("last, without a newline"));
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(new TextLineSource(inputs, 64)).writeStream()
            .trigger(Trigger.availableNow()).threadingMode(mode).sink(sink).ringSize(64).start();
        for (final Path input : inputs)
        {
            Files.writeString(input, "appended after the start\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        TestQueries.awaitFinished(query, mode);

        assertEquals(expected, sink.values());
    }

    @Test
    void shouldRefuseAvailableNowForAPublisher()
    {
        final Publisher publisher = new Publisher(CsvSource.eventSchema());
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Millrace.readStream(publisher).writeStream().trigger(Trigger.availableNow())
                .sink(new CollectingSink()).start());
        assertEquals("availableNow needs input that exists when the query starts, and a publisher's rows are " +
            "offered after: use processingTime or continuous, and close() the publisher to end the input",
            refused.getMessage());
    }

    @Test
    void shouldRefuseAvailableNowForASourceThatCannotSayWhatIsAvailable()
    {
        final Source endless = new Source()
        {
            private final Schema schema = CsvSource.eventSchema();

            public Schema schema()
            {
                return schema;
            }

            public SourceStatus poll(final SourceOutput output, final int limit)
            {
                return SourceStatus.NOTHING_AVAILABLE;
            }

            public long position()
            {
                return 0;
            }

            public String toString()
            {
                return "Endless";
            }
        };
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Millrace.readStream(endless).writeStream().trigger(Trigger.availableNow())
                .sink(new CollectingSink()).start());
        assertEquals("availableNow needs a source that can tell what input is available when the query starts; " +
            "source Endless cannot (Source.endAtAvailableInput): use processingTime or continuous",
            refused.getMessage());
        // The refused query did not take the source.
        Millrace.readStream(endless).writeStream().trigger(Trigger.processingTime(java.time.Duration.ofSeconds(1)))
            .sink(new CollectingSink()).start().stop();
    }
}
