package io.millrace.internal;

import io.millrace.sink.DeadLetterHandler;
import io.millrace.checkpoint.Recovery;
import io.millrace.row.RowWriter;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.ArrayList;
import java.util.List;
import io.millrace.internal.metrics.QueryCounters;

/**
 * Polls a query's {@link Source}s into its ingress, at most {@link #BATCH_LIMIT} records per duty cycle, optionally
 * throttled, and cuts an epoch every interval once it holds records (docs/checkpoints.md). The producer protocol
 * (journaling, cuts, back-pressure, replay) is the {@link IngressProducer}'s; this agent decides when to poll and
 * when to cut. A query of several inputs has them polled in turn, one poll each, every record tagged with its input;
 * the input ends when all of them have ended.
 * <p>
 * With input journaling (always, for several inputs: the order in which their records met is recorded only so), the
 * records of one poll are journaled as one entry before they enter the ring. On recovery the agent first replays
 * what the journal holds: with journaled input the records and cuts of the uncommitted epochs, then it resumes each
 * source after its last journaled record; with a replayable source it rewinds the source to the committed cut, and
 * the producer cuts each logged epoch again where it was cut. Epochs beyond the log are cut by time.
 */
final class SourceAgent implements Agent, SourceOutput
{
    static final int BATCH_LIMIT = 1024;

    private final Source[] sources;
    private final RowWriter[] writers;
    private final boolean[] exhaustedInputs;
    private final IngressProducer producer;
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final QueryControl control;
    private final long recordsPerSecond;
    private final boolean endsItself;
    private final boolean journalInput;
    private final Recovery recovery;
    private boolean replayingJournal;
    private long throttleStartNanos;
    private long emitted;
    private boolean exhausted;
    private int current;

    SourceAgent(
        final List<Source> sources,
        final IngressProducer producer,
        final QueryCounters counters,
        final DeadLetterHandler deadLetters,
        final QueryControl control,
        final long recordsPerSecond,
        final boolean endsItself,
        final Recovery recovery)
    {
        this.sources = sources.toArray(new Source[0]);
        this.writers = new RowWriter[this.sources.length];
        for (int i = 0; i < writers.length; i++)
        {
            writers[i] = new RowWriter(this.sources[i].schema());
        }
        this.exhaustedInputs = new boolean[this.sources.length];
        // The turn starts with the first input.
        this.current = this.sources.length - 1;
        this.producer = producer;
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.control = control;
        this.recordsPerSecond = recordsPerSecond;
        this.endsItself = endsItself;
        this.journalInput = producer.journalsRecords();
        this.recovery = recovery;
    }

    @Override
    public void onStart()
    {
        for (final Source source : sources)
        {
            source.open();
        }
        if (null != recovery && !recovery.isFresh())
        {
            producer.resumeAt(recovery.committedCut());
            if (journalInput)
            {
                replayingJournal = true;
            }
            else
            {
                seekAll();
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
            tellPositions();
            producer.cut(now);
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
        current = nextLiveInput();
        final Source source = sources[current];
        final long before = emitted;
        final SourceStatus status = source.poll(this, limit);
        if (journalInput)
        {
            // The poll's records, journaled as one entry, then published.
            producer.flush(source.position(), source.lineNumber());
        }
        if (status == SourceStatus.END_OF_INPUT)
        {
            exhaustedInputs[current] = true;
            exhausted = allExhausted();
            return 1;
        }
        return (int)(emitted - before);
    }

    /**
     * @return the input to poll next: the one after the last polled that has not ended, in turn.
     */
    private int nextLiveInput()
    {
        int input = current;
        for (int tried = 0; tried < sources.length; tried++)
        {
            input = (input + 1) % sources.length;
            if (!exhaustedInputs[input])
            {
                return input;
            }
        }
        throw new IllegalStateException("every input has ended");
    }

    private boolean allExhausted()
    {
        for (final boolean ended : exhaustedInputs)
        {
            if (!ended)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells the producer where every input is, for the cut it is about to log.
     */
    private void tellPositions()
    {
        for (int input = 0; input < sources.length; input++)
        {
            producer.inputAt(input, sources[input].position(), sources[input].lineNumber());
        }
    }

    private void seekAll()
    {
        for (int input = 0; input < sources.length; input++)
        {
            sources[input].seek(producer.inputOffset(input), producer.inputLineNumber(input));
        }
    }

    @Override
    public void onClose()
    {
        final List<Runnable> closes = new ArrayList<>();
        for (final Source source : sources)
        {
            closes.add(source::close);
        }
        CloseAll.run(closes);
    }

    @Override
    public String roleName()
    {
        return "millrace-source-" + control.name();
    }

    @Override
    public RowWriter row()
    {
        return writers[current].reset();
    }

    @Override
    public boolean emit(final long offset)
    {
        emitted++;
        final RowWriter writer = writers[current];
        if (journalInput)
        {
            return producer.add(writer.buffer(), 0, writer.length(), current) ||
                producer.flush(sources[current].position(), sources[current].lineNumber());
        }
        return producer.publish(writer.buffer(), 0, writer.length(), offset, current);
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
            // The input had ended: finish as the first attempt did, without reading the sources again.
            exhausted = true;
        }
        else
        {
            seekAll();
        }
        return 1;
    }

    private int finish()
    {
        tellPositions();
        if (producer.finish() && endsItself)
        {
            // On a thread of its own the agent ends here; sharing a thread it idles until the operator agent,
            // which ends the shared thread, has processed the end of input.
            throw new AgentTerminationException("end of input published");
        }
        return 0;
    }
}
