package io.millrace.testing;

import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;

import java.util.List;

/**
 * A bounded polled source of the items of a list, in order; its position is the number of items emitted, and the
 * input available is the whole list.
 *
 * @param <T> type of the items.
 */
public final class ListSource<T> implements Source
{
    /**
     * Writes one item as a row.
     *
     * @param <T> type of the items.
     */
    @FunctionalInterface
    public interface RowFiller<T>
    {
        /**
         * @param row   to write the item's columns into.
         * @param item  of the list.
         * @param index of the item in the list.
         */
        void fill(RowWriter row, T item, int index);
    }

    private final Schema schema;
    private final List<T> items;
    private final RowFiller<T> filler;
    private int next;

    /**
     * @param schema of the rows.
     * @param items  emitted in order.
     * @param filler writing each item.
     */
    public ListSource(final Schema schema, final List<T> items, final RowFiller<T> filler)
    {
        this.schema = schema;
        this.items = items;
        this.filler = filler;
    }

    @Override
    public Schema schema()
    {
        return schema;
    }

    @Override
    public SourceStatus poll(final SourceOutput output, final int limit)
    {
        for (int i = 0; i < limit; i++)
        {
            if (next >= items.size())
            {
                return SourceStatus.END_OF_INPUT;
            }
            filler.fill(output.row(), items.get(next), next);
            next++;
            if (!output.emit(next))
            {
                break;
            }
        }
        return SourceStatus.MORE_AVAILABLE;
    }

    @Override
    public long position()
    {
        return next;
    }

    @Override
    public boolean endAtAvailableInput()
    {
        return true;
    }
}
