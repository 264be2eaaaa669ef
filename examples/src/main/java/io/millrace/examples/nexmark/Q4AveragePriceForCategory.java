package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import org.agrona.MutableDirectBuffer;

/**
 * NEXMark q4, average price for a category: over q9's winning bids, in the order q9 writes them, the running average
 * winning price of each category ({@code sum / count}, integer division), as {@code category, avg}. An update
 * stream: a row each time a category's average changes value, none when a new winning price leaves it where it
 * was. A second stateful stage over the first one's rows, keyed differently.
 */
public final class Q4AveragePriceForCategory
{
    /** Rows of q4. */
    public static final Schema OUTPUT = Schema.builder().longColumn("category").longColumn("avg").build();

    private Q4AveragePriceForCategory()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the averages as they change.
     */
    public static Stream plan(final Stream events)
    {
        return Q9WinningBids.plan(events).keyBy("category").process(OUTPUT, AverageOnChange::new);
    }

    /**
     * Per category: the sum and count of its winning prices and the average last written.
     */
    static final class AverageOnChange implements KeyedProcessFunction
    {
        private static final int SUM = 0;
        private static final int COUNT = 8;
        private static final int WRITTEN = 16;
        private static final int STATE_BYTES = 24;

        private LongColumn category;
        private LongColumn price;
        private LongColumn outCategory;
        private LongColumn outAverage;

        @Override
        public void open(final Schema input, final Schema output)
        {
            category = input.longColumn("category");
            price = input.longColumn("price");
            outCategory = output.longColumn("category");
            outAverage = output.longColumn("avg");
        }

        @Override
        public int stateBytes()
        {
            return STATE_BYTES;
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long sum = state.getLong(at + SUM) + price.get(row);
            final long count = state.getLong(at + COUNT) + 1;
            final long average = sum / count;
            state.putLong(at + SUM, sum);
            state.putLong(at + COUNT, count);
            // The first average is always written; later ones when they differ from the last written.
            if (count == 1 || average != state.getLong(at + WRITTEN))
            {
                state.putLong(at + WRITTEN, average);
                context.row().putLong(outCategory, category.get(row)).putLong(outAverage, average);
                context.emit();
            }
        }
    }
}
