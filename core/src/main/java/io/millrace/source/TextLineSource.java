package io.millrace.source;

import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads text files (or standard input, {@code -}) as rows of one string column, {@code line}, in order and
 * without a follow mode: the source ends with its last file. Bytes are passed through as they are (no
 * decoding). A line longer than the maximum record size goes to the dead-letter output with its first bytes.
 * Offsets are byte offsets of line starts, counted from the start of the first input; the source can
 * seek, so it is replayable while its files are unchanged.
 */
public final class TextLineSource implements Source, LineReader.LineHandler
{
    /** Name of the single column. */
    public static final String LINE_COLUMN = "line";

    private final List<Path> inputs;
    private final int maxRecordSize;
    private final Schema schema;
    private final StringColumn line;
    private LineReader reader;
    private SourceOutput output;

    /**
     * @param inputs        files in order; {@code -} is standard input.
     * @param maxRecordSize longest line in bytes.
     */
    public TextLineSource(final List<Path> inputs, final int maxRecordSize)
    {
        this.inputs = List.copyOf(inputs);
        this.maxRecordSize = maxRecordSize;
        this.schema = Schema.builder().stringColumn(LINE_COLUMN, maxRecordSize).build();
        this.line = schema.stringColumn(LINE_COLUMN);
    }

    @Override
    public Schema schema()
    {
        return schema;
    }

    @Override
    public void open()
    {
        reader = new LineReader(inputs, maxRecordSize);
    }

    @Override
    public SourceStatus poll(final SourceOutput out, final int limit)
    {
        output = out;
        final int lines = reader.read(this, limit);
        return lines == LineReader.END_OF_INPUT ? SourceStatus.END_OF_INPUT :
            lines > 0 ? SourceStatus.MORE_AVAILABLE : SourceStatus.NOTHING_AVAILABLE;
    }

    @Override
    public long position()
    {
        return null == reader ? 0 : reader.position();
    }

    @Override
    public long lineNumber()
    {
        return null == reader ? 0 : reader.lineNumber();
    }

    @Override
    public boolean isReplayable()
    {
        return !inputs.contains(Path.of("-"));
    }

    @Override
    public void seek(final long position, final long lineNumber)
    {
        reader.seek(position, lineNumber);
    }

    @Override
    public boolean onLine(
        final DirectBuffer buffer, final int index, final int length, final long lineNumber, final long offset)
    {
        output.row().putString(line, buffer, index, length);
        return output.emit(offset);
    }

    @Override
    public boolean onOverlongLine(
        final DirectBuffer buffer, final int index, final int length, final long lineNumber, final long totalLength)
    {
        output.deadLetter(lineNumber, overlongReason(totalLength, maxRecordSize), buffer, index, length);
        return true;
    }

    @Override
    public void close()
    {
        if (null != reader)
        {
            reader.close();
        }
    }

    @Override
    public String toString()
    {
        return "TextLineSource" + inputs;
    }

    static String overlongReason(final long totalLength, final int maxRecordSize)
    {
        return "record of " + totalLength + " bytes exceeds max record size " + maxRecordSize +
            " (first " + maxRecordSize + " bytes shown)";
    }
}
