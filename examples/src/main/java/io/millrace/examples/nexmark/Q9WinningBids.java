package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.source.NexmarkGenerator;
import org.agrona.MutableDirectBuffer;

/**
 * NEXMark q9, winning bids: for each auction, its winning bid, the highest-priced bid with
 * {@code auction.date_time <= bid.date_time <= expires} (ties: the earliest bid, then the first to arrive), as
 * {@code id, seller, category, reserve, expires, bidder, price, bid_time}, written when the auction closes, that is
 * when the watermark passes {@code expires}. Auctions without a matching bid write nothing.
 * <p>
 * Auctions and bids become rows of one schema keyed by the auction's id, and a keyed process function holds, per
 * auction, the auction and its best bid so far. A bid may arrive before its auction (a bid can name one of the next
 * auctions, in the same millisecond): it waits in the key's list until the auction comes, or until the watermark
 * passes its time, after which no auction that can match it can arrive. The close is an event-time timer at
 * {@code expires + 1}; timers of one time fire in the order of their keys, so auctions closing together are written
 * in order of {@code expires}, then {@code id}.
 */
public final class Q9WinningBids
{
    /** Rows of q9. */
    public static final Schema OUTPUT = Schema.builder().longColumn("id").longColumn("seller").longColumn("category")
        .longColumn("reserve").timestampColumn("expires").longColumn("bidder").longColumn("price")
        .timestampColumn("bid_time").build();

    /** Auctions and bids as one stream, keyed by {@code id}, the auction's. */
    static final Schema INPUT = Schema.builder().longColumn("id").intColumn("kind").timestampColumn("date_time")
        .timestampColumn("expires").longColumn("seller").longColumn("category").longColumn("reserve")
        .longColumn("bidder").longColumn("price").build();

    private static final Schema EVENT = NexmarkGenerator.EVENT;

    private Q9WinningBids()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the winning bids.
     */
    public static Stream plan(final Stream events)
    {
        final LongColumn eventId = EVENT.longColumn("id");
        final LongColumn eventAuction = EVENT.longColumn("auction");
        final LongColumn eventTime = EVENT.longColumn("date_time");
        final LongColumn eventExpires = EVENT.longColumn("expires");
        final LongColumn eventSeller = EVENT.longColumn("seller");
        final LongColumn eventCategory = EVENT.longColumn("category");
        final LongColumn eventReserve = EVENT.longColumn("reserve");
        final LongColumn eventBidder = EVENT.longColumn("bidder");
        final LongColumn eventPrice = EVENT.longColumn("price");
        final LongColumn id = INPUT.longColumn("id");
        final IntColumn kind = INPUT.intColumn("kind");
        final LongColumn time = INPUT.longColumn("date_time");
        final LongColumn expires = INPUT.longColumn("expires");
        final LongColumn seller = INPUT.longColumn("seller");
        final LongColumn category = INPUT.longColumn("category");
        final LongColumn reserve = INPUT.longColumn("reserve");
        final LongColumn bidder = INPUT.longColumn("bidder");
        final LongColumn price = INPUT.longColumn("price");
        return events
            .filter(row -> !Nexmark.is(row, NexmarkGenerator.Kind.PERSON))
            .map(INPUT, (in, out) ->
            {
                out.putLong(time, eventTime.get(in));
                if (Nexmark.is(in, NexmarkGenerator.Kind.AUCTION))
                {
                    out.putInt(kind, NexmarkGenerator.Kind.AUCTION.code()).putLong(id, eventId.get(in))
                        .putLong(expires, eventExpires.get(in)).putLong(seller, eventSeller.get(in))
                        .putLong(category, eventCategory.get(in)).putLong(reserve, eventReserve.get(in));
                }
                else
                {
                    out.putInt(kind, NexmarkGenerator.Kind.BID.code()).putLong(id, eventAuction.get(in))
                        .putLong(bidder, eventBidder.get(in)).putLong(price, eventPrice.get(in));
                }
            })
            .keyBy("id")
            .process(OUTPUT, WinningBid::new);
    }

    /**
     * Per auction: the auction (once it has arrived), its best bid so far, and the bids that came before it.
     */
    static final class WinningBid implements KeyedProcessFunction
    {
        private static final int HAS_AUCTION = 0;
        private static final int HAS_BEST = 4;
        private static final int START = 8;
        private static final int EXPIRES = 16;
        private static final int SELLER = 24;
        private static final int CATEGORY = 32;
        private static final int RESERVE = 40;
        private static final int BEST_PRICE = 48;
        private static final int BEST_BIDDER = 56;
        private static final int BEST_TIME = 64;
        private static final int LATEST_WAITING = 72;
        private static final int ID = 80;
        private static final int STATE_BYTES = 88;
        private static final int WAITING_BIDDER = 0;
        private static final int WAITING_PRICE = 8;
        private static final int WAITING_TIME = 16;
        private static final int WAITING_BYTES = 24;

