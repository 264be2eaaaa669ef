package io.millrace.source;

import io.millrace.Millrace;
import io.millrace.StreamingQuery;
import io.millrace.StreamingQueryException;
import io.millrace.Trigger;
import io.millrace.sink.CollectingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standard input is read by a thread of its own into a pipe: a failing read fails the query rather than passing
 * for the end of the input.
 */
class StandardInputTest
{
    @Test
    @Timeout(60)
    void shouldFailTheQueryWhenStandardInputFailsRatherThanEndIt() throws Exception
    {
        final byte[] lines = "one\ntwo\n".getBytes(StandardCharsets.US_ASCII);
        final InputStream failing = new InputStream()
        {
            private int at;

            @Override
            public int read()
            {
                throw new UnsupportedOperationException("read in chunks");
            }

            @Override
            public int read(final byte[] buffer, final int offset, final int length) throws IOException
            {
                if (at < lines.length)
                {
                    final int n = Math.min(length, lines.length - at);
                    System.arraycopy(lines, at, buffer, offset, n);
                    at += n;
                    return n;
                }
                throw new IOException("the terminal went away");
            }
        };
        final InputStream saved = System.in;
        System.setIn(failing);
        try
        {
            final CollectingSink sink = new CollectingSink();
            final StreamingQuery query = Millrace.readStream(new TextLineSource(List.of(Path.of("-")), 64))
                .writeStream().trigger(Trigger.continuous(Duration.ofMillis(10))).sink(sink).start();
            final StreamingQueryException failed = assertThrows(StreamingQueryException.class,
                query::awaitTermination);
            assertTrue(failed.getMessage().contains("cannot read standard input: the terminal went away"),
                failed.getMessage());
            assertFalse(query.isFinished(), "a failed read is not the end of the input");
            // The lines read before the failure may or may not reach the sink before the failed query stops.
            assertTrue(List.of(List.of("one"), List.of("two")).containsAll(sink.values()), sink.values().toString());
        }
        finally
        {
            System.setIn(saved);
        }
    }
}
