package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.row.BooleanColumn;
import io.millrace.row.ColumnType;
import io.millrace.row.DoubleColumn;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import io.millrace.testing.DeadLetters;
import io.millrace.testing.ReferenceEvents;
import io.millrace.testing.Results;
import io.millrace.testing.TestData;
import io.millrace.testing.TestQueries;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * filter, map, flatMap, select and groupBy(...).agg(...) through real queries, in every threading mode, against
 * the same operations written in plain Java over random input.
 */
class OperatorChainTest
{
    private static final int TRADES_PER_RUN = 20_000;

    private static final Schema TRADES = Schema.builder()
        .stringColumn("sym", 24)
        .intColumn("venue")
        .longColumn("qty")
        .doubleColumn("price")
        .booleanColumn("buy")
        .timestampColumn("ts")
        .build();
    private static final StringColumn SYM = TRADES.stringColumn("sym");
    private static final IntColumn VENUE = TRADES.intColumn("venue");
    private static final LongColumn QTY = TRADES.longColumn("qty");
    private static final DoubleColumn PRICE = TRADES.doubleColumn("price");
    private static final BooleanColumn BUY = TRADES.booleanColumn("buy");
    private static final LongColumn TS = TRADES.longColumn("ts");

    private static final Schema LEGS = Schema.builder()
        .stringColumn("sym", 24)
        .stringColumn("side", 4)
        .intColumn("venue")
        .longColumn("qty")
        .doubleColumn("notional")
        .timestampColumn("ts")
        .build();
    private static final StringColumn LEG_SYM = LEGS.stringColumn("sym");
    private static final StringColumn LEG_SIDE = LEGS.stringColumn("side");
    private static final IntColumn LEG_VENUE = LEGS.intColumn("venue");
    private static final LongColumn LEG_QTY = LEGS.longColumn("qty");
    private static final DoubleColumn LEG_NOTIONAL = LEGS.doubleColumn("notional");
    private static final LongColumn LEG_TS = LEGS.longColumn("ts");

    private static final Aggregate[] LEG_AGGREGATES = {
        Aggregate.count(), Aggregate.sum("qty"), Aggregate.min("qty"), Aggregate.max("qty"), Aggregate.avg("notional"),
        Aggregate.sum("notional"), Aggregate.min("venue"), Aggregate.max("ts"), Aggregate.min("notional").as("lo"),
        Aggregate.max("notional").as("hi"), Aggregate.sum("venue")};

    private static final String[] SYMBOLS = symbols();

    private static final RowTranslator<Trade> WRITE_TRADE = (row, trade) ->
    {
        final byte[] sym = trade.sym().getBytes(StandardCharsets.UTF_8);
        row.putString(SYM, new UnsafeBuffer(sym), 0, sym.length)
            .putInt(VENUE, trade.venue())
            .putLong(QTY, trade.qty())
            .putDouble(PRICE, trade.price())
            .putBoolean(BUY, trade.buy())
            .putLong(TS, trade.ts());
    };

    @TempDir
    Path dir;

    /** An input row. */
    record Trade(String sym, int venue, long qty, double price, boolean buy, long ts)
    {
    }

    // ---------------------------------------------------------------------------------------------------------
    // The plan under test and its plain-Java reference.

    /**
     * filter -> map (fails on some rows) -> flatMap (0 to 2 rows per row) -> select (reordering).
     */
    static Stream legs(final Stream trades)
    {
        return trades
            .filter(row -> BUY.get(row) || QTY.get(row) % 3 != 0)
            .map(LEGS, (in, out) ->
            {
                final long qty = QTY.get(in);
                if (qty % 101 == 0)
                {
                    throw new IllegalStateException("qty " + qty);
                }
                SYM.copy(in, out, LEG_SYM);
                out.putString(LEG_SIDE, BUY.get(in) ? "buy" : "sell")
                    .putInt(LEG_VENUE, VENUE.get(in))
                    .putLong(LEG_QTY, qty)
                    .putDouble(LEG_NOTIONAL, PRICE.get(in) * 2)
                    .putLong(LEG_TS, TS.get(in) + VENUE.get(in));
            })
            .flatMap(LEGS, (in, out) ->
            {
                for (int copy = 0; copy < LEG_VENUE.get(in) % 3; copy++)
                {
                    final RowWriter row = out.row();
                    LEG_SIDE.copy(in, row, LEG_SIDE);
                    LEG_SYM.copy(in, row, LEG_SYM);
                    row.putInt(LEG_VENUE, LEG_VENUE.get(in))
                        .putLong(LEG_QTY, LEG_QTY.get(in) + copy)
                        .putDouble(LEG_NOTIONAL, LEG_NOTIONAL.get(in))
                        .putLong(LEG_TS, LEG_TS.get(in));
                    out.emit();
                }
            })
            .select("side", "sym", "venue", "qty", "notional", "ts");
    }

