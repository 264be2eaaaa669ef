package io.millrace.source;

import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The NEXMark auction events (persons, auctions, bids) as a pure function of {@code (seed, i)}, as the project's
 * command-line documentation defines them ("The NEXMark generator"): event {@code i} is the same in every run,
 * replay and implementation. {@link #kind(long)} says what event {@code i} is, and
 * {@link #write(long, RowWriter)} writes it into a row of {@link #EVENT}, allocating nothing. Not thread-safe: one
 * instance per thread.
 * <p>
 * The three kinds share one schema, {@link #EVENT}: a {@code kind} column, then the union of the kinds' columns,
 * where a name two kinds have ({@code id}, {@code date_time}, {@code extra}) is one column. An event sets the
 * columns of its kind and leaves the others at their zero value. So one source, read once, feeds every kind, and a
 * query takes a kind's rows with a filter on {@code kind} and a select of {@link #PERSON_COLUMNS},
 * {@link #AUCTION_COLUMNS} or {@link #BID_COLUMNS}, which reads only the bytes that kind wrote.
 */
public final class NexmarkGenerator
{
    /** The kinds of event, with the code the {@code kind} column holds. */
    public enum Kind
    {
        /** A new user: 1 event in 50; code 0. */
        PERSON,
        /** An item put up for sale: 3 events in 50; code 1. */
        AUCTION,
        /** A bid on an auction: 46 events in 50; code 2. */
        BID;

        /**
         * @return the value of the {@code kind} column for this kind: its ordinal.
         */
        public int code()
        {
            return ordinal();
        }
    }

    /** Default seed. */
    public static final long SEED_DEFAULT = 42;
    /** Default events per event-time second. */
    public static final long RATE_DEFAULT = 1_000_000;
    /** Default event time of event 0, epoch ms. */
    public static final long START_DEFAULT = 1_700_000_000_000L;

    /** Name of the INT column holding the event's {@link Kind#code()}. */
    public static final String KIND_COLUMN = "kind";
    /** Every event: {@code kind}, then the columns of persons, auctions and bids, shared names once. */
    public static final Schema EVENT = Schema.builder().intColumn(KIND_COLUMN)
        .longColumn("id").stringColumn("name", 32).stringColumn("email", 32).stringColumn("credit_card", 19)
        .stringColumn("city", 16).stringColumn("state", 2)
        .stringColumn("item_name", 12).stringColumn("description", 25).longColumn("initial_bid").longColumn("reserve")
        .timestampColumn("expires").longColumn("seller").longColumn("category")
        .longColumn("auction").longColumn("bidder").longColumn("price").stringColumn("channel", 12)
        .stringColumn("url", 64)
        .timestampColumn("date_time").stringColumn("extra", 200).build();
    /** A person's columns, in order. */
    public static final List<String> PERSON_COLUMNS =
        List.of("id", "name", "email", "credit_card", "city", "state", "date_time", "extra");
    /** An auction's columns, in order. */
    public static final List<String> AUCTION_COLUMNS = List.of("id", "item_name", "description", "initial_bid",
        "reserve", "date_time", "expires", "seller", "category", "extra");
    /** A bid's columns, in order. */
    public static final List<String> BID_COLUMNS =
        List.of("auction", "bidder", "price", "channel", "url", "date_time", "extra");

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final int DRAWS = 16;
    private static final String[] FIRST = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie",
        "Sarah", "Deiter", "Walter"};
    private static final String[] LAST = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith",
        "Jones", "Noris"};
    private static final String[] CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend",
        "Redmond", "Seattle", "Kent", "Cheyenne"};
    private static final String[] STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
    private static final String[] HOT = {"Google", "Facebook", "Baidu", "Apple"};
    private static final UnsafeBuffer[] HOT_URLS = {
        ascii("https://www.nexmark.com/google/item.htm?query=1"),
        ascii("https://www.nexmark.com/facebook/item.htm?query=1"),
        ascii("https://www.nexmark.com/baidu/item.htm?query=1"),
        ascii("https://www.nexmark.com/apple/item.htm?query=1")};

    private static final IntColumn KIND = EVENT.intColumn(KIND_COLUMN);
    private static final LongColumn ID = EVENT.longColumn("id");
    private static final LongColumn TIME = EVENT.longColumn("date_time");
    private static final StringColumn EXTRA = EVENT.stringColumn("extra");
    private static final StringColumn PERSON_NAME = EVENT.stringColumn("name");
    private static final StringColumn PERSON_EMAIL = EVENT.stringColumn("email");
    private static final StringColumn PERSON_CARD = EVENT.stringColumn("credit_card");
    private static final StringColumn PERSON_CITY = EVENT.stringColumn("city");
    private static final StringColumn PERSON_STATE = EVENT.stringColumn("state");
    private static final StringColumn AUCTION_ITEM = EVENT.stringColumn("item_name");
    private static final StringColumn AUCTION_DESCRIPTION = EVENT.stringColumn("description");
    private static final LongColumn AUCTION_INITIAL_BID = EVENT.longColumn("initial_bid");
    private static final LongColumn AUCTION_RESERVE = EVENT.longColumn("reserve");
    private static final LongColumn AUCTION_EXPIRES = EVENT.longColumn("expires");
    private static final LongColumn AUCTION_SELLER = EVENT.longColumn("seller");
    private static final LongColumn AUCTION_CATEGORY = EVENT.longColumn("category");
    private static final LongColumn BID_AUCTION = EVENT.longColumn("auction");
    private static final LongColumn BID_BIDDER = EVENT.longColumn("bidder");
    private static final LongColumn BID_PRICE = EVENT.longColumn("price");
    private static final StringColumn BID_CHANNEL = EVENT.stringColumn("channel");
    private static final StringColumn BID_URL = EVENT.stringColumn("url");

    private final long seed;
    private final long rate;
    private final long start;
    private final long[] draws = new long[DRAWS];
    private final Ascii text = new Ascii();

    /**
     * @param seed  of the SplitMix64 stream the draws come from.
     * @param rate  events per event-time second, positive.
     * @param start event time of event 0, epoch ms.
     */
    public NexmarkGenerator(final long seed, final long rate, final long start)
    {
        if (rate <= 0)
        {
            throw new IllegalArgumentException("NEXMark generator needs rate > 0: rate=" + rate);
        }
        this.seed = seed;
        this.rate = rate;
        this.start = start;
    }

    /**
     * @return a generator with every default.
     */
    public static NexmarkGenerator withDefaults()
    {
        return new NexmarkGenerator(SEED_DEFAULT, RATE_DEFAULT, START_DEFAULT);
    }

    /**
     * @param i index of an event, from 0.
     * @return its kind: by {@code i mod 50}, 0 a person, 1 to 3 an auction, otherwise a bid.
     */
    public static Kind kind(final long i)
    {
        final long r = i % 50;
        return r == 0 ? Kind.PERSON : r <= 3 ? Kind.AUCTION : Kind.BID;
    }

    /**
     * @param i index of an event.
     * @return its event time: {@code start + (i * 1000) / rate}.
     */
    public long time(final long i)
    {
        return start + (i * 1000) / rate;
    }

    /**
     * Writes event {@code i} into a row of {@link #EVENT}: its kind and its kind's columns.
     *
     * @param i   index of the event, from 0.
     * @param out writer for {@link #EVENT}, reset by the caller.
     * @return the event's kind.
     */
    public Kind write(final long i, final RowWriter out)
    {
        for (int k = 0; k < DRAWS; k++)
        {
            draws[k] = mix(seed + (DRAWS * i + k + 1) * GOLDEN_GAMMA);
        }
        final long t = time(i);
        final long r = i % 50;
        final long person = i / 50;
        final long auction = 3 * (i / 50) + (r == 0 ? -1 : Math.min(r - 1, 2));
        final Kind kind = kind(i);
        out.putInt(KIND, kind.code());
        out.putLong(TIME, t);
        switch (kind)
        {
            case PERSON -> writePerson(out, person, t);
            case AUCTION -> writeAuction(out, i, person, auction, t);
            default -> writeBid(out, person, auction, t);
        }
        return kind;
    }

    private void writePerson(final RowWriter out, final long person, final long t)
    {
        out.putLong(ID, 1000 + person);
        text.clear();
        text.append(FIRST[(int)u(draws[0], 11)]).append(' ').append(LAST[(int)u(draws[1], 9)]);
        out.putString(PERSON_NAME, text.buffer(), 0, text.length());
        text.clear();
        letters(draws[2], 7);
        text.append('@');
        letters(draws[3], 5);
        text.append(".com");
        out.putString(PERSON_EMAIL, text.buffer(), 0, text.length());
        text.clear();
        for (int g = 0; g < 4; g++)
        {
            if (g > 0)
            {
                text.append(' ');
            }
            final long group = u(draws[4] >>> (16 * g), 10_000);
            for (long digit = 1000; digit > 0; digit /= 10)
            {
                text.append((char)('0' + (group / digit) % 10));
            }
        }
        out.putString(PERSON_CARD, text.buffer(), 0, text.length());
        out.putString(PERSON_CITY, CITIES[(int)u(draws[5], 10)]);
        out.putString(PERSON_STATE, STATES[(int)u(draws[6], 6)]);
        extra(80);
        out.putString(EXTRA, text.buffer(), 0, text.length());
    }

    private void writeAuction(final RowWriter out, final long i, final long person, final long auction, final long t)
    {
        out.putLong(ID, 1000 + auction);
        text.clear();
        letters(draws[0], 12);
        out.putString(AUCTION_ITEM, text.buffer(), 0, text.length());
        text.clear();
        letters(draws[1], 12);
        text.append(' ');
        letters(draws[2], 12);
        out.putString(AUCTION_DESCRIPTION, text.buffer(), 0, text.length());
        final long initialBid = price(draws[3]);
        out.putLong(AUCTION_INITIAL_BID, initialBid);
        out.putLong(AUCTION_RESERVE, initialBid + price(draws[4]));
        final long h = (start + ((i + 1666) * 1000) / rate) - t;
        out.putLong(AUCTION_EXPIRES, t + 1 + u(draws[8], Math.max(2 * h, 1)));
        out.putLong(AUCTION_SELLER,
            1000 + (u(draws[5], 4) > 0 ? (person / 100) * 100 : randomPerson(draws[6], person)));
        out.putLong(AUCTION_CATEGORY, 10 + u(draws[7], 5));
        extra(200);
        out.putString(EXTRA, text.buffer(), 0, text.length());
    }

    private void writeBid(final RowWriter out, final long person, final long auction, final long t)
    {
        final long lo = Math.max(auction - 100, 0);
        out.putLong(BID_AUCTION,
            1000 + (u(draws[0], 2) > 0 ? (auction / 100) * 100 : lo + u(draws[1], auction - lo + 11)));
        out.putLong(BID_BIDDER,
            1000 + (u(draws[2], 4) > 0 ? (person / 100) * 100 + 1 : randomPerson(draws[3], person)));
        out.putLong(BID_PRICE, price(draws[4]));
        if (u(draws[5], 2) > 0)
        {
            final int c = (int)u(draws[6], 4);
            out.putString(BID_CHANNEL, HOT[c]);
            out.putString(BID_URL, HOT_URLS[c], 0, HOT_URLS[c].capacity());
        }
        else
        {
            final long c = u(draws[6], 10_000);
            text.clear();
            text.append("channel-").append(c);
            out.putString(BID_CHANNEL, text.buffer(), 0, text.length());
            text.clear();
            text.append("https://www.nexmark.com/channel/").append(c).append("/item.htm?query=1");
            out.putString(BID_URL, text.buffer(), 0, text.length());
        }
        extra(40);
        out.putString(EXTRA, text.buffer(), 0, text.length());
    }

    @Override
    public String toString()
    {
        return "NexmarkGenerator(seed " + seed + ", rate " + rate + "/s, start " + start + ")";
    }

    /** A random recent person: one of the last 1,000, or of the next 10 not yet born. */
    private static long randomPerson(final long draw, final long person)
    {
        final long n = person + 1;
        final long a = Math.min(n, 1000);
        return n - a + u(draw, a + 10);
    }

    /** Appends {@code k} lowercase letters: letter j is {@code 'a' + u(draw >>> 5j, 26)}. */
    private void letters(final long draw, final int k)
    {
        for (int j = 0; j < k; j++)
        {
            text.append((char)('a' + u(draw >>> (5 * j), 26)));
        }
    }

    /** Cents from $1 to $1M, each decade equally likely. */
    private static long price(final long draw)
    {
        long m = 100;
        for (long e = u(draw, 6); e > 0; e--)
        {
            m *= 10;
        }
        return m + u(draw >>> 8, 9 * m);
    }

    /** Sets the text to {@code letters(d15, 12) + " "} repeated and cut to {@code length} characters. */
    private void extra(final int length)
    {
        text.clear();
        letters(draws[15], 12);
        text.append(' ');
        // The pattern is drawn once and copied: each letter costs a division.
        for (int i = text.length(); i < length; i++)
        {
            text.append(text.charAt(i % 13));
        }
        text.truncate(length);
    }

    private static UnsafeBuffer ascii(final String value)
    {
        return new UnsafeBuffer(value.getBytes(StandardCharsets.US_ASCII));
    }

    /** ASCII text built in place, then copied into a row in one go. */
    private static final class Ascii
    {
        private final UnsafeBuffer bytes = new UnsafeBuffer(new byte[256]);
        private int length;

        void clear()
        {
            length = 0;
        }

        int length()
        {
            return length;
        }

        char charAt(final int index)
        {
            return (char)bytes.getByte(index);
        }

        void truncate(final int newLength)
        {
            length = Math.min(length, newLength);
        }

        Ascii append(final char c)
        {
            bytes.putByte(length++, (byte)c);
            return this;
        }

        Ascii append(final String value)
        {
            for (int i = 0; i < value.length(); i++)
            {
                bytes.putByte(length++, (byte)value.charAt(i));
            }
            return this;
        }

        Ascii append(final long value)
        {
            length += bytes.putLongAscii(length, value);
            return this;
        }

        DirectBuffer buffer()
        {
            return bytes;
        }
    }

    private static long u(final long draw, final long n)
    {
        return Long.remainderUnsigned(draw, n);
    }

    private static long mix(final long state)
    {
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
