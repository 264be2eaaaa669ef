package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.source.NexmarkGenerator;
import org.agrona.MutableDirectBuffer;

/**
 * NEXMark q7, highest bid: in each tumbling 10 s window, the bid(s) with the highest price, as
 * {@code window_start, window_end, auction, bidder, price, date_time}, every bid that ties in arrival order, when the
 * window closes. Each bid is given its window's bounds by a map, then a process function keyed by the window's
 * start keeps the highest price and the bids that have it until the window closes ({@code W >= window_end}).
 */
public final class Q7HighestBid
{
    /** Rows of q7, and the rows its process function reads. */
    public static final Schema OUTPUT = Schema.builder().timestampColumn("window_start").timestampColumn("window_end")
        .longColumn("auction").longColumn("bidder").longColumn("price").timestampColumn("date_time").build();

    private Q7HighestBid()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the highest bids of each window.
     */
    public static Stream plan(final Stream events)
    {
        final LongColumn auction = NexmarkGenerator.EVENT.longColumn("auction");
        final LongColumn bidder = NexmarkGenerator.EVENT.longColumn("bidder");
        final LongColumn price = NexmarkGenerator.EVENT.longColumn("price");
        final LongColumn time = NexmarkGenerator.EVENT.longColumn("date_time");
        final LongColumn outStart = OUTPUT.longColumn("window_start");
        final LongColumn outEnd = OUTPUT.longColumn("window_end");
        final LongColumn outAuction = OUTPUT.longColumn("auction");
        final LongColumn outBidder = OUTPUT.longColumn("bidder");
        final LongColumn outPrice = OUTPUT.longColumn("price");
        final LongColumn outTime = OUTPUT.longColumn("date_time");
        return events
            .filter(row -> Nexmark.is(row, NexmarkGenerator.Kind.BID))
            .map(OUTPUT, (in, out) ->
            {
                final long start = Nexmark.windowStart(time.get(in));
                out.putLong(outStart, start).putLong(outEnd, start + Nexmark.WINDOW_MS)
                    .putLong(outAuction, auction.get(in)).putLong(outBidder, bidder.get(in))
                    .putLong(outPrice, price.get(in)).putLong(outTime, time.get(in));
            })
            .keyBy("window_start")
            .process(OUTPUT, HighestBids::new);
    }

    /**
     * Per window: the highest price so far and, in its list, the bids that have it.
     */
    static final class HighestBids implements KeyedProcessFunction
    {
        private static final int HIGHEST = 0;
        private static final int STATE_BYTES = 8;
        private static final int AUCTION = 0;
        private static final int BIDDER = 8;
        private static final int PRICE = 16;
        private static final int TIME = 24;
        private static final int ENTRY_BYTES = 32;

        private LongColumn end;
        private LongColumn auction;
        private LongColumn bidder;
        private LongColumn price;
        private LongColumn time;
        private LongColumn outStart;
        private LongColumn outEnd;
        private LongColumn outAuction;
        private LongColumn outBidder;
        private LongColumn outPrice;
        private LongColumn outTime;

        @Override
        public void open(final Schema input, final Schema output)
        {
            end = input.longColumn("window_end");
            auction = input.longColumn("auction");
            bidder = input.longColumn("bidder");
            price = input.longColumn("price");
            time = input.longColumn("date_time");
            outStart = output.longColumn("window_start");
            outEnd = output.longColumn("window_end");
            outAuction = output.longColumn("auction");
            outBidder = output.longColumn("bidder");
            outPrice = output.longColumn("price");
            outTime = output.longColumn("date_time");
        }

        @Override
        public int stateBytes()
        {
            return STATE_BYTES;
        }

        @Override
        public int listEntryBytes()
        {
            return ENTRY_BYTES;
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long bid = price.get(row);
            if (end.get(row) <= context.watermark())
            {
                return; // the window has closed: a late bid
            }
            if (context.listSize() > 0 && bid < state.getLong(at + HIGHEST))
            {
                return;
            }
            if (context.listSize() == 0 || bid > state.getLong(at + HIGHEST))
            {
                context.clearList();
                state.putLong(at + HIGHEST, bid);
                context.registerTimer(end.get(row));
            }
            final int entry = context.listAppend();
            final MutableDirectBuffer list = context.listBuffer();
            final int e = context.listOffset(entry);
            list.putLong(e + AUCTION, auction.get(row));
            list.putLong(e + BIDDER, bidder.get(row));
            list.putLong(e + PRICE, bid);
            list.putLong(e + TIME, time.get(row));
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            for (int entry = context.listFirst(); entry >= 0; entry = context.listNext(entry))
            {
                final MutableDirectBuffer list = context.listBuffer();
                final int e = context.listOffset(entry);
                context.row().putLong(outStart, timer - Nexmark.WINDOW_MS).putLong(outEnd, timer)
                    .putLong(outAuction, list.getLong(e + AUCTION)).putLong(outBidder, list.getLong(e + BIDDER))
                    .putLong(outPrice, list.getLong(e + PRICE)).putLong(outTime, list.getLong(e + TIME));
                context.emit();
            }
            context.clearState();
        }
    }
}
