package io.millrace.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that samples the machine's noise for a run whose own threads do not spin (the journaled harness's
 * source idles between due records): it spins {@link #SPIN_MILLIS} ms in every {@link #PERIOD_MILLIS} counting its
 * stops ({@link StallMeter}), and parks the rest, so that it takes a tenth of a core.
 */
final class NoiseProbe implements AutoCloseable
{
    static final long SPIN_MILLIS = 1;
    static final long PERIOD_MILLIS = 10;

    private final StallMeter meter = new StallMeter();
    private final Thread thread;
    private volatile boolean running = true;

    NoiseProbe()
    {
        thread = new Thread(this::run, "millrace-noise-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void run()
    {
        while (running)
        {
            meter.spinUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SPIN_MILLIS));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS - SPIN_MILLIS));
        }
    }

    /**
     * Stops the probe and waits for it.
     */
    @Override
    public void close() throws InterruptedException
    {
        running = false;
        thread.join();
    }

    /**
     * @return the noise line; after {@link #close()}.
     */
    String describe()
    {
        return meter.describe("a probe thread, spinning " + SPIN_MILLIS + " ms in every " + PERIOD_MILLIS);
    }
}
