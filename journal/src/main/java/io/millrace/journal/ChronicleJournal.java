package io.millrace.journal;

import io.millrace.checkpoint.CheckpointException;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.RecordBatch;
import io.millrace.checkpoint.Recovery;
import io.millrace.internal.durable.CrashPoints;
import io.millrace.internal.JvmAccess;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.spi.SLF4JServiceProvider;
import org.agrona.collections.LongHashSet;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A query's checkpoint directory (docs/checkpoints.md): a Chronicle Queue journal in {@code journal/} holding the
 * identity, epoch cuts, journaled input records and epoch commits as raw, checksummed entries
 * ({@link JournalDescriptor}), and operator snapshots in {@code snapshots/} ({@link SnapshotStore}).
 * <p>
 * Durability: entries are written to memory-mapped files, so an entry survives the process being killed the
 * moment its append returns; the operating system writes it to disk later (a power failure can lose the newest
 * entries, never an older one). A commit entry is appended only after its snapshot file is forced to disk.
 * <p>
 * The query holds an exclusive lock on the directory from {@link #open} to {@link #close}; a second opener is
 * refused. On open, the checkpoint is judged as a whole ({@link CheckpointContents}) before anything is written:
 * a checkpoint of another query, of another format version, or damaged anywhere is refused and left untouched.
 * The one damage that is repaired is a damaged last entry, as a crash in the middle of an append leaves it: it is
 * cut off, with a line on stderr saying so.
 * <p>
 * Appends come from the producer's thread (records, cuts; for a publisher, the offering thread or the operator
 * thread cutting an idle epoch, one at a time) and the committer thread (commits); each thread has its own
 * appender.
 */
public final class ChronicleJournal implements Journal
{
    private static final long DEAD_WRITER_TIMEOUT_MS = 500;
    /**
     * Entries between Chronicle index entries. Sparse, because the journal is appended per poll of the input and
     * looked up by index only when recovery or replay starts, where a short linear scan is cheap.
     */
    private static final int INDEX_SPACING = 256;
    /** Where an entry's payload starts in the scratch buffers: after its header. */
    private static final int PAYLOAD = JournalDescriptor.HEADER_LENGTH;
    private static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    static
    {
        // Chronicle reports usage to an analytics service unless told not to, and Millrace never sends anything
        // anywhere. Every queue is built through this class, so this runs before Chronicle does.
        System.setProperty("chronicle.analytics.disable", "true");
        // Nor does it print Chronicle's banner into the embedding application's log.
        System.setProperty("chronicle.announcer.disable", "true");
        // Chronicle logs through SLF4J. An application without a logging provider has chosen to log nothing; SLF4J
        // would still print three lines of warning on the first use, which are about the library's logging, not
        // the application's. Its own setting, if made, wins.
        if (null == System.getProperty(SLF4J_VERBOSITY) && ServiceLoader.load(
            SLF4JServiceProvider.class, SLF4JServiceProvider.class.getClassLoader()).stream().findAny().isEmpty())
        {
            System.setProperty(SLF4J_VERBOSITY, "ERROR");
        }
    }

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
    private final PointerBytesStore recordsView = new PointerBytesStore();
    private final JournalEntry ingressEntry = new JournalEntry();
    private CheckpointLock lock;
    private ChronicleQueue queue;
    /** The next entry's number; written under Chronicle's write lock by whichever thread appends. */
    private volatile long nextSequence;
    /**
     * Entries whose appends have returned, so are whole in the journal: what a snapshot records as the journal's
     * size. The next number alone would count an entry still being written by the other appending thread, which a
     * crash can leave torn and recovery cut off.
     */
    private final AtomicLong appendedEntries = new AtomicLong();
    private JournalReader ingress;
    private LongHashSet cutOff;
    private long ingressStart;
    private long ingressStartSequence;
    /** Offset of the next record journaled; producer thread. */
    private long nextRecordOffset;
    private boolean closed;

    /**
     * @param directory the checkpoint directory; created if absent.
     * @param log       where recovery notes go (stderr).
     */
    public ChronicleJournal(final Path directory, final PrintStream log)
    {
        // Checked before the fields, whose initialisers already use Chronicle.
        this(accessible(directory), log, true);
    }

    private static Path accessible(final Path directory)
    {
        JvmAccess.check(true);
        return directory;
    }

    private ChronicleJournal(final Path directory, final PrintStream log, final boolean accessChecked)
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
    public boolean isNew()
    {
        return !Files.exists(directory.resolve(CheckpointFile.FILE)) &&
            !Files.exists(directory.resolve(JournalScan.JOURNAL));
    }

