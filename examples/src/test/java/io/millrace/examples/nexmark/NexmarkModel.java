package io.millrace.examples.nexmark;

import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.source.NexmarkGenerator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The NEXMark queries' meaning, computed the plain way over Java objects, apart from the engine: each query's rows
 * as the CSV lines the {@code nexmark} command writes, in the order it writes them. The events come from the
 * generator (checked against its own definition elsewhere); everything after that is worked out here from the
 * queries' definitions and the event-time rules: before event {@code i} the watermark is the largest
 * {@code date_time} before it minus the delay, a window {@code [s, e)} closes once the watermark reaches {@code e},
 * and at the end of input everything closes.
 */
public final class NexmarkModel
{
    record Person(long id, String name, String city, String state, long time)
    {
    }

    record Auction(long id, long time, long expires, long seller, long category, long reserve)
    {
    }

    record Bid(long auction, long bidder, long price, long time, String extra)
    {
    }

    /** One event: exactly one of the three is set. */
    record Event(Person person, Auction auction, Bid bid)
    {
        long time()
        {
            return null != person ? person.time : null != auction ? auction.time : bid.time;
        }
    }

    private static final long WINDOW = 10_000;

    private final List<Event> events;
    private final long delay;

    private NexmarkModel(final List<Event> events, final long delay)
    {
        this.events = events;
        this.delay = delay;
    }

    /**
     * @param seed  of the generator.
     * @param rate  events per event-time second.
     * @param count events.
     * @param delay of the watermark, ms.
     * @return the model over those events.
     */
    public static NexmarkModel of(final long seed, final long rate, final long count, final long delay)
    {
        final NexmarkGenerator generator = new NexmarkGenerator(seed, rate, NexmarkGenerator.START_DEFAULT);
        final Schema schema = NexmarkGenerator.EVENT;
        final RowWriter writer = new RowWriter(schema);
        final RowView row = new RowView();
        final List<Event> events = new ArrayList<>();
        for (long i = 0; i < count; i++)
        {
            final NexmarkGenerator.Kind kind = generator.write(i, writer.reset());
            writer.view(row);
            final long time = schema.longColumn("date_time").get(row);
            events.add(switch (kind)
            {
                case PERSON -> new Event(new Person(schema.longColumn("id").get(row),
                    schema.stringColumn("name").getString(row), schema.stringColumn("city").getString(row),
                    schema.stringColumn("state").getString(row), time), null, null);
                case AUCTION -> new Event(null, new Auction(schema.longColumn("id").get(row), time,
                    schema.longColumn("expires").get(row), schema.longColumn("seller").get(row),
                    schema.longColumn("category").get(row), schema.longColumn("reserve").get(row)), null);
                case BID -> new Event(null, null, new Bid(schema.longColumn("auction").get(row),
                    schema.longColumn("bidder").get(row), schema.longColumn("price").get(row), time,
                    schema.stringColumn("extra").getString(row)));
            });
        }
        return new NexmarkModel(events, delay);
    }

    /**
     * @param query a query's name.
     * @return its rows, as CSV lines.
     */
    public List<String> rows(final String query)
    {
        return switch (query)
        {
            case "q0" -> q0(false);
            case "q1" -> q0(true);
            case "q2" -> q2();
            case "q3" -> q3();
            case "q4" -> q4();
            case "q5" -> q5();
            case "q7" -> q7();
            case "q8" -> q8();
            case "q9" -> lines(q9());
            case "q11" -> q11();
            case "q18" -> q18();
            default -> throw new IllegalArgumentException(query);
        };
    }

    private List<String> q0(final boolean euro)
    {
        final List<String> rows = new ArrayList<>();
        for (final Event event : events)
        {
            if (null != event.bid)
            {
                final Bid b = event.bid;
                rows.add(line(b.auction, b.bidder, euro ? b.price * 908 / 1000 : b.price, b.time, b.extra));
            }
        }
        return rows;
    }

