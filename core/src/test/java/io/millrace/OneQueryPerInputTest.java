package io.millrace;

import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.RecordBatch;
import io.millrace.checkpoint.Recovery;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.source.Source;
import io.millrace.testing.TestData;
import io.millrace.testing.TestQueries;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A source or publisher object feeds one query: a second start on it is refused, naming it, whether the first
 * query is still running or has ended; a start that fails before the query runs leaves the input unused.
 */
class OneQueryPerInputTest
{
    private static final int LINES = 500;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldRefuseASecondQueryOnASourceThatFeedsARunningQuery()
    {
        final List<List<Object>> expected = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < LINES; i++)
        {
            text.append(1000 + i).append(",k").append(i % 7).append('\n');
            expected.add(List.of(1000L + i, "k" + (i % 7)));
        }
        final List<Path> inputs = TestData.writeFiles(dir, List.of(TestData.utf8(text.toString())));
        final Source source = new CsvSource(inputs, CsvSource.eventSchema(), 64, false);
        final Stream stream = Millrace.readStream(source);
        final CollectingSink first = new CollectingSink();
        final StreamingQuery running = stream.writeStream().trigger(Trigger.availableNow())
            .threadingMode(ThreadingMode.INVOKER).sink(first).start();

        final IllegalStateException sameStream = assertThrows(IllegalStateException.class,
            () -> stream.writeStream().sink(new CollectingSink()).start());
        final IllegalStateException otherStream = assertThrows(IllegalStateException.class,
            () -> Millrace.readStream(source).filter(row -> true).writeStream().sink(new CollectingSink()).start());
        for (final IllegalStateException refused : List.of(sameStream, otherStream))
        {
            assertEquals("source " + source + " already feeds a running query; build a new source for each query",
                refused.getMessage());
        }

        TestQueries.awaitFinished(running, ThreadingMode.INVOKER);
        assertEquals(expected, first.values(), "the first query read the whole input alone");
        final IllegalStateException afterEnd = assertThrows(IllegalStateException.class,
            () -> stream.writeStream().sink(new CollectingSink()).start());
        assertEquals("source " + source + " already fed a query, which has ended; build a new source for each query",
            afterEnd.getMessage());
    }

    @Test
    @Timeout(60)
    void shouldRefuseASecondQueryOnAPublisher()
    {
        final Schema schema = Schema.builder().longColumn("n").build();
        final LongColumn n = schema.longColumn("n");
        final Publisher publisher = new Publisher(schema);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery running = Millrace.readStream(publisher).writeStream()
            .trigger(Trigger.processingTime(java.time.Duration.ofHours(1))).sink(sink).start();

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> Millrace.readStream(publisher).writeStream().sink(new CollectingSink()).start());
        assertEquals("publisher " + publisher + " already feeds a running query; build a new publisher for each " +
            "query", refused.getMessage());

        final List<Long> offered = new ArrayList<>();
        final RowTranslator<Long> write = (row, value) -> row.putLong(n, value);
        for (long i = 0; i < 100; i++)
        {
            offered.add(i * 3);
        }
        TestQueries.publishAllAndFinish(publisher, running, ThreadingMode.DEDICATED, offered, write);
        final List<Long> received = new ArrayList<>();
        for (final List<Object> row : sink.values())
        {
            received.add((Long)row.get(0));
        }
        assertEquals(offered, received);
    }

    @Test
    @Timeout(60)
    void shouldLeaveASourceUnusedWhenItsQueryFailsToStart()
    {
        final List<Path> inputs = TestData.writeFiles(dir, List.of(TestData.utf8("1,a\n2,b\n")));
        final Source source = new CsvSource(inputs, CsvSource.eventSchema(), 64, false);
        final RuntimeException unopenable = new IllegalStateException("checkpoint cannot be opened");
        final IllegalStateException failed = assertThrows(IllegalStateException.class,
            () -> Millrace.readStream(source).writeStream().sink(new CollectingSink())
                .checkpoint(new UnopenableJournal(unopenable)).start());
        assertTrue(failed == unopenable, "the journal's own error is reported: " + failed);

        final CollectingSink sink = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(source).writeStream().trigger(Trigger.availableNow()).sink(sink),
            ThreadingMode.DEDICATED);
        assertEquals(List.of(List.of(1L, "a"), List.of(2L, "b")), sink.values());
    }

    /** A journal whose open fails, as a damaged or busy checkpoint's does. */
    private record UnopenableJournal(RuntimeException error) implements Journal
    {
        public Recovery open(final String identity)
        {
            throw error;
        }

        public long appendRecords(final long sourceOffset, final long lineNumber, final RecordBatch records)
        {
            throw new UnsupportedOperationException();
        }

        public long appendEpochCut(final EpochCut cut)
        {
            throw new UnsupportedOperationException();
        }

        public int readIngress(final IngressHandler handler, final int limit)
        {
            throw new UnsupportedOperationException();
        }

        public long commit(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
        {
            throw new UnsupportedOperationException();
        }

        public void close()
        {
        }
    }
}
