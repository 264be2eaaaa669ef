package io.millrace.internal;

import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.RecordBatch;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.List;
import java.util.function.LongPredicate;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.durable.CrashPoints;

/**
 * The producer protocol of a query's ingress, one for both kinds of input (the polled-source agent and the
 * in-process publisher): it publishes rows into the ring, journals them first when the input is journaled, cuts
 * an epoch every interval (logging the cut before its marker enters the ring), and ends the input with the last
 * marker. On recovery it replays what the journal holds of the epochs not committed: the journaled rows and cuts,
 * or, for a replayable source, cuts each logged epoch again where the next row's offset reaches the logged cut.
 * <p>
 * Journaled rows are gathered into a {@link RecordBatch} and journaled as one entry when the caller says the batch
 * is complete ({@link #flush}: after each poll of a source, after each offer to a publisher) or when it reaches
 * {@link #BATCH_BYTES}; only then do they enter the ring, each with the offset the journal gave it.
 * <p>
 * Back-pressure is the same for every caller: a call that could not put everything into the full ring keeps what
 * is left (a cut's marker, a row, the rest of a journaled batch) and returns false; the caller calls
 * {@link #publishWaiting} until it returns true before producing anything else. Nothing accepted is dropped.
 * <p>
 * A query of several inputs has one producer for all of them: each row carries its input's number into the ring
 * and, journaled, into its batch (a batch holds rows of one input), and each logged cut holds where every input was
 * ({@link #inputAt}, told before each cut), from which a recovery resumes each.
 * <p>
 * One producer thread at a time; {@link #isCutDue} may be asked from any thread, and the consumer may end an epoch
 * itself ({@link #cutDrained}) while the producer side is held.
 */
public final class IngressProducer implements IngressHandler
{
    /** Most bytes of rows journaled in one entry: a poll that reads more journals them in several. */
    public static final int BATCH_BYTES = 64 * 1024;

    private final IngressRing ring;
    private final QueryCounters counters;
    private final long epochIntervalNanos;
    private final Journal journal;
    private final boolean journalRecords;
    private final LongPredicate processingTimerDue;
    private final RecordBatch batch = new RecordBatch();
    private final ExpandableDirectByteBuffer held = new ExpandableDirectByteBuffer(256);
    private volatile long nextCutNanos;
    private long epoch;

    // The open epoch's figures, logged with its cut.
    private long records;
    private long firstOffset = -1;
    private long lastOffset = -1;

    // What waits for room in the ring, published before anything else.
    private boolean markerWaiting;
    private long markerPosition;
    private long markerTime;
    private boolean rowWaiting;
    private int heldLength;
    private long heldOffset;
    private int heldInput;
    private int batchFrame = -1;
    private long batchOffset;

    // The end of input.
    private boolean finalCutLogged;
    private boolean endPublished;
    private boolean ended;

    // Where each input is: its source's position and line number, for the next cut and for resuming it.
    private final long[] inputOffsets;
    private final long[] inputLines;

    // Replay of the journaled input.
    private boolean journalEnded;
    private List<EpochCut> loggedCuts = List.of();
    private int nextLoggedCut;

    /**
     * @param ring               to publish into.
     * @param counters           of the query; records in are counted here.
     * @param epochIntervalNanos between cuts; 0 cuts only at the end of input.
     * @param firstEpoch         id of the first epoch.
     * @param nowNanos           current {@link System#nanoTime()}.
     * @param journal            the checkpoint's journal, where cuts are logged; null without a checkpoint.
     * @param journalRecords     whether rows are journaled before they are published.
     * @param processingTimerDue whether a processing-time timer is due by a wall-clock time (epoch ms), asked before
     *                           an epoch without records is ended.
     * @param inputs             the query's inputs: each cut logs where every one of them was.
     */
    public IngressProducer(
        final IngressRing ring,
        final QueryCounters counters,
        final long epochIntervalNanos,
        final long firstEpoch,
        final long nowNanos,
        final Journal journal,
        final boolean journalRecords,
        final LongPredicate processingTimerDue,
        final int inputs)
    {
        if (journalRecords && null == journal)
        {
            throw new IllegalArgumentException("rows can only be journaled with a journal");
        }
        this.ring = ring;
        this.counters = counters;
        this.epochIntervalNanos = epochIntervalNanos;
        this.epoch = firstEpoch;
        this.nextCutNanos = nowNanos + epochIntervalNanos;
        this.journal = journal;
        this.journalRecords = journalRecords;
        this.processingTimerDue = processingTimerDue;
        this.inputOffsets = new long[inputs];
        this.inputLines = new long[inputs];
    }

