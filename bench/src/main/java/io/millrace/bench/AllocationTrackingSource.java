package io.millrace.bench;

import io.millrace.row.Schema;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;

/**
 * Wraps a {@link Source} to note how many bytes its thread allocates between {@link #open()} and
 * {@link #close()}, both called on the source thread; otherwise passes every call through.
 */
public final class AllocationTrackingSource implements Source
{
    private final Source source;
    private long openThreadId;
    private long allocatedAtOpen;
    private long allocated = -1;

    /**
     * @param source to wrap.
     */
    public AllocationTrackingSource(final Source source)
    {
        this.source = source;
    }

    @Override
    public Schema schema()
    {
        return source.schema();
    }

    @Override
    public void open()
    {
        openThreadId = Thread.currentThread().getId();
        allocatedAtOpen = JvmStats.currentThreadAllocatedBytes();
        source.open();
    }

    @Override
    public SourceStatus poll(final SourceOutput output, final int limit)
    {
        return source.poll(output, limit);
    }

    @Override
    public long position()
    {
        return source.position();
    }

    @Override
    public void close()
    {
        source.close();
        if (Thread.currentThread().getId() == openThreadId)
        {
            allocated = JvmStats.currentThreadAllocatedBytes() - allocatedAtOpen;
        }
    }

    /**
     * @return id of the source thread, 0 before {@link #open()}.
     */
    public long threadId()
    {
        return openThreadId;
    }

    /**
     * @return bytes the source thread allocated from open to close; -1 before close or when closed on another
     * thread.
     */
    public long allocated()
    {
        return allocated;
    }

    @Override
    public String toString()
    {
        return source.toString();
    }
}