    private List<String> q2()
    {
        final List<String> rows = new ArrayList<>();
        for (final Event event : events)
        {
            if (null != event.bid && event.bid.auction % 123 == 0)
            {
                rows.add(line(event.bid.auction, event.bid.price));
            }
        }
        return rows;
    }

    /** Each (auction, person) pair once, when its second side arrives, with the held side in arrival order. */
    private List<String> q3()
    {
        final List<Auction> auctions = new ArrayList<>();
        final List<Person> persons = new ArrayList<>();
        final List<String> rows = new ArrayList<>();
        for (final Event event : events)
        {
            if (null != event.auction && event.auction.category == 10)
            {
                auctions.add(event.auction);
                for (final Person p : persons)
                {
                    if (p.id == event.auction.seller)
                    {
                        rows.add(line(p.name, p.city, p.state, event.auction.id));
                    }
                }
            }
            else if (null != event.person && Set.of("OR", "ID", "CA").contains(event.person.state))
            {
                persons.add(event.person);
                for (final Auction a : auctions)
                {
                    if (a.seller == event.person.id)
                    {
                        rows.add(line(event.person.name, event.person.city, event.person.state, a.id));
                    }
                }
            }
        }
        return rows;
    }

    private List<String> q4()
    {
        final Map<Long, long[]> categories = new HashMap<>();
        final List<String> rows = new ArrayList<>();
        for (final long[] winner : q9())
        {
            final long[] c = categories.computeIfAbsent(winner[2], k -> new long[3]);
            c[0] += winner[6];
            c[1]++;
            final long average = c[0] / c[1];
            if (c[1] == 1 || average != c[2])
            {
                c[2] = average;
                rows.add(line(winner[2], average));
            }
        }
        return rows;
    }

    /** Counts per sliding window and auction; each window's most-bid auctions, by id, windows in start order. */
    private List<String> q5()
    {
        final long slide = 2_000;
        final TreeMap<Long, Map<Long, Long>> windows = new TreeMap<>();
        final List<String> rows = new ArrayList<>();
        Long max = null;
        for (final Event event : events)
        {
            final long watermark = null == max ? Long.MIN_VALUE : max - delay;
            closeSliding(windows, watermark, rows);
            if (null != event.bid)
            {
                final long t = event.bid.time;
                for (long start = Math.floorDiv(t, slide) * slide; start > t - WINDOW; start -= slide)
                {
                    if (start + WINDOW > watermark)
                    {
                        windows.computeIfAbsent(start, s -> new HashMap<>()).merge(event.bid.auction, 1L, Long::sum);
                    }
                }
            }
            max = null == max ? event.time() : Math.max(max, event.time());
        }
        closeSliding(windows, Long.MAX_VALUE, rows);
        return rows;
    }

    private static void closeSliding(
        final TreeMap<Long, Map<Long, Long>> windows, final long watermark, final List<String> rows)
    {
        while (!windows.isEmpty() && windows.firstKey() + WINDOW <= watermark)
        {
            final Map.Entry<Long, Map<Long, Long>> window = windows.pollFirstEntry();
            final long most = window.getValue().values().stream().mapToLong(Long::longValue).max().orElseThrow();
            new TreeMap<>(window.getValue()).forEach((auction, count) ->
            {
                if (count == most)
                {
                    rows.add(line(window.getKey(), window.getKey() + WINDOW, auction, count));
                }
            });
        }
    }

    /** The highest-priced bids of each tumbling window, ties in arrival order, windows in start order. */
    private List<String> q7()
    {
        final TreeMap<Long, List<Bid>> windows = new TreeMap<>();
        final List<String> rows = new ArrayList<>();
        Long max = null;
        for (final Event event : events)
        {
            final long watermark = null == max ? Long.MIN_VALUE : max - delay;
            closeHighest(windows, watermark, rows);
            if (null != event.bid && windowOf(event.bid.time) + WINDOW > watermark)
            {
                windows.computeIfAbsent(windowOf(event.bid.time), s -> new ArrayList<>()).add(event.bid);
            }
            max = null == max ? event.time() : Math.max(max, event.time());
        }
        closeHighest(windows, Long.MAX_VALUE, rows);
        return rows;
    }

