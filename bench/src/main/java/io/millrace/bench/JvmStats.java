package io.millrace.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What the JVM says about collections and allocation, for the harnesses' reports: collection counts and times
 * from the {@link GarbageCollectorMXBean}s, and bytes allocated per thread from HotSpot's
 * {@code com.sun.management.ThreadMXBean}. Any thread; the calls themselves allocate a little, so keep them
 * outside measured loops.
 */
public final class JvmStats
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private JvmStats()
    {
    }

    /**
     * @return collections so far, all collectors (young and old) together.
     */
    public static long gcCount()
    {
        long count = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    /**
     * @return milliseconds spent in collections so far, all collectors together.
     */
    public static long gcMillis()
    {
        long millis = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    /**
     * @return names of the collectors, e.g. {@code G1 Young Generation, G1 Old Generation}.
     */
    public static String gcNames()
    {
        final StringBuilder names = new StringBuilder();
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            names.append(names.length() == 0 ? "" : ", ").append(gc.getName());
        }
        return names.toString();
    }

    /**
     * @return bytes the calling thread has allocated on the heap since it started.
     */
    public static long currentThreadAllocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * @param threadId of a live thread.
     * @return bytes it has allocated on the heap since it started; -1 when it is not alive.
     */
    public static long threadAllocatedBytes(final long threadId)
    {
        return THREADS.getThreadAllocatedBytes(threadId);
    }
}
