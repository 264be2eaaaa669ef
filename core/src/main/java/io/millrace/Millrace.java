package io.millrace;

import io.millrace.internal.JvmAccess;

import io.millrace.source.Source;

import java.util.Objects;

/**
 * Entry point: start a query's plan from its input.
 * <pre>{@code
 * StreamingQuery query = Millrace.readStream(new TextLineSource(List.of(path)))
 *     .flatMap(words, splitIntoWords)
 *     .groupBy("word").count()
 *     .writeStream().outputMode(OutputMode.COMPLETE).trigger(Trigger.availableNow())
 *     .sink(new CsvSink(System.out, false))
 *     .start();
 * query.awaitTermination();
 * }</pre>
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
        return Stream.root(new Ingress(Objects.requireNonNull(source, "source"), null));
    }

    /**
     * @param publisher offered to by the application.
     * @return the stream of its rows.
     */
    public static Stream readStream(final Publisher publisher)
    {
        JvmAccess.check(false);
        return Stream.root(new Ingress(null, Objects.requireNonNull(publisher, "publisher")));
    }
}
