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
 */
public record Recovery(long committedEpoch, EpochCut committedCut, DirectBuffer snapshot, List<EpochCut> loggedCuts)
{
    /**
     * @return whether there is nothing to recover.
     */
    public boolean isFresh()
    {
        return committedEpoch == 0 && loggedCuts.isEmpty();
    }
}