    /** The rows {@link #legs} produces, in order: side, sym, venue, qty, notional, ts. */
    static List<List<Object>> referenceLegs(final List<Trade> trades)
    {
        final List<List<Object>> legs = new ArrayList<>();
        for (final Trade trade : trades)
        {
            if (!(trade.buy() || trade.qty() % 3 != 0) || trade.qty() % 101 == 0)
            {
                continue;
            }
            for (int copy = 0; copy < trade.venue() % 3; copy++)
            {
                legs.add(List.of(trade.buy() ? "buy" : "sell", trade.sym(), trade.venue(), trade.qty() + copy,
                    trade.price() * 2, trade.ts() + trade.venue()));
            }
        }
        return legs;
    }

    static long referenceMapFailures(final List<Trade> trades)
    {
        return trades.stream().filter(t -> (t.buy() || t.qty() % 3 != 0) && t.qty() % 101 == 0).count();
    }

    /** Accumulates {@link #LEG_AGGREGATES} for one (sym, side) group. */
    static final class LegGroup
    {
        long count;
        long sumQty;
        long minQty = Long.MAX_VALUE;
        long maxQty = Long.MIN_VALUE;
        double sumNotional;
        long minVenue = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long sumVenue;

        void add(final List<Object> leg)
        {
            final int venue = (Integer)leg.get(2);
            final long qty = (Long)leg.get(3);
            final double notional = (Double)leg.get(4);
            final long ts = (Long)leg.get(5);
            count++;
            sumQty += qty;
            minQty = Math.min(minQty, qty);
            maxQty = Math.max(maxQty, qty);
            sumNotional += notional;
            minVenue = Math.min(minVenue, venue);
            maxTs = Math.max(maxTs, ts);
            lo = Math.min(lo, notional);
            hi = Math.max(hi, notional);
            sumVenue += venue;
        }

        List<Object> row(final List<Object> key)
        {
            final List<Object> row = new ArrayList<>(key);
            row.addAll(List.of(count, sumQty, minQty, maxQty, sumNotional / count, sumNotional, minVenue, maxTs, lo, hi,
                sumVenue));
            return row;
        }
    }

    /** The result table of groupBy("sym", "side").agg(LEG_AGGREGATES), and every update on the way to it. */
    static final class LegReference
    {
        final Map<List<Object>, List<Object>> finalRows = new LinkedHashMap<>();
        final List<List<Object>> updates = new ArrayList<>();

