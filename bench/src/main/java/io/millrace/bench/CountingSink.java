package io.millrace.bench;

import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;

/**
 * A sink for benchmarks: reads one LONG column of every row and keeps a running sum and a row count, so the
 * output is consumed without being stored. Allocates nothing per row; operator thread only.
 */
public final class CountingSink implements Sink
{
    private final String column;
    private LongColumn value;
    private long rows;
    private long sum;

    /**
     * @param column LONG column to read from every row, e.g. {@code count}.
     */
    public CountingSink(final String column)
    {
        this.column = column;
    }

    @Override
    public void open(final Schema schema)
    {
        value = schema.longColumn(column);
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        rows++;
        sum += value.get(row);
    }

    /**
     * @return rows received.
     */
    public long rows()
    {
        return rows;
    }

    /**
     * @return sum of the column over the rows received.
     */
    public long sum()
    {
        return sum;
    }
}
