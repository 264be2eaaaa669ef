package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;

/**
 * NEXMark q1, currency conversion: every bid, {@code auction, bidder, price, date_time, extra}, with its price in
 * euro, {@code price * 908 / 1000} (integer division). A map that rewrites one column of each row.
 */
public final class Q1CurrencyConversion
{
    private Q1CurrencyConversion()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the bids in euro.
     */
    public static Stream plan(final Stream events)
    {
        final Stream bids = Nexmark.bids(events, "auction", "bidder", "price", "date_time", "extra");
        final Schema schema = bids.schema();
        final Column[] columns = schema.columns().toArray(new Column[0]);
        final LongColumn price = schema.longColumn("price");
        return bids.map(schema, (in, out) ->
        {
            for (final Column column : columns)
            {
                column.copy(in, out, column);
            }
            out.putLong(price, price.get(in) * 908 / 1000);
        });
    }
}
