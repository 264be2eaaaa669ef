package io.millrace.bench;

import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.Stream;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.function.RowTranslator;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.NexmarkGenerator;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Drives a query over generated events through a {@link Publisher}, in {@link io.millrace.ThreadingMode#INVOKER}:
 * {@link #batch()} offers {@value #BATCH} events and runs one duty cycle. What the per-record benchmarks of whole
 * queries share; the benchmark builds the query on {@link #publisher()}. The events are the event generator's (its
 * defaults) or the NEXMark generator's ({@link #nexmark()}), each written into the ring's slot as it is offered.
 */
final class PublishedEvents
{
    /** Events offered per {@link #batch()}. */
    static final int BATCH = 256;

    private static final RowTranslator<PublishedEvents> NEXT_EVENT = (row, events) -> events.next.accept(row);
    private final Schema schema;
    private final Consumer<RowWriter> next;
    private final Publisher publisher;
    private StreamingQuery query;

    /**
     * Events of the event generator with its defaults, rows {@code (event_time, key)}.
     */
    PublishedEvents()
    {
        this(CsvSource.eventSchema(), windowedCountEvents());
    }

    private PublishedEvents(final Schema schema, final Consumer<RowWriter> next)
    {
        this.schema = schema;
        this.next = next;
        this.publisher = new Publisher(schema);
    }

    /**
     * @return a driver of the NEXMark generator's events (its defaults), rows of {@link NexmarkGenerator#EVENT}.
     */
    static PublishedEvents nexmark()
    {
        final NexmarkGenerator generator = NexmarkGenerator.withDefaults();
        return new PublishedEvents(NexmarkGenerator.EVENT, new Consumer<>()
        {
            private long index;

            @Override
            public void accept(final RowWriter row)
            {
                generator.write(index++, row);
            }
        });
    }

    private static Consumer<RowWriter> windowedCountEvents()
    {
        final EventGenerator generator = EventGenerator.withDefaults();
        final EventRows rows = new EventRows(CsvSource.eventSchema());
        return row ->
        {
            generator.next();
            rows.write(generator, row);
        };
    }

    /**
     * @return the events' schema.
     */
    Schema schema()
    {
        return schema;
    }

    /**
     * @return the publisher to build the query on.
     */
    Publisher publisher()
    {
        return publisher;
    }

    /**
     * Starts the query of {@code output} (built on {@link #publisher()}) in invoker mode, append mode with epochs of
     * a second, and runs {@code events} events through it before measuring.
     *
     * @param output the query's output stream.
     * @param name   of the query.
     * @param sink   of its rows.
     * @param events to run through it before measuring.
     */
    void start(final Stream output, final String name, final Sink sink, final int events)
    {
        query = output.writeStream()
            .queryName(name)
            .outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(Duration.ofSeconds(1)))
            .threadingMode(ThreadingMode.INVOKER)
            .sink(sink)
            .start();
        for (int i = 0; i < events / BATCH; i++)
        {
            batch();
        }
    }

    /**
     * Offers {@value #BATCH} events and runs one duty cycle of the query.
     */
    void batch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            publisher.offer(NEXT_EVENT, this);
        }
        query.invoke();
    }

    /**
     * Stops the query.
     */
    void stop()
    {
        query.stop();
    }
}
