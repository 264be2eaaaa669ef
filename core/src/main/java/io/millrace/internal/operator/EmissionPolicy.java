package io.millrace.internal.operator;

/**
 * When a stateful operator writes its rows (docs/semantics.md, output modes), decided in one place for every
 * stateful operator: each asks the policy at the three moments that matter (a row of state changed, an epoch's
 * marker arrived, the watermark closed a window or session) and keeps only the storage of its own dirty marks.
 * <ul>
 *   <li>append: a row once, when its window closes; nothing is written for a row still open;</li>
 *   <li>update with a continuous trigger: a row each time it changes;</li>
 *   <li>update with a micro-batch trigger: the rows changed since the last marker, at the marker, and a closing
 *       window's changed rows when it closes;</li>
 *   <li>complete: every row held, at each marker; closed windows are kept, since every later marker writes them
 *       again.</li>
 * </ul>
 */
public final class EmissionPolicy
{
    /**
     * What a stateful operator writes: the query's output mode for an operator whose rows reach a sink, append for
     * one feeding another stateful operator.
     */
    public enum Mode
    {
        /** Final rows only, each once. */
        APPEND,
        /** Every change of a row. */
        UPDATE,
        /** The whole table at each marker. */
        COMPLETE
    }

    /** Which rows a moment writes. */
    public enum Rows
    {
        /** None. */
        NONE,
        /** Those marked as changed since the last marker (clearing their marks). */
        CHANGED,
        /** Every row concerned: all rows held at a marker, all rows of the window at its close. */
        ALL
    }

    private final Mode mode;
    private final boolean writesOnChange;
    private final boolean marksChanges;

    private EmissionPolicy(final Mode mode, final boolean continuous)
    {
        this.mode = mode;
        this.writesOnChange = mode == Mode.UPDATE && continuous;
        this.marksChanges = mode == Mode.UPDATE && !continuous;
    }

    /**
     * @param mode       what the operator writes.
     * @param continuous whether the query runs with a continuous trigger (update mode then writes each change at
     *                   once rather than at the marker).
     * @return the policy.
     */
    public static EmissionPolicy of(final Mode mode, final boolean continuous)
    {
        return new EmissionPolicy(mode, continuous);
    }

    /**
     * @return whether a row is written as soon as it changes.
     */
    public boolean writesOnChange()
    {
        return writesOnChange;
    }

    /**
     * @return whether a changed row is marked, to be written at the next marker or when its window closes.
     */
    public boolean marksChanges()
    {
        return marksChanges;
    }

    /**
     * @return which rows an epoch's marker writes.
     */
    public Rows atMarker()
    {
        return mode == Mode.COMPLETE ? Rows.ALL : marksChanges ? Rows.CHANGED : Rows.NONE;
    }

    /**
     * @return which rows of a window (or session) the watermark closes are written then.
     */
    public Rows atClose()
    {
        return mode == Mode.APPEND ? Rows.ALL : marksChanges ? Rows.CHANGED : Rows.NONE;
    }

    /**
     * @return whether closed windows (and sessions) stay in state: only complete mode writes them again.
     */
    public boolean keepsClosed()
    {
        return mode == Mode.COMPLETE;
    }
}
