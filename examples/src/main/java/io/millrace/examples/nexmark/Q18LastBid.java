package io.millrace.examples.nexmark;

import io.millrace.Stream;

/**
 * NEXMark q18, find last bid: the latest bid of each (bidder, auction) pair, as
 * {@code auction, bidder, price, date_time}; on a tie of times the later arrival wins. An update stream: a row each
 * time a pair's latest row changes values. The library's {@code latest} over a projection, so that only changes
 * to these columns count.
 */
public final class Q18LastBid
{
    private Q18LastBid()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the pairs' latest bids, as they change.
     */
    public static Stream plan(final Stream events)
    {
        return Nexmark.bids(events, "auction", "bidder", "price", Nexmark.TIME)
            .keyBy("bidder", "auction")
            .latest(Nexmark.TIME);
    }
}
