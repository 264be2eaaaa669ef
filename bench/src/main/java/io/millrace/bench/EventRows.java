package io.millrace.bench;

import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;

/**
 * Writes the current event of an {@link EventGenerator} (defined in docs/command-line.md) into a row with the columns
 * of {@link CsvSource#eventSchema()}, byte for byte as {@link io.millrace.source.GeneratorSource} does. Allocates
 * nothing per row; not thread-safe.
 */
public final class EventRows
{
    /** Most bytes of a generated key: {@code k} and up to 20 digits. */
    public static final int KEY_MAX_BYTES = 21;

    private final LongColumn time;
    private final StringColumn key;

    /**
     * @param schema with {@link CsvSource#EVENT_TIME_COLUMN} and {@link CsvSource#KEY_COLUMN}; other columns are
     *               left to the caller.
     */
    public EventRows(final Schema schema)
    {
        this.time = schema.longColumn(CsvSource.EVENT_TIME_COLUMN);
        this.key = schema.stringColumn(CsvSource.KEY_COLUMN);
    }

    /**
     * @param generator positioned on the event to write.
     * @param row       reset writer of the schema given at construction.
     * @return {@code row}.
     */
    public RowWriter write(final EventGenerator generator, final RowWriter row)
    {
        row.putLong(time, generator.time());
        final int at = row.beginString(key, KEY_MAX_BYTES);
        return row.endString(key, generator.writeKey(row.buffer(), at));
    }
}
