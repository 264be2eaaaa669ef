package io.millrace.source;

import io.millrace.row.Column;
import io.millrace.row.ColumnType;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.testing.SplitMix64;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NexmarkGenerator} against an implementation of the generator's contract written here from the
 * definition alone, with plain Java strings and the tests' own SplitMix64 stream read in order: the first events
 * field by field for two seeds and rates, and over a million events the kinds' proportions, the id ranges and a
 * checksum of every field.
 */
class NexmarkGeneratorTest
{
    @Test
    void shouldGiveTheDefinedEventsFieldByField()
    {
        for (final long[] settings : new long[][] {{42, 1_000_000, 1_700_000_000_000L}, {7, 3, 0}})
        {
            final NexmarkGenerator generator = new NexmarkGenerator(settings[0], settings[1], settings[2]);
            final Reference reference = new Reference(settings[0], settings[1], settings[2]);
            for (long i = 0; i < 5_000; i++)
            {
                final long event = i;
                assertEquals(reference.event(i), fields(generator, i), () -> "event " + event + " of " +
                    java.util.Arrays.toString(settings));
            }
        }
    }

    @Test
    void shouldKeepProportionsRangesAndChecksumOverAMillionEvents()
    {
        final NexmarkGenerator generator = NexmarkGenerator.withDefaults();
        final Reference reference = new Reference(42, 1_000_000, 1_700_000_000_000L);
        final Map<NexmarkGenerator.Kind, Long> kinds = new EnumMap<>(NexmarkGenerator.Kind.class);
        final RowWriter writer = new RowWriter(NexmarkGenerator.EVENT);
        final RowView view = new RowView();
        long generated = 0;
        long expected = 0;
        final int events = 1_000_000;
        for (long i = 0; i < events; i++)
        {
            final NexmarkGenerator.Kind kind = NexmarkGenerator.kind(i);
            assertEquals(kind, generator.write(i, writer.reset()));
            kinds.merge(kind, 1L, Long::sum);
            final List<Object> fields = values(kind, writer.view(view));
            generated = generated * 31 + fields.hashCode();
            final List<Object> model = reference.event(i);
            expected = expected * 31 + model.subList(1, model.size()).hashCode();

            final long person = i / 50;
            final long auction = 3 * (i / 50) + 2;
            switch (kind)
            {
                case PERSON -> assertEquals(1000 + person, fields.get(0));
                case AUCTION ->
                {
                    final long seller = (Long)fields.get(7);
                    assertTrue(seller >= 1000 && seller <= 1000 + person + 10, "seller of event " + i);
                    assertTrue((Long)fields.get(6) > (Long)fields.get(5), "an auction expires after it starts");
                    final long category = (Long)fields.get(8);
                    assertTrue(category >= 10 && category < 15, "category of event " + i);
                }
                default ->
                {
                    final long bidAuction = (Long)fields.get(0);
                    final long bidder = (Long)fields.get(1);
                    assertTrue(bidAuction >= 1000 && bidAuction <= 1000 + auction + 10, "auction of event " + i);
                    assertTrue(bidder >= 1000 && bidder <= 1000 + person + 10, "bidder of event " + i);
                    final long price = (Long)fields.get(2);
                    assertTrue(price >= 100 && price < 100_000_000, "price of event " + i);
                }
            }
        }
        assertEquals(events / 50, kinds.get(NexmarkGenerator.Kind.PERSON), "2% persons");
        assertEquals(3 * events / 50, kinds.get(NexmarkGenerator.Kind.AUCTION), "6% auctions");
        assertEquals(46 * events / 50, kinds.get(NexmarkGenerator.Kind.BID), "92% bids");
        assertEquals(expected, generated, "checksum of every field of a million events");
    }

    @Test
    void shouldAllocateNothingPerEvent()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final NexmarkGenerator generator = NexmarkGenerator.withDefaults();
        final RowWriter writer = new RowWriter(NexmarkGenerator.EVENT);
        long sum = 0;
        for (long i = 0; i < 300_000; i++)
        {
            sum += generator.write(i, writer.reset()).ordinal();
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        final int measured = 1_000_000;
        for (long i = 300_000; i < 300_000 + measured; i++)
        {
            sum += generator.write(i, writer.reset()).ordinal();
        }
        final double perEvent = (double)(threads.getCurrentThreadAllocatedBytes() - before) / measured;
        assertTrue(sum > 0, "events written");
        assertTrue(perEvent < 0.01, perEvent + " bytes allocated per event");
    }

    private static List<Object> fields(final NexmarkGenerator generator, final long i)
    {
        final NexmarkGenerator.Kind kind = NexmarkGenerator.kind(i);
        final RowWriter writer = new RowWriter(NexmarkGenerator.EVENT);
        generator.write(i, writer);
        final RowView row = writer.view(new RowView());
        assertEquals(kind.code(), NexmarkGenerator.EVENT.intColumn(NexmarkGenerator.KIND_COLUMN).get(row), "kind");
        final List<String> own = columns(kind);
        for (final Column column : NexmarkGenerator.EVENT.columns())
        {
            if (!own.contains(column.name()) && !column.name().equals(NexmarkGenerator.KIND_COLUMN))
            {
                assertEquals(column.type() == ColumnType.STRING ? "" : (Object)0L, value(column, row),
                    "column " + column.name() + " of a " + kind + " is left at zero");
            }
        }
        final List<Object> fields = new ArrayList<>();
        fields.add(kind.name().toLowerCase());
        fields.addAll(values(kind, row));
        return fields;
    }

