package io.millrace;

/**
 * How a query's agents (source and operator chain) are given threads.
 */
public enum ThreadingMode
{
    /** One thread for the source, one for the operator chain: the lowest latency. */
    DEDICATED,
    /** Both agents on one thread, taking turns: for small hosts and many queries. */
    SHARED,
    /** No thread: the caller drives both agents with {@link StreamingQuery#invoke()}; for tests and tools. */
    INVOKER
}
