package io.millrace.internal;

import io.millrace.DeadLetterHandler;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.Recovery;
import io.millrace.row.RowWriter;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.List;

/**
 * Polls a {@link Source} into the ingress ring, at most {@link #BATCH_LIMIT} records per duty cycle, optionally
 * throttled, and cuts epochs (docs/checkpoints.md).
 * <p>
 * With a journal, every fresh cut is logged before its marker enters the ring. With input journaling, every
 * record is journaled before it is published and its journal index becomes its offset. On recovery the agent
 * first replays what the journal says: with journaled input it re-publishes the journaled records and cuts of
 * the uncommitted epochs, then resumes the source after the last journaled record; with a replayable source it
 * rewinds the source to the committed cut and cuts each logged epoch again when the next record's offset reaches
 * the logged cut. Epochs beyond the log are cut by time.
 */
final class SourceAgent implements Agent, SourceOutput, IngressHandler
{
    static final int BATCH_LIMIT = 1024;

    private final Source source;
    private final IngressProducer producer;
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final QueryControl control;
    private final long recordsPerSecond;
    private final boolean endsItself;
    private final Journal journal;
    private final boolean journalInput;
    private final Recovery recovery;
    private final RowWriter writer;
    private final ExpandableDirectByteBuffer held = new ExpandableDirectByteBuffer(256);
    private List<EpochCut> forcedCuts = List.of();
    private int nextForcedCut;
    private boolean replayingJournal;
    private long resumeOffset;
    private long resumeLineNumber;
    private long throttleStartNanos;
    private long emitted;
    private boolean rowHeld;
    private int heldLength;
    private long heldOffset;
    private boolean markerPending;
    private boolean exhausted;
    private boolean finalCutLogged;
    private final EpochLog epochLog;

    SourceAgent(
        final Source source,
        final IngressProducer producer,
        final QueryCounters counters,
        final DeadLetterHandler deadLetters,
        final QueryControl control,
        final long recordsPerSecond,
        final boolean endsItself,
        final Journal journal,
        final boolean journalInput,
        final Recovery recovery)
    {
        this.source = source;
        this.producer = producer;
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.control = control;
        this.recordsPerSecond = recordsPerSecond;
        this.endsItself = endsItself;
        this.journal = journal;
        this.journalInput = journalInput;
        this.recovery = recovery;
        this.writer = new RowWriter(source.schema());
        this.epochLog = new EpochLog(journal);
    }

    @Override
    public void onStart()
    {
        source.open();
        if (null != recovery && !recovery.isFresh())
        {
            final EpochCut committed = recovery.committedCut();
            resumeOffset = null == committed ? 0 : committed.sourceOffset();
            resumeLineNumber = null == committed ? 0 : committed.lineNumber();
            if (journalInput)
            {
                replayingJournal = true;
            }
            else
            {
                source.seek(resumeOffset, resumeLineNumber);
                forcedCuts = recovery.loggedCuts();
            }
        }
        throttleStartNanos = System.nanoTime();
    }

    @Override
    public int doWork()
    {
        if (control.isStopping())
        {
            throw new AgentTerminationException("query stopping");
        }
        if (markerPending)
        {
            if (!producer.cut(System.nanoTime(), source.position()))
            {
                return 0;
            }
            markerPending = false;
        }
        if (rowHeld && !publish(held, 0, heldLength, heldOffset))
        {
            return 0;
        }
        if (replayingJournal)
        {
            return replayJournal();
        }

        if (exhausted)
        {
            // The input ended (or the journal says it had): the next cut is the last epoch's, at the end of input.
            // A fresh cut here would log a second cut of that epoch after one the journal already holds.
            return finish();
        }
        final long now = System.nanoTime();
        // An epoch without records is not cut: an idle source's query writes nothing until input comes again.
        if (nextForcedCut >= forcedCuts.size() && epochLog.records() > 0 && producer.isCutDue(now))
        {
            cutFresh(now);
            return 1;
        }

        int limit = Math.min(BATCH_LIMIT, producer.remainingCapacity());
        if (recordsPerSecond > 0)
        {
            final long allowed = (long)((now - throttleStartNanos) * (recordsPerSecond / 1e9)) - emitted;
            limit = (int)Math.min(limit, Math.max(0, allowed));
        }
        if (limit <= 0)
        {
            return 0;
        }
        final long before = emitted;
        if (source.poll(this, limit) == SourceStatus.END_OF_INPUT)
        {
            exhausted = true;
            return 1;
        }
        return (int)(emitted - before);
    }

    @Override
    public void onClose()
    {
        source.close();
    }

