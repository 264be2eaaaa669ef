package io.millrace.journal;

import io.millrace.checkpoint.EpochCut;
import io.millrace.internal.durable.DurableFiles;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over a checkpoint's journal: its identity, the epoch cuts with their indexes, the commits, and the
 * first damaged entry if any. Used by recovery and by the inspection commands.
 * <p>
 * Every entry is checked (format version, length, checksum, type, sequence), and the end the reader reaches is
 * compared with Chronicle's own record of where it last wrote: damage that breaks Chronicle's framing makes a
 * reader stop early as if the journal ended there, and only that comparison tells.
 * <p>
 * Damaged entries that recovery cut off are listed, one hexadecimal index a line, in {@code journal-cut-off}
 * beside the journal, and skipped by every reader; Chronicle Queue cannot truncate a queue, so this is how the
 * tail is cut back. Only the last entry Chronicle wrote may be cut: that is the one a crash can leave half
 * written.
 */
public final class JournalScan
{
    static final String JOURNAL = "journal";
    private static final String CUT_OFF = "journal-cut-off";

    private final LongHashSet cutOff;
    private final Long2ObjectHashMap<EpochCut> cuts = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Long> cutIndexes = new Long2ObjectHashMap<>();
    private final Long2LongHashMap cutSequences = new Long2LongHashMap(-1);
    private final Long2ObjectHashMap<CommitInfo> commits = new Long2ObjectHashMap<>();
    private final List<Long> cutEpochs = new ArrayList<>();
    private boolean journalPresent;
    private String unopenable;
    private String identity;
    private long lastCommittedEpoch;
    private long entries;
    private long damagedIndex = -1;
    private String damage;
    private int damages;
    private boolean entriesAfterDamage;
    private long lastWrittenIndex = -1;
    private int firstVersion = JournalDescriptor.FORMAT_VERSION;
    private long nextRecordOffset;
    private long lastRecordSequence = -1;

    /**
     * What a commit entry says.
     *
     * @param index          of the entry.
     * @param snapshotLength of the epoch's snapshot.
     * @param snapshotCrc    of the epoch's snapshot.
     */
    public record CommitInfo(long index, long snapshotLength, int snapshotCrc)
    {
    }

    /**
     * Receives every entry of a journal in order, for inspection.
     */
    public interface Visitor
    {
        /**
         * @param entry an intact entry, valid during the call.
         * @param epoch the epoch it belongs to: for records and cuts the epoch they are in, for commits the epoch
         *              committed, 0 for the identity.
         */
        void onEntry(JournalEntry entry, long epoch);

        /**
         * @param index   of a damaged entry (for damage that breaks the framing, the first entry that cannot be
         *                read).
         * @param problem what is wrong with it.
         */
        void onDamage(long index, String problem);
    }

    private JournalScan(final LongHashSet cutOff)
    {
        this.cutOff = cutOff;
    }

    /**
     * Scans a checkpoint's journal without changing anything.
     *
     * @param checkpoint directory.
     * @return the scan.
     */
    public static JournalScan of(final Path checkpoint)
    {
        return of(checkpoint, true);
    }

    private static JournalScan of(final Path checkpoint, final boolean readOnly)
    {
        final JournalScan scan = new JournalScan(readCutOff(checkpoint));
        if (Files.isDirectory(checkpoint.resolve(JOURNAL)))
        {
            scan.journalPresent = true;
            scan.unopenable = cutShortFile(checkpoint);
            if (null != scan.unopenable)
            {
                return scan;
            }
            final ChronicleQueue queue;
            try
            {
                queue = openQueue(checkpoint, readOnly);
            }
            catch (final InternalError | AssertionError | RuntimeException ex)
            {
                // A journal whose creation was interrupted, or whose metadata is damaged.
                scan.unopenable = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                return scan;
            }
            final End end = read(queue, scan.cutOff, scan.new Collector());
            scan.lastWrittenIndex = end.lastWritten();
            scan.firstVersion = end.firstVersion();
            closeQuietly(queue);
        }
        return scan;
    }

