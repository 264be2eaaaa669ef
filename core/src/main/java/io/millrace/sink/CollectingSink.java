package io.millrace.sink;

import io.millrace.row.BooleanColumn;
import io.millrace.row.Column;
import io.millrace.row.DoubleColumn;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every row as Java values, with its id, and the committed epochs: for tests and small tools. Allocates
 * per row. Thread-safe: read from any thread while the query runs.
 */
public final class CollectingSink implements Sink
{
    /**
     * A row received.
     *
     * @param epoch    of the row.
     * @param sequence within the epoch.
     * @param values   one per column: Long, Integer, Double, Boolean or String (decoded as UTF-8).
     */
    public record Row(long epoch, long sequence, List<Object> values)
    {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<Long> commits = new ArrayList<>();
    private Column[] columns;

    @Override
    public synchronized void open(final Schema schema)
    {
        columns = schema.columns().toArray(new Column[0]);
    }

    @Override
    public synchronized void onRow(final RowView row, final long epoch, final long sequence)
    {
        final List<Object> values = new ArrayList<>(columns.length);
        for (final Column column : columns)
        {
            values.add(value(column, row));
        }
        rows.add(new Row(epoch, sequence, values));
    }

    @Override
    public synchronized void commitEpoch(final long epoch)
    {
        commits.add(epoch);
    }

    /**
     * @return a copy of the rows received so far, in order.
     */
    public synchronized List<Row> rows()
    {
        return new ArrayList<>(rows);
    }

    /**
     * @return a copy of the values of the rows received so far, in order.
     */
    public synchronized List<List<Object>> values()
    {
        final List<List<Object>> values = new ArrayList<>(rows.size());
        for (final Row row : rows)
        {
            values.add(row.values());
        }
        return values;
    }

    /**
     * @return the epochs committed so far, in order.
     */
    public synchronized List<Long> commits()
    {
        return new ArrayList<>(commits);
    }

    private static Object value(final Column column, final RowView row)
    {
        switch (column.type())
        {
            case LONG:
            case TIMESTAMP:
                return ((LongColumn)column).get(row);
            case INT:
                return ((IntColumn)column).get(row);
            case DOUBLE:
                return ((DoubleColumn)column).get(row);
            case BOOLEAN:
                return ((BooleanColumn)column).get(row);
            default:
                return ((StringColumn)column).getString(row);
        }
    }
}
