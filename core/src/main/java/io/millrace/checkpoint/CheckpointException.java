package io.millrace.checkpoint;

/**
 * A checkpoint that a query cannot start from. Thrown by {@link Journal#open} (and so by starting a query) before
 * anything in the checkpoint is written, so the checkpoint is left exactly as it was.
 */
public final class CheckpointException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** Why a checkpoint was refused. */
    public enum Reason
    {
        /** It belongs to another query, or to the same query with other parameters or another output. */
        MISMATCH,
        /** Its files are damaged or missing; the message names what is wrong. */
        DAMAGED,
        /** It was written in a format version this build does not read; the message names both versions. */
        FORMAT_VERSION,
        /** Another query (in this process or another) has it open. */
        IN_USE
    }

    /** Why the checkpoint was refused. */
    private final Reason reason;

    /**
     * @param reason  why the checkpoint was refused.
     * @param message what is wrong, naming the checkpoint and the file or entry concerned.
     */
    public CheckpointException(final Reason reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    /**
     * @return why the checkpoint was refused.
     */
    public Reason reason()
    {
        return reason;
    }
}