    /**
     * @return whether rows are journaled before they are published.
     */
    public boolean journalsRecords()
    {
        return journalRecords;
    }

    /**
     * @return slots free in the ring.
     */
    public int remainingCapacity()
    {
        return ring.remainingCapacity();
    }

    /**
     * @param length of a row.
     * @return whether the ring would take it now; nothing waits for room when this is asked.
     */
    public boolean canPublish(final int length)
    {
        return ring.canPublish(length);
    }

    /**
     * Publishes what an earlier call left waiting for room: a cut's marker, a row, the rest of a journaled batch.
     *
     * @return true when nothing waits any more.
     */
    public boolean publishWaiting()
    {
        if (!publishMarker())
        {
            return false;
        }
        if (rowWaiting)
        {
            if (!publishAfterLoggedCuts(held, 0, heldLength, heldOffset, heldInput))
            {
                return false;
            }
            rowWaiting = false;
        }
        return batchFrame < 0 || publishBatch();
    }

    private boolean publishMarker()
    {
        if (!markerWaiting)
        {
            return true;
        }
        if (!ring.tryPublishMarker(epoch, markerPosition, markerTime))
        {
            return false;
        }
        markerWaiting = false;
        epoch++;
        return true;
    }

    /**
     * @return whether something waits for room ({@link #publishWaiting}).
     */
    public boolean isWaiting()
    {
        return markerWaiting || rowWaiting || batchFrame >= 0;
    }

    /**
     * Publishes a row that is not journaled; the ring keeps a copy.
     *
     * @param buffer holding the row.
     * @param offset of the row.
     * @param length of the row.
     * @param recordOffset source offset of the row.
     * @param input        the query input it comes from, from 0.
     * @return false when the ring was full: the row waits, and the caller must stop producing.
     */
    public boolean publish(
        final DirectBuffer buffer, final int offset, final int length, final long recordOffset, final int input)
    {
        if (rowWaiting)
        {
            throw new IllegalStateException("a row still waits for room: publishWaiting() first");
        }
        if (!markerWaiting && batchFrame < 0 && publishAfterLoggedCuts(buffer, offset, length, recordOffset, input))
        {
            return true;
        }
        held.putBytes(0, buffer, offset, length);
        heldLength = length;
        heldOffset = recordOffset;
        heldInput = input;
        rowWaiting = true;
        backPressured();
        return false;
    }

    /**
     * Adds a row to the batch to be journaled; it enters the ring once the batch is journaled.
     *
     * @param buffer holding the row.
     * @param offset of the row.
     * @param length of the row.
     * @param input  the query input it comes from, from 0; a batch holds rows of one input.
     * @return false when the batch has reached {@link #BATCH_BYTES}: the caller must {@link #flush} it now.
     */
    public boolean add(final DirectBuffer buffer, final int offset, final int length, final int input)
    {
        if (batchFrame >= 0)
        {
            throw new IllegalStateException("the last batch still waits for room: publishWaiting() first");
        }
        if (batch.isEmpty())
        {
            batch.input(input);
        }
        else if (batch.input() != input)
        {
            throw new IllegalStateException("a batch holds rows of one input: flush() before another input's rows");
        }
        batch.add(buffer, offset, length);
        return batch.length() < BATCH_BYTES;
    }

