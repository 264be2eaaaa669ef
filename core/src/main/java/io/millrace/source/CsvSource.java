package io.millrace.source;

import io.millrace.row.Column;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads CSV files (or standard input, {@code -}) onto a schema: field {@code i} of each line becomes column
 * {@code i}. Fields are separated by commas and may be quoted as RFC 4180 has it ({@code "a, ""b"""} is
 * {@code a, "b"}); a quoted field must close on its line (one spanning lines is a bad record). Integers are plain
 * decimal ({@code -?[0-9]+}), TIMESTAMP fields epoch milliseconds or ISO-8601 date-times with an offset
 * ({@code 2023-11-14T22:13:20.123Z}, {@code 2023-11-14T23:13:20+01:00}; below a millisecond dropped), booleans
 * {@code true}/{@code false}, strings raw bytes up to the column's maximum. With {@link Builder#header(boolean)}
 * the first line of every input is a header and skipped (it still counts in line numbers). A line that does not
 * fit (wrong number of fields, a bad number or time, bad quoting, a string too long, an empty string where none is
 * allowed, an empty line, a line over the maximum record size) goes to the dead-letter output with its line number
 * and the reason; the source goes on. An unquoted line of numbers and strings is parsed without allocating.
 * Offsets are byte offsets of line starts, counted from the start of the first input; the source can seek, so it
 * is replayable while its files are unchanged.
 */
public final class CsvSource extends LineSource
{
    /** Event-time column of {@link #eventSchema()}. */
    public static final String EVENT_TIME_COLUMN = "event_time";
    /** Key column of {@link #eventSchema()}. */
    public static final String KEY_COLUMN = "key";
    /** Longest key of {@link #eventSchema()}, in bytes. */
    public static final int KEY_MAX_LENGTH = 256;

    /** Default longest line, in bytes. */
    public static final int MAX_RECORD_SIZE_DEFAULT = 64 * 1024;

    private final Schema schema;
    private final CsvLineParser parser;
    private final StringColumn lineColumn;
    private final boolean header;

    /**
     * @param inputs            files in order; {@code -} is standard input.
     * @param schema            of the rows, one column per field.
     * @param maxRecordSize     longest line in bytes.
     * @param allowEmptyStrings whether an empty string field is a value (true) or a bad record (false).
     */
    public CsvSource(
        final List<Path> inputs, final Schema schema, final int maxRecordSize, final boolean allowEmptyStrings)
    {
        this(inputs, schema, maxRecordSize, allowEmptyStrings, null);
    }

    /**
     * @param inputs            files in order; {@code -} is standard input.
     * @param fields            one column per field.
     * @param maxRecordSize     longest line in bytes.
     * @param allowEmptyStrings whether an empty string field is a value (true) or a bad record (false).
     * @param lineColumn        name of an extra last column holding the original line, or null for none; lets
     *                          late or rejected rows be written back as they came.
     */
    public CsvSource(
        final List<Path> inputs,
        final Schema fields,
        final int maxRecordSize,
        final boolean allowEmptyStrings,
        final String lineColumn)
    {
        this(builder(inputs, fields).maxRecordSize(maxRecordSize).allowEmptyStrings(allowEmptyStrings)
            .lineColumn(lineColumn));
    }

    private CsvSource(final Builder settings)
    {
        super(settings.inputs, settings.maxRecordSize);
        this.parser = new CsvLineParser(settings.fields.columns().toArray(new Column[0]), settings.allowEmptyStrings);
        this.schema = null == settings.lineColumn ? settings.fields :
            withLine(settings.fields, settings.lineColumn, settings.maxRecordSize);
        this.lineColumn = null == settings.lineColumn ? null : schema.stringColumn(settings.lineColumn);
        this.header = settings.header;
    }

    /**
     * @param inputs files in order; {@code -} is standard input.
     * @param fields one column per field.
     * @return settings of a source, to {@link Builder#build()}.
     */
    public static Builder builder(final List<Path> inputs, final Schema fields)
    {
        return new Builder(inputs, fields);
    }

    private static Schema withLine(final Schema fields, final String lineColumn, final int maxRecordSize)
    {
        final Schema.Builder builder = Schema.builder();
        for (final Column column : fields.columns())
        {
            builder.like(column);
        }
        return builder.stringColumn(lineColumn, maxRecordSize).build();
    }

    /**
     * The schema of {@code event_time,key} input: {@code event_time} TIMESTAMP, {@code key}
     * STRING of at most {@link #KEY_MAX_LENGTH} bytes.
     *
     * @return the schema.
     */
    public static Schema eventSchema()
    {
        return Schema.builder().timestampColumn(EVENT_TIME_COLUMN).stringColumn(KEY_COLUMN, KEY_MAX_LENGTH).build();
    }

    @Override
    public Schema schema()
    {
        return schema;
    }

    @Override
    public boolean onLine(
        final DirectBuffer buffer, final int index, final int length, final long lineNumber, final long offset)
    {
        if (header && isFirstLineOfInput(offset))
        {
            return true;
        }
        final RowWriter row = output.row();
        final String error = parser.parse(buffer, index, length, row);
        if (null == error && null != lineColumn)
        {
            row.putString(lineColumn, buffer, index, length);
        }
        if (null != error)
        {
            output.deadLetter(lineNumber, error, buffer, index, length);
            return true;
        }
        return output.emit(offset);
    }

    @Override
    public String toString()
    {
        return "CsvSource" + inputs + schema;
    }

    /**
     * Settings of a {@link CsvSource}; defaults are the {@code *_DEFAULT} constants. Not thread-safe.
     */
    public static final class Builder
    {
        private final List<Path> inputs;
        private final Schema fields;
        private int maxRecordSize = MAX_RECORD_SIZE_DEFAULT;
        private boolean allowEmptyStrings;
        private String lineColumn;
        private boolean header;

        private Builder(final List<Path> inputs, final Schema fields)
        {
            this.inputs = List.copyOf(inputs);
            this.fields = Objects.requireNonNull(fields, "fields");
        }

        /**
         * @param bytes longest line; default {@link #MAX_RECORD_SIZE_DEFAULT}.
         * @return this.
         */
        public Builder maxRecordSize(final int bytes)
        {
            this.maxRecordSize = bytes;
            return this;
        }

        /**
         * @param allow whether an empty string field is a value (true) or a bad record (false, the default).
         * @return this.
         */
        public Builder allowEmptyStrings(final boolean allow)
        {
            this.allowEmptyStrings = allow;
            return this;
        }

        /**
         * @param name of an extra last column holding the original line, or null (the default) for none.
         * @return this.
         */
        public Builder lineColumn(final String name)
        {
            this.lineColumn = name;
            return this;
        }

        /**
         * @param skip whether the first line of every input (each file, and standard input) is a header to skip;
         *             default false, when a header is a bad record like any line that does not fit the schema.
         * @return this.
         */
        public Builder header(final boolean skip)
        {
            this.header = skip;
            return this;
        }

        /**
         * @return the source.
         */
        public CsvSource build()
        {
            return new CsvSource(this);
        }
    }
}