    /**
     * Reads a checkpoint's journal read-only, entry by entry, skipping entries cut off earlier.
     *
     * @param checkpoint directory.
     * @param visitor    receiving entries and damage.
     */
    public static void visit(final Path checkpoint, final Visitor visitor)
    {
        if (!Files.isDirectory(checkpoint.resolve(JOURNAL)))
        {
            throw new IllegalArgumentException("no journal in checkpoint " + checkpoint);
        }
        final String cutShort = cutShortFile(checkpoint);
        if (null != cutShort)
        {
            visitor.onDamage(0, cutShort);
            return;
        }
        final ChronicleQueue opened;
        try
        {
            opened = openQueue(checkpoint, true);
        }
        catch (final InternalError | AssertionError | RuntimeException ex)
        {
            visitor.onDamage(0, "Chronicle cannot open the journal (" + ex.getClass().getSimpleName() + ": " +
                ex.getMessage() + ")");
            return;
        }
        read(opened, readCutOff(checkpoint), new Visitor()
        {
            private long epoch = 1;

            public void onEntry(final JournalEntry entry, final long ignored)
            {
                if (entry.isEpochCommit())
                {
                    visitor.onEntry(entry, entry.commitEpoch());
                }
                else if (entry.isIdentity())
                {
                    visitor.onEntry(entry, 0);
                }
                else if (entry.isEpochBegin())
                {
                    visitor.onEntry(entry, entry.epochCut().epoch());
                    epoch = entry.epochCut().epoch() + 1;
                }
                else
                {
                    visitor.onEntry(entry, epoch);
                }
            }

            public void onDamage(final long index, final String problem)
            {
                visitor.onDamage(index, problem);
            }
        });
        closeQuietly(opened);
    }

    /**
     * Reads every entry, then compares the end reached with Chronicle's record of its last write.
     *
     * @return where it ended.
     */
    private static End read(final ChronicleQueue queue, final LongHashSet cutOff, final Visitor visitor)
    {
        final JournalEntry entry = new JournalEntry();
        final JournalReader reader = new JournalReader(queue, cutOff);
        try
        {
            int result;
            while ((result = reader.next(entry)) != JournalReader.END)
            {
                if (result == JournalReader.CORRUPT)
                {
                    visitor.onDamage(reader.problemIndex(), reader.problem());
                }
                else
                {
                    visitor.onEntry(entry, 0);
                }
            }
            final long written = queue.lastIndex();
            if (written != reader.lastIndexSeen())
            {
                visitor.onDamage(reader.lastIndexSeen() + 1, "the journal can be read only up to entry " +
                    Long.toHexString(reader.lastIndexSeen()) + " but Chronicle wrote up to entry " +
                    Long.toHexString(written) + ": the entries between cannot be framed (damaged headers or " +
                    "lengths, or a journal file cut short)");
            }
            reader.close();
            return new End(written, reader.firstVersion());
        }
        catch (final InternalError | AssertionError | RuntimeException ex)
        {
            // A journal file cut short faults when its mapping is read past the file's end: SIGBUS, which the JVM
            // raises as an InternalError, in compiled code only at a later safepoint, so anywhere in this read.
            visitor.onDamage(reader.lastIndexSeen() + 1, "the journal cannot be read past entry " +
                Long.toHexString(reader.lastIndexSeen()) + " (" + ex.getClass().getSimpleName() + ": " +
                ex.getMessage() + "); a journal file is cut short or damaged");
            return new End(Long.MIN_VALUE, reader.firstVersion());
        }
    }

    /**
     * Where a read ended.
     *
     * @param lastWritten  index of the last entry Chronicle wrote, -1 when none, {@link Long#MIN_VALUE} when unknown.
     * @param firstVersion format version of the first entry, this build's when there is none.
     */
    private record End(long lastWritten, int firstVersion)
    {
    }