    /**
     * Journals the rows added since the last flush as one entry, then publishes them.
     *
     * @param sourceOffset position of their input's source after the last of them.
     * @param lineNumber   records that source had read after the last of them.
     * @return false when the ring could not take them all (or an earlier batch still waits): the rest waits, and the
     *         caller must stop producing.
     */
    public boolean flush(final long sourceOffset, final long lineNumber)
    {
        if (batchFrame >= 0)
        {
            return false;
        }
        if (batch.isEmpty())
        {
            return true;
        }
        batchOffset = journal.appendRecords(sourceOffset, lineNumber, batch);
        CrashPoints.passed("record-appended", batch.count());
        batchFrame = batch.first();
        if (publishBatch())
        {
            return true;
        }
        backPressured();
        return false;
    }

    private boolean publishBatch()
    {
        final DirectBuffer rows = batch.buffer();
        final int end = batch.length();
        int frame = batchFrame;
        while (frame < end)
        {
            if (!publishAfterLoggedCuts(rows, batch.rowOffset(frame), batch.rowLength(frame), batchOffset,
                batch.input()))
            {
                batchFrame = frame;
                return false;
            }
            batchOffset++;
            frame = batch.next(frame);
        }
        batchFrame = -1;
        batch.clear();
        return true;
    }

    /**
     * Publishes a row, first cutting every epoch an earlier run logged as ending before it.
     */
    private boolean publishAfterLoggedCuts(
        final DirectBuffer buffer, final int offset, final int length, final long recordOffset, final int input)
    {
        while (nextLoggedCut < loggedCuts.size() && recordOffset >= loggedCuts.get(nextLoggedCut).sourceOffset())
        {
            final EpochCut cut = loggedCuts.get(nextLoggedCut++);
            if (!cutLogged(System.nanoTime(), cut.sourceOffset(), cut.time()))
            {
                return false;
            }
        }
        return tryPublish(buffer, offset, length, recordOffset, input);
    }

    private boolean tryPublish(
        final DirectBuffer buffer, final int offset, final int length, final long recordOffset, final int input)
    {
        if (!ring.tryPublishRow(buffer, offset, length, recordOffset, input))
        {
            return false;
        }
        counters.recordsIn.increment();
        records++;
        if (firstOffset < 0)
        {
            firstOffset = recordOffset;
        }
        lastOffset = recordOffset;
        return true;
    }

    /**
     * Counts a time the ring was full when something was to be published: the producer waits, or refuses the
     * offer. Producer thread.
     */
    public void backPressured()
    {
        counters.backPressure.increment();
    }

    /**
     * @return records published into the open epoch.
     */
    public long records()
    {
        return records;
    }

    /**
     * @param nowNanos current {@link System#nanoTime()}.
     * @return whether an epoch's interval has passed since the last cut.
     */
    public boolean isCutDue(final long nowNanos)
    {
        return epochIntervalNanos > 0 && nowNanos - nextCutNanos >= 0;
    }

    /**
     * @param nowNanos current {@link System#nanoTime()}.
     * @return whether the open epoch should end now: its interval has passed, and it holds records or a
     *         processing-time timer is due (an idle input's query otherwise journals and writes nothing).
     */
    public boolean isCutWanted(final long nowNanos)
    {
        return isCutDue(nowNanos) && (records > 0 || processingTimerDue.test(System.currentTimeMillis()));
    }

    /**
     * @return id of the epoch the next cut ends.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * Ends the open epoch where every input is ({@link #inputAt}): logs its cut to the journal, if there is one, then
     * publishes its marker.
     *
     * @param nowNanos current {@link System#nanoTime()}, from which the next interval runs.
     * @return false when the ring was full: the marker waits, and the caller must stop producing.
     */
    public boolean cut(final long nowNanos)
    {
        return cutLogged(nowNanos, inputOffsets[0], logCut(false));
    }

    /**
     * Ends the open epoch whose cut is logged (now, or by an earlier run): publishes its marker.
     *
     * @param nowNanos current {@link System#nanoTime()}, from which the next interval runs.
     * @param position of the cut, carried by the marker.
     * @param time     of the cut, carried by the marker: the query's processing time from the marker on.
     * @return false when the ring was full: the marker waits, and the caller must stop producing.
     */
    private boolean cutLogged(final long nowNanos, final long position, final long time)
    {
        resetFigures();
        nextCutNanos = nowNanos + epochIntervalNanos;
        markerWaiting = true;
        markerPosition = position;
        markerTime = time;
        if (publishMarker())
        {
            return true;
        }
        backPressured();
        return false;
    }

