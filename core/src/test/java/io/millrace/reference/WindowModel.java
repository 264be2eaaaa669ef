package io.millrace.reference;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reference model of Millrace's event-time semantics (docs/semantics.md) for a keyed count per window.
 *
 * <p>This is a deliberately plain model, written from docs/semantics.md alone and independently of the engine, so that
 * engine runs can be compared with it row for row. It favours clarity over speed: plain maps and lists, one record at a
 * time, no incremental cleverness beyond keeping open windows in a map ordered by end so closing is cheap.
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * WindowModel.Result r = WindowModel.tumbling(10_000, 2_000).run(events);
 * r.appendRows();            // rows in emission order
 * r.sortedAppendRows();      // the same rows, sorted: compare with the engine as a multiset
 * r.lateRecords();           // late records in input order
 * r.droppedContributions();  // contributions to already-closed windows
 * WindowModel.sliding(10_000, 5_000, 0).run(events);
 * WindowModel.sessions(3_000, 1_000).run(events);
 * }</pre>
 *
 * <h2>How docs/semantics.md is read here (every point the model depends on)</h2>
 * <ol>
 *   <li><b>Watermark.</b> Before record {@code i} is processed, {@code W = max(time of records 0..i-1) - delay};
 *       before record 0 there is no watermark (minus infinity): nothing is closed and nothing is late. The watermark
 *       uses the maximum seen so far, not the last record's time, so it never goes back. A delay that takes it below
 *       the smallest long leaves it at minus infinity.</li>
 *   <li><b>Closing happens as the watermark advances, before the record is applied.</b> Before record {@code i},
 *       every open window with {@code W >= end} is closed and (append mode) emitted; then record {@code i} is applied
 *       against the same {@code W}. A record therefore never advances the watermark for itself: its own time only
 *       counts from record {@code i+1} on. "Closed" is decided by {@code W >= end} alone, whether or not the window
 *       ever held a row.</li>
 *   <li><b>Tumbling and sliding</b>: window starts are the multiples of the slide (the size, for tumbling), aligned
 *       to 0 with floor semantics, so {@code t = -1} with size 10 belongs to {@code [-10, 0)}. A record at {@code t}
 *       belongs to every window with {@code start <= t < start + size}. Each of its windows that is closed
 *       ({@code W >= end}) drops the contribution and adds one to {@link Result#droppedContributions()}; each open one
 *       counts it. A record all of whose windows are closed is a late record; its contributions are counted as dropped
 *       too (a late record with k windows adds k dropped contributions).</li>
 *   <li><b>Slide larger than size</b> would leave records in no window, counted nowhere; it is refused when the
 *       model is built, as the engine refuses it when a query is built.</li>
 *   <li><b>Sessions</b> (per key, gap G): a record at {@code t} with {@code t + G <= W} is late: it is counted, listed,
 *       contributes nothing, and adds one dropped contribution (its only window {@code [t, t+G)} is closed). Otherwise
 *       it opens {@code [t, t+G)} and merges with every open session of its key that overlaps it (shares at least one
 *       millisecond: {@code a.start < b.end && b.start < a.end}; sessions that only touch do not merge). The merged
 *       session spans the union of all of them, and its count is the sum plus one. Sessions already closed are never
 *       reopened or merged into, so a new session may overlap an already emitted one of the same key and both rows
 *       are emitted. Open sessions of one key never overlap one another (merging keeps them disjoint), so merging with
 *       those that overlap the record's own interval is all that is needed.</li>
 *   <li><b>Windows beyond a long</b>: a record one of whose windows (its session, for sessions) would start before
 *       {@code Long.MIN_VALUE} or end after {@code Long.MAX_VALUE} is a dead letter: listed in
 *       {@link Result#deadLetters()}, it counts in no window, is neither late nor dropped, and still moves the
 *       watermark like every record.</li>
 *   <li><b>End of input</b>: the watermark becomes +infinity, every open window closes and is emitted. Those rows
 *       carry {@code closedBefore == events.size()}.</li>
 *   <li><b>Emission order</b> within one closing step is not fixed by the semantics; the model emits by (end, start,
 * key).
 *       Tests should compare rows as multisets unless an order is fixed; only the closing step ({@link
 *       Emission#closedBefore()}) is the semantics'.</li>
 *   <li><b>Update mode</b>: the model records every change of a window's count (continuous mode, one change per record
 *       per window it touched) in {@link Result#updates()}. The last update of each window equals its append row. When
 *       sessions merge, the sessions merged away stop existing: they have updates but no append row (listed in
 *       {@link Result#mergedAwaySessions()}); how the engine shows them in update mode is not fixed by the
 * semantics.</li>
 *   <li><b>Complete mode</b>: The late-data rules are read as applying in every output mode (complete mode only
 *       differs in never evicting), so the complete table at end of input equals the multiset of append rows. Before
 *       end of input ({@code run(events, false)}) it is the closed rows plus the open ones.</li>
 * </ol>
 *
 * <p>Times are plain longs (epoch milliseconds); window bounds are worked out with {@link BigInteger} so that
 * nothing wraps near {@code Long.MIN_VALUE}/{@code MAX_VALUE}.
 */
public final class WindowModel {

    /** One input record: its event time (epoch ms) and its key. */
    public record Event(long time, String key) {
        public Event {
            Objects.requireNonNull(key, "key");
        }
    }

    /** One window's row, as written by {@code windowed-count}: {@code start_ms,end_ms,key,count}. */
    public record WindowRow(long start, long end, String key, long count) {
        public WindowRow {
            Objects.requireNonNull(key, "key");
        }

        /** The identity of the window (start, end, key), without the count. */
        public WindowId id() {
            return new WindowId(start, end, key);
        }
    }

    /** The identity of one window of one key: {@code [start, end)} and the key. */
    public record WindowId(long start, long end, String key) {
        public WindowId {
            Objects.requireNonNull(key, "key");
        }

        WindowRow withCount(long count) {
            return new WindowRow(start, end, key, count);
        }
    }

    /**
     * An append-mode emission: {@code row} closed just before record {@code closedBefore} was applied (its watermark
     * reached the row's end), or at end of input when {@code closedBefore == events.size()}.
     */
    public record Emission(int closedBefore, WindowRow row) {
    }

    /** An update-mode change: applying record {@code recordIndex} set the window's count to {@code row.count()}. */
    public record Update(int recordIndex, WindowRow row) {
    }

    /** Which kind of window the model computes. */
    public enum Kind {
        TUMBLING, SLIDING, SESSION
    }

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Orders windows by end, then start, then key: the order in which the model closes them. */
    static final Comparator<WindowId> BY_END =
            Comparator.comparingLong(WindowId::end).thenComparingLong(WindowId::start).thenComparing(WindowId::key);

    /** Orders rows by start, end, key, count: the order of {@link Result#sortedAppendRows()}. */
    public static final Comparator<WindowRow> ROW_ORDER = Comparator.comparingLong(WindowRow::start)
            .thenComparingLong(WindowRow::end).thenComparing(WindowRow::key).thenComparingLong(WindowRow::count);

    private final Kind kind;
    private final long size;
    private final long slide;
    private final long gap;
    private final long delay;

    private WindowModel(Kind kind, long size, long slide, long gap, long delay) {
        if (delay < 0) {
            throw new IllegalArgumentException("watermark delay must be >= 0: " + delay);
        }
        this.kind = kind;
        this.size = size;
        this.slide = slide;
        this.gap = gap;
        this.delay = delay;
    }

    /** Tumbling windows of {@code size} ms (starts are multiples of {@code size}), watermark delay {@code delay} ms. */
    public static WindowModel tumbling(long size, long delay) {
        if (size <= 0) {
            throw new IllegalArgumentException("window size must be > 0: " + size);
        }
        return new WindowModel(Kind.TUMBLING, size, size, 0, delay);
    }

    /**
     * Sliding windows of {@code size} ms whose starts are the multiples of {@code slide} (aligned to 0, floor
     * semantics for negative times); {@code slide} need not divide {@code size}. Watermark delay {@code delay} ms.
     */
    public static WindowModel sliding(long size, long slide, long delay) {
        if (size <= 0 || slide <= 0 || slide > size) {
            throw new IllegalArgumentException("window size and slide must be > 0, slide <= size: " + size + ", "
                    + slide);
        }
        return new WindowModel(Kind.SLIDING, size, slide, 0, delay);
    }

    /** Session windows per key with gap {@code gap} ms, watermark delay {@code delay} ms. */
    public static WindowModel sessions(long gap, long delay) {
        if (gap <= 0) {
            throw new IllegalArgumentException("session gap must be > 0: " + gap);
        }
        return new WindowModel(Kind.SESSION, 0, 0, gap, delay);
    }

    /** The kind of windows this model computes. */
    public Kind kind() {
        return kind;
    }

    /**
     * The starts of the tumbling or sliding windows a record at {@code t} belongs to, ascending: every multiple
     * {@code s} of the slide with {@code s <= t < s + size}; never empty, as the slide is at most the size. Not
     * defined for sessions.
     *
     * @throws ArithmeticException when a window does not fit in a long (see {@link #windowsFit(long)}).
     */
    public List<Long> windowStartsOf(long t) {
        if (kind == Kind.SESSION) {
            throw new IllegalStateException("sessions have no fixed windows");
        }
        List<Long> starts = new ArrayList<>();
        for (BigInteger s : exactStartsOf(t)) {
            starts.add(s.longValueExact());
        }
        return starts;
    }

    /**
     * Whether every window of a record at {@code t} (its session {@code [t, t + gap)}, for sessions) starts at or
     * after {@code Long.MIN_VALUE} and ends at or before {@code Long.MAX_VALUE}; a record for which this does not
     * hold is a dead letter.
     */
    public boolean windowsFit(long t) {
        if (kind == Kind.SESSION) {
            return BigInteger.valueOf(t).add(BigInteger.valueOf(gap)).compareTo(LONG_MAX) <= 0;
        }
        List<BigInteger> starts = exactStartsOf(t);
        return starts.get(0).compareTo(LONG_MIN) >= 0
                && starts.get(starts.size() - 1).add(BigInteger.valueOf(size)).compareTo(LONG_MAX) <= 0;
    }

    /** Every multiple {@code s} of the slide with {@code s <= t < s + size}, ascending, in unbounded integers. */
    private List<BigInteger> exactStartsOf(long t) {
        BigInteger time = BigInteger.valueOf(t);
        BigInteger step = BigInteger.valueOf(slide);
        // The largest multiple of the slide that is <= t (mod is never negative, so this floors for negative t) ...
        BigInteger s = time.subtract(time.mod(step));
        // ... and every smaller multiple whose window still contains t (t < s + size).
        List<BigInteger> starts = new ArrayList<>();
        while (s.add(BigInteger.valueOf(size)).compareTo(time) > 0) {
            starts.add(s);
            s = s.subtract(step);
        }
        Collections.reverse(starts);
        return starts;
    }

    /** Runs the model over {@code events} in input order, then ends the input (watermark +infinity). */
    public Result run(List<Event> events) {
        return run(events, true);
    }

    /**
     * Runs the model over {@code events} in input order. With {@code endOfInput} the watermark then becomes +infinity
     * and every open window closes and is emitted; without it, windows still open stay in {@link Result#openRows()}.
     */
    public Result run(List<Event> events, boolean endOfInput) {
        Run run = new Run();
        Long maxTime = null; // max event time of records 0..i-1; null before the first record
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            // The watermark before record i; null means minus infinity: no record yet, or a delay below every long.
            Long w = maxTime == null || maxTime < Long.MIN_VALUE + delay ? null : maxTime - delay;
            if (w != null) {
                run.closeUpTo(w, i);
            }
            if (!windowsFit(e.time())) {
                run.deadLetter(i, e);
            } else if (kind == Kind.SESSION) {
                run.applySession(i, e, w);
            } else {
                run.applyFixed(i, e, w);
            }
            maxTime = maxTime == null ? e.time() : Math.max(maxTime, e.time());
        }
        if (endOfInput) {
            run.closeAll(events.size());
        }
        return run.result(endOfInput);
    }

    /** The state of one run of the model. */
    private final class Run {
        /** Open windows and their counts, ordered by (end, start, key) so the next to close comes first. */
        final TreeMap<WindowId, Long> open = new TreeMap<>(BY_END);
        /** Open sessions per key (sessions only). */
        final Map<String, List<WindowId>> openSessionsByKey = new HashMap<>();
        /** Every window that closed, with its final count. */
        final List<Emission> emissions = new ArrayList<>();
        final List<Event> late = new ArrayList<>();
        final List<Integer> lateIndices = new ArrayList<>();
        final List<Event> deadLetters = new ArrayList<>();
        final List<Integer> deadLetterIndices = new ArrayList<>();
        final List<Update> updates = new ArrayList<>();
        final List<WindowRow> mergedAway = new ArrayList<>();
        long dropped;

        /** Closes (and emits) every open window whose end is <= the watermark {@code w}. */
        void closeUpTo(long w, int closedBefore) {
            while (!open.isEmpty() && open.firstKey().end() <= w) {
                close(open.firstKey(), closedBefore);
            }
        }

        /** End of input: the watermark is +infinity, so every open window closes. */
        void closeAll(int closedBefore) {
            while (!open.isEmpty()) {
                close(open.firstKey(), closedBefore);
            }
        }

        void close(WindowId id, int closedBefore) {
            long count = open.remove(id);
            if (kind == Kind.SESSION) {
                openSessionsByKey.get(id.key()).remove(id);
            }
            emissions.add(new Emission(closedBefore, id.withCount(count)));
        }

        /** A record whose windows do not fit in a long: listed, and nothing else. */
        void deadLetter(int i, Event e) {
            deadLetters.add(e);
            deadLetterIndices.add(i);
        }

        /** Tumbling or sliding: count the record in each of its open windows, drop it from the closed ones. */
        void applyFixed(int i, Event e, Long w) {
            List<Long> starts = windowStartsOf(e.time());
            int counted = 0;
            for (long start : starts) {
                WindowId id = new WindowId(start, start + size, e.key());
                if (w != null && w >= id.end()) {
                    dropped++; // the window is closed (whether or not it ever had a row)
                } else {
                    long count = open.getOrDefault(id, 0L) + 1;
                    open.put(id, count);
                    updates.add(new Update(i, id.withCount(count)));
                    counted++;
                }
            }
            if (counted == 0) {
                late.add(e);
                lateIndices.add(i);
            }
        }

        /** Sessions: a record is late when its own session [t, t+G) is closed; otherwise it merges open overlaps. */
        void applySession(int i, Event e, Long w) {
            long start = e.time();
            long end = Math.addExact(e.time(), gap);
            if (w != null && w >= end) {
                late.add(e);
                lateIndices.add(i);
                dropped++;
                return;
            }
            List<WindowId> sessions = openSessionsByKey.computeIfAbsent(e.key(), k -> new ArrayList<>());
            long recordStart = start;
            long recordEnd = end;
            long count = 1;
            List<WindowId> merged = new ArrayList<>();
            for (WindowId s : sessions) {
                boolean overlaps = s.start() < recordEnd && recordStart < s.end(); // touching (end == start) is not
                if (overlaps) {
                    merged.add(s);
                }
            }
            for (WindowId s : merged) {
                long c = open.remove(s);
                sessions.remove(s);
                mergedAway.add(s.withCount(c));
                count += c;
                start = Math.min(start, s.start());
                end = Math.max(end, s.end());
            }
            WindowId session = new WindowId(start, end, e.key());
            for (WindowId s : sessions) {
                if (s.start() < session.end() && session.start() < s.end()) {
                    throw new AssertionError("open sessions of one key overlap: " + s + " and " + session);
                }
            }
            sessions.add(session);
            open.put(session, count);
            updates.add(new Update(i, session.withCount(count)));
        }

        Result result(boolean endOfInput) {
            List<WindowRow> openRows = new ArrayList<>();
            for (Map.Entry<WindowId, Long> en : open.entrySet()) {
                openRows.add(en.getKey().withCount(en.getValue()));
            }
            openRows.sort(ROW_ORDER);
            return new Result(endOfInput, emissions, openRows, late, lateIndices, dropped, deadLetters, deadLetterIndices, updates,
                    mergedAway);
        }
    }

    /** What one run of the model produced. All lists are unmodifiable. */
    public static final class Result {
        private final boolean endOfInput;
        private final List<Emission> emissions;
        private final List<WindowRow> openRows;
        private final List<Event> lateRecords;
        private final List<Integer> lateIndices;
        private final long droppedContributions;
        private final List<Event> deadLetters;
        private final List<Integer> deadLetterIndices;
        private final List<Update> updates;
        private final List<WindowRow> mergedAwaySessions;
        private Map<WindowId, WindowRow> lastUpdates; // built on first use

        Result(boolean endOfInput, List<Emission> emissions, List<WindowRow> openRows, List<Event> lateRecords,
                List<Integer> lateIndices, long droppedContributions, List<Event> deadLetters, List<Integer> deadLetterIndices,
                List<Update> updates,
                List<WindowRow> mergedAwaySessions) {
            this.endOfInput = endOfInput;
            this.emissions = List.copyOf(emissions);
            this.openRows = List.copyOf(openRows);
            this.lateRecords = List.copyOf(lateRecords);
            this.lateIndices = List.copyOf(lateIndices);
            this.droppedContributions = droppedContributions;
            this.deadLetters = List.copyOf(deadLetters);
            this.deadLetterIndices = List.copyOf(deadLetterIndices);
            this.updates = List.copyOf(updates);
            this.mergedAwaySessions = List.copyOf(mergedAwaySessions);
        }

        /** Whether the input was ended (watermark +infinity) after the last record. */
        public boolean endOfInput() {
            return endOfInput;
        }

        /** Append-mode emissions in the model's emission order, each with the step at which its window closed. */
        public List<Emission> emissions() {
            return emissions;
        }

        /** Append-mode rows in the model's emission order (see {@link #emissions()} for when each closed). */
        public List<WindowRow> appendRows() {
            List<WindowRow> rows = new ArrayList<>();
            for (Emission em : emissions) {
                rows.add(em.row());
            }
            return Collections.unmodifiableList(rows);
        }

        /** Append-mode rows sorted by (start, end, key, count): compare with the engine's rows sorted the same way. */
        public List<WindowRow> sortedAppendRows() {
            List<WindowRow> rows = new ArrayList<>(appendRows());
            rows.sort(ROW_ORDER);
            return Collections.unmodifiableList(rows);
        }

        /** Rows that closed before record {@code index} was applied (or at end of input, for {@code events.size()}). */
        public List<WindowRow> rowsClosedBefore(int index) {
            List<WindowRow> rows = new ArrayList<>();
            for (Emission em : emissions) {
                if (em.closedBefore() == index) {
                    rows.add(em.row());
                }
            }
            return Collections.unmodifiableList(rows);
        }

        /** Windows still open at the end of the run, sorted; empty when the input was ended. */
        public List<WindowRow> openRows() {
            return openRows;
        }

        /**
         * Complete mode: the whole result table (closed windows with their final counts and open windows with their
         * current counts), sorted. At end of input it equals {@link #sortedAppendRows()}.
         */
        public List<WindowRow> completeTable() {
            List<WindowRow> rows = new ArrayList<>(appendRows());
            rows.addAll(openRows);
            rows.sort(ROW_ORDER);
            return Collections.unmodifiableList(rows);
        }

        /** Late records (all of their windows were closed when they arrived), in input order. */
        public List<Event> lateRecords() {
            return lateRecords;
        }

        /** Input indices (0-based) of the late records, in input order. */
        public List<Integer> lateRecordIndices() {
            return lateIndices;
        }

        /** The number of late records. */
        public long lateRecordCount() {
            return lateRecords.size();
        }

        /**
         * Contributions dropped because their window was closed: one per (record, closed window) pair for
         * tumbling and sliding windows, including those of late records; one per late record for sessions.
         */
        public long droppedContributions() {
            return droppedContributions;
        }

        /** Records whose windows do not fit in a long (see {@link WindowModel#windowsFit(long)}), in input order. */
        public List<Event> deadLetters() {
            return deadLetters;
        }

        /** Input indices (0-based) of the {@link #deadLetters()}, in input order. */
        public List<Integer> deadLetterIndices() {
            return deadLetterIndices;
        }

        /**
         * Update mode in continuous processing: every change of a window's count, in the order the records made
         * them (per record, by ascending window start for sliding windows).
         */
        public List<Update> updates() {
            return updates;
        }

        /**
         * The last update of each window that ever received one, sorted; includes sessions later merged away (see
         * {@link #mergedAwaySessions()}). For every append row, the last update of its window equals it.
         */
        public List<WindowRow> lastUpdateRows() {
            List<WindowRow> rows = new ArrayList<>(lastUpdates().values());
            rows.sort(ROW_ORDER);
            return Collections.unmodifiableList(rows);
        }

        /** The final count of a window (its last update), or {@code null} if it never received a contribution. */
        public Long finalCount(long start, long end, String key) {
            WindowRow last = lastUpdates().get(new WindowId(start, end, key));
            return last == null ? null : last.count();
        }

        private Map<WindowId, WindowRow> lastUpdates() {
            if (lastUpdates == null) {
                Map<WindowId, WindowRow> last = new HashMap<>();
                for (Update u : updates) {
                    last.put(u.row().id(), u.row());
                }
                lastUpdates = last;
            }
            return lastUpdates;
        }

        /** Sessions that were merged into a larger one, with their count at that moment, in merge order. */
        public List<WindowRow> mergedAwaySessions() {
            return mergedAwaySessions;
        }

        @Override
        public String toString() {
            return "Result{rows=" + appendRows() + ", open=" + openRows + ", late=" + lateRecords + ", dropped="
                    + droppedContributions + ", deadLetters=" + deadLetters + "}";
        }
    }
}
