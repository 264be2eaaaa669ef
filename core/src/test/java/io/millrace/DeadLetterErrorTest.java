package io.millrace;

import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.source.TextLineSource;
import io.millrace.row.StringColumn;
import io.millrace.testing.TestData;
import io.millrace.testing.TestQueries;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.millrace.sink.DeadLetterHandler;

/**
 * A user function that throws sends its row to the dead-letter handler with the exception itself, stack trace and
 * all; rejections by the source come without one; a handler written as a lambda of the text-only method still
 * receives every dead letter.
 */
class DeadLetterErrorTest
{
    private static final int LINES = 300;

    @TempDir
    Path dir;

    /** What a handler received. */
    record Received(long position, String reason, Throwable error, String bytes)
    {
    }

    /** Keeps dead letters with their exceptions. */
    static final class KeepingHandler implements DeadLetterHandler
    {
        final List<Received> received = new ArrayList<>();

        @Override
        public synchronized void onDeadLetter(
            final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
        {
            throw new AssertionError("the handler with the exception should be called");
        }

        @Override
        public synchronized void onDeadLetter(
            final long position,
            final CharSequence reason,
            final Throwable error,
            final DirectBuffer buffer,
            final int index,
            final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(index, bytes);
            received.add(new Received(position, reason.toString(), error, new String(bytes, StandardCharsets.UTF_8)));
        }
    }

    @Test
    @Timeout(60)
    void shouldPassTheExceptionOfAFailingMapFilterAndFlatMapToTheDeadLetterHandler()
    {
        final StringBuilder text = new StringBuilder();
        final Map<Long, Long> numberAtOffset = new java.util.HashMap<>();
        for (long i = 0; i < LINES; i++)
        {
            numberAtOffset.put((long)text.length(), i);
            text.append("line ").append(i).append('\n');
        }
        final List<Path> inputs = TestData.writeFiles(dir, List.of(TestData.utf8(text.toString())));
        final TextLineSource source = new TextLineSource(inputs, 64);
        final StringColumn line = source.schema().stringColumn(TextLineSource.LINE_COLUMN);
        final Schema numbered = Schema.builder().longColumn("n").build();
        final LongColumn n = numbered.longColumn("n");
        final Map<Long, RuntimeException> thrown = new ConcurrentHashMap<>();

        final KeepingHandler handler = new KeepingHandler();
        final CollectingSink sink = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(source)
            .map(numbered, (in, out) ->
            {
                final long number = Long.parseLong(line.getString(in).substring(5));
                if (number % 7 == 3)
                {
                    throw remember(thrown, number, new IllegalArgumentException("map refuses " + number));
                }
                out.putLong(n, number);
            })
            .filter(row ->
            {
                if (n.get(row) % 11 == 5)
                {
                    throw remember(thrown, n.get(row), new IllegalStateException("filter refuses " + n.get(row)));
                }
                return true;
            })
            .flatMap(numbered, (in, out) ->
            {
                if (n.get(in) % 13 == 8)
                {
                    throw remember(thrown, n.get(in), new ArithmeticException("flatMap refuses " + n.get(in)));
                }
                out.row().putLong(n, n.get(in));
                out.emit();
            })
            .writeStream().trigger(Trigger.availableNow()).sink(sink).deadLetter(handler), ThreadingMode.DEDICATED);

        final List<List<Object>> expectedRows = new ArrayList<>();
        final List<String> expectedStages = new ArrayList<>();
        for (long i = 0; i < LINES; i++)
        {
            if (i % 7 == 3)
            {
                expectedStages.add("map");
            }
            else if (i % 11 == 5)
            {
                expectedStages.add("filter");
            }
            else if (i % 13 == 8)
            {
                expectedStages.add("flatMap");
            }
            else
            {
                expectedRows.add(List.of(i));
            }
        }
        assertEquals(expectedRows, sink.values());
        assertEquals(expectedStages.size(), handler.received.size(), "dead letters");
        for (int k = 0; k < handler.received.size(); k++)
        {
            final Received letter = handler.received.get(k);
            // A dead letter's position is the offset of its record: the byte offset where its line starts.
            final long number = numberAtOffset.get(letter.position());
            final RuntimeException original = thrown.get(number);
            assertSame(original, letter.error(), "the exception thrown for " + number + " itself");
            assertTrue(letter.reason().startsWith(expectedStages.get(k) + " failed: "), letter.reason());
            assertTrue(letter.reason().contains(original.getClass().getName()), letter.reason());
            assertTrue(letter.reason().contains(original.getMessage()), letter.reason());
            assertTrue(hasFrameOf(letter.error(), DeadLetterErrorTest.class), "stack trace kept: " + letter.error());
        }
    }

    @Test
    @Timeout(60)
    void shouldGiveNoExceptionForARecordTheSourceRejectsAndKeepTextOnlyHandlersWorking()
    {
        final List<Path> inputs = TestData.writeFiles(dir, List.of(TestData.utf8("1,a\nbad\n2,b\n")));
        final KeepingHandler handler = new KeepingHandler();
        TestQueries.runToEnd(Millrace.readStream(new io.millrace.source.CsvSource(
                inputs, io.millrace.source.CsvSource.eventSchema(), 64, false))
            .writeStream().trigger(Trigger.availableNow()).sink(new CollectingSink()).deadLetter(handler),
            ThreadingMode.INVOKER);
        assertEquals(1, handler.received.size());
        assertEquals(2, handler.received.get(0).position());
        assertEquals("bad", handler.received.get(0).bytes());
        assertNull(handler.received.get(0).error(), "a parse failure has no exception");

        final List<String> reasons = new ArrayList<>();
        final Schema schema = Schema.builder().longColumn("n").build();
        final LongColumn n = schema.longColumn("n");
        final Publisher publisher = new Publisher(schema);
        final StreamingQuery query = Millrace.readStream(publisher)
            .filter(row ->
            {
                if (n.get(row) == 2)
                {
                    throw new IllegalStateException("two");
                }
                return true;
            })
            .writeStream().trigger(Trigger.processingTime(java.time.Duration.ofHours(1))).sink(new CollectingSink())
            .deadLetter((position, reason, buffer, index, length) -> reasons.add(reason.toString())).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.DEDICATED, List.of(1L, 2L, 3L),
            (row, value) -> row.putLong(n, value));
        assertEquals(List.of("filter failed: java.lang.IllegalStateException: two"), reasons);
    }

    private static RuntimeException remember(
        final Map<Long, RuntimeException> thrown, final long number, final RuntimeException error)
    {
        thrown.put(number, error);
        return error;
    }

    private static boolean hasFrameOf(final Throwable error, final Class<?> type)
    {
        for (final StackTraceElement frame : error.getStackTrace())
        {
            if (frame.getClassName().startsWith(type.getName()))
            {
                return true;
            }
        }
        return false;
    }
}
