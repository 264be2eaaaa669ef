package io.millrace.cli;

import io.millrace.sink.DeadLetterHandler;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CsvRowFormatter;
import org.agrona.DirectBuffer;

/**
 * Passes dead letters on to the dead-letter output, writing a row the query rejected (a record whose windows
 * cannot be represented) as a line, as the late-data file does: the original input line when the rows carry it,
 * else the row as CSV (generated input, whose CSV is its original form). Rows arrive on the operator thread only.
 */
final class DeadRowLines implements DeadLetterHandler
{
    private final DeadLetterLines output;
    private final StringColumn lineColumn;
    private final CsvRowFormatter formatter;

    /**
     * @param output         the dead-letter output, taking lines.
     * @param schema         of the rows the query reads.
     * @param lineColumnName of the column holding the original line, when the schema has it.
     */
    DeadRowLines(final DeadLetterLines output, final Schema schema, final String lineColumnName)
    {
        this.output = output;
        final boolean hasLines = schema.contains(lineColumnName);
        this.lineColumn = hasLines ? schema.stringColumn(lineColumnName) : null;
        this.formatter = hasLines ? null : new CsvRowFormatter(schema);
    }

    @Override
    public void onDeadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
    {
        output.onDeadLetter(position, reason, buffer, index, length);
    }

    @Override
    public void onDeadRow(final long position, final CharSequence reason, final RowView row)
    {
        if (null != lineColumn)
        {
            output.onDeadLine(position, reason, row.buffer(), lineColumn.bytesOffset(row), lineColumn.length(row));
        }
        else
        {
            // The formatted line ends in a line feed, which the dead-letter output adds itself.
            output.onDeadLine(position, reason, formatter.buffer(), 0, formatter.format(row) - 1);
        }
    }
}