    /**
     * Makes the epochs an earlier run logged end where they ended then: each is cut when the next row's offset
     * reaches its cut's source offset, and at the end of input, for a source that replays from the committed cut.
     *
     * @param cuts logged after the committed epoch's, in order.
     */
    public void cutAgainAt(final List<EpochCut> cuts)
    {
        loggedCuts = cuts;
        nextLoggedCut = 0;
    }

    /**
     * @return whether epochs an earlier run logged are still to be cut again; no fresh cut is taken before.
     */
    public boolean cutsAgain()
    {
        return nextLoggedCut < loggedCuts.size();
    }

    /**
     * Ends the open epoch where every input is ({@link #inputAt}) without a marker in the ring, for a consumer that
     * has drained the ring and handles the marker itself, while the producer side is held so that nothing enters the
     * ring meanwhile. Logs the cut unless a cut whose marker waits for room logged it already.
     *
     * @param nowNanos current {@link System#nanoTime()}, from which the next interval runs.
     * @return id of the epoch ended.
     */
    public long cutDrained(final long nowNanos)
    {
        if (!ring.isDrained() || rowWaiting || batchFrame >= 0)
        {
            throw new IllegalStateException("the ring holds slots, or rows wait for it, that the cut would pass");
        }
        if (!markerWaiting)
        {
            markerTime = logCut(false);
        }
        markerWaiting = false;
        resetFigures();
        nextCutNanos = nowNanos + epochIntervalNanos;
        return epoch++;
    }

    /**
     * @return the wall-clock time of the latest cut, epoch ms, which its marker carries: for the consumer that
     *         handles the marker of {@link #cutDrained} itself.
     */
    public long markerTime()
    {
        return markerTime;
    }

    /**
     * @return whether a cut's marker waits for room: the cut is logged already.
     */
    public boolean isMarkerWaiting()
    {
        return markerWaiting;
    }

    /**
     * @return whether every slot published has been handled by the consumer; for the consumer thread.
     */
    public boolean isDrained()
    {
        return ring.isDrained();
    }

    /**
     * Ends the input where every input is ({@link #inputAt}): logs the last epoch's cut (unless an earlier run did,
     * or an earlier call), publishes the end of input, then the last epoch's marker (so that what the end of input
     * flushes, such as windows closed by the final watermark, belongs to the last epoch); call again while it
     * returns false.
     *
     * @return true once all is published.
     */
    public boolean finish()
    {
        if (!publishWaiting())
        {
            return false;
        }
        while (nextLoggedCut < loggedCuts.size())
        {
            final EpochCut cut = loggedCuts.get(nextLoggedCut++);
            if (cut.endOfInput())
            {
                // The earlier run logged its last cut already: the same epoch ends the same way.
                finalCutLogged = true;
                markerTime = cut.time();
            }
            else if (!cutLogged(System.nanoTime(), cut.sourceOffset(), cut.time()))
            {
                return false;
            }
        }
        if (!finalCutLogged)
        {
            markerTime = logCut(true);
            finalCutLogged = true;
        }
        if (!endPublished && ring.tryPublishEnd())
        {
            endPublished = true;
        }
        if (endPublished && !ended && ring.tryPublishMarker(epoch, inputOffsets[0], markerTime))
        {
            ended = true;
        }
        return ended;
    }

    /**
     * @return whether the end of input is published.
     */
    public boolean isEnded()
    {
        return ended;
    }

