package io.millrace.source;

import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads text files (or standard input, {@code -}) as rows of one string column, {@code line}, in order and
 * without a follow mode: the source ends with its last file. Bytes are passed through as they are (no
 * decoding). A line longer than the maximum record size goes to the dead-letter output as it was.
 * Offsets are byte offsets of line starts, counted from the start of the first input; the source can
 * seek, so it is replayable while its files are unchanged.
 */
public final class TextLineSource extends LineSource
{
    /** Name of the single column. */
    public static final String LINE_COLUMN = "line";

    private final Schema schema;
    private final StringColumn line;

    /**
     * @param inputs        files in order; {@code -} is standard input.
     * @param maxRecordSize longest line in bytes.
     */
    public TextLineSource(final List<Path> inputs, final int maxRecordSize)
    {
        super(inputs, maxRecordSize);
        this.schema = Schema.builder().stringColumn(LINE_COLUMN, maxRecordSize).build();
        this.line = schema.stringColumn(LINE_COLUMN);
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
        output.row().putString(line, buffer, index, length);
        return output.emit(offset);
    }

    @Override
    public String toString()
    {
        return "TextLineSource" + inputs;
    }
}