        LegReference(final List<Trade> trades)
        {
            final Map<List<Object>, LegGroup> groups = new LinkedHashMap<>();
            for (final List<Object> leg : referenceLegs(trades))
            {
                final List<Object> key = List.of(leg.get(1), leg.get(0));
                final LegGroup group = groups.computeIfAbsent(key, k -> new LegGroup());
                group.add(leg);
                updates.add(group.row(key));
            }
            groups.forEach((key, group) -> finalRows.put(key, group.row(key)));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldAggregateTheOperatorChainLikeThePlainJavaReference(final ThreadingMode mode)
    {
        final List<Trade> trades = randomTrades(new Random(1000 + mode.ordinal()), TRADES_PER_RUN);
        final LegReference reference = new LegReference(trades);
        final Publisher publisher = new Publisher(TRADES);
        final Stream plan = legs(Millrace.readStream(publisher)).groupBy("sym", "side").agg(LEG_AGGREGATES);
        assertLegResultSchema(plan.schema());
        final CollectingSink sink = new CollectingSink();
        final DeadLetters deadLetters = new DeadLetters();
        final StreamingQuery query = plan.writeStream()
            .outputMode(OutputMode.COMPLETE).trigger(TestQueries.ONE_EPOCH).sink(sink).deadLetter(deadLetters)
            .ringSize(256).threadingMode(mode).start();
        TestQueries.publishAllAndFinish(publisher, query, mode, trades, WRITE_TRADE);

        assertTrue(reference.finalRows.size() > 50, "groups " + reference.finalRows.size());
        Results.assertSameRowsByKey(reference.finalRows, sink.values(), 2);
        assertEquals(List.of(1L), sink.commits());
        TestQueries.assertRowIdsConsistent(sink);
        assertEquals(referenceMapFailures(trades), deadLetters.letters().size());
        assertTrue(deadLetters.letters().get(0).reason().contains("map"), deadLetters.letters().get(0).reason());
        final QueryProgress progress = query.progress();
        assertEquals(trades.size(), progress.recordsIn());
        assertEquals(reference.finalRows.size(), progress.recordsOut());
        assertEquals(reference.finalRows.size(), progress.stateRows());
        assertEquals(referenceMapFailures(trades), progress.deadLetters());
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldEmitEveryChangeInContinuousUpdateModeEndingAtTheCompleteValues(final ThreadingMode mode)
    {
        final List<Trade> trades = randomTrades(new Random(2000 + mode.ordinal()), TRADES_PER_RUN);
        final LegReference reference = new LegReference(trades);
        final Publisher publisher = new Publisher(TRADES);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = legs(Millrace.readStream(publisher)).groupBy("sym", "side").agg(LEG_AGGREGATES)
            .writeStream().outputMode(OutputMode.UPDATE).trigger(Trigger.continuous(Duration.ofMillis(2)))
            .sink(sink).deadLetter(new DeadLetters()).ringSize(512).threadingMode(mode).start();
        TestQueries.publishAllAndFinish(publisher, query, mode, trades, WRITE_TRADE);

        // Record at a time: one update per row reaching the aggregation, carrying the group's new aggregate.
        final List<List<Object>> updates = sink.values();
        Results.assertSameRowsInOrder(reference.updates, updates);
        final Map<List<Object>, List<Object>> lastUpdates = new LinkedHashMap<>();
        for (final List<Object> update : updates)
        {
            lastUpdates.put(update.subList(0, 2), update);
        }
        Results.assertSameRowsByKey(reference.finalRows, new ArrayList<>(lastUpdates.values()), 2);
        TestQueries.assertRowIdsConsistent(sink);
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldEmitEachChangedGroupOnceInUpdateModeWithOneEpoch(final ThreadingMode mode)
    {
        final List<Trade> trades = randomTrades(new Random(3000 + mode.ordinal()), TRADES_PER_RUN / 4);
        final LegReference reference = new LegReference(trades);
        final Publisher publisher = new Publisher(TRADES);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = legs(Millrace.readStream(publisher)).groupBy("sym", "side").agg(LEG_AGGREGATES)
            .writeStream().outputMode(OutputMode.UPDATE).trigger(TestQueries.ONE_EPOCH)
            .sink(sink).deadLetter(new DeadLetters()).threadingMode(mode).start();
        TestQueries.publishAllAndFinish(publisher, query, mode, trades, WRITE_TRADE);
        Results.assertSameRowsByKey(reference.finalRows, sink.values(), 2);
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldPassRowsThroughAStatelessChainInOrder(final ThreadingMode mode)
    {
        final List<Trade> trades = randomTrades(new Random(4000 + mode.ordinal()), TRADES_PER_RUN);
        final Publisher publisher = new Publisher(TRADES);
        final CollectingSink sink = new CollectingSink();
        final DeadLetters deadLetters = new DeadLetters();
        final StreamingQuery query = legs(Millrace.readStream(publisher)).writeStream()
            .trigger(Trigger.continuous(Duration.ofMillis(1))).sink(sink).deadLetter(deadLetters).ringSize(64)
            .threadingMode(mode).start();
        TestQueries.publishAllAndFinish(publisher, query, mode, trades, WRITE_TRADE);

        Results.assertSameRowsInOrder(referenceLegs(trades), sink.values());
        assertEquals(referenceMapFailures(trades), deadLetters.letters().size());
        TestQueries.assertRowIdsConsistent(sink);
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldAggregateCsvFilesOfEveryColumnType(final ThreadingMode mode)
    {
        final Random random = new Random(5000 + mode.ordinal());
        final List<Trade> trades = new ArrayList<>();
        for (final Trade trade : randomTrades(random, TRADES_PER_RUN))
        {
            // Any double: Double.toString round-trips through Double.parseDouble.
            trades.add(new Trade(trade.sym(), trade.venue(), trade.qty(), random.nextGaussian() * 1e3, trade.buy(),
                trade.ts()));
        }
        final List<byte[]> files = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        for (int n = 0; n < trades.size(); n++)
        {
            final Trade t = trades.get(n);
            final int file = n * 4 / trades.size();
            text.append(t.ts()).append(',').append(t.sym()).append(',').append(t.venue()).append(',').append(t.qty())
                .append(',').append(t.price()).append(',').append(t.buy()).append(file == 1 ? "\r\n" : "\n");
            if ((n + 1) * 4 / trades.size() != file)
            {
                // The last file ends without a newline; an empty file sits between the others.
                files.add(TestData.utf8(file == 3 ? text.substring(0, text.length() - 1) : text.toString()));
                files.add(new byte[0]);
                text.setLength(0);
            }
        }
        final List<Path> inputs = TestData.writeFiles(dir, files);
        final Schema csv = Schema.builder().timestampColumn("ts").stringColumn("sym", 24).intColumn("venue")
            .longColumn("qty").doubleColumn("price").booleanColumn("buy").build();

        final CollectingSink byVenue = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(new CsvSource(inputs, csv, 256, true))
            .groupBy("venue", "buy")
            .agg(Aggregate.count(), Aggregate.sum("qty"), Aggregate.min("price"), Aggregate.max("price"),
                Aggregate.avg("qty"), Aggregate.min("ts"), Aggregate.max("ts"), Aggregate.sum("price"),
                Aggregate.max("venue"))
            .writeStream().outputMode(OutputMode.COMPLETE).trigger(Trigger.availableNow()).sink(byVenue), mode);
        Results.assertSameRowsByKey(group(trades, t -> List.of(t.venue(), t.buy()), (key, group) ->
        {
            final List<Object> row = new ArrayList<>(key);
            row.add((long)group.size());
            row.add(group.stream().mapToLong(Trade::qty).sum());
            row.add(group.stream().mapToDouble(Trade::price).min().getAsDouble());
            row.add(group.stream().mapToDouble(Trade::price).max().getAsDouble());
            row.add(group.stream().mapToLong(Trade::qty).average().getAsDouble());
            row.add(group.stream().mapToLong(Trade::ts).min().getAsLong());
            row.add(group.stream().mapToLong(Trade::ts).max().getAsLong());
            row.add(group.stream().mapToDouble(Trade::price).sum());
            row.add((long)group.stream().mapToInt(Trade::venue).max().getAsInt());
            return row;
        }), byVenue.values(), 2);

        final CollectingSink bySymbol = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(new CsvSource(inputs, csv, 256, true))
            .groupBy("sym").agg(Aggregate.count(), Aggregate.avg("price"), Aggregate.min("qty").as("least"))
            .writeStream().outputMode(OutputMode.COMPLETE).trigger(Trigger.availableNow()).sink(bySymbol), mode);
        Results.assertSameRowsByKey(group(trades, t -> List.of(t.sym()), (key, group) -> List.of(key.get(0),
            (long)group.size(), group.stream().mapToDouble(Trade::price).average().getAsDouble(),
            group.stream().mapToLong(Trade::qty).min().getAsLong())), bySymbol.values(), 1);
        assertTrue(bySymbol.values().stream().anyMatch(row -> "".equals(row.get(0))), "the empty symbol is a group");
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    @Timeout(60)
    void shouldCountGeneratedEventsPerKey(final ThreadingMode mode)
    {
        final int count = 200_000;
        final CollectingSink sink = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(new GeneratorSource(new EventGenerator(3, 500, 1_000_000, 5, 100, 0),
            count))
            .groupBy("key").agg(Aggregate.count(), Aggregate.min("event_time"), Aggregate.max("event_time"))
            .writeStream().outputMode(OutputMode.COMPLETE).trigger(Trigger.availableNow()).sink(sink), mode);

        final Map<List<Object>, List<Object>> expected = new LinkedHashMap<>();
        for (final ReferenceEvents.Event event : ReferenceEvents.events(3, 500, 1_000_000, 5, 100, 0, count))
        {
            expected.merge(List.of(event.key()), List.of(event.key(), 1L, event.time(), event.time()), (a, b) ->
                List.of(a.get(0), (Long)a.get(1) + 1, Math.min((Long)a.get(2), (Long)b.get(2)),
                    Math.max((Long)a.get(3), (Long)b.get(3))));
        }
        assertEquals(500, expected.size());
        Results.assertSameRowsByKey(expected, sink.values(), 1);
    }

    @Test
    void shouldRejectPlansItCannotRun()
    {
        final Stream trades = Millrace.readStream(new Publisher(TRADES));
        final Stream counted = trades.groupBy("sym").count();
        assertMentions(assertThrows(IllegalArgumentException.class, () -> counted.writeStream()
            .sink(new CollectingSink()).start()), "append");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> trades.writeStream()
            .outputMode(OutputMode.COMPLETE).sink(new CollectingSink()).start()), "complete");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> counted.writeStream()
            .outputMode(OutputMode.COMPLETE).start()), "sink");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> trades.groupBy("nope")), "'nope'");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> trades.select("sym", "nope")), "'nope'");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> trades.groupBy("venue")
            .agg(Aggregate.sum("sym"))), "'sym'");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> trades.groupBy("venue")
            .agg(Aggregate.avg("buy"))), "'buy'");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> trades.groupBy("venue")
            .agg(Aggregate.max("missing"))), "'missing'");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> counted.groupBy("count").agg(Aggregate.count().as("groups"))
            .writeStream().outputMode(OutputMode.UPDATE).sink(new CollectingSink()).start()), "final rows");
        assertThrows(IllegalArgumentException.class, () -> trades.groupBy());
        assertThrows(IllegalArgumentException.class, () -> trades.select());
        assertThrows(IllegalArgumentException.class, () -> trades.groupBy("sym").agg());
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertLegResultSchema(final Schema schema)
    {
        final List<String> names = new ArrayList<>();
        schema.columns().forEach(column -> names.add(column.name()));
        assertEquals(List.of("sym", "side", "count", "sum_qty", "min_qty", "max_qty", "avg_notional", "sum_notional",
            "min_venue", "max_ts", "lo", "hi", "sum_venue"), names);
        final ColumnType[] types = {
            ColumnType.STRING, ColumnType.STRING, ColumnType.LONG, ColumnType.LONG, ColumnType.LONG, ColumnType.LONG,
            ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.LONG, ColumnType.TIMESTAMP, ColumnType.DOUBLE,
            ColumnType.DOUBLE, ColumnType.LONG};
        for (int c = 0; c < types.length; c++)
        {
            assertEquals(types[c], schema.columns().get(c).type(), names.get(c));
        }
    }

    private static void assertMentions(final IllegalArgumentException ex, final String word)
    {
        assertTrue(ex.getMessage().contains(word), "'" + ex.getMessage() + "' should mention " + word);
    }

    private static Map<List<Object>, List<Object>> group(
        final List<Trade> trades,
        final Function<Trade, List<Object>> key,
        final java.util.function.BiFunction<List<Object>, List<Trade>, List<Object>> row)
    {
        final Map<List<Object>, List<Trade>> groups = new LinkedHashMap<>();
        for (final Trade trade : trades)
        {
            groups.computeIfAbsent(key.apply(trade), k -> new ArrayList<>()).add(trade);
        }
        final Map<List<Object>, List<Object>> rows = new LinkedHashMap<>();
        groups.forEach((k, group) -> rows.put(k, row.apply(k, group)));
        return rows;
    }

    private static List<Trade> randomTrades(final Random random, final int count)
    {
        final List<Trade> trades = new ArrayList<>(count);
        for (int n = 0; n < count; n++)
        {
            final long qty = random.nextInt(20) == 0 ? random.nextLong() / 1_000_000 :
                random.nextInt(2001) - 1000;
            // Prices in eighths: sums and means of them are exact in any order.
            final double price = (random.nextInt(16_001) - 8_000) / 8.0;
            trades.add(new Trade(SYMBOLS[random.nextInt(SYMBOLS.length)], random.nextInt(8), qty, price,
                random.nextBoolean(), 1_700_000_000_000L + random.nextInt(1_000_000)));
        }
        return trades;
    }

    private static String[] symbols()
    {
        final Random random = new Random(42);
        final List<String> symbols = new ArrayList<>(Arrays.asList("", "A", "a", "\u00e9", "\u65e5\u672c\u8a9e",
            "x".repeat(24), "AB", "ABC"));
        while (symbols.size() < 40)
        {
            symbols.add(TestData.randomWord(random, 1, 24));
        }
        return symbols.toArray(new String[0]);
    }
}