    private static void closeHighest(final TreeMap<Long, List<Bid>> windows, final long watermark,
        final List<String> rows)
    {
        while (!windows.isEmpty() && windows.firstKey() + WINDOW <= watermark)
        {
            final Map.Entry<Long, List<Bid>> window = windows.pollFirstEntry();
            final long highest = window.getValue().stream().mapToLong(Bid::price).max().orElseThrow();
            for (final Bid b : window.getValue())
            {
                if (b.price == highest)
                {
                    rows.add(line(window.getKey(), window.getKey() + WINDOW, b.auction, b.bidder, b.price, b.time));
                }
            }
        }
    }

    /** Persons with an auction as seller in the window they registered in; windows in order, then ids. */
    private List<String> q8()
    {
        final TreeMap<Long, TreeMap<Long, String>> registered = new TreeMap<>();
        final TreeMap<Long, Set<Long>> sellers = new TreeMap<>();
        final List<String> rows = new ArrayList<>();
        Long max = null;
        for (final Event event : events)
        {
            final long watermark = null == max ? Long.MIN_VALUE : max - delay;
            closeNewUsers(registered, sellers, watermark, rows);
            final long window = windowOf(event.time());
            if (window + WINDOW > watermark)
            {
                if (null != event.person)
                {
                    registered.computeIfAbsent(window, w -> new TreeMap<>()).put(event.person.id, event.person.name);
                }
                else if (null != event.auction)
                {
                    sellers.computeIfAbsent(window, w -> new TreeSet<>()).add(event.auction.seller);
                }
            }
            max = null == max ? event.time() : Math.max(max, event.time());
        }
        closeNewUsers(registered, sellers, Long.MAX_VALUE, rows);
        return rows;
    }

    private static void closeNewUsers(final TreeMap<Long, TreeMap<Long, String>> registered,
        final TreeMap<Long, Set<Long>> sellers, final long watermark, final List<String> rows)
    {
        while (!registered.isEmpty() && registered.firstKey() + WINDOW <= watermark)
        {
            final Map.Entry<Long, TreeMap<Long, String>> window = registered.pollFirstEntry();
            final Set<Long> sold = sellers.getOrDefault(window.getKey(), Set.of());
            window.getValue().forEach((id, name) ->
            {
                if (sold.contains(id))
                {
                    rows.add(line(id, name, window.getKey()));
                }
            });
        }
    }

    /**
     * Winning bids, as {id, seller, category, reserve, expires, bidder, price, bid_time}, in the order written:
     * auctions close when the watermark passes their expiry, those closing together by expiry, then id.
     */
    List<long[]> q9()
    {
        final Map<Long, Auction> open = new HashMap<>();
        final Map<Long, long[]> best = new HashMap<>();
        final Map<Long, List<Bid>> early = new HashMap<>();
        final TreeSet<Auction> closing = new TreeSet<>(Comparator.comparingLong(Auction::expires)
            .thenComparingLong(Auction::id));
        final List<long[]> rows = new ArrayList<>();
        Long max = null;
        for (final Event event : events)
        {
            final long watermark = null == max ? Long.MIN_VALUE : max - delay;
            closeAuctions(closing, open, best, watermark, rows);
            if (null != event.auction)
            {
                final Auction a = event.auction;
                open.put(a.id, a);
                closing.add(a);
                for (final Bid b : early.getOrDefault(a.id, List.of()))
                {
                    // A bid the watermark has passed can no longer match an auction arriving now.
                    if (b.time >= watermark)
                    {
                        offer(a, b, best);
                    }
                }
                early.remove(a.id);
            }
            else if (null != event.bid)
            {
                final Auction a = open.get(event.bid.auction);
                if (null != a)
                {
                    offer(a, event.bid, best);
                }
                else
                {
                    early.computeIfAbsent(event.bid.auction, k -> new ArrayList<>()).add(event.bid);
                }
            }
            max = null == max ? event.time() : Math.max(max, event.time());
        }
        closeAuctions(closing, open, best, Long.MAX_VALUE, rows);
        return rows;
    }

