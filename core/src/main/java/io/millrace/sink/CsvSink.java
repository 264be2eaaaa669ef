package io.millrace.sink;

import io.millrace.row.RowView;
import io.millrace.row.Schema;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes rows as CSV lines without a header ({@link CsvRowFormatter}) to a stream, flushing at each epoch
 * commit. Writing allocates nothing per row, except for DOUBLE columns.
 */
public final class CsvSink implements Sink
{
    private final OutputStream out;
    private final boolean closeStream;
    private final BufferCopy copy = new BufferCopy();
    private CsvRowFormatter formatter;

    /**
     * @param out         to write to, e.g. {@code System.out}.
     * @param closeStream whether {@link #close()} closes {@code out} (not for standard output).
     */
    public CsvSink(final OutputStream out, final boolean closeStream)
    {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.closeStream = closeStream;
    }

    @Override
    public void open(final Schema schema)
    {
        formatter = new CsvRowFormatter(schema);
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        final int length = formatter.format(row);
        try
        {
            copy.write(formatter.buffer(), 0, length, out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write output", ex);
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
            throw new UncheckedIOException("cannot flush output", ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            out.flush();
            if (closeStream)
            {
                out.close();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close output", ex);
        }
    }
}
