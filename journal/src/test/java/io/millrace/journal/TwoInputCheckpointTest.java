package io.millrace.journal;

import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.checkpoint.EpochCut;
import io.millrace.testing.TwoInputQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

        final List<String> joinedRows = allRows(joined);
        assertTrue(joinedRows.size() > EVENTS, "joined rows: " + joinedRows.size());
        assertEquals(allRows(dir.resolve("reference-joined")), joinedRows, "the join's rows");
        assertEquals(allRows(dir.resolve("reference-counted")), allRows(counted), "the union's counts");

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

    private static void assertSameParts(final Path original, final Path replayed) throws IOException
    {
        final List<Path> parts = parts(original);
        assertEquals(parts.stream().map(Path::getFileName).toList(),
            parts(replayed).stream().map(Path::getFileName).toList(), "part files of " + original.getFileName());
        for (final Path part : parts)
        {
            assertArrayEquals(Files.readAllBytes(part), Files.readAllBytes(replayed.resolve(part.getFileName())),
                part.toString());
        }
    }

    private static List<String> allRows(final Path directory) throws IOException
    {
        final List<String> rows = new ArrayList<>();
        for (final Path part : parts(directory))
        {
            rows.addAll(Files.readAllLines(part));
        }
        Collections.sort(rows);
        return rows;
    }

    private static List<Path> parts(final Path directory) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }
}
