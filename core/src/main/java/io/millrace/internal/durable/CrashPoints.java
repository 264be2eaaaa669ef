package io.millrace.internal.durable;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Named steps of the commit protocol at which the crash-recovery tests stop the process as abruptly as SIGKILL
 * does ({@link Runtime#halt}: no shutdown hooks, nothing flushed), so that a crash is aimed at one durable step
 * rather than left to chance. Inert unless the system property {@code millrace.crash-point} is set, to
 * {@code NAME} (the first time the step is passed) or {@code NAME:N} (the N-th time); the check is then a compare
 * with a constant null, which the JIT removes.
 * <p>
 * The steps, in the order an epoch passes them: {@code record-appended} (an input record journaled;
 * records journaled in one entry pass it together),
 * {@code cut-appended} ({@code EPOCH_BEGIN} journaled), {@code part-written} (the part file forced, not yet
 * renamed), {@code part-renamed}, {@code snapshot-written} (forced, not yet renamed), {@code snapshot-renamed},
 * {@code commit-appended} ({@code EPOCH_COMMIT} journaled), {@code snapshot-pruned} (an old snapshot deleted);
 * {@code idle-cut-appended} (the cut of an idle publisher's epoch journaled by the operator thread, before the
 * marker is handled; it is a {@code cut-appended} too); and once, when a checkpoint is created,
 * {@code identity-appended} and {@code checkpoint-file-written}.
 */
public final class CrashPoints
{
    /** Exit status of a process stopped at a crash point: what a shell reports for SIGKILL. */
    public static final int EXIT_STATUS = 137;

    private static final String POINT;
    private static final long AT;
    private static final AtomicLong PASSED = new AtomicLong();

    static
    {
        final String setting = System.getProperty("millrace.crash-point");
        if (null == setting || setting.isBlank())
        {
            POINT = null;
            AT = 0;
        }
        else
        {
            final int colon = setting.indexOf(':');
            POINT = colon < 0 ? setting : setting.substring(0, colon);
            AT = colon < 0 ? 1 : Long.parseLong(setting.substring(colon + 1));
        }
    }

    private CrashPoints()
    {
    }

    /**
     * Marks that the process has just passed a step; stops it there when that step was chosen.
     *
     * @param step name of the step.
     */
    public static void passed(final String step)
    {
        if (null != POINT && POINT.equals(step) && PASSED.incrementAndGet() == AT)
        {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    /**
     * Marks that the process has just passed a step several times at once (e.g. journaled several records in one
     * entry); stops it there when the chosen occurrence is among them.
     *
     * @param step  name of the step.
     * @param times how many times it was passed.
     */
    public static void passed(final String step, final int times)
    {
        if (null != POINT && POINT.equals(step))
        {
            final long after = PASSED.addAndGet(times);
            if (after >= AT && after - times < AT)
            {
                Runtime.getRuntime().halt(EXIT_STATUS);
            }
        }
    }
}
