package io.millrace.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Shared control state of a running query: its name, whether it is asked to stop, how it ended.
 * Any thread.
 */
public final class QueryControl
{
    private final String name;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean finished;
    private volatile Throwable error;

    /**
     * @param name of the query, used in thread names and messages.
     */
    public QueryControl(final String name)
    {
        this.name = name;
    }

    /**
     * @return the query's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return whether agents should end at their next duty cycle.
     */
    public boolean isStopping()
    {
        return stopping;
    }

    /**
     * Asks agents to end and marks the query terminated.
     */
    public void stop()
    {
        stopping = true;
        terminated.countDown();
    }

    /**
     * The query processed its end of input.
     */
    public void finished()
    {
        finished = true;
        terminated.countDown();
    }

    /**
     * The query failed; the first error is kept.
     *
     * @param cause of the failure.
     */
    public void failed(final Throwable cause)
    {
        if (null == error)
        {
            error = cause;
        }
        stop();
    }

    /**
     * @return whether the query ended by processing all of its input.
     */
    public boolean isFinished()
    {
        return finished;
    }

    /**
     * @return the error the query failed with, or null.
     */
    public Throwable error()
    {
        return error;
    }

    /**
     * @return whether the query ended: finished, failed or stopped.
     */
    public boolean isTerminated()
    {
        return terminated.getCount() == 0;
    }

    /**
     * @param timeout to wait.
     * @param unit    of {@code timeout}.
     * @return whether the query ended within the timeout.
     * @throws InterruptedException when interrupted.
     */
    public boolean await(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return terminated.await(timeout, unit);
    }
}
