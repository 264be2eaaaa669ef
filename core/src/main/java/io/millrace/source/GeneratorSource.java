package io.millrace.source;

import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;

/**
 * Emits {@code count} events of an {@link EventGenerator} as rows {@code (event_time, key)}, the
 * same schema as {@link CsvSource#eventSchema()}. An event's offset is its index; the source can seek.
 */
public final class GeneratorSource implements Source
{
    private static final int KEY_MAX_BYTES = 21;

    private final EventGenerator generator;
    private final long count;
    private final Schema schema = CsvSource.eventSchema();
    private final LongColumn time = schema.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private final StringColumn key = schema.stringColumn(CsvSource.KEY_COLUMN);

    /**
     * @param generator of the events.
     * @param count     events to emit.
     * @throws IllegalArgumentException when the count is negative, or when an event's time would leave the range
     *                                  of a long ({@link EventGenerator#checkTimes(long)}).
     */
    public GeneratorSource(final EventGenerator generator, final long count)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("event count must not be negative: " + count);
        }
        generator.checkTimes(count);
        this.generator = generator;
        this.count = count;
    }

    @Override
    public Schema schema()
    {
        return schema;
    }

    @Override
    public SourceStatus poll(final SourceOutput output, final int limit)
    {
        for (int i = 0; i < limit; i++)
        {
            if (generator.index() + 1 >= count)
            {
                return SourceStatus.END_OF_INPUT;
            }
            generator.next();
            final RowWriter row = output.row();
            row.putLong(time, generator.time());
            final int at = row.beginString(key, KEY_MAX_BYTES);
            row.endString(key, generator.writeKey(row.buffer(), at));
            if (!output.emit(generator.index()))
            {
                break;
            }
        }
        return SourceStatus.MORE_AVAILABLE;
    }

    @Override
    public long position()
    {
        return generator.index() + 1;
    }

    /**
     * @return true: all {@code count} events are available from the start.
     */
    @Override
    public boolean endAtAvailableInput()
    {
        return true;
    }

    @Override
    public boolean isReplayable()
    {
        return true;
    }

    @Override
    public void seek(final long position, final long lineNumber)
    {
        generator.skipTo(position);
    }

    @Override
    public String toString()
    {
        return "GeneratorSource(" + count + " events of " + generator + ")";
    }
}
