package io.millrace.cli;

import io.millrace.EpochProgress;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.StreamingQueryListener;
import io.millrace.checkpoint.CheckpointException;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a query command's query to its end: starts it, reports progress on stderr each second, and stops it
 * cleanly on SIGTERM or SIGINT.
 */
final class QueryRun
{
    private QueryRun()
    {
    }

    /**
     * @param command    name shown in messages, e.g. {@code windowed-count}.
     * @param writer     of the query, ready to start.
     * @param checkpoint whether the query has a checkpoint (a signal's message says how to resume).
     * @param json       whether progress is a JSON object per committed epoch rather than a text line each second.
     * @param err        standard error.
     * @return the exit code.
     * @throws InterruptedException when interrupted while waiting.
     */
    static int execute(
        final String command, final StreamWriter writer, final boolean checkpoint, final boolean json,
        final PrintStream err)
        throws InterruptedException
    {
        final StreamingQuery query;
        final CountDownLatch told = new CountDownLatch(1);
        if (json)
        {
            writer.listener(new StreamingQueryListener()
            {
                @Override
                public void onQueryProgress(final EpochProgress progress)
                {
                    err.println(progress.toJson());
                }

                @Override
                public void onQueryTerminated(final String queryName, final Throwable error)
                {
                    told.countDown();
                }
            });
        }
        try
        {
            query = writer.start();
        }
        catch (final CheckpointException ex)
        {
            // Other arguments than the checkpoint's are a usage error; a damaged or busy checkpoint is not.
            err.println("millrace " + command + ": " + ex.getMessage());
            return ex.reason() == CheckpointException.Reason.MISMATCH ?
                MillraceCommand.EXIT_BAD_ARGUMENTS : MillraceCommand.EXIT_FAILURE;
        }
        catch (final IllegalStateException | IllegalArgumentException ex)
        {
            err.println("millrace " + command + ": " + ex.getMessage());
            return MillraceCommand.EXIT_BAD_ARGUMENTS;
        }
        if (query.metricsPort() >= 0)
        {
            err.println("millrace " + command + ": metrics at http://127.0.0.1:" + query.metricsPort() +
                "/metrics, status page at http://127.0.0.1:" + query.metricsPort() + "/");
        }
        final Thread onSignal = new Thread(() -> stopOnSignal(command, query, checkpoint, err), "millrace-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        ProgressReporter.await(command, query, json ? told : null, err);
        try
        {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // A signal arrived: the hook stops the query, and the JVM exits with the signal's status.
        }
        return MillraceCommand.EXIT_OK;
    }

    /**
     * On SIGTERM or SIGINT the JVM runs this before it exits (with status 143 or 130): the query stops at the next
     * record boundary, the open epoch's temporary part file is removed and the checkpoint is closed, so that a run
     * with the same arguments resumes from the last committed epoch.
     */
    private static void stopOnSignal(
        final String command, final StreamingQuery query, final boolean checkpoint, final PrintStream err)
    {
        if (query.isActive())
        {
            err.println("millrace " + command + ": signal received, stopping at the next record boundary" +
                (checkpoint ? "; run again with the same arguments to resume from the last committed epoch" : ""));
            query.stop();
        }
    }
}
