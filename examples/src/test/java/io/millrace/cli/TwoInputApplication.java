package io.millrace.cli;

import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.StreamingQueryException;
import io.millrace.journal.ChronicleJournal;
import io.millrace.testing.TwoInputQuery;

import java.nio.file.Path;

/**
 * Runs {@link TwoInputQuery} for the crash tests. Arguments: {@code CHECKPOINT OUTPUT EVENTS [THROTTLE]}; the join's
 * part files go to {@code OUTPUT/joined}, the counts' to {@code OUTPUT/counted}; without a checkpoint ({@code -}) it
 * runs once, uninterrupted.
 */
public final class TwoInputApplication
{
    /** Directory of the join's part files, under the output. */
    public static final String JOINED = "joined";
    /** Directory of the counts' part files, under the output. */
    public static final String COUNTED = "counted";

    private TwoInputApplication()
    {
    }

    /**
     * @param args checkpoint directory or {@code -}, output directory, events per input, records per second (0: no
     *             limit).
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final Path output = Path.of(args[1]);
        final StreamWriter writer = TwoInputQuery.writer(output.resolve(JOINED), output.resolve(COUNTED),
            Integer.parseInt(args[2])).throttle(args.length > 3 ? Long.parseLong(args[3]) : 0);
        final StreamingQuery query;
        try
        {
            if (!"-".equals(args[0]))
            {
                writer.checkpoint(new ChronicleJournal(Path.of(args[0]), System.err));
            }
            query = writer.start();
        }
        catch (final RuntimeException ex)
        {
            // As an application would: say why the query cannot start (a damaged checkpoint, say), no stack trace.
            System.err.println("two-inputs: " + ex.getMessage());
            System.exit(1);
            return;
        }
        try
        {
            query.awaitTermination();
        }
        catch (final StreamingQueryException ex)
        {
            System.err.println("two-inputs: " + ex.getMessage());
            System.exit(1);
        }
        System.exit(query.isFinished() ? 0 : 1);
    }
}
