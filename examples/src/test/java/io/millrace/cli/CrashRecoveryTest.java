package io.millrace.cli;

import io.millrace.testing.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static io.millrace.cli.Runs.with;
import static io.millrace.cli.Runs.withoutJournal;
import static io.millrace.cli.Runs.writeEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once through crashes (docs/checkpoints.md, docs/command-line.md): the command line runs in a child JVM that
 * is killed with SIGKILL at random moments and restarted with the same arguments and checkpoint; the union of its part
 * files must equal an uninterrupted run's output, no row missing and none twice. Kills per scenario:
 * {@code millrace.crash.kills} (the crash-soak profile raises it).
 */
class CrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("millrace.crash.kills", 5);

    @TempDir
    Path dir;

    static Stream<Arguments> scenarios()
    {
        return Stream.of(
            Arguments.of("tumbling, file input journaled", "file",
                List.of("--window", "1s", "--watermark", "300ms", "--journal-input")),
            Arguments.of("sliding, standard input", "stdin",
                List.of("--window", "1s", "--slide", "300ms", "--watermark", "200ms")),
            Arguments.of("sessions in update mode, generated", "generate",
                List.of("--session-gap", "150ms", "--watermark", "400ms", "--output-mode", "update")),
            Arguments.of("sliding in update mode, file input read again, 3 tasks", "file",
                List.of("--window", "1s", "--slide", "300ms", "--watermark", "200ms", "--output-mode", "update",
                    "--parallelism", "3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @Timeout(400)
    void shouldNeitherLoseNorDuplicateRowsWhenKilledAndRestarted(
        final String name, final String input, final List<String> options) throws Exception
    {
        final Path events = dir.resolve("events.csv");
        writeEvents(events, 150_000, 7);
        final List<String> args = new ArrayList<>(List.of("windowed-count"));
        switch (input)
        {
            case "file" -> args.addAll(List.of("--input", events.toString()));
            case "stdin" -> args.addAll(List.of("--input", "-"));
            default -> args.addAll(List.of("--generate", "150000", "--rate", "40000", "--keys", "200"));
        }
        args.addAll(options);

        // The reference runs as one task, whatever the scenario's parallelism.
        final Path reference = dir.resolve("reference");
        assertEquals(0, Runs.inProcess(withoutJournal(with(Runs.withoutParallelism(args), "--output",
            reference.toString())), events).exitCode());

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final Path stderr = dir.resolve("stderr.log");
        final List<String> crashing = with(args, "--output", output.toString(), "--checkpoint", checkpoint.toString(),
            "--epoch-interval", "40ms");
        final Random random = new Random(name.hashCode());
        for (int kill = 0; kill < KILLS; kill++)
        {
            final ChildCommand child = ChildCommand.start(stderr, stdin(input, events),
                with(crashing, "--throttle", "150000").toArray(new String[0]));
            Thread.sleep(250 + random.nextInt(700));
            child.kill();
        }
        final ChildCommand last = ChildCommand.start(stderr, stdin(input, events), crashing.toArray(new String[0]));
        assertEquals(0, last.waitFor(120), () -> "final run failed: " + read(stderr));

        assertSameRows(rows(reference), rows(output), "union of part files after " + KILLS + " kills");

        final Map<String, String> before = Checkpoints.hashes(output);
        final ChildCommand again = ChildCommand.start(stderr, stdin(input, events), crashing.toArray(new String[0]));
        assertEquals(0, again.waitFor(60), () -> "run after finishing failed: " + read(stderr));
        assertEquals(before, Checkpoints.hashes(output), "a run after the query finished must change nothing");
        try (Stream<Path> files = Files.list(output))
        {
            assertFalse(files.anyMatch(file -> file.getFileName().toString().startsWith(".")),
                "no temporary part file may remain");
        }
    }

    @ParameterizedTest(name = "{0} tasks")
    @ValueSource(ints = {1, 3})
    @Timeout(300)
    void shouldNeitherLoseNorDuplicateRowsOfAJournaledPublisherWhenKilledAndRestarted(final int tasks) throws Exception
    {
        final String events = "120000";
        final Path reference = dir.resolve("reference");
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand once = ChildCommand.startMain(PublishedWindowedCount.class, stderr, null,
            "-", reference.toString(), events);
        assertEquals(0, once.waitFor(120), () -> "uninterrupted run failed: " + read(stderr));

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final Random random = new Random(31);
        for (int kill = 0; kill < KILLS; kill++)
        {
            // Pauses of four epochs after every 20,000 events: idle cuts end those epochs.
            final ChildCommand child = ChildCommand.startMain(PublishedWindowedCount.class, stderr, null,
                checkpoint.toString(), output.toString(), events, "40", "20", "20000", "" + tasks);
            Thread.sleep(300 + random.nextInt(700));
            child.kill();
        }
        final ChildCommand last = ChildCommand.startMain(PublishedWindowedCount.class, stderr, null,
            checkpoint.toString(), output.toString(), events, "" + Long.MAX_VALUE, "20", "0", "" + tasks);
        assertEquals(0, last.waitFor(120), () -> "final run failed: " + read(stderr));
        assertSameRows(rows(reference), rows(output), "union of part files after " + KILLS + " kills");
    }

    @Test
    @Timeout(120)
    void shouldCutBackADamagedJournalTailAndStillProduceTheSameRows() throws Exception
    {
        final Path events = dir.resolve("events.csv");
        writeEvents(events, 60_000, 11);
        final List<String> args = List.of("windowed-count", "--input", events.toString(), "--window", "500ms",
            "--watermark", "100ms", "--journal-input");
        // The reference runs as one task, whatever the scenario's parallelism.
        final Path reference = dir.resolve("reference");
        assertEquals(0, Runs.inProcess(withoutJournal(with(Runs.withoutParallelism(args), "--output",
            reference.toString())), events).exitCode());

        Path output;
        Path checkpoint;
        Path stderr;
        List<String> crashing;
        int attempt = 0;
        do
        {
            // A kill while an epoch's snapshot is written and its commit not yet journaled leaves a snapshot that
            // counts the last entry as whole: damaging it then is lost data, rightly refused, not a torn tail. Such
            // kills are made again.
            assertTrue(attempt < 10, "every kill left a snapshot past the last commit");
            output = dir.resolve("out-" + attempt);
            checkpoint = dir.resolve("checkpoint-" + attempt);
            stderr = dir.resolve("stderr-" + attempt + ".log");
            attempt++;
            crashing = with(args, "--output", output.toString(), "--checkpoint", checkpoint.toString(),
                "--epoch-interval", "30ms");
            final ChildCommand child = ChildCommand.start(stderr, null,
                with(crashing, "--throttle", "40000").toArray(new String[0]));
            // Kill once a few epochs have committed, so that there is a tail to damage.
            final Path snapshots = checkpoint.resolve("snapshots");
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (child.isAlive() && System.nanoTime() < deadline && countFiles(snapshots) < 3)
            {
                Thread.sleep(20);
            }
            child.kill();
        }
        while (Checkpoints.hasSnapshotPastTheLastCommit(checkpoint));

        Checkpoints.damageLastEntry(checkpoint);
        final Path log = stderr;
        final ChildCommand last = ChildCommand.start(log, null, crashing.toArray(new String[0]));
        assertEquals(0, last.waitFor(120), () -> "run after damage failed: " + read(log));
        assertTrue(read(log).contains("cutting the journal back"), () -> "no cut reported: " + read(log));
        assertSameRows(rows(reference), rows(output), "after cutting back the damaged tail");
    }

    @Test
    @Timeout(60)
    void shouldRefuseChangedParametersAndLeaveTheCheckpointUntouched() throws Exception
    {
        final Path checkpoint = dir.resolve("checkpoint");
        final List<String> args = List.of("windowed-count", "--generate", "20000", "--window", "1s",
            "--checkpoint", checkpoint.toString(), "--output", dir.resolve("out").toString());
        assertEquals(0, Runs.inProcess(args, null).exitCode());
        final Map<String, String> before = Checkpoints.hashes(checkpoint);

        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> changed = new ArrayList<>(args);
        changed.set(changed.indexOf("1s"), "2s");
        final int exit = MillraceCommand.execute(changed.toArray(new String[0]),
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));

        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("belongs to another query or other parameters"),
            err::toString);
        assertEquals(before, Checkpoints.hashes(checkpoint));
    }

    private static Path stdin(final String input, final Path events)
    {
        return "stdin".equals(input) ? events : null;
    }

    private static long countFiles(final Path directory) throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory))
        {
            return files.count();
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
