package io.millrace.examples.nexmark;

import io.millrace.Stream;

/**
 * NEXMark q0, pass-through: every bid, as {@code auction, bidder, price, date_time, extra}. It measures what the
 * engine costs with no work to do: reading, filtering the bids, projecting and writing.
 */
public final class Q0PassThrough
{
    private Q0PassThrough()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the bids, passed through.
     */
    public static Stream plan(final Stream events)
    {
        return Nexmark.bids(events, "auction", "bidder", "price", "date_time", "extra");
    }
}
