package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.row.LongColumn;
import io.millrace.source.NexmarkGenerator;

/**
 * NEXMark q2, selection: {@code auction, price} of the bids on auctions whose id is a multiple of 123. A filter
 * before the projection, so that only the rows kept are copied.
 */
public final class Q2Selection
{
    private static final LongColumn AUCTION = NexmarkGenerator.EVENT.longColumn("auction");

    private Q2Selection()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the selected bids.
     */
    public static Stream plan(final Stream events)
    {
        return events
            .filter(row -> Nexmark.is(row, NexmarkGenerator.Kind.BID) && AUCTION.get(row) % 123 == 0)
            .select("auction", "price");
    }
}
