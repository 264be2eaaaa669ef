package io.millrace.internal;

import java.util.List;

/**
 * Closes several things, each whatever the others do: the first failure is thrown once all are closed, with the
 * later ones suppressed in it.
 */
public final class CloseAll
{
    private CloseAll()
    {
    }

    /**
     * @param closes one per thing to close, in order.
     * @throws RuntimeException the first that a close threw.
     */
    public static void run(final List<Runnable> closes)
    {
        RuntimeException failure = null;
        for (final Runnable close : closes)
        {
            try
            {
                close.run();
            }
            catch (final RuntimeException ex)
            {
                if (null == failure)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (null != failure)
        {
            throw failure;
        }
    }
}
