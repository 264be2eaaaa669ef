package io.millrace.journal;

import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.checkpoint.EpochCut;
import io.millrace.testing.TwoInputQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static io.millrace.testing.PartFiles.sortedRows;
import static io.millrace.testing.PartFiles.assertSameParts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A query of two inputs with a checkpoint ({@link TwoInputQuery}: the streams of two sources joined within an
 * interval, and their union counted per key and window) stopped and resumed again and again, writes exactly an uninterrupted run's rows to
 * each output (as bags: the two inputs' records meet in an order the threads decide, and these outputs do not
 * depend on it), every cut records where both inputs were, and a replay rewrites every part file byte for byte,
 * since the journal holds the order the records met in.
 */
class TwoInputCheckpointTest
{
    private static final int EVENTS = 40_000;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldResumeAndReplayAQueryOfTwoInputs() throws Exception
    {
        run(writer(dir.resolve("reference-joined"), dir.resolve("reference-counted")));

        final Path joined = dir.resolve("joined");
        final Path counted = dir.resolve("counted");
        final Path checkpoint = dir.resolve("checkpoint");
        for (int stop = 0; stop < 4; stop++)
        {
            final StreamingQuery query = writer(joined, counted).throttle(60_000)
                .checkpoint(new ChronicleJournal(checkpoint, QUIET)).start();
            final long target = query.progress().committedEpoch() + 3 + stop;
            while (query.isActive() && query.progress().committedEpoch() < target)
            {
                Thread.sleep(5);
            }
            query.stop();
        }
        run(writer(joined, counted).checkpoint(new ChronicleJournal(checkpoint, QUIET)));

        final List<String> joinedRows = sortedRows(joined);
        assertTrue(joinedRows.size() > EVENTS, "joined rows: " + joinedRows.size());
        assertEquals(sortedRows(dir.resolve("reference-joined")), joinedRows, "the join's rows");
        assertEquals(sortedRows(dir.resolve("reference-counted")), sortedRows(counted), "the union's counts");

        final List<EpochCut> cuts = JournalScan.of(checkpoint).cuts();
        final EpochCut last = cuts.get(cuts.size() - 1);
        assertTrue(last.endOfInput(), "the last cut ends the input: " + last);
        assertEquals(1, last.otherInputs().size(), "a cut says where the second input was: " + last);
        assertEquals(2L * EVENTS, last.sourceOffset() + last.otherInputs().get(0).sourceOffset(),
            "both inputs read to their ends: " + last);

        final Path replayedJoined = dir.resolve("replayed-joined");
        final Path replayedCounted = dir.resolve("replayed-counted");
        new Replay(checkpoint).run(writer(replayedJoined, replayedCounted));
        assertSameParts(joined, replayedJoined);
        assertSameParts(counted, replayedCounted);
    }

    private static StreamWriter writer(final Path joined, final Path counted)
    {
        return TwoInputQuery.writer(joined, counted, EVENTS);
    }

    private static void run(final StreamWriter writer) throws InterruptedException
    {
        final StreamingQuery query = writer.start();
        query.awaitTermination();
        assertTrue(query.isFinished());
    }
}
