package io.millrace.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Measures how noisy the machine is from a spinning thread: any gap of more than {@link #STALL_NANOS} between two
 * reads of the clock by a thread that does nothing but read it is the thread being stopped (descheduled,
 * interrupted, paused by the JVM), not work. One thread.
 */
public final class StallMeter
{
    /** A gap this long between two clock reads of the spinning thread means it was stopped. */
    public static final long STALL_NANOS = 50_000;

    private long stalls;
    private long stalledNanos;
    private long spunNanos;

    /**
     * Spins until a time, counting the stops on the way.
     *
     * @param deadlineNanos {@link System#nanoTime()} to spin until.
     * @return the time at the end, at or after the deadline.
     */
    public long spinUntil(final long deadlineNanos)
    {
        long now = System.nanoTime();
        long last = now;
        while (now - deadlineNanos < 0)
        {
            Thread.onSpinWait();
            now = System.nanoTime();
            if (now - last > STALL_NANOS)
            {
                stalls++;
                stalledNanos += now - last;
            }
            spunNanos += now - last;
            last = now;
        }
        return now;
    }

    /**
     * @return stops longer than {@link #STALL_NANOS}.
     */
    public long stalls()
    {
        return stalls;
    }

    /**
     * @return the time those stops took, ns.
     */
    public long stalledNanos()
    {
        return stalledNanos;
    }

    /**
     * @return the time spent spinning, stops included, ns.
     */
    public long spunNanos()
    {
        return spunNanos;
    }

    /**
     * Starts the figures again, for the measured part of a run.
     */
    public void reset()
    {
        stalls = 0;
        stalledNanos = 0;
        spunNanos = 0;
    }

    /**
     * @param who names the spinning thread, e.g. "the offering thread, spinning between records".
     * @return the harness's noise line.
     */
    public String describe(final String who)
    {
        return String.format(Locale.ROOT, "noise: %s, was stopped %,d times for more than %d us, %.1f ms in all " +
            "(%.2f%% of %.3f s spinning); load average %.2f", who, stalls, STALL_NANOS / 1000, stalledNanos / 1e6,
            spunNanos == 0 ? 0.0 : 100.0 * stalledNanos / spunNanos, spunNanos / 1e9,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
