package io.millrace.cli;

import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.BufferCopy;
import io.millrace.sink.CsvRowFormatter;
import io.millrace.sink.Sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes late records to a file, one per line: the original input line when the rows carry it, else the row as
 * CSV (generated input, whose CSV is its original form). Flushed at each epoch commit. A run resuming from a
 * checkpoint appends; late records of epochs run again after a crash may then appear twice (at-least-once).
 */
final class LateLinesSink implements Sink
{
    private final Path path;
    private final String lineColumnName;
    private final boolean append;
    private final BufferCopy copy = new BufferCopy();
    private OutputStream out;
    private StringColumn lineColumn;
    private CsvRowFormatter formatter;

    LateLinesSink(final Path path, final String lineColumnName, final boolean append)
    {
        this.path = path;
        this.lineColumnName = lineColumnName;
        this.append = append;
    }

    @Override
    public void open(final Schema schema)
    {
        try
        {
            out = new BufferedOutputStream(append ?
                Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND) :
                Files.newOutputStream(path), 64 * 1024);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create late-data file " + path, ex);
        }
        if (schema.contains(lineColumnName))
        {
            lineColumn = schema.stringColumn(lineColumnName);
        }
        else
        {
            formatter = new CsvRowFormatter(schema);
        }
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        try
        {
            if (null != lineColumn)
            {
                copy.write(row.buffer(), lineColumn.bytesOffset(row), lineColumn.length(row), out);
                out.write('\n');
            }
            else
            {
                copy.write(formatter.buffer(), 0, formatter.format(row), out);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write late-data file " + path, ex);
        }
    }

    @Override
    public void commitEpoch(final long epoch)
    {
        try
        {
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write late-data file " + path, ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            out.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close late-data file " + path, ex);
        }
    }
}
