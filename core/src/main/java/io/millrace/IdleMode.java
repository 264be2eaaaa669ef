package io.millrace;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * What a query's threads do when they find no work, by name: for {@link StreamWriter#idleStrategy(Supplier)},
 * the command line's {@code --idle} and the benchmarks'. On a host whose cores are shared (two cores, or more
 * queries than cores) keep {@link #BACKOFF}: threads that spin starve each other. With a core per busy thread,
 * {@link #BUSY} gives the lowest latency.
 */
public enum IdleMode
{
    /** Spin briefly, then yield, then park for up to 100 µs: the default, kind to small hosts. */
    BACKOFF(() -> new BackoffIdleStrategy(100, 10, 1_000, 100_000)),
    /** Yield the core to any other thread that wants it, never park. */
    YIELD(YieldingIdleStrategy::new),
    /** Spin on the core: for threads that have a core of their own. */
    BUSY(BusySpinIdleStrategy::new);

    private final Supplier<IdleStrategy> strategies;

    IdleMode(final Supplier<IdleStrategy> strategies)
    {
        this.strategies = strategies;
    }

    /**
     * @return a supplier of a new strategy per thread.
     */
    public Supplier<IdleStrategy> strategies()
    {
        return strategies;
    }

    /**
     * @param name {@code backoff}, {@code yield} or {@code busy}, in any case.
     * @return the mode.
     * @throws IllegalArgumentException naming the choices, for any other name.
     */
    public static IdleMode named(final String name)
    {
        for (final IdleMode mode : values())
        {
            if (mode.name().equalsIgnoreCase(name))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("idle mode must be backoff, yield or busy: '" + name + "'");
    }

    @Override
    public String toString()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
