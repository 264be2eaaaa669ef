package io.millrace.cli;

import io.millrace.journal.Replay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once through crashes for a query that is a graph, with a join, a chained aggregation and a keyed process
 * function with timers
 * ({@link GraphQueryApplication}): a child JVM running it is killed with SIGKILL at random moments and restarted on
 * the same checkpoint; each output's part files must then hold exactly an uninterrupted run's rows, and a replay of
 * the journal must write each output's part files byte for byte again.
 */
class GraphCrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("millrace.crash.kills", 12);
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
        assertEquals(0, once.waitFor(120), () -> "uninterrupted run failed: " + read(stderr));

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final Random random = new Random(41);
        for (int kill = 0; kill < KILLS; kill++)
        {
            final ChildCommand child = ChildCommand.startMain(GraphQueryApplication.class, stderr, null,
                checkpoint.toString(), output.toString(), EVENTS, "40000");
            Thread.sleep(300 + random.nextInt(700));
            child.kill();
        }
        final ChildCommand last = ChildCommand.startMain(GraphQueryApplication.class, stderr, null,
            checkpoint.toString(), output.toString(), EVENTS);
        assertEquals(0, last.waitFor(120), () -> "final run failed: " + read(stderr));

        for (final String result : List.of(GraphQueryApplication.JOINED, GraphQueryApplication.BUSIEST,
            GraphQueryApplication.IDLE))
        {
            final Map<String, Integer> expected = rows(reference.resolve(result));
            assertTrue(expected.size() > 10, result + " rows: " + expected.size());
            assertSameRows(expected, rows(output.resolve(result)), result + " after " + KILLS + " kills");
        }

        final Path replayed = dir.resolve("replayed");
        new Replay(checkpoint).run(GraphQueryApplication.writer(replayed, Integer.parseInt(EVENTS)));
        for (final String result : List.of(GraphQueryApplication.JOINED, GraphQueryApplication.BUSIEST,
            GraphQueryApplication.IDLE))
        {
            final List<Path> parts = parts(output.resolve(result));
            assertEquals(parts.stream().map(Path::getFileName).toList(),
                parts(replayed.resolve(result)).stream().map(Path::getFileName).toList(), result + " part files");
            for (final Path part : parts)
            {
                assertArrayEquals(Files.readAllBytes(part),
                    Files.readAllBytes(replayed.resolve(result).resolve(part.getFileName())), part.toString());
            }
        }
    }

    private static List<Path> parts(final Path directory) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }
}
