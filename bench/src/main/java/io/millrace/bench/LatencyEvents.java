package io.millrace.bench;

import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;

/**
 * The latency harness's input: the generator's events (defined in docs/command-line.md) with their intended send time,
 * {@code (event_time TIMESTAMP, key STRING, sent_ns LONG)}. {@link #TRANSLATOR} writes the current event into an
 * offered row and captures nothing, so offering allocates nothing. Publisher thread only.
 */
public final class LatencyEvents
{
    /** Column holding the intended send time, {@link System#nanoTime()}. */
    public static final String SENT_COLUMN = "sent_ns";
    /** Output column of {@code max(sent_ns)}. */
    public static final String MAX_SENT_COLUMN = "max_sent_ns";
    /** Longest key the schema allows, bytes. */
    public static final int KEY_MAX_LENGTH = 32;
    /** Writes the event {@link #next(long)} moved to into the offered row. */
    public static final RowTranslator<LatencyEvents> TRANSLATOR = (row, events) -> events.write(row);

    private final Schema schema = Schema.builder()
        .timestampColumn(CsvSource.EVENT_TIME_COLUMN)
        .stringColumn(CsvSource.KEY_COLUMN, KEY_MAX_LENGTH)
        .longColumn(SENT_COLUMN)
        .build();
    private final LongColumn sent = schema.longColumn(SENT_COLUMN);
    private final EventRows rows = new EventRows(schema);
    private final EventGenerator generator;
    private long sentNanos;

    /**
     * @param generator of the events; its rate should be the offered rate, so event time keeps pace with the
     *                  clock and windows close as they would in production.
     */
    public LatencyEvents(final EventGenerator generator)
    {
        this.generator = generator;
    }

    /**
     * @return the schema of the rows offered.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * Moves to the next event.
     *
     * @param intendedSendNanos when the schedule says it is sent.
     * @return this.
     */
    public LatencyEvents next(final long intendedSendNanos)
    {
        generator.next();
        sentNanos = intendedSendNanos;
        return this;
    }

    private void write(final RowWriter row)
    {
        rows.write(generator, row).putLong(sent, sentNanos);
    }
}
