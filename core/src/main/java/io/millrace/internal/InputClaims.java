package io.millrace.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Which input objects (polled sources, publishers) have fed a query: each feeds one query in its life, because
 * it carries that query's read position (and a publisher its producer), so a second query on it would share or
 * inherit them. Claims are held weakly, by identity, so a spent input can still be collected. Control plane only:
 * queries start rarely, and the list is scanned under a lock. Thread-safe.
 */
public final class InputClaims
{
    private static final List<Claim> CLAIMS = new ArrayList<>();

    private record Claim(WeakReference<Object> input, QueryControl query)
    {
    }

    private InputClaims()
    {
    }

    /**
     * Claims an input for a query about to start.
     *
     * @param input       the source or publisher.
     * @param description of the input in the message, e.g. {@code "source CsvSource[...]"}.
     * @param kind        what to build instead, e.g. {@code "source"}.
     * @param query       the query it will feed.
     * @throws IllegalStateException when the input fed or feeds another query.
     */
    public static synchronized void claim(
        final Object input, final String description, final String kind, final QueryControl query)
    {
        for (final Iterator<Claim> claims = CLAIMS.iterator(); claims.hasNext(); )
        {
            final Claim claim = claims.next();
            final Object claimed = claim.input().get();
            if (null == claimed)
            {
                claims.remove();
            }
            else if (claimed == input)
            {
                throw new IllegalStateException(description + (claim.query().isTerminated() ?
                    " already fed a query, which has ended" : " already feeds a running query") +
                    "; build a new " + kind + " for each query");
            }
        }
        CLAIMS.add(new Claim(new WeakReference<>(input), query));
    }

    /**
     * Gives an input back when its query failed to start, before it read anything.
     *
     * @param input claimed by {@link #claim}.
     */
    public static synchronized void release(final Object input)
    {
        CLAIMS.removeIf(claim -> claim.input().get() == input);
    }
}
