package io.millrace.cli;

import io.millrace.examples.nexmark.NexmarkModel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.millrace.testing.PartFiles.rowsInOrder;
import static io.millrace.testing.PartFiles.parts;
import static io.millrace.testing.PartFiles.assertSameParts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once through crashes for the NEXMark queries with the most state (q3's join, q5's two windowed stages,
 * q9's auctions and early bids with timers): {@code millrace nexmark} in a child JVM is killed with SIGKILL at a
 * random moment after each start has written a part file, and restarted on the same checkpoint until it finishes.
 * Its part files, read in epoch order, must then hold exactly the query's rows in order ({@link NexmarkModel}), and
 * {@code journal replay} must write every part file again byte for byte. q5 and q4 run as 3 tasks too, their first
 * stage's rows crossing an exchange to the task of their window or category (q4's running averages depend on the
 * order they come in); their rows are the same but grouped by task within an epoch. Kills per query:
 * {@code millrace.crash.kills}.
 */
class NexmarkCrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("millrace.crash.kills", 5);
    /** Enough events for every kill to come in the middle of the stream, also for a query that writes few parts. */
    private static final long EVENTS = 150_000L * Math.max(1, (KILLS + 7) / 8);
    private static final long RATE = 1_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"q3", "q5", "q9", "q5 3", "q4 3"})
    @Timeout(300)
    void shouldWriteExactlyTheQuerysRowsWhenKilledAndRestarted(final String queryAndTasks) throws Exception
    {
        // "q5 3": q5 as 3 tasks, whose epochs hold task 0's rows first, so that only each epoch's rows are in order.
        final String query = queryAndTasks.split(" ")[0];
        final String tasks = queryAndTasks.contains(" ") ? queryAndTasks.split(" ")[1] : "1";
        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final Path stderr = dir.resolve("stderr.log");
        final List<String> args = List.of("nexmark", "--query", query, "--events", "" + EVENTS, "--rate", "" + RATE,
            "--seed", "11", "--output", output.toString(), "--checkpoint", checkpoint.toString(),
            "--epoch-interval", "40ms", "--parallelism", tasks);
        final List<String> throttled = new ArrayList<>(args);
        throttled.addAll(List.of("--throttle", "50000"));
        final Random random = new Random(query.hashCode());
        int kills = 0;
        while (kills < KILLS)
        {
            // Each kill comes at a random moment after the child has written a part file of its own, so that every
            // life makes progress and dies in the middle of the stream, however slowly the JVM starts.
            final int partsBefore = Files.isDirectory(output) ? parts(output).size() : 0;
            final ChildCommand child = ChildCommand.start(stderr, null, throttled.toArray(new String[0]));
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (child.isAlive() && System.nanoTime() < deadline &&
                (!Files.isDirectory(output) || parts(output).size() <= partsBefore))
            {
                Thread.sleep(5);
            }
            if (!child.isAlive())
            {
                break;
            }
            Thread.sleep(random.nextInt(150));
            child.kill();
            kills++;
        }
        assertTrue(kills >= KILLS / 2, "the query finished after only " + kills + " kills");
        final ChildCommand last = ChildCommand.start(stderr, null, args.toArray(new String[0]));
        assertEquals(0, last.waitFor(120), () -> "final run failed: " + read(stderr));

        final List<String> expected = NexmarkModel.of(11, RATE, EVENTS, 4_000).rows(query);
        assertTrue(expected.size() > 20, query + " rows: " + expected.size());
        final List<Path> parts = parts(output);
        assertTrue(parts.size() > kills, "part files: " + parts.size());
        final List<String> actual = rowsInOrder(output);
        assertEquals(expected.size(), actual.size(), query + ": rows after " + kills + " kills");
        if ("1".equals(tasks))
        {
            assertEquals(expected, actual, query + ": the rows, in order, after " + kills + " kills");
        }
        else
        {
            assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList(),
                queryAndTasks + ": the rows after " + kills + " kills");
        }

        final Path replayed = dir.resolve("replayed");
        final io.millrace.testing.Cli.Run replay = io.millrace.testing.Cli.run("journal", "replay", "--checkpoint",
            checkpoint.toString(), "--output", replayed.toString());
        assertEquals(0, replay.exitCode(), replay::toString);
        assertSameParts(output, replayed);
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