        private LongColumn id;
        private IntColumn kind;
        private LongColumn time;
        private LongColumn expires;
        private LongColumn seller;
        private LongColumn category;
        private LongColumn reserve;
        private LongColumn bidder;
        private LongColumn price;
        private LongColumn outId;
        private LongColumn outSeller;
        private LongColumn outCategory;
        private LongColumn outReserve;
        private LongColumn outExpires;
        private LongColumn outBidder;
        private LongColumn outPrice;
        private LongColumn outBidTime;

        @Override
        public void open(final Schema input, final Schema output)
        {
            id = input.longColumn("id");
            kind = input.intColumn("kind");
            time = input.longColumn("date_time");
            expires = input.longColumn("expires");
            seller = input.longColumn("seller");
            category = input.longColumn("category");
            reserve = input.longColumn("reserve");
            bidder = input.longColumn("bidder");
            price = input.longColumn("price");
            outId = output.longColumn("id");
            outSeller = output.longColumn("seller");
            outCategory = output.longColumn("category");
            outReserve = output.longColumn("reserve");
            outExpires = output.longColumn("expires");
            outBidder = output.longColumn("bidder");
            outPrice = output.longColumn("price");
            outBidTime = output.longColumn("bid_time");
        }

        @Override
        public int stateBytes()
        {
            return STATE_BYTES;
        }

        @Override
        public int listEntryBytes()
        {
            return WAITING_BYTES;
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            if (kind.get(row) == NexmarkGenerator.Kind.AUCTION.code())
            {
                state.putInt(at + HAS_AUCTION, 1);
                state.putLong(at + ID, id.get(row));
                state.putLong(at + START, time.get(row));
                state.putLong(at + EXPIRES, expires.get(row));
                state.putLong(at + SELLER, seller.get(row));
                state.putLong(at + CATEGORY, category.get(row));
                state.putLong(at + RESERVE, reserve.get(row));
                // Bids that came first, in arrival order; those the watermark has passed can no longer match.
                final long watermark = context.watermark();
                for (int entry = context.listFirst(); entry >= 0; entry = context.listNext(entry))
                {
                    final MutableDirectBuffer list = context.listBuffer();
                    final int e = context.listOffset(entry);
                    final long bidTime = list.getLong(e + WAITING_TIME);
                    if (bidTime >= watermark)
                    {
                        offer(state, at, list.getLong(e + WAITING_PRICE), list.getLong(e + WAITING_BIDDER), bidTime);
                    }
                }
                context.clearList();
                context.registerTimer(expires.get(row) + 1);
            }
            else if (state.getInt(at + HAS_AUCTION) == 1)
            {
                offer(state, at, price.get(row), bidder.get(row), time.get(row));
            }
            else
            {
                final int entry = context.listAppend();
                final MutableDirectBuffer list = context.listBuffer();
                final int e = context.listOffset(entry);
                list.putLong(e + WAITING_BIDDER, bidder.get(row));
                list.putLong(e + WAITING_PRICE, price.get(row));
                list.putLong(e + WAITING_TIME, time.get(row));
                state.putLong(at + LATEST_WAITING, time.get(row));
                context.registerTimer(time.get(row) + 1);
            }
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            if (state.getInt(at + HAS_AUCTION) == 1)
            {
                if (timer == state.getLong(at + EXPIRES) + 1)
                {
                    if (state.getInt(at + HAS_BEST) == 1)
                    {
                        context.row().putLong(outId, state.getLong(at + ID))
                            .putLong(outSeller, state.getLong(at + SELLER))
                            .putLong(outCategory, state.getLong(at + CATEGORY))
                            .putLong(outReserve, state.getLong(at + RESERVE))
                            .putLong(outExpires, state.getLong(at + EXPIRES))
                            .putLong(outBidder, state.getLong(at + BEST_BIDDER))
                            .putLong(outPrice, state.getLong(at + BEST_PRICE))
                            .putLong(outBidTime, state.getLong(at + BEST_TIME));
                        context.emit();
                    }
                    context.clearState();
                }
            }
            else if (timer > state.getLong(at + LATEST_WAITING))
            {
                // The watermark has passed every waiting bid: no auction that could match one can come now.
                context.clearState();
            }
        }

        /** Keeps the bid if it is in the auction's interval and beats the best so far. */
        private static void offer(
            final MutableDirectBuffer state, final int at, final long bidPrice, final long bidBidder, final long bidTime)
        {
            if (bidTime < state.getLong(at + START) || bidTime > state.getLong(at + EXPIRES))
            {
                return;
            }
            if (state.getInt(at + HAS_BEST) == 0 || bidPrice > state.getLong(at + BEST_PRICE) ||
                (bidPrice == state.getLong(at + BEST_PRICE) && bidTime < state.getLong(at + BEST_TIME)))
            {
                state.putInt(at + HAS_BEST, 1);
                state.putLong(at + BEST_PRICE, bidPrice);
                state.putLong(at + BEST_BIDDER, bidBidder);
                state.putLong(at + BEST_TIME, bidTime);
            }
        }
    }
}
