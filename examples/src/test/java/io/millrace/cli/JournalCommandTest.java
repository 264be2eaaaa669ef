package io.millrace.cli;

import io.millrace.journal.SnapshotStore;
import io.millrace.reference.ModelCsv;
import io.millrace.reference.WindowModel;
import io.millrace.reference.WindowModel.WindowRow;
import io.millrace.testing.Checkpoints;
import io.millrace.testing.Checkpoints.DumpLine;
import io.millrace.testing.Checkpoints.EpochLine;
import io.millrace.testing.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code journal epochs|dump|verify|state} (docs/checkpoints.md, docs/command-line.md) on the checkpoint of one
 * journaled windowed-count run over a file with bad lines, cut into many short epochs: the epochs and the dump agree
 * with each other and with the input, the state of an epoch is the reference model's open windows after that epoch's
 * records, verify finds damage in the journal and in snapshots and names it, replay and state refuse epochs behind a
 * damaged entry, and no command modifies the checkpoint.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalCommandTest
{
    private static final long WINDOW_MS = 50;
    private static final long WATERMARK_MS = 10;
    private static final String NEEDLE = "needle-key";
    private static final int NEEDLE_LINE = 3_000;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path checkpoint;
    private static List<String> goodLines;
    private static List<EpochLine> epochs;
    private static List<DumpLine> dump;

    /**
     * Runs the query once for all tests: tumbling windows in append mode, input journaled, epochs of 20 ms over
     * about a second, so that early snapshots are pruned.
     */
    @BeforeAll
    static void runTheQuery()
    {
        final Random random = new Random(5);
        final Path input = shared.resolve("events.csv");
        goodLines = new ArrayList<>(Checkpoints.writeEvents(input, random, 6_000, 12, 3, 40));
        goodLines.set(NEEDLE_LINE, goodLines.get(NEEDLE_LINE).replaceAll(",.*", "," + NEEDLE));
        final List<String> lines = new ArrayList<>(goodLines);
        final String[] bad = {"oops", ",k1", "12x,k2", "1000", "1000,"};
        for (int i = 0; i < 15; i++)
        {
            lines.add(random.nextInt(lines.size()), bad[i % bad.length]);
        }
        Checkpoints.write(input, lines);

        checkpoint = shared.resolve("checkpoint");
        final Cli.Run run = Cli.run("windowed-count", "--input", input.toString(), "--window", WINDOW_MS + "ms",
            "--watermark", WATERMARK_MS + "ms", "--journal-input",
            "--dead-letter", shared.resolve("dead.txt").toString(),
            "--checkpoint", checkpoint.toString(), "--output", shared.resolve("out").toString(),
            "--epoch-interval", "20ms", "--throttle", "6000");
        assertEquals(0, run.exitCode(), run::toString);
        epochs = Checkpoints.epochs(checkpoint);
        dump = Checkpoints.dump(checkpoint);
    }

    @Test
    void shouldListEveryEpochOnceCommittedWithAllGoodRecords()
    {
        assertTrue(epochs.size() > SnapshotStore.RETAINED + 2, () -> "too few epochs: " + epochs);
        long records = 0;
        for (int i = 0; i < epochs.size(); i++)
        {
            final EpochLine epoch = epochs.get(i);
            assertEquals(i + 1, epoch.epoch(), () -> "epochs in order from 1: " + epochs);
            assertTrue(epoch.committed(), () -> "every epoch of a finished run is committed: " + epoch);
            records += epoch.records();
        }
        assertEquals(goodLines.size(), records, "records of all epochs: the good input lines");
        assertEquals(15, Checkpoints.lines(shared.resolve("dead.txt")).size(), "the bad lines are dead letters");
    }

    @Test
    void shouldDumpTheJournaledRowsInInputOrderWithEachEpochsRecords()
    {
        assertEquals("IDENTITY", dump.get(0).type(), dump.get(0).line());
        final List<String> rows = new ArrayList<>();
        final Map<Long, List<DumpLine>> recordsByEpoch = new TreeMap<>();
        final Map<Long, Integer> begins = new TreeMap<>();
        final Map<Long, Integer> commits = new TreeMap<>();
        final Pattern batchRecords = Pattern.compile(".* records=(\\d+) first_offset=(\\d+) .*");
        long nextOffset = 0;
        int batchLeft = 0;
        long batchIndex = -1;
        for (final DumpLine line : dump.subList(1, dump.size()))
        {
            if (!line.type().equals("RECORD"))
            {
                assertEquals(0, batchLeft, () -> "records of the batch before " + line.line());
            }
            switch (line.type())
            {
                case "RECORD_BATCH" ->
                {
                    final Matcher batch = batchRecords.matcher(line.line());
                    assertTrue(batch.matches(), line.line());
                    batchLeft = Integer.parseInt(batch.group(1));
                    batchIndex = line.index();
                    assertEquals(nextOffset, Long.parseLong(batch.group(2)), () -> "first offset of " + line.line());
                }
                case "RECORD" ->
                {
                    assertEquals(batchIndex, line.index(), () -> "a record line follows its batch: " + line.line());
                    assertEquals(nextOffset, line.offset(), () -> "records are numbered in order: " + line.line());
                    nextOffset++;
                    batchLeft--;
                    rows.add(line.row());
                    recordsByEpoch.computeIfAbsent(line.epoch(), e -> new ArrayList<>()).add(line);
                }
                case "EPOCH_BEGIN" -> begins.merge(line.epoch(), 1, Integer::sum);
                case "EPOCH_COMMIT" -> commits.merge(line.epoch(), 1, Integer::sum);
                default -> throw new AssertionError("unexpected entry: " + line.line());
            }
        }
        assertEquals(goodLines, rows, "the journaled rows are the good input lines, in order");
        for (final EpochLine epoch : epochs)
        {
            final List<DumpLine> records = recordsByEpoch.getOrDefault(epoch.epoch(), List.of());
            assertEquals(epoch.records(), records.size(), () -> "RECORD lines of epoch " + epoch);
            if (!records.isEmpty())
            {
                assertEquals(epoch.firstOffset(), records.get(0).offset(), () -> "first offset of " + epoch);
                assertEquals(epoch.lastOffset(), records.get(records.size() - 1).offset(),
                    () -> "last offset of " + epoch);
            }
            assertEquals(1, begins.getOrDefault(epoch.epoch(), 0), () -> "one EPOCH_BEGIN for " + epoch);
            assertEquals(1, commits.getOrDefault(epoch.epoch(), 0), () -> "one EPOCH_COMMIT for " + epoch);
        }
        assertEquals(epochs.size(), begins.size(), "EPOCH_BEGIN only for listed epochs");
        for (int i = 1; i < dump.size(); i++)
        {
            final int order = Long.compareUnsigned(dump.get(i - 1).index(), dump.get(i).index());
            assertTrue(dump.get(i).type().equals("RECORD") ? order == 0 : order < 0,
                "entries in index order, each batch's records after it: " + dump.get(i).line());
        }
    }

    @ParameterizedTest(name = "from {0} to {1}")
    @CsvSource({"3, 5", "1, 1", "7, 7", "-2, -1", "5, ", ", 4", "-1, 1000"})
    void shouldDumpOnlyTheEpochsAskedFor(final Long from, final Long to)
    {
        final long last = epochs.size();
        final long first = null == from ? 1 : from < 0 ? last + 1 + from : from;
        final long end = null == to ? last : to < 0 ? last + 1 + to : to;
        final List<String> options = new ArrayList<>();
        if (null != from)
        {
            options.addAll(List.of("--from-epoch", "" + first));
        }
        if (null != to)
        {
            options.addAll(List.of("--to-epoch", "" + end));
        }
        final List<DumpLine> limited = Checkpoints.dump(checkpoint, options.toArray(new String[0]));

        final List<String> expected = new ArrayList<>();
        for (final DumpLine line : dump)
        {
            if (line.type().equals("IDENTITY") || line.epoch() >= first && line.epoch() <= end)
            {
                expected.add(line.line());
            }
        }
        assertEquals(expected, limited.stream().map(DumpLine::line).toList(), "dump " + options);
        final long records = limited.stream().filter(l -> l.type().equals("RECORD")).count();
        final long expectedRecords = epochs.stream().filter(e -> e.epoch() >= first && e.epoch() <= end)
            .mapToLong(EpochLine::records).sum();
        assertEquals(expectedRecords, records, "RECORD lines of epochs " + first + ".." + end);
        assertEquals(Math.min(end, last) - first + 1,
            limited.stream().filter(l -> l.type().equals("EPOCH_BEGIN")).count(), "epochs shown");
    }

    /**
     * In append mode the state of an epoch holds exactly the windows still open after the records of epochs 1..N;
     * the reference model computes them from the records that {@code journal epochs} says those epochs hold.
     * The snapshots of the first epochs are pruned, so their state is rebuilt by replay; the last epochs' are kept.
     */
    @ParameterizedTest(name = "epoch {0} (0 and below: from the end)")
    @ValueSource(longs = {1, 3, 6, -3, -1, 0})
    void shouldPrintTheModelsOpenWindowsAsTheStateOfAnEpoch(final long which)
    {
        final long epoch = which > 0 ? which : epochs.size() + which;
        final boolean kept = new SnapshotStore(checkpoint.resolve("snapshots")).epochs().contains(epoch);
        assertEquals(epoch > epochs.size() - SnapshotStore.RETAINED, kept, "snapshot of epoch " + epoch + " kept");
        assertStateIsTheModels(checkpoint, epochs, goodLines, WindowModel.tumbling(WINDOW_MS, WATERMARK_MS), false,
            epoch);
    }

    static Stream<Arguments> windows()
    {
        return Stream.of(
            Arguments.of("1 ms tumbling windows, an event a millisecond", List.of("--window", "1ms"),
                WindowModel.tumbling(1, 0), 1),
            Arguments.of("sliding windows", List.of("--window", "30ms", "--slide", "10ms", "--watermark", "5ms"),
                WindowModel.sliding(30, 10, 5), 2),
            Arguments.of("sessions", List.of("--session-gap", "4ms", "--watermark", "3ms"),
                WindowModel.sessions(4, 3), 1),
            Arguments.of("sessions in update mode", List.of("--session-gap", "4ms", "--watermark", "3ms",
                "--output-mode", "update"), WindowModel.sessions(4, 3), 1),
            Arguments.of("sliding windows, 3 tasks", List.of("--window", "30ms", "--slide", "10ms", "--watermark",
                "5ms", "--parallelism", "3"), WindowModel.sliding(30, 10, 5), 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void shouldPrintTheModelsOpenWindowsAsTheStateOfEpochsOfOtherWindows(
        final String name, final List<String> window, final WindowModel model, final int perMs)
    {
        assertStatesOfARun(name, window, model, perMs, false);
    }

    @Test
    void shouldPrintTheWholeTableAsTheStateOfACompleteModeEpoch()
    {
        assertStatesOfARun("complete mode", List.of("--window", "10ms", "--watermark", "2ms", "--output-mode",
            "complete"), WindowModel.tumbling(10, 2), 1, true);
    }

    /**
     * Runs the query over a new file and compares the state of a few epochs, pruned and kept, with the model's.
     */
    private void assertStatesOfARun(
        final String name, final List<String> window, final WindowModel model, final int perMs,
        final boolean complete)
    {
        final Path input = dir.resolve("events.csv");
        final List<String> lines = Checkpoints.writeEvents(input, new Random(name.hashCode()), 1_500, 8, perMs, 20);
        final Path cp = dir.resolve("checkpoint");
        final List<String> args = new ArrayList<>(List.of("windowed-count", "--input", input.toString(),
            "--checkpoint", cp.toString(), "--output", dir.resolve("out").toString(), "--epoch-interval", "20ms",
            "--throttle", "2000"));
        args.addAll(window);
        final Cli.Run run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run::toString);
        final List<EpochLine> logged = Checkpoints.epochs(cp);
        final long last = logged.size();
        assertTrue(last > SnapshotStore.RETAINED + 2, () -> "too few epochs: " + logged);
        for (final long epoch : new long[]{2, last / 2, last - 5, last - 1, last})
        {
            assertStateIsTheModels(cp, logged, lines, model, complete, epoch);
        }
    }

    @Test
    void shouldVerifyAnIntactCheckpoint()
    {
        final Cli.Run run = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.outText().startsWith("intact: "), run.outText());
        assertFalse(run.outText().contains("DAMAGED"), run.outText());
    }

    @Test
    void shouldNameTheDamagedRecordEntry()
    {
        final Path copy = dir.resolve("checkpoint");
        final DumpLine needle = copyWithTheNeedleDamaged(copy);

        assertDamageNamed(copy, "journal entry 0x" + Long.toHexString(needle.index()) + ": ");
    }

    @Test
    void shouldRefuseEpochsBehindAnEntryDamagedInTheMiddle()
    {
        final Path copy = dir.resolve("checkpoint");
        final DumpLine needle = copyWithTheNeedleDamaged(copy);
        final String entry = "0x" + Long.toHexString(needle.index());
        final long damaged = needle.epoch();

        final Cli.Run before = Cli.run("journal", "replay", "--checkpoint", copy.toString(),
            "--output", dir.resolve("before").toString(), "--to-epoch", "" + (damaged - 1));
        assertEquals(0, before.exitCode(), before::toString);
        Checkpoints.assertSameParts(shared.resolve("out"), dir.resolve("before"), 1, damaged - 1,
            "epochs before the damaged entry");
        for (final List<String> range : List.of(List.<String>of(), List.of("--from-epoch", "" + damaged),
            List.of("--from-epoch", "2", "--to-epoch", "" + (damaged + 1))))
        {
            final List<String> args = new ArrayList<>(List.of("journal", "replay", "--checkpoint", copy.toString(),
                "--output", dir.resolve("through").toString()));
            args.addAll(range);
            final Cli.Run through = Cli.run(args.toArray(new String[0]));
            assertEquals(MillraceCommand.EXIT_FAILURE, through.exitCode(), () -> range + ": " + through);
            assertTrue(through.err().contains("journal entry " + entry + " is damaged"),
                () -> range + ": " + through);
        }
        final Cli.Run state = Cli.run("journal", "state", "--checkpoint", copy.toString(), "--epoch", "" + damaged);
        assertEquals(MillraceCommand.EXIT_FAILURE, state.exitCode(), state::toString);
        assertTrue(state.err().contains("journal entry " + entry + " is damaged"), state::toString);
        final Cli.Run listed = Cli.run("journal", "epochs", "--checkpoint", copy.toString());
        assertEquals(MillraceCommand.EXIT_FAILURE, listed.exitCode(), listed::toString);
        assertTrue(listed.err().contains("journal entry " + entry + " is damaged"), listed::toString);
        assertEquals(damaged - 1, listed.outText().lines().count(), "the epochs before the damage are listed");
    }

    @Test
    void shouldNameTheDamagedEpochBeginEntry()
    {
        final Path copy = dir.resolve("checkpoint");
        Checkpoints.copy(checkpoint, copy);
        final long epoch = epochs.size() / 2;
        final DumpLine begin = dump.stream().filter(l -> l.type().equals("EPOCH_BEGIN") && l.epoch() == epoch)
            .findFirst().orElseThrow();
        // An EPOCH_BEGIN entry (JournalDescriptor): type 2, format version 2, reserved, payload length 57,
        // sequence, CRC32C, reserved, epoch; the sequence and CRC are matched as any bytes.
        final Byte[] pattern = new Byte[32];
        final ByteBuffer bytes = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
            .put((byte)2).put((byte)2).putShort((short)0).putInt(57).putLong(0).putInt(0).putInt(0).putLong(epoch);
        for (int i = 0; i < pattern.length; i++)
        {
            pattern[i] = i >= 8 && i < 20 ? null : bytes.get(i);
        }
        final Path file = Checkpoints.journalFiles(copy.resolve("journal")).get(0);
        final long at = Checkpoints.findOnce(file, pattern);
        Checkpoints.flipByte(file, at + 24 + 8);

        assertDamageNamed(copy, "journal entry 0x" + Long.toHexString(begin.index()) + ": ");
    }

    @Test
    void shouldNameTheDamagedSnapshot() throws Exception
    {
        final Path copy = dir.resolve("checkpoint");
        Checkpoints.copy(checkpoint, copy);
        final SnapshotStore snapshots = new SnapshotStore(copy.resolve("snapshots"));
        final List<Long> kept = snapshots.epochs();
        assertEquals(SnapshotStore.RETAINED, kept.size(), () -> "snapshots kept: " + kept);
        final Path file = snapshots.file(kept.get(kept.size() / 2));
        Checkpoints.flipByte(file, Files.size(file) / 2);

        assertDamageNamed(copy, file.getFileName().toString());
    }

    @Test
    void shouldNameTheMissingSnapshotOfTheLastCommittedEpoch() throws Exception
    {
        final Path copy = dir.resolve("checkpoint");
        Checkpoints.copy(checkpoint, copy);
        // Recovery restores this snapshot; without it the query cannot restart.
        final Path file = new SnapshotStore(copy.resolve("snapshots")).file(epochs.size());
        Files.delete(file);

        assertDamageNamed(copy, file.getFileName().toString());
    }

    @Test
    void shouldNeverModifyTheCheckpoint()
    {
        final Map<String, String> before = Checkpoints.hashes(checkpoint);
        final String cp = checkpoint.toString();
        final long last = epochs.size();
        final List<String[]> commands = List.of(
            new String[]{"journal", "epochs", "--checkpoint", cp},
            new String[]{"journal", "dump", "--checkpoint", cp},
            new String[]{"journal", "dump", "--checkpoint", cp, "--from-epoch", "2", "--to-epoch", "4"},
            new String[]{"journal", "verify", "--checkpoint", cp},
            new String[]{"journal", "replay", "--checkpoint", cp, "--output", dir.resolve("all").toString()},
            new String[]{"journal", "replay", "--checkpoint", cp, "--output", dir.resolve("some").toString(),
                "--from-epoch", "" + (last - 2), "--to-epoch", "" + last},
            new String[]{"journal", "state", "--checkpoint", cp, "--epoch", "2"},
            new String[]{"journal", "state", "--checkpoint", cp, "--epoch", "" + last});
        for (final String[] command : commands)
        {
            final Cli.Run run = Cli.run(command);
            assertEquals(0, run.exitCode(), () -> String.join(" ", command) + ": " + run);
            assertEquals(before, Checkpoints.hashes(checkpoint), () -> String.join(" ", command) + " modified it");
        }
        final Cli.Run past = Cli.run("journal", "state", "--checkpoint", cp, "--epoch", "" + (last + 1));
        assertNotEquals(0, past.exitCode(), past::toString);
        assertEquals(before, Checkpoints.hashes(checkpoint), "a failed journal state modified it");
    }

    @Test
    void shouldRefuseReplaysItCannotDoAndLeaveTheCheckpointUntouched()
    {
        final Map<String, String> before = Checkpoints.hashes(checkpoint);
        final String cp = checkpoint.toString();
        final long last = epochs.size();

        final Cli.Run past = Cli.run("journal", "replay", "--checkpoint", cp, "--output",
            dir.resolve("past").toString(), "--from-epoch", "" + (last + 1));
        assertEquals(MillraceCommand.EXIT_FAILURE, past.exitCode(), past::toString);
        assertTrue(past.err().contains("epoch " + (last + 1) + " is past the last recorded epoch " + last),
            past.err());
        final Cli.Run beyond = Cli.run("journal", "replay", "--checkpoint", cp, "--output",
            dir.resolve("beyond").toString(), "--from-epoch", "2", "--to-epoch", "" + (last + 5));
        assertEquals(MillraceCommand.EXIT_FAILURE, beyond.exitCode(), beyond::toString);
        assertTrue(beyond.err().contains("epoch " + (last + 5) + " is past the last recorded epoch " + last),
            beyond.err());
        final Cli.Run inside = Cli.run("journal", "replay", "--checkpoint", cp, "--output",
            checkpoint.resolve("replayed").toString());
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, inside.exitCode(), inside::toString);
        final Cli.Run noJournal = Cli.run("journal", "epochs", "--checkpoint", dir.toString());
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, noJournal.exitCode(), noJournal::toString);

        assertEquals(before, Checkpoints.hashes(checkpoint), "refused replays must not modify the checkpoint");
        assertTrue(Checkpoints.files(dir.resolve("past")).isEmpty(), "no part written for a range past the end");
    }

    private static void assertStateIsTheModels(
        final Path checkpoint, final List<EpochLine> epochs, final List<String> input, final WindowModel model,
        final boolean complete, final long epoch)
    {
        final Cli.Run run = Cli.run("journal", "state", "--checkpoint", checkpoint.toString(), "--epoch", "" + epoch);
        assertEquals(0, run.exitCode(), run::toString);

        final long records = epochs.stream().filter(e -> e.epoch() <= epoch).mapToLong(EpochLine::records).sum();
        final List<WindowModel.Event> prefix = ModelCsv.parseEvents(input.subList(0, (int)records));
        // The last epoch holds the end of input, which closes every window.
        final WindowModel.Result result = model.run(prefix, epoch == epochs.size());
        // Complete mode never evicts: its state is the whole result table.
        final List<WindowRow> expected = complete ? result.completeTable() : result.openRows();
        final List<WindowRow> actual = new ArrayList<>(ModelCsv.parseRows(run.outText()));
        actual.sort(WindowModel.ROW_ORDER);
        assertEquals(expected, actual, () -> "state at the end of epoch " + epoch + " of " + epochs.size() +
            ", after " + records + " records");
    }

    /**
     * Copies the checkpoint and flips a byte of the needle key in the copy's journal: inside one RECORD entry.
     *
     * @return the dump line of that entry.
     */
    private static DumpLine copyWithTheNeedleDamaged(final Path copy)
    {
        Checkpoints.copy(checkpoint, copy);
        final DumpLine needle = dump.stream().filter(l -> null != l.row() && l.row().endsWith("," + NEEDLE))
            .findFirst().orElseThrow();
        final Path file = Checkpoints.journalFiles(copy.resolve("journal")).get(0);
        final long at = Checkpoints.findOnce(file, Checkpoints.pattern(NEEDLE.getBytes(StandardCharsets.US_ASCII)));
        Checkpoints.flipByte(file, at + 3);
        return needle;
    }

    private static void assertDamageNamed(final Path copy, final String expected)
    {
        final Cli.Run run = Cli.run("journal", "verify", "--checkpoint", copy.toString());
        assertEquals(MillraceCommand.EXIT_FAILURE, run.exitCode(), run::toString);
        assertTrue(run.outText().lines().anyMatch(l -> l.startsWith("DAMAGED ") && l.contains(expected)),
            () -> "verify must name " + expected + ":\n" + run.outText());
        final Cli.Run original = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(0, original.exitCode(), original::toString);
    }
}
