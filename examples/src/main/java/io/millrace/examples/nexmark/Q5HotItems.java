package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.Window;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import org.agrona.MutableDirectBuffer;

import java.time.Duration;
import java.util.Arrays;

/**
 * NEXMark q5, hot items: in sliding windows of 10 s every 2 s, the auction(s) with the most bids, as
 * {@code window_start, window_end, auction, count}, every auction that ties, in order of auction id, when the window
 * closes. Two stateful stages: a sliding count per (window, auction), whose rows come out when their window closes,
 * then per window the largest count, kept by a process function until the watermark, which the count passes on
 * as the start of the first window still open, moves past the window's start.
 */
public final class Q5HotItems
{
    /** Rows of q5. */
    public static final Schema OUTPUT = Schema.builder().timestampColumn("window_start").timestampColumn("window_end")
        .longColumn("auction").longColumn("count").build();
    /** Slide of q5's windows. */
    public static final long SLIDE_MS = 2_000;

    private Q5HotItems()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the hot items of each window.
     */
    public static Stream plan(final Stream events)
    {
        return Nexmark.bids(events, "auction", Nexmark.TIME)
            .groupBy(Window.window(Nexmark.TIME, Duration.ofMillis(Nexmark.WINDOW_MS), Duration.ofMillis(SLIDE_MS)),
                "auction")
            .count()
            .keyBy("window_start")
            .process(OUTPUT, MostBids::new);
    }

    /**
     * Per window: the largest count so far and the auctions that have it.
     */
    static final class MostBids implements KeyedProcessFunction
    {
        private static final int MOST = 0;
        private static final int END = 8;
        private static final int STATE_BYTES = 16;

        private LongColumn start;
        private LongColumn end;
        private LongColumn auction;
        private LongColumn count;
        private LongColumn outStart;
        private LongColumn outEnd;
        private LongColumn outAuction;
        private LongColumn outCount;
        private long[] tied = new long[16];

        @Override
        public void open(final Schema input, final Schema output)
        {
            start = input.longColumn("window_start");
            end = input.longColumn("window_end");
            auction = input.longColumn("auction");
            count = input.longColumn("count");
            outStart = output.longColumn("window_start");
            outEnd = output.longColumn("window_end");
            outAuction = output.longColumn("auction");
            outCount = output.longColumn("count");
        }

        @Override
        public int stateBytes()
        {
            return STATE_BYTES;
        }

        @Override
        public int listEntryBytes()
        {
            return Long.BYTES;
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long bids = count.get(row);
            final long most = state.getLong(at + MOST);
            if (bids < most)
            {
                return;
            }
            if (bids > most)
            {
                context.clearList();
                state.putLong(at + MOST, bids);
                state.putLong(at + END, end.get(row));
                // The window's counts all come before the watermark passes its start.
                context.registerTimer(start.get(row) + 1);
            }
            final int entry = context.listAppend();
            context.listBuffer().putLong(context.listOffset(entry), auction.get(row));
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            int n = 0;
            for (int entry = context.listFirst(); entry >= 0; entry = context.listNext(entry))
            {
                if (n == tied.length)
                {
                    tied = Arrays.copyOf(tied, 2 * n);
                }
                tied[n++] = context.listBuffer().getLong(context.listOffset(entry));
            }
            Arrays.sort(tied, 0, n);
            for (int i = 0; i < n; i++)
            {
                context.row().putLong(outStart, timer - 1).putLong(outEnd, state.getLong(at + END))
                    .putLong(outAuction, tied[i]).putLong(outCount, state.getLong(at + MOST));
                context.emit();
            }
            context.clearState();
        }
    }
}
