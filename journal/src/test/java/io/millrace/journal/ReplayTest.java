package io.millrace.journal;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.RecordBatch;
import io.millrace.checkpoint.Recovery;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Replay} API (docs/checkpoints.md): a windowed count over a CSV file runs with a checkpoint, cut into many
 * short epochs; replaying a range of its epochs calls the row hook with exactly the original rows of the range (same
 * ids, same values, same order) and the marker hook with exactly the range's epochs, and {@link Replay#stateAt}
 * gives the state the original run committed at each epoch, whether its snapshot was kept or pruned.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayTest
{
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    private Path input;
    private Path checkpoint;

    @ParameterizedTest(name = "input journaled: {0}")
    @ValueSource(booleans = {true, false})
    void shouldCallTheHooksForExactlyTheRowsAndEpochsOfTheRange(final boolean journalInput) throws Exception
    {
        final CollectingSink original = new CollectingSink();
        runOriginal(journalInput, original, null);
        final long last = original.commits().size();
        assertEquals(ascending(1, last), original.commits(), "the original run commits epochs 1..n in order");
        assertTrue(last > SnapshotStore.RETAINED + 2, () -> "too few epochs to prune snapshots: " + last);

        final Random random = new Random(journalInput ? 1 : 2);
        final long from = 2 + random.nextInt((int)last - 2);
        final long[][] ranges = {{1, last}, {2, last}, {from, from + random.nextInt((int)(last - from) + 1)},
            {last, last}, {last - 3, last - 1}};
        for (final long[] range : ranges)
        {
            final CollectingSink sink = new CollectingSink();
            final CollectingSink rowHook = new CollectingSink();
            final List<Long> markers = Collections.synchronizedList(new ArrayList<>());
            final long[] replayed = new Replay(checkpoint).epochs(range[0], range[1]).onRow(rowHook)
                .onMarker(markers::add).run(query(sink));

            final String what = "epochs " + range[0] + ".." + range[1] + " of " + last;
            assertArrayEquals(range, replayed, what);
            final List<CollectingSink.Row> expected = original.rows().stream()
                .filter(row -> row.epoch() >= range[0] && row.epoch() <= range[1]).toList();
            assertEquals(expected, rowHook.rows(), what + ": rows passed to the row hook");
            assertEquals(expected, sink.rows(), what + ": rows written to the sink");
            assertEquals(ascending(range[0], range[1]), markers, what + ": epochs passed to the marker hook");
            assertEquals(ascending(range[0], range[1]), sink.commits(), what + ": epochs committed to the sink");
        }

        final List<Long> markers = Collections.synchronizedList(new ArrayList<>());
        final CollectingSink rowHook = new CollectingSink();
        assertArrayEquals(new long[]{1, last},
            new Replay(checkpoint).onRow(rowHook).onMarker(markers::add).run(query(new CollectingSink())));
        assertEquals(original.rows(), rowHook.rows(), "a replay without a range: every row");
        assertEquals(ascending(1, last), markers, "a replay without a range: every epoch");
    }

    @ParameterizedTest(name = "input journaled: {0}")
    @ValueSource(booleans = {true, false})
    void shouldRefuseRangesOutsideTheRecordedEpochs(final boolean journalInput) throws Exception
    {
        final CollectingSink original = new CollectingSink();
        runOriginal(journalInput, original, null);
        final long last = original.commits().size();
        final Replay replay = new Replay(checkpoint);

        assertThrows(IllegalArgumentException.class, () -> replay.epochs(0, 3));
        assertThrows(IllegalArgumentException.class, () -> replay.epochs(4, 3));
        assertThrows(IllegalStateException.class,
            () -> new Replay(checkpoint).epochs(last, last + 1).run(query(new CollectingSink())));
        assertThrows(IllegalStateException.class,
            () -> new Replay(checkpoint).epochs(last + 1, last + 2).run(query(new CollectingSink())));
        final IllegalStateException past = assertThrows(IllegalStateException.class,
            () -> new Replay(checkpoint).epochs(last + 1, Long.MAX_VALUE).run(query(new CollectingSink())));
        assertTrue(past.getMessage().contains("epoch " + (last + 1) + " is past the last recorded epoch " + last),
            past.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Replay(dir.resolve("nothing")));
    }

    @Test
    void shouldGiveTheStateTheOriginalRunCommittedAtEveryEpoch() throws Exception
    {
        final Map<Long, DirectBuffer> committed = new TreeMap<>();
        runOriginal(true, new CollectingSink(), committed);
        final List<Long> kept = new SnapshotStore(checkpoint.resolve("snapshots")).epochs();
        assertFalse(kept.contains(1L), () -> "snapshot of epoch 1 is pruned: " + kept);

        for (final Map.Entry<Long, DirectBuffer> epoch : committed.entrySet())
        {
            final DirectBuffer state = new Replay(checkpoint).stateAt(query(new CollectingSink()), epoch.getKey());
            assertEquals(rowsOf(epoch.getValue()), rowsOf(state),
                "state of epoch " + epoch.getKey() + (kept.contains(epoch.getKey()) ? " (kept)" : " (pruned)"));
        }
        assertThrows(IllegalStateException.class,
            () -> new Replay(checkpoint).stateAt(query(new CollectingSink()), committed.size() + 1));
    }

    /**
     * Runs the query over a new input file with a checkpoint, throttled so that it is cut into a few dozen epochs.
     *
     * @param snapshots when not null, receives a copy of every snapshot committed.
     */
    private void runOriginal(
        final boolean journalInput, final CollectingSink sink, final Map<Long, DirectBuffer> snapshots)
        throws IOException, InterruptedException
    {
        input = dir.resolve("events.csv");
        checkpoint = dir.resolve("checkpoint");
        final Random random = new Random(3);
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2_000; i++)
        {
            lines.append(1_000_000 + i / 2 - (random.nextInt(100) < 5 ? random.nextInt(30) : 0))
                .append(",k").append(random.nextInt(6)).append('\n');
        }
        Files.writeString(input, lines);
        final Journal journal = new ChronicleJournal(checkpoint, QUIET);
        final StreamingQuery query = query(sink)
            .checkpoint(null == snapshots ? journal : new SnapshotCopies(journal, snapshots))
            .journalInput(journalInput)
            .throttle(4_000)
            .start();
        assertTrue(query.awaitTermination(Duration.ofSeconds(30)), "the original run did not finish");
    }

    /**
     * Tumbling windows of 20 ms behind a watermark of 5 ms, in append mode, cut every 20 ms.
     */
    private StreamWriter query(final CollectingSink sink)
    {
        return Millrace.readStream(new CsvSource(List.of(input), CsvSource.eventSchema(), 1024, false))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(5))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(20)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream()
            .outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(Duration.ofMillis(20)))
            .sink(sink);
    }

    /**
     * @return the rows held in a snapshot of the query, sorted.
     */
    private List<String> rowsOf(final DirectBuffer snapshot)
    {
        final CollectingSink rows = new CollectingSink();
        query(new CollectingSink()).writeState(snapshot, rows);
        final List<String> values = new ArrayList<>();
        rows.values().forEach(row -> values.add(row.toString()));
        values.sort(Comparator.naturalOrder());
        return values;
    }

    private static List<Long> ascending(final long from, final long to)
    {
        final List<Long> epochs = new ArrayList<>();
        for (long epoch = from; epoch <= to; epoch++)
        {
            epochs.add(epoch);
        }
        return epochs;
    }

    /**
     * A journal that keeps a copy of every snapshot committed, so that a test can compare the state of epochs
     * whose snapshot files have been pruned.
     */
    private static final class SnapshotCopies implements Journal
    {
        private final Journal delegate;
        private final Map<Long, DirectBuffer> snapshots;

        SnapshotCopies(final Journal delegate, final Map<Long, DirectBuffer> snapshots)
        {
            this.delegate = delegate;
            this.snapshots = snapshots;
        }

        @Override
        public Recovery open(final String identity)
        {
            return delegate.open(identity);
        }

        @Override
        public long appendRecords(final long sourceOffset, final long lineNumber, final RecordBatch records)
        {
            return delegate.appendRecords(sourceOffset, lineNumber, records);
        }

        @Override
        public long appendEpochCut(final EpochCut cut)
        {
            return delegate.appendEpochCut(cut);
        }

        @Override
        public int readIngress(final IngressHandler handler, final int limit)
        {
            return delegate.readIngress(handler, limit);
        }

        @Override
        public long commit(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
        {
            final byte[] copy = new byte[length];
            snapshot.getBytes(offset, copy);
            synchronized (snapshots)
            {
                snapshots.put(epoch, new UnsafeBuffer(copy));
            }
            return delegate.commit(epoch, snapshot, offset, length);
        }

        @Override
        public void close()
        {
            delegate.close();
        }
    }
}
