package io.millrace.examples.nexmark;

import io.millrace.Stream;
import io.millrace.Window;

import java.time.Duration;

/**
 * NEXMark q11, user sessions: the bids of each bidder in session windows with a 10 s gap, as
 * {@code bidder, count, session_start, session_end}, when the session closes. A session-window count, its columns
 * put in q11's order and named as q11 names them.
 */
public final class Q11UserSessions
{
    /** Gap that ends a bidder's session. */
    public static final long GAP_MS = 10_000;

    private Q11UserSessions()
    {
    }

    /**
     * @param events the NEXMark events ({@link Nexmark#events}).
     * @return the bidders' sessions.
     */
    public static Stream plan(final Stream events)
    {
        return Nexmark.bids(events, "bidder", Nexmark.TIME)
            .groupBy(Window.sessionWindow(Nexmark.TIME, Duration.ofMillis(GAP_MS)), "bidder")
            .count()
            .select("bidder", "count", "window_start", "window_end")
            .withColumnRenamed("window_start", "session_start")
            .withColumnRenamed("window_end", "session_end");
    }
}
