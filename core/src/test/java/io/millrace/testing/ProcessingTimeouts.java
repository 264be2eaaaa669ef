package io.millrace.testing;

import io.millrace.checkpoint.EpochCut;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keyed process function on processing time ({@link Timeout}: a key's rows are counted until the key has had no
 * row for a timeout of processing time, then written once and forgotten) and a plain-Java model of the processing
 * time contract to check it with. Processing time depends on the wall clock, so the expected rows cannot come from a
 * second run: the model runs over the history the journal recorded (each epoch's records and its cut's time).
 */
public final class ProcessingTimeouts
{
    /** Rows written: the key, its rows counted, the timer's time and the processing time it fired at. */
    public static final Schema OUTPUT = Schema.builder().stringColumn("key", 16).longColumn("rows")
        .longColumn("timer").longColumn("at").build();

    private ProcessingTimeouts()
    {
    }

    /**
     * Counts a key's rows; each row moves the key's deadline to the processing time (0 before the first epoch has
     * ended) plus the timeout and sets a processing-time timer there; the timer at the deadline writes the key, the
     * count, the timer's time and the processing time it fired at, and clears the key.
     */
    public static final class Timeout implements KeyedProcessFunction
    {
        private static final int KEY_BYTES = 16;
        private final String keyColumn;
        private final long timeout;
        private StringColumn key;
        private StringColumn outKey;
        private LongColumn rows;
        private LongColumn timer;
        private LongColumn at;

        /**
         * @param keyColumn the string column the function is keyed by, at most 16 bytes.
         * @param timeout   ms of processing time without a row after which a key is written.
         */
        public Timeout(final String keyColumn, final long timeout)
        {
            this.keyColumn = keyColumn;
            this.timeout = timeout;
        }

        @Override
        public int stateBytes()
        {
            return 8 + 8 + 4 + KEY_BYTES; // rows, deadline, key length, key
        }

        @Override
        public void open(final Schema input, final Schema output)
        {
            key = input.stringColumn(keyColumn);
            outKey = output.stringColumn("key");
            rows = output.longColumn("rows");
            timer = output.longColumn("timer");
            at = output.longColumn("at");
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int offset = context.stateOffset();
            final long now = context.processingTime();
            final long deadline = (now == Long.MIN_VALUE ? 0 : now) + timeout;
            state.putLong(offset, state.getLong(offset) + 1);
            state.putLong(offset + 8, deadline);
            final int length = Math.min(KEY_BYTES, key.length(row));
            state.putInt(offset + 16, length);
            state.putBytes(offset + 20, row.buffer(), key.bytesOffset(row), length);
            context.registerProcessingTimer(deadline);
        }

        @Override
        public void onProcessingTimer(final long time, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int offset = context.stateOffset();
            if (time == state.getLong(offset + 8))
            {
                context.row().putString(outKey, state, offset + 20, state.getInt(offset + 16))
                    .putLong(rows, state.getLong(offset)).putLong(timer, time).putLong(at, context.processingTime());
                context.emit();
                context.clearState();
            }
        }
    }

    /**
     * The contract over a recorded history: an epoch's records see the processing time of the cuts before it; at
     * its marker processing time becomes its cut's time (never less), and the timers due fire in time order, the keys
     * of one time in key order, each key once per time.
     *
     * @param cuts    every epoch's cut, in order, as the journal holds them.
     * @param keyOf   the key of the record at an offset.
     * @param timeout of the {@link Timeout} function.
     * @return the rows of each epoch that has any, as CSV lines of {@link #OUTPUT}.
     */
    public static Map<Long, List<String>> model(
        final List<EpochCut> cuts, final LongFunction<String> keyOf, final long timeout)
    {
        final Map<Long, List<String>> rows = new TreeMap<>();
        final Map<String, long[]> state = new HashMap<>(); // key -> {rows, deadline}
        final TreeMap<Long, TreeSet<String>> timers = new TreeMap<>();
        long now = Long.MIN_VALUE;
        long nextOffset = -1;
        for (final EpochCut cut : cuts)
        {
            if (cut.records() > 0)
            {
                assertTrue(nextOffset < 0 || nextOffset == cut.firstOffset(),
                    "epoch " + cut.epoch() + " starts at the next record: " + cut);
                for (long offset = cut.firstOffset(); offset <= cut.lastOffset(); offset++)
                {
                    final String key = keyOf.apply(offset);
                    final long deadline = (now == Long.MIN_VALUE ? 0 : now) + timeout;
                    final long[] keyState = state.computeIfAbsent(key, k -> new long[2]);
                    keyState[0]++;
                    keyState[1] = deadline;
                    timers.computeIfAbsent(deadline, t -> new TreeSet<>()).add(key);
                }
                assertEquals(cut.records(), cut.lastOffset() - cut.firstOffset() + 1, "records of " + cut);
                nextOffset = cut.lastOffset() + 1;
            }
            assertTrue(cut.time() != EpochCut.NO_TIME, "every cut carries its time: " + cut);
            now = Math.max(now, cut.time());
            while (!timers.isEmpty() && timers.firstKey() <= now)
            {
                final Map.Entry<Long, TreeSet<String>> due = timers.pollFirstEntry();
                for (final String key : due.getValue())
                {
                    final long[] keyState = state.get(key);
                    if (null != keyState && keyState[1] == due.getKey())
                    {
                        rows.computeIfAbsent(cut.epoch(), e -> new ArrayList<>())
                            .add(key + "," + keyState[0] + "," + due.getKey() + "," + now);
                        state.remove(key);
                    }
                }
            }
        }
        return rows;
    }
}
