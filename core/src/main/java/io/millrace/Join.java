package io.millrace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How two streams are joined ({@link Stream#join(Stream, Join)}): equal key columns, and optionally a time bound or
 * a window. Immutable; each method returns a new join.
 * <ul>
 *   <li>{@code Join.on("seller", "id")}: every pair of rows with equal keys, written when the second arrives; the
 *       state grows for as long as the query runs (the progress reports it).</li>
 *   <li>{@code .between("bid_time", "auction_time", before, after)}: an interval join, pairs whose times satisfy
 *       {@code left.bid_time BETWEEN right.auction_time - before AND right.auction_time + after}; both sides need a
 *       watermark on their time column, which evicts rows that can meet no later row.</li>
 *   <li>{@code .window(Window.window("date_time", size), "date_time")}: a windowed join, pairs of rows in the same
 *       tumbling or sliding window, written when the window closes.</li>
 * </ul>
 * A left outer join ({@link #leftOuter()}) also writes the left rows no right row met. The output has the left row's
 * columns, then the right row's (a right column whose name the left side has too is
 * renamed with a prefix, {@code right_} unless {@link #rightPrefix(String)} says otherwise), after
 * {@code window_start} and {@code window_end} for a windowed join.
 */
public final class Join
{
    private final List<String> leftKeys;
    private final List<String> rightKeys;
    private final String leftTime;
    private final String rightTime;
    private final long beforeMs;
    private final long afterMs;
    private final Window window;
    private final String rightPrefix;
    private final boolean leftOuter;

    private Join(
        final List<String> leftKeys,
        final List<String> rightKeys,
        final String leftTime,
        final String rightTime,
        final long beforeMs,
        final long afterMs,
        final Window window,
        final String rightPrefix,
        final boolean leftOuter)
    {
        this.leftKeys = List.copyOf(leftKeys);
        this.rightKeys = List.copyOf(rightKeys);
        this.leftTime = leftTime;
        this.rightTime = rightTime;
        this.beforeMs = beforeMs;
        this.afterMs = afterMs;
        this.window = window;
        this.rightPrefix = rightPrefix;
        this.leftOuter = leftOuter;
    }

    /**
     * @param leftColumn  key column of the left stream.
     * @param rightColumn key column of the right stream, of the same type.
     * @return a join on the two being equal.
     */
    public static Join on(final String leftColumn, final String rightColumn)
    {
        return new Join(List.of(Objects.requireNonNull(leftColumn, "leftColumn")),
            List.of(Objects.requireNonNull(rightColumn, "rightColumn")), null, null, 0, 0, null, "right_", false);
    }

    /**
     * @param leftColumn  another key column of the left stream.
     * @param rightColumn the right stream's column it must equal.
     * @return this join on one more pair of columns.
     */
    public Join and(final String leftColumn, final String rightColumn)
    {
        final List<String> left = new ArrayList<>(leftKeys);
        final List<String> right = new ArrayList<>(rightKeys);
        left.add(Objects.requireNonNull(leftColumn, "leftColumn"));
        right.add(Objects.requireNonNull(rightColumn, "rightColumn"));
        return new Join(left, right, leftTime, rightTime, beforeMs, afterMs, window, rightPrefix, leftOuter);
    }

    /**
     * @param leftTimeColumn  event-time column of the left stream, its watermark's.
     * @param rightTimeColumn event-time column of the right stream, its watermark's.
     * @param before          how far the left row's time may be before the right row's; zero or more.
     * @param after           how far the left row's time may be after the right row's; zero or more.
     * @return this join, bounded: {@code left.time BETWEEN right.time - before AND right.time + after}.
     */
    public Join between(
        final String leftTimeColumn, final String rightTimeColumn, final Duration before, final Duration after)
    {
        final long beforeMillis = Window.millisAtLeast("join bound 'before'", before, 0);
        final long afterMillis = Window.millisAtLeast("join bound 'after'", after, 0);
        return new Join(leftKeys, rightKeys, Objects.requireNonNull(leftTimeColumn, "leftTimeColumn"),
            Objects.requireNonNull(rightTimeColumn, "rightTimeColumn"), beforeMillis, afterMillis, null,
            rightPrefix, leftOuter);
    }

    /**
     * @param leftWindow      tumbling or sliding window over the left stream's event-time column.
     * @param rightTimeColumn the right stream's event-time column, windowed alike.
     * @return this join, of rows in one window.
     */
    public Join window(final Window leftWindow, final String rightTimeColumn)
    {
        Objects.requireNonNull(leftWindow, "leftWindow");
        return new Join(leftKeys, rightKeys, leftWindow.timeColumn(),
            Objects.requireNonNull(rightTimeColumn, "rightTimeColumn"), 0, 0, leftWindow, rightPrefix, leftOuter);
    }

    /**
     * @param prefix given to a right column whose name the left side has too; default {@code right_}.
     * @return this join with that prefix.
     */
    public Join rightPrefix(final String prefix)
    {
        return new Join(leftKeys, rightKeys, leftTime, rightTime, beforeMs, afterMs, window,
            Objects.requireNonNull(prefix, "prefix"), leftOuter);
    }

    /**
     * Makes this a left outer join: a left row that meets no right row is written too, alone, once the watermark
     * proves no right row can meet it (an interval join: when the watermark passes its time plus {@code before}; a
     * windowed join: when its window closes), with the right columns at zero and the added column {@code matched}
     * false ({@code matched} is true on the pairs). Needs a time bound or a window.
     *
     * @return this join, left outer.
     */
    public Join leftOuter()
    {
        return new Join(leftKeys, rightKeys, leftTime, rightTime, beforeMs, afterMs, window, rightPrefix, true);
    }

    List<String> leftKeys()
    {
        return leftKeys;
    }

    List<String> rightKeys()
    {
        return rightKeys;
    }

    String leftTime()
    {
        return leftTime;
    }

    String rightTime()
    {
        return rightTime;
    }

    long beforeMs()
    {
        return beforeMs;
    }

    long afterMs()
    {
        return afterMs;
    }

    Window window()
    {
        return window;
    }

    String rightPrefix()
    {
        return rightPrefix;
    }

    boolean isLeftOuter()
    {
        return leftOuter;
    }
}
