package io.millrace.cli;

import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code millrace stat}: it reads the counters a {@code windowed-count} in another JVM publishes, and they move
 * while that query runs; once the query's process is killed, its file is not shown and is removed.
 */
class StatCommandTest
{
    private static final Pattern RECORDS_IN = Pattern.compile("records in: (\\d+)");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldReadTheCountersOfAQueryInAnotherProcess() throws Exception
    {
        final Path counters = dir.resolve("counters");
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand child = ChildCommand.start(stderr, null, "windowed-count", "--generate", "100m",
            "--throttle", "200000", "--window", "1s", "--epoch-interval", "200ms", "--counters-dir",
            counters.toString());
        try
        {
            final long deadline = System.nanoTime() + 60_000_000_000L;
            long first = -1;
            while (first <= 0)
            {
                assertTrue(child.isAlive() && System.nanoTime() < deadline, () -> "no counters: " + stderr);
                first = recordsIn(stat(counters));
                Thread.sleep(50);
            }
            Thread.sleep(1_000);
            final String later = stat(counters);
            assertTrue(later.startsWith("query windowed-count (pid "), later);
            for (final String counter : new String[] {"records out", "dead letters", "late records",
                "dropped contributions", "state rows", "state bytes", "watermark ms", "committed epoch",
                "back-pressure", "ring slots used"})
            {
                assertTrue(later.contains("  " + counter + ": "), counter + " in " + later);
            }
            assertTrue(figure(later, "rows out of 1 withWatermark(event_time, 0ms)") > 0, later);
            assertEquals(figure(later, "state rows"),
                figure(later, "state rows of 2 groupBy(window(event_time, 1000ms), key).agg[count() as count]"),
                "the count holds all the state: " + later);
            final long lastCommit = figure(later, "last commit ms");
            assertTrue(Math.abs(System.currentTimeMillis() - lastCommit) < 10_000,
                "the last commit was recent: " + later);
            assertTrue(recordsIn(later) > first + 50_000, "records in moved from " + first + ": " + later);
        }
        finally
        {
            child.kill();
        }
        assertEquals(1, countFiles(counters), "a killed query leaves its file");
        assertTrue(stat(counters).startsWith("no running query publishes counters in "), "the killed query");
        assertEquals(0, countFiles(counters), "the file of a dead process is removed");
    }

    @Test
    void shouldSaySoWhenNoQueryRuns()
    {
        final Cli.Run run = Cli.run("stat", "--dir", dir.resolve("none").toString(), "--once");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.outText().startsWith("no running query publishes counters in "), run.outText());
    }

    private static String stat(final Path counters)
    {
        final Cli.Run run = Cli.run("stat", "--dir", counters.toString(), "--once");
        assertEquals(0, run.exitCode(), run::toString);
        return run.outText();
    }

    private static long recordsIn(final String stat)
    {
        final Matcher matcher = RECORDS_IN.matcher(stat);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static long countFiles(final Path directory) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.count();
        }
    }

    private static long figure(final String stat, final String label)
    {
        for (final String line : stat.lines().toList())
        {
            if (line.startsWith("  " + label + ": "))
            {
                return Long.parseLong(line.substring(label.length() + 4));
            }
        }
        throw new AssertionError("no " + label + " in " + stat);
    }
}
