package io.millrace.bench;

import io.millrace.IdleMode;
import org.agrona.concurrent.IdleStrategy;

import java.util.function.Supplier;

/**
 * The idle strategies the harnesses offer for the query's threads, by {@link IdleMode} name.
 */
public final class IdleStrategies
{
    /** Names accepted by {@link #byName(String)}. */
    public static final String NAMES = "backoff (engine default: spin, yield, park up to 100 us), yield, busy";

    private IdleStrategies()
    {
    }

    /**
     * @param name {@code backoff}, {@code yield} or {@code busy}.
     * @return a supplier of one strategy per thread.
     * @throws Args.BadArgumentException for any other name.
     */
    public static Supplier<IdleStrategy> byName(final String name)
    {
        try
        {
            return IdleMode.named(name).strategies();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Args.BadArgumentException("--idle must be backoff, yield or busy: '" + name + "'");
        }
    }
}
