package io.millrace.journal;

import io.millrace.checkpoint.EpochCut;
import io.millrace.internal.DurableFiles;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over a checkpoint's journal: its identity, the epoch cuts with their indexes, the commits, and the
 * first damaged entry if any. Used by recovery and by the inspection commands.
 * <p>
 * Damaged entries that recovery cut off are listed, one hexadecimal index a line, in {@code journal-cut-off}
 * beside the journal, and skipped by every reader; Chronicle Queue cannot truncate a queue, so this is how the
 * tail is cut back.
 */
public final class JournalScan
{
    private static final String JOURNAL = "journal";
    private static final String CUT_OFF = "journal-cut-off";

    private final LongHashSet cutOff;
    private final Long2ObjectHashMap<EpochCut> cuts = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Long> cutIndexes = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<CommitInfo> commits = new Long2ObjectHashMap<>();
    private final List<Long> cutEpochs = new ArrayList<>();
    private String identity;
    private long identityIndex = -1;
    private long lastCommittedEpoch;
    private long entries;
    private long damagedIndex = -1;
    private String damage;
    private boolean entriesAfterDamage;

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
            // Read-write for recovery: a process killed while creating the queue leaves metadata that only a
            // writer may complete.
            try (ChronicleQueue queue = openQueue(checkpoint, readOnly))
            {
                scan.scan(queue);
            }
        }
        return scan;
    }

    /**
     * Scans a checkpoint's journal for recovery, cutting a damaged tail off (with a line on {@code log}).
     *
     * @param checkpoint directory.
     * @param log        where to say what was cut.
     * @return the scan of the intact journal.
     * @throws IllegalStateException when an entry in the middle of the journal is damaged: cutting there would lose
     *                               what follows.
     */
    static JournalScan repairing(final Path checkpoint, final PrintStream log)
    {
        JournalScan scan = of(checkpoint, false);
        while (scan.damagedIndex >= 0)
        {
            if (scan.entriesAfterDamage)
            {
                throw new IllegalStateException("journal of " + checkpoint + " is damaged at entry " +
                    Long.toHexString(scan.damagedIndex) + " (" + scan.damage + ") with intact entries after it; " +
                    "not a torn tail, so nothing was cut. Run 'journal verify' for details.");
            }
            log.println("millrace: journal of " + checkpoint + ": entry " + Long.toHexString(scan.damagedIndex) +
                " is damaged (" + scan.damage + "); cutting the journal back to the last intact entry");
            appendCutOff(checkpoint, scan.damagedIndex);
            scan = of(checkpoint, false);
        }
        return scan;
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
         * @param index   of a damaged entry.
         * @param problem what is wrong with it.
         */
        void onDamage(long index, String problem);
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
        final JournalEntry entry = new JournalEntry();
        try (ChronicleQueue queue = openQueue(checkpoint, true);
            JournalReader reader = new JournalReader(queue, readCutOff(checkpoint)))
        {
            long epoch = 1;
            int result;
            while ((result = reader.next(entry)) != JournalReader.END)
            {
                if (result == JournalReader.CORRUPT)
                {
                    visitor.onDamage(reader.problemIndex(), reader.problem());
                }
                else if (entry.isEpochCommit())
                {
                    visitor.onEntry(entry, entry.commitEpoch());
                }
                else if (entry.isIdentity())
                {
                    visitor.onEntry(entry, 0);
                }
                else
                {
                    visitor.onEntry(entry, entry.isEpochBegin() ? entry.epochCut().epoch() : epoch);
                    if (entry.isEpochBegin())
                    {
                        epoch = entry.epochCut().epoch() + 1;
                    }
                }
            }
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

    private void scan(final ChronicleQueue queue)
    {
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = new JournalReader(queue, cutOff))
        {
            int result;
            while ((result = reader.next(entry)) != JournalReader.END)
            {
                if (result == JournalReader.CORRUPT)
                {
                    if (damagedIndex < 0)
                    {
                        damagedIndex = reader.problemIndex();
                        damage = reader.problem();
                    }
                    continue;
                }
                if (damagedIndex >= 0)
                {
                    entriesAfterDamage = true;
                    continue;
                }
                entries++;
                accept(entry);
            }
        }
    }

    private void accept(final JournalEntry entry)
    {
        if (entry.isIdentity())
        {
            if (null == identity)
            {
                identity = entry.identity();
                identityIndex = entry.index();
            }
        }
        else if (entry.isEpochBegin())
        {
            final EpochCut cut = entry.epochCut();
            cuts.put(cut.epoch(), cut);
            cutIndexes.put(cut.epoch(), Long.valueOf(entry.index()));
            cutEpochs.add(cut.epoch());
        }
        else if (entry.isEpochCommit())
        {
            commits.put(entry.commitEpoch(),
                new CommitInfo(entry.index(), entry.commitSnapshotLength(), entry.commitSnapshotCrc()));
            lastCommittedEpoch = Math.max(lastCommittedEpoch, entry.commitEpoch());
        }
    }

    /**
     * @return the recorded identity, or null for a new checkpoint.
     */
    public String identity()
    {
        return identity;
    }

    long identityIndex()
    {
        return identityIndex;
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
     * @return the indexes of entries cut off earlier.
     */
    public LongHashSet cutOff()
    {
        return cutOff;
    }
}
