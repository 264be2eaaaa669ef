package io.millrace.kafka;

import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.source.CsvLineParser;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * Turns a Kafka record's value into a row of {@link #schema()}, on the source thread. A record that does not fit is
 * not a row: the deserializer says why, and the record goes to the query's dead letters with its topic, partition
 * and offset. Implementations should not allocate for good records.
 */
public interface RecordDeserializer
{
    /**
     * @return the schema of the rows made.
     */
    Schema schema();

    /**
     * @param value     the record's value; valid only during the call.
     * @param length    of the value in bytes, from index 0.
     * @param timestamp the record's timestamp, epoch milliseconds.
     * @param row       to write the row into.
     * @return null when the row is complete, else why the record is bad.
     */
    String deserialize(DirectBuffer value, int length, long timestamp, RowWriter row);

    /**
     * Values that are one CSV line each, field {@code i} into column {@code i} of {@code fields}, parsed as
     * {@link io.millrace.source.CsvSource} parses a file's lines: {@code event_time,key} lines with
     * {@link io.millrace.source.CsvSource#eventSchema()}.
     *
     * An empty string field makes a bad record: see {@link #csv(Schema, boolean)} for rows whose strings may be
     * empty.
     *
     * @param fields one column per field.
     * @return the deserializer.
     */
    static RecordDeserializer csv(final Schema fields)
    {
        return csv(fields, false);
    }

    /**
     * Values that are one CSV line each, as {@link #csv(Schema)}.
     *
     * @param fields            one column per field.
     * @param allowEmptyStrings whether an empty string field is a value (as a part file holds a row with an empty
     *                          string) rather than a bad record.
     * @return the deserializer.
     */
    static RecordDeserializer csv(final Schema fields, final boolean allowEmptyStrings)
    {
        final CsvLineParser parser = new CsvLineParser(fields.columns().toArray(new Column[0]), allowEmptyStrings);
        return new RecordDeserializer()
        {
            @Override
            public Schema schema()
            {
                return fields;
            }

            @Override
            public String deserialize(final DirectBuffer value, final int length, final long timestamp,
                final RowWriter row)
            {
                return parser.parse(value, 0, length, row);
            }
        };
    }

    /**
     * Values that are one CSV line each, as {@link #csv(Schema)}, except that column {@code timestampColumn} is not
     * a field: it holds the record's timestamp (the time the producer gave it, or the broker's time of appending, as
     * the topic's {@code message.timestamp.type} says).
     *
     * @param schema          of the rows: the fields in order, and the timestamp column anywhere.
     * @param timestampColumn a LONG or TIMESTAMP column of {@code schema}.
     * @return the deserializer.
     */
    static RecordDeserializer csv(final Schema schema, final String timestampColumn)
    {
        final LongColumn timestamp = schema.longColumn(timestampColumn);
        final List<Column> fields = new ArrayList<>(schema.columns());
        fields.remove(timestamp);
        final CsvLineParser parser = new CsvLineParser(fields.toArray(new Column[0]), false);
        return new RecordDeserializer()
        {
            @Override
            public Schema schema()
            {
                return schema;
            }

            @Override
            public String deserialize(final DirectBuffer value, final int length, final long time, final RowWriter row)
            {
                row.putLong(timestamp, time);
                return parser.parse(value, 0, length, row);
            }
        };
    }
}
