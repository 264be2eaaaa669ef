package io.millrace.checkpoint;

import org.agrona.DirectBuffer;

import java.util.List;

/**
 * What a checkpoint says a restarting query must do (docs/checkpoints.md): restore the snapshot of the last committed
 * epoch, rewind the source to that epoch's cut, and cut the epochs the journal already logged after it at exactly their
 * logged places.
 *
 * @param committedEpoch last committed epoch; 0 when none (a fresh start).
 * @param committedCut   cut of the committed epoch; null when none.
 * @param snapshot       operator state at the end of the committed epoch; null when none.
 * @param loggedCuts     cuts of the epochs after the committed one that the journal holds, in order.
 * @param pendingRecords whether the journal holds input records after the committed epoch's cut (after its start,
 *                       when none is committed): a restart replays them and resumes its input after them, even when
 *                       no cut was logged after them.
 */
public record Recovery(
    long committedEpoch, EpochCut committedCut, DirectBuffer snapshot, List<EpochCut> loggedCuts,
    boolean pendingRecords)
{
    /**
     * @return whether there is nothing to recover: no epoch committed, and the journal holds neither cuts nor input
     *         records. A journal that holds records is not fresh, though no cut follows them: reading the input
     *         from its start again would journal those records twice.
     */
    public boolean isFresh()
    {
        return committedEpoch == 0 && loggedCuts.isEmpty() && !pendingRecords;
    }
}
