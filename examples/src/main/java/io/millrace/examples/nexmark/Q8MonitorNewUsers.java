package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.source.NexmarkGenerator;
import org.agrona.MutableDirectBuffer;

/**
 * NEXMark q8, monitor new users: the persons who registered and created an auction as its seller in the same
 * tumbling 10 s window, as {@code id, name, window_start}, once per person, when the window closes (in order of
 * {@code id}). Persons and auctions become rows of one schema keyed by the person's id (an auction's seller); a
 * process function notes in which window the person registered and whether an auction of theirs fell in it. An
 * auction may come before its seller registers (a seller can be one of the next persons), so the window of the
 * seller's latest auction is kept until that window closes.
 */
public final class Q8MonitorNewUsers
{
    /** Rows of q8. */
    public static final Schema OUTPUT =
        Schema.builder().longColumn("id").stringColumn("name", 32).timestampColumn("window_start").build();

    /** Persons and the sellers of auctions as one stream, keyed by {@code id}, the person's. */
    static final Schema INPUT = Schema.builder().longColumn("id").intColumn("kind").stringColumn("name", 32)
        .timestampColumn("date_time").build();

    private Q8MonitorNewUsers()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the new users who sold at once.
     */
    public static Stream plan(final Stream events)
    {
        final Schema event = NexmarkGenerator.EVENT;
        final LongColumn eventId = event.longColumn("id");
        final LongColumn eventSeller = event.longColumn("seller");
        final StringColumn eventName = event.stringColumn("name");
        final LongColumn eventTime = event.longColumn("date_time");
        final IntColumn eventKind = event.intColumn(NexmarkGenerator.KIND_COLUMN);
        final LongColumn id = INPUT.longColumn("id");
        final IntColumn kind = INPUT.intColumn("kind");
        final StringColumn name = INPUT.stringColumn("name");
        final LongColumn time = INPUT.longColumn("date_time");
        return events
            .filter(row -> !Nexmark.is(row, NexmarkGenerator.Kind.BID))
            .map(INPUT, (in, out) ->
            {
                out.putInt(kind, eventKind.get(in)).putLong(time, eventTime.get(in));
                if (Nexmark.is(in, NexmarkGenerator.Kind.PERSON))
                {
                    out.putLong(id, eventId.get(in));
                    eventName.copy(in, out, name);
                }
                else
                {
                    out.putLong(id, eventSeller.get(in));
                }
            })
            .keyBy("id")
            .process(OUTPUT, SameWindowSeller::new);
    }

    /**
     * Per person: the window they registered in and their name, whether an auction of theirs fell in that window,
     * and the window of their latest auction before they registered.
     */
    static final class SameWindowSeller implements KeyedProcessFunction
    {
        private static final int REGISTERED = 0;
        private static final int SOLD = 4;
        private static final int PERSON_WINDOW = 8;
        private static final int HAS_AUCTION = 16;
        private static final int AUCTION_WINDOW = 24;
        private static final int ID = 32;
        private static final int NAME_LENGTH = 40;
        private static final int NAME = 44;
        private static final int NAME_BYTES = 32;

        private LongColumn id;
        private IntColumn kind;
        private StringColumn name;
        private LongColumn time;
        private LongColumn outId;
        private StringColumn outName;
        private LongColumn outStart;

        @Override
        public void open(final Schema input, final Schema output)
        {
            id = input.longColumn("id");
            kind = input.intColumn("kind");
            name = input.stringColumn("name");
            time = input.longColumn("date_time");
            outId = output.longColumn("id");
            outName = output.stringColumn("name");
            outStart = output.longColumn("window_start");
        }

        @Override
        public int stateBytes()
        {
            return NAME + NAME_BYTES;
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final long window = Nexmark.windowStart(time.get(row));
            if (window + Nexmark.WINDOW_MS <= context.watermark())
            {
                return; // the window has closed: a late event
            }
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final boolean registered = state.getInt(at + REGISTERED) == 1;
            if (kind.get(row) == NexmarkGenerator.Kind.PERSON.code())
            {
                final int length = Math.min(name.length(row), NAME_BYTES);
                state.putInt(at + REGISTERED, 1);
                state.putLong(at + PERSON_WINDOW, window);
                state.putLong(at + ID, id.get(row));
                state.putInt(at + NAME_LENGTH, length);
                state.putBytes(at + NAME, row.buffer(), name.bytesOffset(row), length);
                if (state.getInt(at + HAS_AUCTION) == 1 && state.getLong(at + AUCTION_WINDOW) == window)
                {
                    state.putInt(at + SOLD, 1);
                }
                context.registerTimer(window + Nexmark.WINDOW_MS);
            }
            else if (registered)
            {
                if (window == state.getLong(at + PERSON_WINDOW))
                {
                    state.putInt(at + SOLD, 1);
                }
            }
            else
            {
                state.putInt(at + HAS_AUCTION, 1);
                state.putLong(at + AUCTION_WINDOW, window);
                context.registerTimer(window + Nexmark.WINDOW_MS);
            }
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            if (state.getInt(at + REGISTERED) == 1)
            {
                if (timer == state.getLong(at + PERSON_WINDOW) + Nexmark.WINDOW_MS)
                {
                    if (state.getInt(at + SOLD) == 1)
                    {
                        context.row().putLong(outId, state.getLong(at + ID))
                            .putString(outName, state, at + NAME, state.getInt(at + NAME_LENGTH))
                            .putLong(outStart, state.getLong(at + PERSON_WINDOW));
                        context.emit();
                    }
                    // The person's window is over: no later auction can count.
                    context.clearState();
                }
            }
            else if (timer == state.getLong(at + AUCTION_WINDOW) + Nexmark.WINDOW_MS)
            {
                context.clearState();
            }
        }
    }
}
