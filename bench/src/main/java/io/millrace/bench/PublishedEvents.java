package io.millrace.bench;

import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.function.RowTranslator;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;

/**
 * Drives a query over the generator's events (its defaults) through a {@link Publisher}, in
 * {@link io.millrace.ThreadingMode#INVOKER}: {@link #batch()} offers {@value #BATCH} events and runs one duty cycle.
 * What the per-record benchmarks of whole queries share; the benchmark builds the query on {@link #publisher()}.
 */
final class PublishedEvents
{
    /** Events offered per {@link #batch()}. */
    static final int BATCH = 256;

    private static final RowTranslator<PublishedEvents> NEXT_EVENT = (row, events) -> events.writeNext(row);

    private final Schema schema = CsvSource.eventSchema();
    private final EventGenerator generator = EventGenerator.withDefaults();
    private final EventRows rows = new EventRows(schema);
    private final Publisher publisher = new Publisher(schema);
    private StreamingQuery query;

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
     * @param started the query, reading {@link #publisher()}, in invoker mode.
     * @param events  to run through it before measuring.
     */
    void start(final StreamingQuery started, final int events)
    {
        query = started;
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

    private void writeNext(final RowWriter row)
    {
        generator.next();
        rows.write(generator, row);
    }
}
