package io.millrace.journal;

import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.Recovery;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.LongHashSet;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A query's checkpoint directory (DESIGN §5): a Chronicle Queue journal in {@code journal/} holding the
 * identity, epoch cuts, journaled input records and epoch commits as raw, checksummed entries
 * ({@link JournalDescriptor}), and operator snapshots in {@code snapshots/} ({@link SnapshotStore}).
 * <p>
 * Durability: entries are written to memory-mapped files, so an entry survives the process being killed the
 * moment its append returns; the operating system writes it to disk later (a power failure can lose the newest
 * entries, never an older one). A commit entry is appended only after its snapshot file is forced to disk.
 * <p>
 * On open, a damaged tail (an entry whose checksum or length is wrong, e.g. after a torn write) is cut back to the
 * last intact entry ({@link JournalScan}), with a line on stderr saying so. Nothing committed is lost: damage in
 * the middle of the journal stops recovery with an error instead of cutting.
 * <p>
 * Appends come from the source thread (records, cuts) and the operator thread (commits); each thread has its own
 * appender.
 */
public final class ChronicleJournal implements Journal
{
    private static final long DEAD_WRITER_TIMEOUT_MS = 500;
    /**
     * Entries between Chronicle index entries. Sparse, because the journal is appended per record and looked up
     * by index only when recovery or replay starts, where a short linear scan is cheap.
     */
    private static final int INDEX_SPACING = 256;

    private final Path directory;
    private final PrintStream log;
    private final SnapshotStore snapshots;
    private final ThreadLocal<ExcerptAppender> appenders = new ThreadLocal<>();
    private final List<ExcerptAppender> allAppenders = new ArrayList<>();
    private final ExpandableDirectByteBuffer sourceScratch = new ExpandableDirectByteBuffer(256);
    private final ExpandableDirectByteBuffer operatorScratch = new ExpandableDirectByteBuffer(64);
    private final Checksum sourceChecksum = new Checksum();
    private final Checksum operatorChecksum = new Checksum();
    private final PointerBytesStore sourcePayload = new PointerBytesStore();
    private final PointerBytesStore operatorPayload = new PointerBytesStore();
    private final JournalEntry ingressEntry = new JournalEntry();
    private ChronicleQueue queue;
    private JournalReader ingress;
    private LongHashSet cutOff;
    private long ingressStart;
    private boolean closed;

    /**
     * @param directory the checkpoint directory; created if absent.
     * @param log       where recovery notes go (stderr).
     */
    public ChronicleJournal(final Path directory, final PrintStream log)
    {
        this.directory = directory;
        this.log = log;
        this.snapshots = new SnapshotStore(directory.resolve("snapshots"));
    }

    /**
     * @return the checkpoint directory.
     */
    public Path directory()
    {
        return directory;
    }

    @Override
    public Recovery open(final String identity)
    {
        checkIdentity(identity);
        final JournalScan scan = JournalScan.repairing(directory, log);
        if (null == scan.identity())
        {
            queue = JournalScan.openQueue(directory, false);
            final byte[] bytes = identity.getBytes(StandardCharsets.UTF_8);
            operatorScratch.putBytes(0, bytes);
            append(JournalDescriptor.IDENTITY, operatorScratch, operatorChecksum, operatorPayload, bytes.length);
        }
        else
        {
            queue = JournalScan.openQueue(directory, false);
        }

        final long committed = scan.lastCommittedEpoch();
        final DirectBuffer snapshot = committed == 0 ? null :
            snapshots.read(committed, scan.commit(committed).snapshotLength(), scan.commit(committed).snapshotCrc());
        final EpochCut committedCut = scan.cut(committed);
        cutOff = scan.cutOff();
        ingressStart = committed == 0 ? scan.identityIndex() : scan.cutIndex(committed);
        return new Recovery(committed, committedCut, snapshot, scan.cutsAfter(committed));
    }

    @Override
    public long appendRecord(
        final long sourceOffset, final long lineNumber, final DirectBuffer row, final int offset, final int length)
    {
        final ExpandableDirectByteBuffer payload = sourceScratch;
        payload.putLong(0, sourceOffset);
        payload.putLong(8, lineNumber);
        payload.putBytes(JournalDescriptor.RECORD_HEADER_LENGTH, row, offset, length);
        return append(JournalDescriptor.RECORD, payload, sourceChecksum, sourcePayload,
            JournalDescriptor.RECORD_HEADER_LENGTH + length);
    }