    private static void offer(final Auction a, final Bid b, final Map<Long, long[]> best)
    {
        if (b.time < a.time || b.time > a.expires)
        {
            return;
        }
        final long[] held = best.get(a.id);
        if (null == held || b.price > held[0] || (b.price == held[0] && b.time < held[2]))
        {
            best.put(a.id, new long[] {b.price, b.bidder, b.time});
        }
    }

    private static void closeAuctions(final TreeSet<Auction> closing, final Map<Long, Auction> open,
        final Map<Long, long[]> best, final long watermark, final List<long[]> rows)
    {
        while (!closing.isEmpty() && closing.first().expires < watermark)
        {
            final Auction a = closing.pollFirst();
            open.remove(a.id);
            final long[] winner = best.remove(a.id);
            if (null != winner)
            {
                rows.add(new long[] {a.id, a.seller, a.category, a.reserve, a.expires, winner[1], winner[0],
                    winner[2]});
            }
        }
    }

    /**
     * Sessions per bidder (a bid at t opens [t, t + gap) and merges with the open session it overlaps), sorted:
     * the order sessions closing together are written in is not part of q11's meaning.
     */
    private List<String> q11()
    {
        final long gap = 10_000;
        final Map<Long, long[]> open = new LinkedHashMap<>();
        final List<String> rows = new ArrayList<>();
        for (final Event event : events)
        {
            if (null == event.bid)
            {
                continue;
            }
            final long[] session = open.get(event.bid.bidder);
            if (null != session && event.bid.time < session[1])
            {
                session[1] = Math.max(session[1], event.bid.time + gap);
                session[2]++;
            }
            else
            {
                if (null != session)
                {
                    rows.add(line(event.bid.bidder, session[2], session[0], session[1]));
                }
                open.put(event.bid.bidder, new long[] {event.bid.time, event.bid.time + gap, 1});
            }
        }
        open.forEach((bidder, session) -> rows.add(line(bidder, session[2], session[0], session[1])));
        rows.sort(null);
        return rows;
    }

    /** Each (bidder, auction) pair's latest bid, written when its values change, in arrival order. */
    private List<String> q18()
    {
        final Map<List<Long>, Bid> latest = new HashMap<>();
        final List<String> rows = new ArrayList<>();
        for (final Event event : events)
        {
            if (null == event.bid)
            {
                continue;
            }
            final Bid b = event.bid;
            final Bid held = latest.get(List.of(b.bidder, b.auction));
            if (null == held || b.time >= held.time)
            {
                latest.put(List.of(b.bidder, b.auction), b);
                if (null == held || held.price != b.price || held.time != b.time)
                {
                    rows.add(line(b.auction, b.bidder, b.price, b.time));
                }
            }
        }
        return rows;
    }

    private static long windowOf(final long time)
    {
        return Math.floorDiv(time, WINDOW) * WINDOW;
    }

    private static List<String> lines(final List<long[]> rows)
    {
        final List<String> lines = new ArrayList<>(rows.size());
        for (final long[] row : rows)
        {
            final Object[] values = new Object[row.length];
            for (int i = 0; i < row.length; i++)
            {
                values[i] = row[i];
            }
            lines.add(line(values));
        }
        return lines;
    }

    private static String line(final Object... values)
    {
        final StringBuilder line = new StringBuilder();
        for (final Object value : values)
        {
            if (line.length() > 0)
            {
                line.append(',');
            }
            line.append(Objects.toString(value));
        }
        return line.toString();
    }
}
