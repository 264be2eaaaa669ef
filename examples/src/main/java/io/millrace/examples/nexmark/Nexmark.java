package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.function.RowPredicate;
import io.millrace.row.IntColumn;
import io.millrace.row.RowView;
import io.millrace.source.NexmarkGenerator;

import java.time.Duration;
import java.util.List;

/**
 * The streams the NEXMark queries start from: every event of a {@link NexmarkGenerator} source, read once, with a
 * watermark on {@code date_time}, and the persons, auctions or bids among them (a filter on the {@code kind} column
 * and a select of the kind's columns). Each query reads the one events stream, so a query over two kinds (q3, q8,
 * q9) reads its input once and splits it.
 */
public final class Nexmark
{
    /** The event-time column of every kind, the watermark's. */
    public static final String TIME = "date_time";
    /** Size of the queries' tumbling windows, and of q5's sliding ones. */
    public static final long WINDOW_MS = 10_000;

    private static final IntColumn KIND = NexmarkGenerator.EVENT.intColumn(NexmarkGenerator.KIND_COLUMN);

    private Nexmark()
    {
    }

    /**
     * @param input     stream of NEXMark events, rows of {@link NexmarkGenerator#EVENT}: e.g.
     *                  {@code Millrace.readStream(new NexmarkSource(generator, count))}.
     * @param watermark how far the watermark trails the largest {@code date_time} seen.
     * @return every event, with the watermark.
     */
    public static Stream events(final Stream input, final Duration watermark)
    {
        return input.withWatermark(TIME, watermark);
    }

    /**
     * @param events  the events stream.
     * @param columns of a person to keep; none for all of {@link NexmarkGenerator#PERSON_COLUMNS}.
     * @return the persons.
     */
    public static Stream persons(final Stream events, final String... columns)
    {
        return of(events, NexmarkGenerator.Kind.PERSON, NexmarkGenerator.PERSON_COLUMNS, columns);
    }

    /**
     * @param events  the events stream.
     * @param columns of an auction to keep; none for all of {@link NexmarkGenerator#AUCTION_COLUMNS}.
     * @return the auctions.
     */
    public static Stream auctions(final Stream events, final String... columns)
    {
        return of(events, NexmarkGenerator.Kind.AUCTION, NexmarkGenerator.AUCTION_COLUMNS, columns);
    }

    /**
     * @param events  the events stream.
     * @param columns of a bid to keep; none for all of {@link NexmarkGenerator#BID_COLUMNS}.
     * @return the bids.
     */
    public static Stream bids(final Stream events, final String... columns)
    {
        return of(events, NexmarkGenerator.Kind.BID, NexmarkGenerator.BID_COLUMNS, columns);
    }

    /**
     * @param row  an event row.
     * @param kind of event.
     * @return whether the event is of that kind.
     */
    public static boolean is(final RowView row, final NexmarkGenerator.Kind kind)
    {
        return KIND.get(row) == kind.code();
    }

    /**
     * @param time an event time, epoch ms.
     * @return the start of the 10 s tumbling window holding it.
     */
    public static long windowStart(final long time)
    {
        return Math.floorDiv(time, WINDOW_MS) * WINDOW_MS;
    }

    private static Stream of(
        final Stream events, final NexmarkGenerator.Kind kind, final List<String> all, final String... columns)
    {
        final RowPredicate isKind = row -> is(row, kind);
        return events.filter(isKind).select(0 == columns.length ? all.toArray(new String[0]) : columns);
    }
}