    private static List<String> columns(final NexmarkGenerator.Kind kind)
    {
        return switch (kind)
        {
            case PERSON -> NexmarkGenerator.PERSON_COLUMNS;
            case AUCTION -> NexmarkGenerator.AUCTION_COLUMNS;
            case BID -> NexmarkGenerator.BID_COLUMNS;
        };
    }

    /** The kind's columns of an event row, in the kind's order. */
    private static List<Object> values(final NexmarkGenerator.Kind kind, final RowView row)
    {
        final List<Object> values = new ArrayList<>();
        for (final String name : columns(kind))
        {
            values.add(value(NexmarkGenerator.EVENT.column(name), row));
        }
        return values;
    }

    private static Object value(final Column column, final RowView row)
    {
        final Schema schema = NexmarkGenerator.EVENT;
        return column.type() == ColumnType.STRING ? schema.stringColumn(column.name()).getString(row) :
            (Object)schema.longColumn(column.name()).get(row);
    }

    /** The generator's definition, computed the plain way: kind first, then the fields in column order. */
    private static final class Reference
    {
        private static final List<String> FIRST = List.of("Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate",
            "Julie", "Sarah", "Deiter", "Walter");
        private static final List<String> LAST = List.of("Shultz", "Abrams", "Spencer", "White", "Bartels",
            "Walton", "Smith", "Jones", "Noris");
        private static final List<String> CITIES = List.of("Phoenix", "Los Angeles", "San Francisco", "Boise",
            "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne");
        private static final List<String> STATES = List.of("AZ", "CA", "ID", "OR", "WA", "WY");
        private static final List<String> HOT = List.of("Google", "Facebook", "Baidu", "Apple");

        private final SplitMix64 draws;
        private final long rate;
        private final long start;
        private long next;

        Reference(final long seed, final long rate, final long start)
        {
            this.draws = new SplitMix64(seed);
            this.rate = rate;
            this.start = start;
        }

        private static long u(final long d, final long n)
        {
            return Long.remainderUnsigned(d, n);
        }

        private static String letters(final long d, final int k)
        {
            final StringBuilder s = new StringBuilder();
            for (int j = 0; j < k; j++)
            {
                s.append((char)('a' + u(d >>> (5 * j), 26)));
            }
            return s.toString();
        }

        private static long price(final long d)
        {
            final long m = (long)Math.pow(10, u(d, 6) + 2);
            return m + u(d >>> 8, 9 * m);
        }

        private static long randomPerson(final long d, final long p)
        {
            final long n = p + 1;
            final long a = Math.min(n, 1000);
            return n - a + u(d, a + 10);
        }

        /** Event {@code i}: events are asked for in order, each taking the stream's next sixteen outputs. */
        List<Object> event(final long i)
        {
            assertEquals(next++, i, "the reference reads its draws in order");
            final long[] d = new long[16];
            for (int k = 0; k < 16; k++)
            {
                d[k] = draws.nextLong();
            }
            final long t = start + (i * 1000) / rate;
            final long r = i % 50;
            final long p = i / 50;
            final long a = 3 * (i / 50) + (r == 0 ? -1 : Math.min(r - 1, 2));
            final String pattern = letters(d[15], 12) + " ";
            if (r == 0)
            {
                final List<String> groups = new ArrayList<>();
                for (int g = 0; g < 4; g++)
                {
                    groups.add(String.format("%04d", u(d[4] >>> (16 * g), 10000)));
                }
                return List.of("person", 1000 + p, FIRST.get((int)u(d[0], 11)) + " " + LAST.get((int)u(d[1], 9)),
                    letters(d[2], 7) + "@" + letters(d[3], 5) + ".com", String.join(" ", groups),
                    CITIES.get((int)u(d[5], 10)), STATES.get((int)u(d[6], 6)), t, pattern.repeat(7).substring(0, 80));
            }
            if (r <= 3)
            {
                final long initialBid = price(d[3]);
                final long h = (start + ((i + 1666) * 1000) / rate) - t;
                return List.of("auction", 1000 + a, letters(d[0], 12), letters(d[1], 12) + " " + letters(d[2], 12),
                    initialBid, initialBid + price(d[4]), t, t + 1 + u(d[8], Math.max(2 * h, 1)),
                    1000 + (u(d[5], 4) > 0 ? (p / 100) * 100 : randomPerson(d[6], p)), 10 + u(d[7], 5),
                    pattern.repeat(16).substring(0, 200));
            }
            final long lo = Math.max(a - 100, 0);
            final String channel;
            final String url;
            if (u(d[5], 2) > 0)
            {
                channel = HOT.get((int)u(d[6], 4));
                url = "https://www.nexmark.com/" + channel.toLowerCase() + "/item.htm?query=1";
            }
            else
            {
                final long c = u(d[6], 10000);
                channel = "channel-" + c;
                url = "https://www.nexmark.com/channel/" + c + "/item.htm?query=1";
            }
            return List.of("bid", 1000 + (u(d[0], 2) > 0 ? (a / 100) * 100 : lo + u(d[1], a - lo + 11)),
                1000 + (u(d[2], 4) > 0 ? (p / 100) * 100 + 1 : randomPerson(d[3], p)), price(d[4]), channel, url, t,
                pattern.repeat(4).substring(0, 40));
        }
    }
}
