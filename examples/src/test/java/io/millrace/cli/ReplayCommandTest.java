package io.millrace.cli;

import io.millrace.journal.SnapshotStore;
import io.millrace.testing.Checkpoints;
import io.millrace.testing.Checkpoints.DumpLine;
import io.millrace.testing.Checkpoints.EpochLine;
import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code journal replay} (docs/checkpoints.md, docs/command-line.md): for random windowed-count queries cut into many
 * short epochs, replaying the whole run or any range of epochs from the checkpoint writes exactly the original run's
 * part files of those epochs, byte for byte, and leaves the checkpoint as it was: from journaled input and from re-read
 * input files, from the beginning and from a kept snapshot, after a crash and recovery of the original run, and after
 * the standard input that fed the original run is gone. The checkpoint of a killed run can be verified and replayed up
 * to its last committed epoch before the run resumes, and its journal holds journaled input once, in order.
 */
class ReplayCommandTest
{
    @TempDir
    Path dir;

    /** A windowed-count command line without checkpoint, output and epoch options, and what it says. */
    private record Query(String description, List<String> args)
    {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7})
    @Timeout(60)
    void shouldReplayEveryRangeOfARandomQueryByteForByte(final long seed)
    {
        final Random random = new Random(seed);
        final Query query = randomQuery(random, (seed & 1) == 0, (seed & 2) == 0, seed % 3 == 1);
        final Path checkpoint = dir.resolve("checkpoint");
        final Path output = dir.resolve("out");
        final List<String> args = with(query.args(), "--checkpoint", checkpoint.toString(), "--output",
            output.toString(), "--epoch-interval", (20 + random.nextInt(31)) + "ms");
        final Cli.Run original = Cli.run(args.toArray(new String[0]));
        assertEquals(0, original.exitCode(), () -> query.description() + ": " + original);

        replayRanges(checkpoint, output, random, query.description());
    }

    static Stream<Arguments> crashes()
    {
        return Stream.of(
            Arguments.of("tumbling append, file input journaled", "file", false,
                List.of("--window", "40ms", "--watermark", "10ms", "--journal-input")),
            Arguments.of("tumbling append, file input journaled, damaged tail cut back", "file", true,
                List.of("--window", "40ms", "--watermark", "10ms", "--journal-input")),
            Arguments.of("sliding update, file input read again", "file", false,
                List.of("--window", "60ms", "--slide", "20ms", "--watermark", "5ms", "--output-mode", "update")),
            Arguments.of("sessions append, standard input", "stdin", false,
                List.of("--session-gap", "8ms", "--watermark", "20ms")),
            Arguments.of("sliding update, file input journaled, 3 tasks", "file", false,
                List.of("--window", "60ms", "--slide", "20ms", "--watermark", "5ms", "--output-mode", "update",
                    "--journal-input", "--parallelism", "3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashes")
    @Timeout(120)
    void shouldReplayARunThatWasKilledAndRecoveredFromPrunedSnapshots(
        final String name, final String input, final boolean damageTail, final List<String> options)
        throws Exception
    {
        final Random random = new Random(name.hashCode());
        final Path events = dir.resolve("events.csv");
        final List<String> lines = Checkpoints.writeEvents(events, random, 8_000, 20, 10, 40);
        final Path checkpoint = dir.resolve("checkpoint");
        final Path output = dir.resolve("out");
        final Path stderr = dir.resolve("stderr.log");
        final Path stdin = "stdin".equals(input) ? events : null;
        final List<String> args = with(List.of("windowed-count", "--input", null == stdin ? events.toString() : "-"));
        args.addAll(options);
        args.addAll(List.of("--checkpoint", checkpoint.toString(), "--output", output.toString(),
            "--epoch-interval", "20ms", "--throttle", "6000"));

        final ChildCommand child = ChildCommand.start(stderr, stdin, args.toArray(new String[0]));
        final Path snapshots = checkpoint.resolve("snapshots");
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (child.isAlive() && System.nanoTime() < deadline && Checkpoints.countFiles(snapshots) < 3)
        {
            Thread.sleep(10);
        }
        Thread.sleep(random.nextInt(200));
        assertTrue(child.isAlive(), () -> "the run ended before it could be killed: " + read(stderr));
        child.kill();
        inspectKilledRun(checkpoint, output, name);
        if (damageTail)
        {
            // Only a record: a damaged cut or commit whose epoch's part was already written is no torn write.
            // Records are most of the entries; run and kill again until one is last.
            for (int attempt = 0; !lastEntryIsARecord(checkpoint); attempt++)
            {
                assertTrue(attempt < 10, "no kill left a record as the last entry");
                final ChildCommand again = ChildCommand.start(stderr, stdin, args.toArray(new String[0]));
                Thread.sleep(300 + random.nextInt(200));
                assertTrue(again.isAlive(), () -> "the run ended before it could be killed: " + read(stderr));
                again.kill();
            }
            Checkpoints.damageLastEntry(checkpoint);
        }
        final ChildCommand rest = ChildCommand.start(stderr, stdin, args.toArray(new String[0]));
        assertEquals(0, rest.waitFor(90), () -> "the run after the kill failed: " + read(stderr));
        if (damageTail)
        {
            assertTrue(read(stderr).contains("cutting the journal back"), () -> "no cut reported: " + read(stderr));
            final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
            assertEquals(0, verify.exitCode(), verify::toString);
            assertTrue(verify.outText().contains(", 1 damaged entries cut off by recovery"), verify.outText());
        }
        if (null != stdin)
        {
            Files.delete(stdin);
        }

        final List<EpochLine> epochs = Checkpoints.epochs(checkpoint);
        assertTrue(epochs.size() > SnapshotStore.RETAINED + 1, () -> "too few epochs to prune snapshots: " + epochs);
        assertFalse(Files.exists(new SnapshotStore(snapshots).file(1)), "snapshot of epoch 1 is pruned");
        if (options.contains("--journal-input") || null != stdin)
        {
            assertJournalHoldsTheInputOnce(checkpoint, lines, epochs, name);
        }
        replayRanges(checkpoint, output, random, name);
    }

    /**
     * A killed run's checkpoint can be inspected and replayed up to its last committed epoch without changing it,
     * so that the run can still resume.
     */
    private void inspectKilledRun(final Path checkpoint, final Path output, final String what)
    {
        final Map<String, String> before = Checkpoints.hashes(checkpoint);
        final List<EpochLine> epochs = Checkpoints.epochs(checkpoint);
        int committed = 0;
        while (committed < epochs.size() && epochs.get(committed).committed())
        {
            committed++;
        }
        for (int i = committed; i < epochs.size(); i++)
        {
            assertFalse(epochs.get(i).committed(), what + ": committed epochs are a prefix: " + epochs);
        }
        assertTrue(committed >= 2, () -> what + ": too few epochs committed before the kill: " + epochs);
        final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(0, verify.exitCode(), () -> what + ", killed: " + verify);
        final Path replayed = dir.resolve("replay-killed");
        final Cli.Run replay = Cli.run("journal", "replay", "--checkpoint", checkpoint.toString(),
            "--output", replayed.toString(), "--to-epoch", "" + committed);
        assertEquals(0, replay.exitCode(), () -> what + ", killed: " + replay);
        Checkpoints.assertSameParts(output, replayed, 1, committed, what + ", killed, epochs 1.." + committed);
        assertEquals(before, Checkpoints.hashes(checkpoint), what + ": inspecting a killed run modified it");
    }

    /**
     * The journal of a run with journaled input holds every input line once, in order, in the epochs that
     * {@code journal epochs} gives, however often the run was killed: each epoch with one cut and one commit.
     */
    private static void assertJournalHoldsTheInputOnce(
        final Path checkpoint, final List<String> input, final List<EpochLine> epochs, final String what)
    {
        final List<DumpLine> dump = Checkpoints.dump(checkpoint);
        final List<String> rows = new ArrayList<>();
        final Map<Long, Integer> records = new TreeMap<>();
        final Map<String, Integer> markers = new TreeMap<>();
        for (final DumpLine line : dump)
        {
            if (line.type().equals("RECORD"))
            {
                rows.add(line.row());
                records.merge(line.epoch(), 1, Integer::sum);
            }
            else if (!line.type().equals("IDENTITY") && !line.type().equals("RECORD_BATCH"))
            {
                markers.merge(line.type() + " " + line.epoch(), 1, Integer::sum);
            }
        }
        for (final EpochLine epoch : epochs)
        {
            assertEquals(epoch.records(), records.getOrDefault(epoch.epoch(), 0).longValue(),
                () -> what + ": RECORD lines of " + epoch);
            assertEquals(1, markers.remove("EPOCH_BEGIN " + epoch.epoch()), () -> what + ": cuts of " + epoch);
            assertEquals(1, markers.remove("EPOCH_COMMIT " + epoch.epoch()), () -> what + ": commits of " + epoch);
        }
        assertEquals(Map.of(), markers, what + ": entries of no listed epoch");
        assertEquals(input, rows, what + ": the journaled rows are the input lines, once, in order");
    }

    @Test
    @Timeout(60)
    void shouldReplayAStandardInputRunAfterTheInputIsGone() throws Exception
    {
        final Random random = new Random(17);
        final Path events = dir.resolve("events.csv");
        Checkpoints.writeEvents(events, random, 4_000, 30, 8, 30);
        final Path checkpoint = dir.resolve("checkpoint");
        final Path output = dir.resolve("out");
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand child = ChildCommand.start(stderr, events, "windowed-count", "--input", "-",
            "--window", "30ms", "--slide", "10ms", "--watermark", "15ms", "--output-mode", "update",
            "--checkpoint", checkpoint.toString(), "--output", output.toString(), "--epoch-interval", "25ms",
            "--throttle", "8000");
        assertEquals(0, child.waitFor(60), () -> read(stderr));
        Files.delete(events);

        replayRanges(checkpoint, output, random, "standard input, input deleted");
    }

    @Test
    @Timeout(60)
    void shouldReplayAJournaledFileRunAfterTheFileIsGone() throws Exception
    {
        final Random random = new Random(23);
        final Path events = dir.resolve("events.csv");
        Checkpoints.writeEvents(events, random, 4_000, 10, 4, 30);
        final Path checkpoint = dir.resolve("checkpoint");
        final Path output = dir.resolve("out");
        final Cli.Run run = Cli.run("windowed-count", "--input", events.toString(), "--window", "20ms",
            "--watermark", "5ms", "--journal-input", "--checkpoint", checkpoint.toString(),
            "--output", output.toString(), "--epoch-interval", "20ms", "--throttle", "8000");
        assertEquals(0, run.exitCode(), run::toString);
        Files.delete(events);

        final Cli.Run dump = Cli.run("journal", "dump", "--checkpoint", checkpoint.toString());
        assertEquals(0, dump.exitCode(), dump::toString);
        final Cli.Run state = Cli.run("journal", "state", "--checkpoint", checkpoint.toString(), "--epoch", "2");
        assertEquals(0, state.exitCode(), state::toString);
        replayRanges(checkpoint, output, random, "file input journaled, file deleted");
    }

    /**
     * Replays the whole run, epochs 2 to the last, and random ranges; each replay must write exactly the original
     * parts of its range, and the checkpoint must be left as it was.
     */
    private void replayRanges(final Path checkpoint, final Path output, final Random random, final String what)
    {
        final List<EpochLine> epochs = Checkpoints.epochs(checkpoint);
        final long last = epochs.size();
        for (int i = 0; i < epochs.size(); i++)
        {
            assertEquals(new EpochLine(i + 1, true, epochs.get(i).records(), epochs.get(i).firstOffset(),
                epochs.get(i).lastOffset()), epochs.get(i), what + ": epochs are numbered from 1 and all committed");
        }
        assertTrue(last >= 3, () -> what + ": too few epochs to replay ranges: " + epochs);
        final Map<String, String> before = Checkpoints.hashes(checkpoint);

        final Path whole = dir.resolve("replay-all");
        final Cli.Run all = Cli.run("journal", "replay", "--checkpoint", checkpoint.toString(),
            "--output", whole.toString());
        assertEquals(0, all.exitCode(), () -> what + ", whole run: " + all);
        Checkpoints.assertSameParts(output, whole, 1, last, what + ", whole run");

        final List<long[]> ranges = new ArrayList<>();
        ranges.add(new long[]{2, last});
        final long from = 2 + random.nextInt((int)last - 1);
        ranges.add(new long[]{from, from + random.nextInt((int)(last - from) + 1)});
        final long single = 1 + random.nextInt((int)last);
        ranges.add(new long[]{single, single});
        for (final long[] range : ranges)
        {
            final String description = what + ", epochs " + range[0] + ".." + range[1] + " of " + last;
            final Path replayed = dir.resolve("replay-" + range[0] + "-" + range[1]);
            if (Files.exists(replayed))
            {
                continue;
            }
            final Cli.Run run = Cli.run("journal", "replay", "--checkpoint", checkpoint.toString(),
                "--output", replayed.toString(), "--from-epoch", "" + range[0], "--to-epoch", "" + range[1]);
            assertEquals(0, run.exitCode(), () -> description + ": " + run);
            Checkpoints.assertSameParts(output, replayed, range[0], range[1], description);
        }
        assertEquals(before, Checkpoints.hashes(checkpoint), what + ": replay must not modify the checkpoint");
    }

    /**
     * A windowed-count query of a few thousand records spanning a few seconds of event time, from files or
     * generated, with tumbling, sliding or session windows in any output mode, throttled to last a few hundred
     * milliseconds.
     */
    private Query randomQuery(
        final Random random, final boolean fromFile, final boolean journalInput, final boolean lateOutput)
    {
        final List<String> args = new ArrayList<>(List.of("windowed-count"));
        final int count = 2_000 + random.nextInt(3_000);
        if (fromFile)
        {
            // One to three files, with a few bad and over-long lines that go to the dead letters.
            final Path events = dir.resolve("events.csv");
            final List<String> lines = new ArrayList<>(Checkpoints.writeEvents(
                events, random, count, 1 + random.nextInt(30), 1 + random.nextInt(5), 60));
            for (int i = random.nextInt(4); i > 0; i--)
            {
                lines.add(random.nextInt(lines.size()), random.nextBoolean() ? "bad" : "1000000," + "k".repeat(100));
            }
            final int files = 1 + random.nextInt(3);
            for (int file = 0; file < files; file++)
            {
                final Path part = dir.resolve("events-" + file + ".csv");
                Checkpoints.write(part, lines.subList(file * lines.size() / files, (file + 1) * lines.size() / files));
                args.addAll(List.of("--input", part.toString()));
            }
            args.addAll(List.of("--max-record-size", "64", "--dead-letter", dir.resolve("dead.txt").toString()));
        }
        else
        {
            args.addAll(List.of("--generate", "" + count, "--seed", "" + random.nextInt(1000),
                "--keys", "" + (1 + random.nextInt(30)), "--rate", "" + (1_000 + random.nextInt(4_000)),
                "--disorder", "" + random.nextInt(10), "--max-delay", "" + (50 + random.nextInt(150))));
        }
        switch (random.nextInt(3))
        {
            case 0 -> args.addAll(List.of("--window", (10 + random.nextInt(71)) + "ms"));
            case 1 ->
            {
                final int size = 20 + random.nextInt(61);
                args.addAll(List.of("--window", size + "ms", "--slide", (5 + random.nextInt(size - 4)) + "ms"));
            }
            default -> args.addAll(List.of("--session-gap", (2 + random.nextInt(14)) + "ms"));
        }
        args.addAll(List.of("--watermark", random.nextInt(31) + "ms"));
        final int mode = random.nextInt(10);
        args.addAll(List.of("--output-mode", mode < 5 ? "append" : mode < 9 ? "update" : "complete"));
        if (journalInput)
        {
            args.add("--journal-input");
        }
        if (lateOutput)
        {
            args.addAll(List.of("--late-output", dir.resolve("late.csv").toString()));
        }
        args.addAll(List.of("--throttle", "" + count * 1_000L / (300 + random.nextInt(400))));
        return new Query(String.join(" ", args), args);
    }

    private static List<String> with(final List<String> args, final String... more)
    {
        final List<String> all = new ArrayList<>(args);
        all.addAll(Arrays.asList(more));
        return all;
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

    private static boolean lastEntryIsARecord(final Path checkpoint)
    {
        final List<DumpLine> entries = Checkpoints.dump(checkpoint);
        return entries.get(entries.size() - 1).type().equals("RECORD");
    }
}