    @Override
    public long appendEpochCut(final EpochCut cut)
    {
        final ExpandableDirectByteBuffer payload = sourceScratch;
        payload.putLong(0, cut.epoch());
        payload.putLong(8, cut.sourceOffset());
        payload.putLong(16, cut.lineNumber());
        payload.putLong(24, cut.records());
        payload.putLong(32, cut.firstOffset());
        payload.putLong(40, cut.lastOffset());
        payload.putByte(48, cut.endOfInput() ? (byte)1 : (byte)0);
        return append(JournalDescriptor.EPOCH_BEGIN, payload, sourceChecksum, sourcePayload,
            JournalDescriptor.EPOCH_BEGIN_LENGTH);
    }

    @Override
    public int readIngress(final IngressHandler handler, final int limit)
    {
        if (null == ingress)
        {
            // Chronicle tailers belong to the thread that made them: the source thread reads the ingress.
            ingress = new JournalReader(queue, cutOff);
            ingress.seekAfter(ingressStart);
        }
        return ingress.readIngress(ingressEntry, handler, limit);
    }

    @Override
    public void commit(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
    {
        final int crc = snapshots.write(epoch, snapshot, offset, length);
        final ExpandableDirectByteBuffer payload = operatorScratch;
        payload.putLong(0, epoch);
        payload.putLong(8, length);
        payload.putInt(16, crc);
        append(JournalDescriptor.EPOCH_COMMIT, payload, operatorChecksum, operatorPayload,
            JournalDescriptor.EPOCH_COMMIT_LENGTH);
        snapshots.prune();
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (null != ingress)
        {
            ingress.close();
        }
        for (final ExcerptAppender appender : allAppenders)
        {
            appender.close();
        }
        if (null != queue)
        {
            queue.close();
        }
    }

    /**
     * Compares the identity with the checkpoint's before anything is written to it, so that a run with other
     * parameters leaves the checkpoint exactly as it was.
     */
    private void checkIdentity(final String identity)
    {
        final String recorded;
        try
        {
            recorded = JournalScan.of(directory).identity();
        }
        catch (final RuntimeException ex)
        {
            // A journal whose creation was interrupted cannot be opened read-only; it holds no identity yet.
            return;
        }
        if (null != recorded && !recorded.equals(identity))
        {
            throw new IllegalStateException("checkpoint " + directory + " belongs to another query or other " +
                "parameters; it was left untouched.\n  checkpoint: " + recorded.replace('\n', ' ') +
                "\n  this run:   " + identity.replace('\n', ' ') +
                "\nUse a new checkpoint directory, or the original arguments.");
        }
    }

    private long append(
        final byte type,
        final ExpandableDirectByteBuffer payload,
        final Checksum checksum,
        final PointerBytesStore payloadView,
        final int length)
    {
        final int crc = checksum.compute(payload, 0, length);
        final ExcerptAppender appender = appender();
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(type);
            bytes.writeByte((byte)0);
            bytes.writeShort((short)0);
            bytes.writeInt(length);
            bytes.writeInt(crc);
            bytes.writeInt(0);
            // One copy of the payload from our off-heap scratch buffer into the mapped journal.
            payloadView.set(payload.addressOffset(), length);
            bytes.write(payloadView, 0L, length);
        }
        return appender.lastIndexAppended();
    }

    private ExcerptAppender appender()
    {
        ExcerptAppender appender = appenders.get();
        if (null == appender)
        {
            appender = queue.createAppender();
            // Each thread has its own appender, so Chronicle's check of that on every append is pure cost.
            appender.singleThreadedCheckDisabled(true);
            appenders.set(appender);
            synchronized (this)
            {
                allAppenders.add(appender);
            }
        }
        return appender;
    }

    static SingleChronicleQueueBuilder builder(final Path journalDirectory, final boolean readOnly)
    {
        return SingleChronicleQueueBuilder.binary(journalDirectory).readOnly(readOnly).timeoutMS(DEAD_WRITER_TIMEOUT_MS)
            .indexSpacing(INDEX_SPACING);
    }
}
