package io.millrace.journal;

import io.millrace.checkpoint.CheckpointException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checkpoint directory holds, read without changing anything, and whether its files agree with each other.
 * Recovery and {@code journal verify} judge a checkpoint by this one piece, so that verify finds every damage a
 * restart would trip on.
 * <p>
 * Damage is anything that could make a restart lose or repeat committed work: a damaged checkpoint file, a journal
 * that cannot be opened or read to Chronicle's own end, a damaged entry that is not the last one written, a journal
 * that holds fewer entries than its newest snapshot says it held, a committed epoch without its snapshot, a
 * checkpoint file without a journal identity to match, or a journal with entries but no checkpoint file. A damaged
 * last entry alone is what a crash in the middle of an append leaves: recovery cuts it off.
 */
public final class CheckpointContents
{
    private final Path directory;
    private final String recordedIdentity;
    private final CheckpointException descriptorProblem;
    private final JournalScan scan;
    private final SnapshotStore snapshots;
    private final List<Long> snapshotEpochs;
    private final List<CheckpointException> problems = new ArrayList<>();

    private CheckpointContents(final Path directory)
    {
        this.directory = directory;
        String identity = null;
        CheckpointException problem = null;
        try
        {
            identity = CheckpointFile.readIdentity(directory);
        }
        catch (final CheckpointException ex)
        {
            problem = ex;
        }
        this.recordedIdentity = identity;
        this.descriptorProblem = problem;
        this.scan = JournalScan.of(directory);
        final Path snapshotDirectory = directory.resolve("snapshots");
        this.snapshots = Files.isDirectory(snapshotDirectory) ? new SnapshotStore(snapshotDirectory) : null;
        this.snapshotEpochs = null == snapshots ? List.of() : snapshots.epochs();
        judge();
    }

    /**
     * Reads a checkpoint directory (which may not exist yet) without changing it.
     *
     * @param directory of the checkpoint.
     * @return what it holds.
     */
    public static CheckpointContents read(final Path directory)
    {
        return new CheckpointContents(directory);
    }

    /**
     * @return the scan of the journal.
     */
    public JournalScan scan()
    {
        return scan;
    }

    /**
     * @return the identity the checkpoint records (its checkpoint file's, or its journal's when it has no such
     *         file yet), or null for a new checkpoint.
     */
    public String identity()
    {
        return null != recordedIdentity ? recordedIdentity : scan.identity();
    }

    /**
     * @return whether the checkpoint file exists and is intact.
     */
    boolean hasCheckpointFile()
    {
        return null != recordedIdentity;
    }

    /**
     * @return whether Chronicle cannot open the journal of a checkpoint that records nothing else: a crash while the
     *         queue was being created, before it held its first entry.
     */
    boolean isCreationInterrupted()
    {
        return null != scan.unopenable() && null == recordedIdentity && null == descriptorProblem &&
            snapshotEpochs.isEmpty();
    }

    /**
     * @return what makes the checkpoint unusable, most telling first; empty when it can be resumed (or is new). A
     *         torn last entry is not among them: see {@link #hasTornTail()}.
     */
    public List<CheckpointException> problems()
    {
        return problems;
    }

    /**
     * @return whether the journal's last entry is damaged in the way a crash in the middle of an append leaves it.
     */
    public boolean hasTornTail()
    {
        return scan.damagedIndex() >= 0 && scan.isTornTail();
    }

    /**
     * Refuses a checkpoint that another query owns or that is damaged, before anything in it is written.
     *
     * @param identity of the query that wants to resume from it.
     * @throws CheckpointException naming the first problem.
     */
    void checkResumable(final String identity)
    {
        for (final CheckpointException problem : problems)
        {
            if (problem.reason() == CheckpointException.Reason.FORMAT_VERSION)
            {
                throw problem;
            }
        }
        final String recorded = identity();
        if (null != recorded && !recorded.equals(identity))
        {
            throw new CheckpointException(CheckpointException.Reason.MISMATCH, "checkpoint " + directory +
                " belongs to another query or other parameters; it was left untouched.\n  checkpoint: " +
                recorded.replace('\n', ' ') + "\n  this run:   " + identity.replace('\n', ' ') +
                "\nUse a new checkpoint directory, or the original arguments.");
        }
        if (!problems.isEmpty())
        {
            throw problems.get(0);
        }
    }