    @Override
    public String roleName()
    {
        return "millrace-source-" + control.name();
    }

    @Override
    public RowWriter row()
    {
        return writer.reset();
    }

    @Override
    public boolean emit(final long offset)
    {
        if (journalInput)
        {
            final long index = journal.appendRecord(
                source.position(), source.lineNumber(), writer.buffer(), 0, writer.length());
            return publish(writer.buffer(), 0, writer.length(), index) || hold(index);
        }
        return publish(writer.buffer(), 0, writer.length(), offset) || hold(offset);
    }

    @Override
    public void deadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
    {
        counters.sourceDeadLetters.increment();
        deadLetters.onDeadLetter(position, reason, null, buffer, index, length);
    }

    @Override
    public boolean onRecord(
        final long index,
        final long sourceOffset,
        final long lineNumber,
        final DirectBuffer row,
        final int offset,
        final int length)
    {
        resumeOffset = sourceOffset;
        resumeLineNumber = lineNumber;
        return publish(row, offset, length, index) || hold(row, offset, length, index);
    }

    @Override
    public boolean onEpochCut(final long index, final EpochCut cut)
    {
        if (cut.epoch() != producer.epoch())
        {
            throw new IllegalStateException("journal holds the cut of epoch " + cut.epoch() + " where epoch " +
                producer.epoch() + " was expected");
        }
        resumeOffset = cut.sourceOffset();
        resumeLineNumber = cut.lineNumber();
        epochLog.reset();
        if (cut.endOfInput())
        {
            // The input had ended: finish as the first attempt did, without reading the source again.
            replayingJournal = false;
            exhausted = true;
            finalCutLogged = true;
            return false;
        }
        markerPending = !producer.cut(System.nanoTime(), index);
        return !markerPending;
    }

    private int replayJournal()
    {
        final int entries = journal.readIngress(this, Math.min(BATCH_LIMIT, producer.remainingCapacity()));
        if (entries < 0 && replayingJournal)
        {
            replayingJournal = false;
            source.seek(resumeOffset, resumeLineNumber);
            return 1;
        }
        return entries;
    }

    /**
     * Publishes a record, first cutting any logged epoch that ends before it.
     *
     * @return false on back-pressure; the caller holds the record.
     */
    private boolean publish(final DirectBuffer buffer, final int offset, final int length, final long recordOffset)
    {
        while (nextForcedCut < forcedCuts.size() && recordOffset >= forcedCuts.get(nextForcedCut).sourceOffset())
        {
            if (!cutForced())
            {
                return false;
            }
        }
        if (!producer.publish(buffer, offset, length, recordOffset))
        {
            return false;
        }
        rowHeld = false;
        emitted++;
        epochLog.recorded(recordOffset);
        return true;
    }

    private boolean hold(final long recordOffset)
    {
        return hold(writer.buffer(), 0, writer.length(), recordOffset);
    }

    /**
     * Keeps a record the ring could not take, to publish before anything else.
     *
     * @return false: the source must stop emitting.
     */
    private boolean hold(final DirectBuffer buffer, final int offset, final int length, final long recordOffset)
    {
        if (buffer != held)
        {
            held.putBytes(0, buffer, offset, length);
        }
        heldLength = length;
        heldOffset = recordOffset;
        rowHeld = true;
        return false;
    }

    private boolean cutForced()
    {
        if (!producer.cut(System.nanoTime(), source.position()))
        {
            return false;
        }
        nextForcedCut++;
        epochLog.reset();
        return true;
    }

    private void cutFresh(final long now)
    {
        logCut(false);
        markerPending = !producer.cut(now, source.position());
    }

    private int finish()
    {
        while (nextForcedCut < forcedCuts.size() && !forcedCuts.get(nextForcedCut).endOfInput())
        {
            if (!cutForced())
            {
                return 0;
            }
        }
        if (nextForcedCut < forcedCuts.size())
        {
            // The first attempt logged its last cut already: end the same epoch the same way.
            nextForcedCut++;
            finalCutLogged = true;
        }
        if (!finalCutLogged)
        {
            logCut(true);
            finalCutLogged = true;
        }
        if (producer.finish(source.position()) && endsItself)
        {
            // On a thread of its own the agent ends here; sharing a thread it idles until the operator agent,
            // which ends the shared thread, has processed the end of input.
            throw new AgentTerminationException("end of input published");
        }
        return 0;
    }

    private void logCut(final boolean endOfInput)
    {
        epochLog.cut(producer.epoch(), source.position(), source.lineNumber(), endOfInput);
    }
}
