package io.millrace.internal;

import io.millrace.sink.DeadLetterHandler;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.Recovery;
import io.millrace.row.RowWriter;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import io.millrace.internal.metrics.QueryCounters;

/**
 * Polls a {@link Source} into the query's ingress, at most {@link #BATCH_LIMIT} records per duty cycle, optionally
 * throttled, and cuts an epoch every interval once it holds records (docs/checkpoints.md). The producer protocol
 * (journaling, cuts, back-pressure, replay) is the {@link IngressProducer}'s; this agent decides when to poll and
 * when to cut.
 * <p>
 * With input journaling, the records of one poll are journaled as one entry before they enter the ring. On
 * recovery the agent first replays what the journal holds: with journaled input the records and cuts of the
 * uncommitted epochs, then it resumes the source after the last journaled record; with a replayable source it
 * rewinds the source to the committed cut, and the producer cuts each logged epoch again where it was cut. Epochs
 * beyond the log are cut by time.
 */
final class SourceAgent implements Agent, SourceOutput
{
    static final int BATCH_LIMIT = 1024;

    private final Source source;
    private final IngressProducer producer;
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final QueryControl control;
    private final long recordsPerSecond;
    private final boolean endsItself;
    private final boolean journalInput;
    private final Recovery recovery;
    private final RowWriter writer;
    private boolean replayingJournal;
    private long throttleStartNanos;
    private long emitted;
    private boolean exhausted;

    SourceAgent(
        final Source source,
        final IngressProducer producer,
        final QueryCounters counters,
        final DeadLetterHandler deadLetters,
        final QueryControl control,
        final long recordsPerSecond,
        final boolean endsItself,
        final Recovery recovery)
    {
        this.source = source;
        this.producer = producer;
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.control = control;
        this.recordsPerSecond = recordsPerSecond;
        this.endsItself = endsItself;
        this.journalInput = producer.journalsRecords();
        this.recovery = recovery;
        this.writer = new RowWriter(source.schema());
    }

    @Override
    public void onStart()
    {
        source.open();
        if (null != recovery && !recovery.isFresh())
        {
            final EpochCut committed = recovery.committedCut();
            producer.resumeAt(null == committed ? 0 : committed.sourceOffset(),
                null == committed ? 0 : committed.lineNumber());
            if (journalInput)
            {
                replayingJournal = true;
            }
            else
            {
                source.seek(producer.resumeOffset(), producer.resumeLineNumber());
                producer.cutAgainAt(recovery.loggedCuts());
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
        if (!producer.publishWaiting())
        {
            return 0;
        }
        if (replayingJournal)
        {
            return replayJournal();
        }
        if (exhausted)
        {
            return finish();
        }
        final long now = System.nanoTime();
        // An epoch without records is not cut unless a processing-time timer is due: an idle source's query
        // writes nothing until input comes again.
        if (!producer.cutsAgain() && producer.isCutWanted(now))
        {
            producer.cut(now, source.position(), source.lineNumber());
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
        final SourceStatus status = source.poll(this, limit);
        if (journalInput)
        {
            // The poll's records, journaled as one entry, then published.
            producer.flush(source.position(), source.lineNumber());
        }
        if (status == SourceStatus.END_OF_INPUT)
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
        emitted++;
        if (journalInput)
        {
            return producer.add(writer.buffer(), 0, writer.length()) ||
                producer.flush(source.position(), source.lineNumber());
        }
        return producer.publish(writer.buffer(), 0, writer.length(), offset);
    }

    @Override
    public void deadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
    {
        counters.sourceDeadLetters.increment();
        deadLetters.onDeadLetter(position, reason, null, buffer, index, length);
    }

    private int replayJournal()
    {
        final int replayed = producer.replayJournal(BATCH_LIMIT);
        if (replayed >= 0)
        {
            return replayed;
        }
        replayingJournal = false;
        if (producer.journalEndedInput())
        {
            // The input had ended: finish as the first attempt did, without reading the source again.
            exhausted = true;
        }
        else
        {
            source.seek(producer.resumeOffset(), producer.resumeLineNumber());
        }
        return 1;
    }

    private int finish()
    {
        if (producer.finish(source.position(), source.lineNumber()) && endsItself)
        {
            // On a thread of its own the agent ends here; sharing a thread it idles until the operator agent,
            // which ends the shared thread, has processed the end of input.
            throw new AgentTerminationException("end of input published");
        }
        return 0;
    }
}