    /**
     * Replays journaled input of the epochs not committed, from where the last call stopped: its rows with their
     * journaled offsets, its cuts as markers.
     *
     * @param limit most rows and cuts to replay.
     * @return rows and cuts replayed, 0 while the ring is full, -1 once the journal holds no more (or held the end
     *         of input: {@link #journalEndedInput()}).
     */
    public int replayJournal(final int limit)
    {
        if (journalEnded)
        {
            return -1;
        }
        if (!publishWaiting())
        {
            return 0;
        }
        final int replayed = journal.readIngress(this, Math.min(limit, Math.max(1, ring.remainingCapacity())));
        if (replayed < 0)
        {
            journalEnded = true;
        }
        return journalEnded ? -1 : replayed;
    }

    /**
     * @return whether the journal held the cut of the last epoch: the input had ended before the crash.
     */
    public boolean journalEndedInput()
    {
        return finalCutLogged && journalEnded;
    }

    /**
     * @param input of the query, from 0.
     * @return the input's source position: after the last of its rows replayed from the journal, or as the last cut
     *         replayed or given to {@link #resumeAt} left it, or as {@link #inputAt} said.
     */
    public long inputOffset(final int input)
    {
        return inputOffsets[input];
    }

    /**
     * @param input of the query, from 0.
     * @return the input's line number, as {@link #inputOffset} its position.
     */
    public long inputLineNumber(final int input)
    {
        return inputLines[input];
    }

    /**
     * Says where an input's source is, for the next cut's log of every input's place.
     *
     * @param input        of the query, from 0.
     * @param sourceOffset position of its source.
     * @param lineNumber   records its source has read.
     */
    public void inputAt(final int input, final long sourceOffset, final long lineNumber)
    {
        inputOffsets[input] = sourceOffset;
        inputLines[input] = lineNumber;
    }

    /**
     * @param committed the committed epoch's cut, where every input resumes; null for none (every input from its
     *                  start).
     */
    public void resumeAt(final EpochCut committed)
    {
        for (int input = 0; input < inputOffsets.length; input++)
        {
            if (null == committed)
            {
                inputAt(input, 0, 0);
            }
            else
            {
                final EpochCut.InputPosition at = committed.position(input);
                inputAt(input, at.sourceOffset(), at.lineNumber());
            }
        }
    }

    @Override
    public boolean onRecord(
        final int input,
        final long recordOffset,
        final long sourceOffset,
        final long lineNumber,
        final DirectBuffer row,
        final int offset,
        final int length)
    {
        inputAt(input, sourceOffset, lineNumber);
        return publish(row, offset, length, recordOffset, input);
    }

    @Override
    public boolean onEpochCut(final long index, final EpochCut cut)
    {
        if (cut.epoch() != epoch)
        {
            throw new IllegalStateException("journal holds the cut of epoch " + cut.epoch() + " where epoch " +
                epoch + " was expected");
        }
        resumeAt(cut);
        if (cut.endOfInput())
        {
            // The input had ended: it ends again the same way, with no more input read.
            resetFigures();
            finalCutLogged = true;
            journalEnded = true;
            markerTime = cut.time();
            return false;
        }
        return cutLogged(System.nanoTime(), index, cut.time());
    }

    /**
     * Logs the open epoch's cut, when there is a journal: where every input is, and the wall-clock time it is taken
     * at.
     *
     * @return that time, epoch ms.
     */
    private long logCut(final boolean endOfInput)
    {
        final long time = System.currentTimeMillis();
        if (null != journal)
        {
            journal.appendEpochCut(new EpochCut(epoch, inputOffsets[0], inputLines[0], records, firstOffset,
                lastOffset, endOfInput, time, otherInputs()));
        }
        return time;
    }

    /**
     * @return where each input after the first is, for a cut; allocates, once per cut, for several inputs only.
     */
    private List<EpochCut.InputPosition> otherInputs()
    {
        if (inputOffsets.length == 1)
        {
            return List.of();
        }
        final EpochCut.InputPosition[] others = new EpochCut.InputPosition[inputOffsets.length - 1];
        for (int input = 1; input < inputOffsets.length; input++)
        {
            others[input - 1] = new EpochCut.InputPosition(inputOffsets[input], inputLines[input]);
        }
        return List.of(others);
    }

    private void resetFigures()
    {
        records = 0;
        firstOffset = -1;
        lastOffset = -1;
    }
}
