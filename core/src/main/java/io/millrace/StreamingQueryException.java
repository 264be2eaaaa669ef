package io.millrace;

/**
 * Thrown by {@link StreamingQuery#awaitTermination()} when the query failed; the cause is the error.
 */
public final class StreamingQueryException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param query name of the query.
     * @param cause of the failure.
     */
    public StreamingQueryException(final String query, final Throwable cause)
    {
        super("query '" + query + "' failed: " + cause, cause);
    }
}