    /** Gathers what a scan records from the entries read. */
    private final class Collector implements Visitor
    {
        public void onEntry(final JournalEntry entry, final long epoch)
        {
            if (damagedIndex >= 0)
            {
                entriesAfterDamage = true;
                return;
            }
            entries++;
            accept(entry);
        }

        public void onDamage(final long index, final String problem)
        {
            damages++;
            if (damagedIndex < 0)
            {
                damagedIndex = index;
                damage = problem;
            }
        }
    }

    /**
     * Chronicle sizes every journal file at creation to at least one block and its overlap, and never shrinks one;
     * reading a mapping past the end of a file cut shorter raises SIGBUS, which the JVM may report anywhere later.
     * So such a file is found by its length, before anything is mapped.
     *
     * @return what is wrong, or null when every journal file is long enough.
     */
    private static String cutShortFile(final Path checkpoint)
    {
        final long blockSize = ChronicleJournal.builder(checkpoint.resolve(JOURNAL), true).blockSize();
        final long least = blockSize + blockSize / 4;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(checkpoint.resolve(JOURNAL), "*.cq4"))
        {
            for (final Path file : files)
            {
                final long length = Files.size(file);
                if (length < least)
                {
                    return "journal file " + file + " is " + length + " bytes, shorter than the " + least +
                        " bytes Chronicle gives every journal file: it was cut short or emptied";
                }
            }
        }
        catch (final IOException ex)
        {
            return "cannot list the journal files: " + ex;
        }
        return null;
    }

    private static void closeQuietly(final ChronicleQueue queue)
    {
        try
        {
            queue.close();
        }
        catch (final InternalError | AssertionError | RuntimeException ex)
        {
            // Only reading was done; a damaged journal may fail to unmap cleanly.
        }
    }

    static ChronicleQueue openQueue(final Path checkpoint, final boolean readOnly)
    {
        return ChronicleJournal.builder(checkpoint.resolve(JOURNAL), readOnly).build();
    }

    static LongHashSet readCutOff(final Path checkpoint)
    {
        final LongHashSet set = new LongHashSet();
        final Path file = checkpoint.resolve(CUT_OFF);
        if (Files.exists(file))
        {
            try
            {
                for (final String line : Files.readAllLines(file, StandardCharsets.US_ASCII))
                {
                    if (!line.isBlank())
                    {
                        set.add(Long.parseUnsignedLong(line.trim(), 16));
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read " + file, ex);
            }
        }
        return set;
    }

    private static void appendCutOff(final Path checkpoint, final long index)
    {
        final Path file = checkpoint.resolve(CUT_OFF);
        try
        {
            Files.write(file, (Long.toHexString(index) + "\n").getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            DurableFiles.forceDirectory(checkpoint.toAbsolutePath());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }

    private void accept(final JournalEntry entry)
    {
        if (entry.isIdentity())
        {
            if (null == identity)
            {
                identity = entry.identity();
            }
        }
        else if (entry.isEpochBegin())
        {
            final EpochCut cut = entry.epochCut();
            cuts.put(cut.epoch(), cut);
            cutIndexes.put(cut.epoch(), Long.valueOf(entry.index()));
            cutSequences.put(cut.epoch(), entries - 1);
            cutEpochs.add(cut.epoch());
        }
        else if (entry.isRecord())
        {
            lastRecordSequence = entries - 1;
            // Offsets only grow: past every record journaled, in either layout.
            nextRecordOffset = Math.max(nextRecordOffset, entry.isRecordBatch() ?
                entry.recordOffsetOfFirst() + entry.recordCount() : entry.index() + 1);
        }
        else if (entry.isEpochCommit())
        {
            commits.put(entry.commitEpoch(),
                new CommitInfo(entry.index(), entry.commitSnapshotLength(), entry.commitSnapshotCrc()));
            lastCommittedEpoch = Math.max(lastCommittedEpoch, entry.commitEpoch());
        }
    }

    /**
     * @return the offset the next journaled record gets: past every intact record in the journal.
     */
    public long nextRecordOffset()
    {
        return nextRecordOffset;
    }

    /**
     * @return the recorded identity, or null for a new checkpoint.
     */
    public String identity()
    {
        return identity;
    }

    /**
     * @return the last committed epoch, 0 when none.
     */
    public long lastCommittedEpoch()
    {
        return lastCommittedEpoch;
    }

    /**
     * @param epoch committed.
     * @return what its commit entry says, or null when it is not committed.
     */
    public CommitInfo commit(final long epoch)
    {
        return commits.get(epoch);
    }

    /**
     * @param epoch logged.
     * @return its cut, or null when it is not logged.
     */
    public EpochCut cut(final long epoch)
    {
        return cuts.get(epoch);
    }

    long cutIndex(final long epoch)
    {
        return cutIndexes.get(epoch);
    }

    /**
     * @param epoch logged.
     * @return the number its cut entry carries.
     */
    long cutSequence(final long epoch)
    {
        return cutSequences.get(epoch);
    }

    /**
     * @param epoch committed (0 for none).
     * @return the cuts of later epochs, in order.
     */
    public List<EpochCut> cutsAfter(final long epoch)
    {
        final List<EpochCut> after = new ArrayList<>();
        for (final long logged : cutEpochs)
        {
            if (logged > epoch)
            {
                after.add(cuts.get(logged));
            }
        }
        return after;
    }

    /**
     * @param epoch committed (0 for none).
     * @return whether input records are journaled after its cut (after the journal's start, for 0).
     */
    public boolean recordsAfter(final long epoch)
    {
        return epoch == 0 ? lastRecordSequence >= 0 : lastRecordSequence > cutSequence(epoch);
    }

    /**
     * @return every epoch cut logged, in order.
     */
    public List<EpochCut> cuts()
    {
        return cutsAfter(0);
    }

    /**
     * @return intact entries read.
     */
    public long entries()
    {
        return entries;
    }

    /**
     * @return index of the first damaged entry not yet cut off, or -1.
     */
    public long damagedIndex()
    {
        return damagedIndex;
    }

    /**
     * @return what is wrong with the first damaged entry, or null.
     */
    public String damage()
    {
        return damage;
    }

    /**
     * @return whether intact entries follow the first damaged entry: damage in the middle of the journal, not a
     *         torn tail. The scan holds nothing after the damage.
     */
    public boolean entriesAfterDamage()
    {
        return entriesAfterDamage;
    }

    /**
     * @return whether the only damage is the last entry Chronicle wrote: what a crash in the middle of an append
     *         leaves, and the one damage that may be cut off.
     */
    public boolean isTornTail()
    {
        return damages == 1 && damagedIndex == lastWrittenIndex && !entriesAfterDamage;
    }

    /**
     * Marks the damaged last entry as cut off, durably, so that every reader skips it from now on.
     *
     * @param checkpoint directory.
     * @param log        where to say what was cut.
     */
    void cutTornTail(final Path checkpoint, final PrintStream log)
    {
        log.println("millrace: journal of " + checkpoint + ": its last entry " + Long.toHexString(damagedIndex) +
            " is damaged (" + damage + "), as a write cut short by a crash leaves it; cutting the journal back to the entry before it");
        appendCutOff(checkpoint, damagedIndex);
        cutOff.add(damagedIndex);
        damagedIndex = -1;
        damage = null;
        damages = 0;
    }

    /**
     * @return whether the checkpoint has a journal directory.
     */
    public boolean journalPresent()
    {
        return journalPresent;
    }

    /**
     * @return why Chronicle could not open the journal, or null when it could (or there is none).
     */
    public String unopenable()
    {
        return unopenable;
    }

    /**
     * @return the format version of the journal's first entry; this build's when it has none.
     */
    public int firstVersion()
    {
        return firstVersion;
    }

    /**
     * @return the indexes of entries cut off earlier.
     */
    public LongHashSet cutOff()
    {
        return cutOff;
    }
}