    private void judge()
    {
        if (null != descriptorProblem)
        {
            problems.add(descriptorProblem);
        }
        if (scan.firstVersion() != JournalDescriptor.FORMAT_VERSION)
        {
            problems.add(new CheckpointException(CheckpointException.Reason.FORMAT_VERSION, "journal of checkpoint " +
                directory + " has format version " + JournalDescriptor.versionName(scan.firstVersion()) +
                "; this build reads version " + JournalDescriptor.FORMAT_VERSION + ". It was left untouched: use " +
                "the Millrace version that wrote it, or a new checkpoint directory."));
            return;
        }
        final boolean recorded = null != recordedIdentity || null != descriptorProblem || !snapshotEpochs.isEmpty();
        if (null != scan.unopenable())
        {
            if (recorded)
            {
                problems.add(damaged("its journal cannot be opened (" + scan.unopenable() + ")"));
            }
            // Otherwise the journal's creation was interrupted before it held anything: recovery starts it anew.
            return;
        }
        if (null != recordedIdentity)
        {
            if (null == scan.identity() && scan.damagedIndex() < 0)
            {
                problems.add(damaged(scan.journalPresent() ? "its journal holds no entries, though the checkpoint " +
                    "file says the query has run" : "its journal directory is missing"));
            }
            else if (null != scan.identity() && !scan.identity().equals(recordedIdentity))
            {
                problems.add(damaged("its journal's identity differs from the one its checkpoint file records"));
            }
        }
        else if (null == descriptorProblem && (scan.entries() > 1 || !snapshotEpochs.isEmpty()))
        {
            problems.add(damaged("its checkpoint file (" + directory.resolve(CheckpointFile.FILE) + ") is " +
                "missing, though the journal holds " + scan.entries() + " entries and " + snapshotEpochs.size() +
                " snapshots exist"));
        }
        if (scan.damagedIndex() >= 0 && !scan.isTornTail())
        {
            problems.add(damaged("journal entry " + Long.toHexString(scan.damagedIndex()) + " is damaged (" +
                scan.damage() + ")" + (scan.entriesAfterDamage() ? " and intact entries follow it" : "") +
                "; not a torn tail, so nothing was cut. Run 'journal verify' for details"));
        }
        judgeSnapshots();
    }

    private void judgeSnapshots()
    {
        final long committed = scan.lastCommittedEpoch();
        if (committed > 0 && null == scan.cut(committed))
        {
            problems.add(damaged("its journal commits epoch " + committed + " but holds no cut of it"));
        }
        if (committed > 0 && !snapshotEpochs.contains(committed))
        {
            problems.add(damaged("the snapshot of its last committed epoch " + committed + " is missing: " +
                directory.resolve("snapshots").resolve(SnapshotStore.fileName(committed))));
        }
        if (snapshotEpochs.isEmpty())
        {
            return;
        }
        final long newest = snapshotEpochs.get(snapshotEpochs.size() - 1);
        final long entries;
        try
        {
            entries = snapshots.journalEntries(newest);
        }
        catch (final IllegalStateException ex)
        {
            problems.add(damaged(ex.getMessage()));
            return;
        }
        if (scan.entries() < entries)
        {
            problems.add(damaged("its journal holds " + scan.entries() + " intact entries, but snapshot " +
                snapshots.file(newest) + " was written when it held " + entries + ": committed entries were lost"));
        }
        if (newest > committed + 1)
        {
            problems.add(damaged("snapshot " + snapshots.file(newest) + " is of epoch " + newest + ", but the " +
                "journal records epoch " + committed + " as the last committed one: commits were lost"));
        }
    }

    private CheckpointException damaged(final String problem)
    {
        return new CheckpointException(CheckpointException.Reason.DAMAGED,
            "checkpoint " + directory + " is damaged: " + problem + ". It was left untouched.");
    }
}