    @Override
    public Recovery open(final String identity)
    {
        lock = CheckpointLock.acquire(directory);
        try
        {
            return recover(identity);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private Recovery recover(final String identity)
    {
        final CheckpointContents contents = CheckpointContents.read(directory);
        contents.checkResumable(identity);
        JournalScan scan = contents.scan();
        if (contents.isCreationInterrupted())
        {
            // Killed while Chronicle created the queue: it holds nothing (the checkpoint file, written right after
            // the first entry, is absent), and Chronicle cannot always complete a half-made queue. Start it anew.
            log.println("millrace: journal of " + directory + " was left half created by a crash (" +
                scan.unopenable() + "); creating it anew");
            deleteJournal();
            scan = JournalScan.of(directory);
        }
        if (scan.damagedIndex() >= 0)
        {
            scan.cutTornTail(directory, log);
        }
        final long committed = scan.lastCommittedEpoch();
        final DirectBuffer snapshot;
        try
        {
            snapshot = committed == 0 ? null :
                snapshots.read(committed, scan.commit(committed).snapshotLength(), scan.commit(committed).snapshotCrc());
        }
        catch (final IllegalStateException ex)
        {
            throw new CheckpointException(CheckpointException.Reason.DAMAGED, "checkpoint " + directory +
                " is damaged: " + ex.getMessage() + ". It was left untouched.");
        }

        queue = JournalScan.openQueue(directory, false);
        nextSequence = scan.entries();
        appendedEntries.set(scan.entries());
        if (null == scan.identity())
        {
            final byte[] bytes = identity.getBytes(StandardCharsets.UTF_8);
            operatorScratch.putBytes(JournalDescriptor.HEADER_LENGTH, bytes);
            append(JournalDescriptor.IDENTITY, operatorScratch, operatorChecksum, operatorPayload, bytes.length);
            CrashPoints.passed("identity-appended");
        }
        if (!contents.hasCheckpointFile())
        {
            CheckpointFile.write(directory, identity);
            CrashPoints.passed("checkpoint-file-written");
        }
        final EpochCut committedCut = scan.cut(committed);
        cutOff = scan.cutOff();
        nextRecordOffset = scan.nextRecordOffset();
        ingressStart = committed == 0 ? -1 : scan.cutIndex(committed);
        ingressStartSequence = committed == 0 ? 0 : scan.cutSequence(committed);
        return new Recovery(committed, committedCut, snapshot, scan.cutsAfter(committed), scan.recordsAfter(committed));
    }

    @Override
    public long appendRecords(final long sourceOffset, final long lineNumber, final RecordBatch records)
    {
        final ExpandableDirectByteBuffer entry = sourceScratch;
        final long first = nextRecordOffset;
        entry.putLong(PAYLOAD, first);
        entry.putLong(PAYLOAD + 8, sourceOffset);
        entry.putLong(PAYLOAD + 16, lineNumber);
        entry.putInt(PAYLOAD + 24, records.count());
        append(JournalDescriptor.RECORD_BATCH, records.input(), entry, sourceChecksum, sourcePayload,
            JournalDescriptor.RECORD_BATCH_HEADER_LENGTH, records.buffer(), records.length());
        nextRecordOffset = first + records.count();
        return first;
    }

    @Override
    public long appendEpochCut(final EpochCut cut)
    {
        final ExpandableDirectByteBuffer entry = sourceScratch;
        entry.putLong(PAYLOAD, cut.epoch());
        entry.putLong(PAYLOAD + 8, cut.sourceOffset());
        entry.putLong(PAYLOAD + 16, cut.lineNumber());
        entry.putLong(PAYLOAD + 24, cut.records());
        entry.putLong(PAYLOAD + 32, cut.firstOffset());
        entry.putLong(PAYLOAD + 40, cut.lastOffset());
        entry.putByte(PAYLOAD + 48, cut.endOfInput() ? (byte)1 : (byte)0);
        entry.putLong(PAYLOAD + 49, cut.time());
        int at = PAYLOAD + JournalDescriptor.EPOCH_BEGIN_LENGTH;
        for (final EpochCut.InputPosition other : cut.otherInputs())
        {
            entry.putLong(at, other.sourceOffset());
            entry.putLong(at + 8, other.lineNumber());
            at += JournalDescriptor.INPUT_POSITION_LENGTH;
        }
        final long index = append(JournalDescriptor.EPOCH_BEGIN, entry, sourceChecksum, sourcePayload,
            at - PAYLOAD);
        CrashPoints.passed("cut-appended");
        return index;
    }

    @Override
    public int readIngress(final IngressHandler handler, final int limit)
    {
        if (null == ingress)
        {
            // Chronicle tailers belong to the thread that made them: the source thread reads the ingress.
            ingress = new JournalReader(queue, cutOff);
            ingress.seekAfter(ingressStart, ingressStartSequence);
        }
        return ingress.readIngress(ingressEntry, handler, limit);
    }

    @Override
    public long commit(final long epoch, final DirectBuffer snapshot, final int offset, final int length)
    {
        final int crc = snapshots.write(epoch, appendedEntries.get(), snapshot, offset, length);
        final ExpandableDirectByteBuffer entry = operatorScratch;
        entry.putLong(PAYLOAD, epoch);
        entry.putLong(PAYLOAD + 8, length);
        entry.putInt(PAYLOAD + 16, crc);
        append(JournalDescriptor.EPOCH_COMMIT, entry, operatorChecksum, operatorPayload,
            JournalDescriptor.EPOCH_COMMIT_LENGTH);
        CrashPoints.passed("commit-appended");
        snapshots.prune();
        return snapshots.lastForceNanos();
    }

    @Override
    public String toString()
    {
        return "checkpoint " + directory;
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
        if (null != lock)
        {
            lock.close();
        }
    }

    private long append(
        final byte type,
        final ExpandableDirectByteBuffer entry,
        final Checksum checksum,
        final PointerBytesStore entryView,
        final int payloadLength)
    {
        return append(type, 0, entry, checksum, entryView, payloadLength, null, 0);
    }

    /**
     * Appends an entry whose payload the caller put at {@link #PAYLOAD} in {@code entry}, followed by
     * {@code tailLength} bytes of {@code tail} (a batch's rows, written from where they lie): fills in the header,
     * numbered and checksummed while Chronicle's write lock is held, so that the numbers follow the journal's order
     * whichever thread appends. {@code input} goes in the header's input field: a batch's input, 0 for the rest.
     */
    private long append(
        final byte type,
        final int input,
        final ExpandableDirectByteBuffer entry,
        final Checksum checksum,
        final PointerBytesStore entryView,
        final int payloadLength,
        final DirectBuffer tail,
        final int tailLength)
    {
        try
        {
            return appendEntry(type, input, entry, checksum, entryView, payloadLength, tail, tailLength);
        }
        catch (final InternalError ex)
        {
            // Writing to a mapped page the file system cannot back raises SIGBUS, which the JVM reports so, in
            // compiled code at a later safepoint: anywhere in the append, so the whole of it is covered.
            throw new UncheckedIOException(new IOException("no space left on device: " + directory.resolve(
                JournalScan.JOURNAL) + " (the journal could not be written)", ex));
        }
    }

    private long appendEntry(
        final byte type,
        final int input,
        final ExpandableDirectByteBuffer entry,
        final Checksum checksum,
        final PointerBytesStore entryView,
        final int payloadLength,
        final DirectBuffer tail,
        final int tailLength)
    {
        final int length = JournalDescriptor.HEADER_LENGTH + payloadLength;
        final ExcerptAppender appender = appender();
        final long sequence;
        try (DocumentContext dc = appender.writingDocument())
        {
            sequence = nextSequence;
            entry.putByte(JournalDescriptor.TYPE_OFFSET, type);
            entry.putByte(JournalDescriptor.VERSION_OFFSET, (byte)JournalDescriptor.FORMAT_VERSION);
            entry.putShort(JournalDescriptor.INPUT_OFFSET, (short)input);
            entry.putInt(JournalDescriptor.LENGTH_OFFSET, payloadLength + tailLength);
            entry.putLong(JournalDescriptor.SEQUENCE_OFFSET, sequence);
            entry.putLong(JournalDescriptor.CRC_OFFSET, 0L);
            int crc = checksum.compute(entry, 0, length);
            if (tailLength > 0)
            {
                crc = checksum.update(tail, 0, tailLength);
            }
            entry.putInt(JournalDescriptor.CRC_OFFSET, crc);
            // One copy of the entry from off-heap buffers into the mapped journal.
            entryView.set(entry.addressOffset(), length);
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(entryView, 0L, length);
            if (tailLength > 0)
            {
                recordsView.set(tail.addressOffset(), tailLength);
                bytes.write(recordsView, 0L, tailLength);
            }
            nextSequence = sequence + 1;
        }
        // The document is closed, so whole: appends by the two threads may return out of order.
        appendedEntries.accumulateAndGet(sequence + 1, Math::max);
        return appender.lastIndexAppended();
    }

    private void deleteJournal()
    {
        final Path journal = directory.resolve(JournalScan.JOURNAL);
        try (Stream<Path> files = Files.walk(journal))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove the half-created journal " + journal + ": " + ex, ex);
        }
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
