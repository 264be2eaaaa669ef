package io.millrace.cli;

import io.millrace.journal.JournalScan;
import io.millrace.journal.Replay;
import io.millrace.testing.ProcessingTimeouts;
import io.millrace.testing.ReferenceEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.millrace.testing.PartFiles.parts;
import static io.millrace.testing.PartFiles.assertSameParts;
import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once through crashes for a query that is a graph, with a join, a chained aggregation and keyed process
 * functions with event-time and processing-time timers ({@link GraphQueryApplication}): a child JVM running it is
 * killed with SIGKILL at random moments and restarted on the same checkpoint; each output's part files must then
 * hold exactly an uninterrupted run's rows (the processing-time output: the model's rows over the history the journal
 * recorded, epoch by epoch), and a replay of the journal must write each output's part files byte for byte again.
 */
class GraphCrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("millrace.crash.kills", 5);
    private static final String EVENTS = "120000";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void shouldNeitherLoseNorDuplicateTheRowsOfAnyOutputWhenKilledAndRestarted() throws Exception
    {
        final Path reference = dir.resolve("reference");
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand once = ChildCommand.startMain(GraphQueryApplication.class, stderr, null,
            "-", reference.toString(), EVENTS);
        assertEquals(0, once.waitFor(120), () -> "uninterrupted run failed: " + CrashingLives.read(stderr));

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        // Lives that die at a step of an epoch's commit (its cut logged, its part written, its snapshot written) each
        // leave an epoch to cut again at its logged place and time.
        final Random random = new Random(41);
        CrashingLives.run(GraphQueryApplication.class, List.of(checkpoint.toString(), output.toString(), EVENTS),
            List.of("40000"), KILLS, List.of("cut-appended", "part-renamed", "snapshot-written"),
            step -> 2 + random.nextInt(8), random, CrashingLives.QUICK_KILLS, stderr);

        for (final String result : List.of(GraphQueryApplication.JOINED, GraphQueryApplication.BUSIEST,
            GraphQueryApplication.IDLE))
        {
            final Map<String, Integer> expected = rows(reference.resolve(result));
            assertTrue(expected.size() > 10, result + " rows: " + expected.size());
            assertSameRows(expected, rows(output.resolve(result)), result + " after " + KILLS + " kills");
        }

        // The processing-time output depends on when each epoch was cut: it is checked against the model over the
        // cuts and times the journal recorded, epoch by epoch, in order.
        final List<String> keys = new ArrayList<>();
        final long[] generator = GraphQueryApplication.GENERATOR;
        ReferenceEvents.forEach(generator[0], generator[1], generator[2], generator[3], generator[4], generator[5],
            Long.parseLong(EVENTS), event -> keys.add(event.key()));
        final Map<Long, List<String>> quiet = ProcessingTimeouts.model(JournalScan.of(checkpoint).cuts(),
            offset -> keys.get((int)offset), GraphQueryApplication.QUIET_TIMEOUT);
        assertTrue(quiet.size() > 10, "epochs with processing-time rows: " + quiet.size());
        final Map<Long, List<String>> quietWritten = new TreeMap<>();
        for (final Path part : parts(output.resolve(GraphQueryApplication.QUIET)))
        {
            final String name = part.getFileName().toString();
            quietWritten.put(Long.parseLong(name.substring("part-".length(), name.indexOf('.'))),
                Files.readAllLines(part));
        }
        assertEquals(quiet, quietWritten, "processing-time rows of each epoch after " + KILLS + " kills");

        final Path replayed = dir.resolve("replayed");
        new Replay(checkpoint).run(GraphQueryApplication.writer(replayed, Integer.parseInt(EVENTS)));
        for (final String result : List.of(GraphQueryApplication.JOINED, GraphQueryApplication.BUSIEST,
            GraphQueryApplication.IDLE, GraphQueryApplication.QUIET))
        {
            assertSameParts(output.resolve(result), replayed.resolve(result));
        }
    }
}
