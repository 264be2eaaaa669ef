package io.millrace.internal.durable;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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
 * with the Kafka sink, {@code kafka-rows-sent} (an epoch's rows and number sent in its transaction, not committed)
 * and {@code kafka-committed} (the transaction committed), both before that epoch's {@code snapshot-written};
 * with a checkpoint kept in Kafka, {@code kafka-state-sent} (an epoch's rows, state and offset sent in its
 * transaction, not committed) and {@code kafka-committed};
 * {@code idle-cut-appended} (the cut of an idle publisher's epoch journaled by the operator thread, before the
 * marker is handled; it is a {@code cut-appended} too); and once, when a checkpoint is created,
 * {@code identity-appended} and {@code checkpoint-file-written}. {@code snapshot-buffer-awaited} is passed when the
 * operator thread finds every snapshot buffer still on its way to the journal (the most epochs in flight).
 * <p>
 * The system property {@code millrace.stall-point}, set the same way, holds the thread that passes the chosen step
 * there for good instead, as a disk that stops answering would: with a crash point at a step another thread passes,
 * a test makes the process die in a state that otherwise needs the right timing, such as epochs written and their
 * commits still to come.
 */
public final class CrashPoints
{
    /** Exit status of a process stopped at a crash point: what a shell reports for SIGKILL. */
    public static final int EXIT_STATUS = 137;

    private static final Aim CRASH = Aim.of("millrace.crash-point");
    private static final Aim STALL = Aim.of("millrace.stall-point");

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
        passed(step, 1);
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
        if (null != CRASH && CRASH.reached(step, times))
        {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
        if (null != STALL && STALL.reached(step, times))
        {
            stall();
        }
    }

    /**
     * Holds the calling thread for good, as a disk that never answers would; the other threads go on, so a test
     * can crash the process while this step is stuck (with a crash point at a step the others pass).
     */
    private static void stall()
    {
        while (true)
        {
            LockSupport.park();
        }
    }

    /** One chosen occurrence of one step: {@code NAME} (the first) or {@code NAME:N} (the N-th). */
    private static final class Aim
    {
        private final String step;
        private final long at;
        private final AtomicLong passed = new AtomicLong();

        private Aim(final String step, final long at)
        {
            this.step = step;
            this.at = at;
        }

        static Aim of(final String property)
        {
            final String setting = System.getProperty(property);
            if (null == setting || setting.isBlank())
            {
                return null;
            }
            final int colon = setting.indexOf(':');
            return colon < 0 ? new Aim(setting, 1) :
                new Aim(setting.substring(0, colon), Long.parseLong(setting.substring(colon + 1)));
        }

        boolean reached(final String passedStep, final int times)
        {
            if (!step.equals(passedStep))
            {
                return false;
            }
            final long after = passed.addAndGet(times);
            return after >= at && after - times < at;
        }
    }
}
