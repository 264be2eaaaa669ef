package io.millrace.internal;

import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.Journal;

/**
 * The producer side's view of the open epoch for the journal: the records published into it (count, first and
 * last offset) and the logging of its cut ({@code EPOCH_BEGIN}) before the marker enters the ring. Without a
 * journal it only counts. One producer thread.
 */
public final class EpochLog
{
    private final Journal journal;
    private long records;
    private long firstOffset = -1;
    private long lastOffset = -1;

    /**
     * @param journal to log cuts to, or null.
     */
    public EpochLog(final Journal journal)
    {
        this.journal = journal;
    }

    /**
     * @param offset of a record published into the open epoch.
     */
    public void recorded(final long offset)
    {
        records++;
        if (firstOffset < 0)
        {
            firstOffset = offset;
        }
        lastOffset = offset;
    }

    /**
     * @return records published into the open epoch.
     */
    public long records()
    {
        return records;
    }

    /**
     * Logs the open epoch's cut, if there is a journal, and starts the next epoch's figures.
     *
     * @param epoch        that ends.
     * @param sourceOffset position of the source at the cut.
     * @param lineNumber   records the source had read at the cut.
     * @param endOfInput   whether the input ended there.
     */
    public void cut(final long epoch, final long sourceOffset, final long lineNumber, final boolean endOfInput)
    {
        if (null != journal)
        {
            journal.appendEpochCut(
                new EpochCut(epoch, sourceOffset, lineNumber, records, firstOffset, lastOffset, endOfInput));
        }
        reset();
    }

    /**
     * Starts the next epoch's figures without logging (the cut was logged by an earlier run).
     */
    public void reset()
    {
        records = 0;
        firstOffset = -1;
        lastOffset = -1;
    }
}
