package io.millrace.source;

/**
 * What a {@link Source#poll} found.
 */
public enum SourceStatus
{
    /** Records were emitted or more are ready: poll again soon. */
    MORE_AVAILABLE,
    /** Nothing to read now: the caller may idle before polling again. */
    NOTHING_AVAILABLE,
    /** The source is exhausted: no record will follow. */
    END_OF_INPUT
}
