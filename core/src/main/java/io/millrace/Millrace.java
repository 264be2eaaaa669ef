package io.millrace;

import io.millrace.internal.JvmAccess;

import io.millrace.source.Source;

import java.util.Objects;

/**
 * Entry point: start a query's plan from its input. Counting the events per sensor in {@code file}, a CSV
 * file of {@code event_time,sensor} lines, and writing the whole result table as CSV once it is read:
 * <pre>{@code
 * Schema events = Schema.builder().timestampColumn("event_time").stringColumn("sensor", 64).build();
 * CsvSource input = CsvSource.builder(List.of(file), events).build();
 * StreamingQuery query = Millrace.readStream(input)
 *     .groupBy("sensor").count()
 *     .writeStream().outputMode(OutputMode.COMPLETE).trigger(Trigger.availableNow())
 *     .sink(new CsvSink(System.out, false))
 *     .start();
 * query.awaitTermination();
 * }</pre>
 * The rules the rows follow (event time, watermarks, windows, output modes, triggers) are in the project's
 * {@code docs/semantics.md}.
 */
public final class Millrace
{
    private Millrace()
    {
    }

    /**
     * @param source polled on the query's source thread.
     * @return the stream of its rows.
     */
    public static Stream readStream(final Source source)
    {
        JvmAccess.check(false);
        Objects.requireNonNull(source, "source");
        return Stream.root(source, "source " + source, source.schema());
    }

    /**
     * @param publisher offered to by the application.
     * @return the stream of its rows.
     */
    public static Stream readStream(final Publisher publisher)
    {
        JvmAccess.check(false);
        Objects.requireNonNull(publisher, "publisher");
        return Stream.root(publisher, "publisher " + publisher, publisher.schema());
    }
}
