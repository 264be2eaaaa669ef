package io.millrace.source;

import io.millrace.row.Schema;

/**
 * Emits events {@code 0 .. count-1} of a {@link NexmarkGenerator} as rows of {@link NexmarkGenerator#EVENT}, in
 * order. An event's offset is its index, so the source can seek, and a query recovering from a checkpoint
 * regenerates the events after the committed cut instead of journaling them.
 */
public final class NexmarkSource implements Source
{
    private final NexmarkGenerator generator;
    private final long count;
    private long next;

    /**
     * @param generator of the events.
     * @param count     events to emit.
     * @throws IllegalArgumentException when the count is negative.
     */
    public NexmarkSource(final NexmarkGenerator generator, final long count)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("event count must not be negative: " + count);
        }
        this.generator = generator;
        this.count = count;
    }

    @Override
    public Schema schema()
    {
        return NexmarkGenerator.EVENT;
    }

    @Override
    public SourceStatus poll(final SourceOutput output, final int limit)
    {
        for (int i = 0; i < limit; i++)
        {
            if (next >= count)
            {
                return SourceStatus.END_OF_INPUT;
            }
            generator.write(next, output.row());
            if (!output.emit(next++))
            {
                break;
            }
        }
        return SourceStatus.MORE_AVAILABLE;
    }

    @Override
    public long position()
    {
        return next;
    }

    /**
     * @return true: all {@code count} events are available from the start.
     */
    @Override
    public boolean endAtAvailableInput()
    {
        return true;
    }

    @Override
    public boolean isReplayable()
    {
        return true;
    }

    @Override
    public void seek(final long position, final long lineNumber)
    {
        if (position < 0 || position > count)
        {
            throw new IllegalArgumentException("NEXMark position " + position + " is outside 0.." + count);
        }
        next = position;
    }

    @Override
    public String toString()
    {
        return "NexmarkSource(" + count + " events of " + generator + ")";
    }
}
