package io.millrace.sink;

import io.millrace.row.RowView;
import io.millrace.row.Schema;

import java.util.zip.CRC32C;

/**
 * Counts the rows and folds them into a checksum instead of writing them, for benchmarks (as a blackhole sink) and
 * for comparing runs: the checksum is the CRC-32C of the rows as {@link CsvSink} would write them, lines ending in
 * {@code \n}, so {@code crc32c} over another implementation's CSV output gives the same value. It covers every row
 * delivered, so a run that recovers from a checkpoint folds the replayed rows in again: compare checksums of runs
 * without crashes. Rows arrive on the operator thread; read the figures after the query has ended.
 */
public final class Crc32cSink implements Sink
{
    private final CRC32C crc = new CRC32C();
    private CsvRowFormatter formatter;
    private long rows;

    @Override
    public void open(final Schema schema)
    {
        formatter = new CsvRowFormatter(schema);
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        final int length = formatter.format(row);
        // The formatter's buffer is on the heap.
        crc.update(formatter.buffer().byteArray(), 0, length);
        rows++;
    }

    /**
     * @return rows received.
     */
    public long rows()
    {
        return rows;
    }

    /**
     * @return the CRC-32C of the rows' CSV lines, in the order received.
     */
    public long checksum()
    {
        return crc.getValue();
    }
}
