package io.millrace.cli;

import io.millrace.QueryProgress;
import io.millrace.StreamingQuery;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Prints a query's progress to stderr once a second while it runs (unless a JSON listener prints it per epoch), and
 * a summary when it ends.
 */
final class ProgressReporter
{
    private ProgressReporter()
    {
    }

    /**
     * Waits for the query, reporting every second.
     *
     * @param command name shown in each line.
     * @param query   to watch.
     * @param json    counted down once a JSON listener has printed the last epoch's progress, which then replaces
     *                the line each second; null to print those lines.
     * @param err     where lines go.
     * @throws InterruptedException when interrupted.
     */
    static void await(
        final String command, final StreamingQuery query, final CountDownLatch json, final PrintStream err)
        throws InterruptedException
    {
        final boolean lines = null == json;
        final long start = System.nanoTime();
        query.progress();
        while (!query.awaitTermination(Duration.ofSeconds(1)))
        {
            if (lines)
            {
                err.println("millrace " + command + ": " + describe(query.progress()));
            }
        }
        if (null != json)
        {
            // Every epoch's object is printed before the summary.
            json.await();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final QueryProgress end = query.progress();
        err.printf("millrace %s: %s in %.3f s: %d records in (%.0f/s), %d rows out, %d dead letters, %d late%n",
            command, query.isFinished() ? "done" : "stopped", seconds, end.recordsIn(), end.recordsIn() / Math.max(seconds, 1e-9), end.recordsOut(),
            end.deadLetters(), end.lateRecords());
    }

    static String describe(final QueryProgress p)
    {
        return String.format("%d records in (%.0f/s), %d rows out, state %d rows / %d KiB, watermark %s, " +
            "%d late, %d dropped contributions, %d dead letters, epoch %d committed",
            p.recordsIn(), p.recordsPerSecond(), p.recordsOut(), p.stateRows(), p.stateBytes() / 1024,
            p.watermark() == Long.MIN_VALUE ? "none" : Long.toString(p.watermark()), p.lateRecords(),
            p.droppedContributions(), p.deadLetters(), p.committedEpoch());
    }
}
