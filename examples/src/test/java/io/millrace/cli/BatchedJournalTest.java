package io.millrace.cli;

import io.millrace.internal.durable.CrashPoints;
import io.millrace.journal.JournalEntry;
import io.millrace.journal.JournalScan;
import io.millrace.testing.Checkpoints;
import io.millrace.testing.Checkpoints.DumpLine;
import io.millrace.testing.Checkpoints.EpochLine;
import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingress journal in both of its layouts (docs/checkpoints.md): this build journals the records of one poll as
 * one RECORD_BATCH entry, and reads the one-entry-per-record RECORD layout that earlier builds wrote.
 * <p>
 * A batch is all or nothing: a crash that tears the last batch anywhere inside it (its header, a record boundary,
 * the middle of a row, its last byte) makes recovery cut the whole batch off, and the restart journals its
 * records again, so the rows are exactly an uninterrupted run's. A checkpoint written record by record by an earlier
 * build (a real one, kept in the test resources, killed with one epoch cut and not committed) is verified, dumped,
 * replayed byte for byte, and resumed to exactly the right rows, after which it holds both layouts.
 */
class BatchedJournalTest
{
    private static final List<String> QUERY = List.of("windowed-count", "--generate", "20000", "--keys", "20",
        "--rate", "2000", "--window", "200ms", "--watermark", "50ms", "--journal-input");
    /** Where the earlier build's run wrote: its identity holds the absolute output path, so it resumes only there. */
    private static final Path LEGACY = Path.of("/tmp/millrace-legacy-journal");
    private static final String LEGACY_RESOURCE = "/format2-record-per-entry-journal.zip";
    private static final List<String> LEGACY_QUERY = List.of("windowed-count", "--generate", "6000", "--keys",
        "20", "--rate", "2000", "--throttle", "6000", "--epoch-interval", "100ms", "--window", "200ms",
        "--watermark", "50ms", "--journal-input");

    /** Where a torn write stops inside the last batch; everything after it is as the crash left it: zeros. */
    enum Tear
    {
        IN_THE_BATCH_HEADER,
        AT_A_RECORD_BOUNDARY,
        IN_THE_MIDDLE_OF_A_ROW,
        BEFORE_THE_LAST_BYTE
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "torn {0}")
    @EnumSource(Tear.class)
    @Timeout(120)
    void shouldCutATornBatchOffWholeAndResumeToExactlyTheRightRows(final Tear tear) throws Exception
    {
        Path checkpoint;
        Path output;
        List<String> args;
        Batch last = null;
        int attempt = 0;
        do
        {
            // Only a batch that is last can be torn by a crash, and the test needs one of a few records. The
            // crashing run cuts no epoch (an hour's interval), so that no commit or snapshot can come between the
            // batch and the halt; a poll may still read a single record, so run again until the crash leaves a
            // batch of several.
            final String previous = null == last ? "not a batch" : "a batch of " + last.frames().size();
            assertTrue(attempt < 8, () -> "no crash left a batch of a few records as the last entry; the last " +
                "was " + previous);
            checkpoint = dir.resolve("checkpoint-" + attempt);
            output = dir.resolve("out-" + attempt);
            args = new ArrayList<>(QUERY);
            args.addAll(List.of("--checkpoint", checkpoint.toString(), "--output", output.toString()));
            final List<String> crashing = new ArrayList<>(args);
            crashing.addAll(List.of("--epoch-interval", "1h"));
            args.addAll(List.of("--epoch-interval", "10ms"));
            final Path stderr = dir.resolve("stderr-" + attempt + ".log");
            // Halts right after the batch holding the 12,000th record is journaled, before its records enter the
            // ring.
            final ChildCommand crashed = ChildCommand.startMain(MillraceCommand.class,
                List.of("-Dmillrace.crash-point=record-appended:12000"), stderr, null,
                crashing.toArray(new String[0]));
            assertEquals(CrashPoints.EXIT_STATUS, crashed.waitFor(60), () -> read(stderr));
            attempt++;
            // A snapshot of an epoch not yet committed, written after the batch, counts it among the journal's whole
            // entries; tearing the batch then is not a crash's doing (a crash tears only an entry still being
            // written) but lost data, which recovery rightly refuses. Such runs are run again too.
            last = Checkpoints.hasSnapshotPastTheLastCommit(checkpoint) ? null : lastBatch(checkpoint);
        }
        while (null == last || last.frames().size() < 3);
        final Batch torn = last;
        final long tornAt = switch (tear)
        {
            case IN_THE_BATCH_HEADER -> 12;
            case AT_A_RECORD_BOUNDARY -> torn.frames().get(torn.frames().size() / 2);
            case IN_THE_MIDDLE_OF_A_ROW -> torn.frames().get(1) + Integer.BYTES + 3;
            case BEFORE_THE_LAST_BYTE -> torn.payload().length - 1;
        };
        zeroFrom(torn, tornAt);

        final Cli.Run restart = Cli.run(args.toArray(new String[0]));
        assertEquals(0, restart.exitCode(), () -> "the restart: " + restart);
        final Cli.Run again = Cli.run(args.toArray(new String[0]));
        assertEquals(0, again.exitCode(), again::toString);
        assertSameRows(reference(), rows(output), "after the last batch was torn " + tear);

        final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(0, verify.exitCode(), verify::toString);
        assertTrue(verify.outText().contains(", 1 damaged entries cut off by recovery"), verify.outText());
        assertEachInputRecordJournaledOnce(checkpoint, 20_000);
        assertReplaysByteForByte(checkpoint, output);
    }

    @Test
    @Timeout(120)
    void shouldReadResumeAndReplayAJournalWrittenOneEntryPerRecord() throws Exception
    {
        unpackLegacyCheckpoint();
        final Path checkpoint = LEGACY.resolve("checkpoint");
        final Path output = LEGACY.resolve("output");
        try
        {
            final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
            assertEquals(0, verify.exitCode(), verify::toString);
            final List<EpochLine> epochs = Checkpoints.epochs(checkpoint);
            assertEquals(7, epochs.size(), epochs::toString);
            assertFalse(epochs.get(6).committed(), "the earlier build was killed before epoch 7 committed");
            final List<DumpLine> dump = Checkpoints.dump(checkpoint);
            assertTrue(dump.stream().noneMatch(l -> l.type().equals("RECORD_BATCH")), "record by record");
            for (final DumpLine line : dump)
            {
                if (line.type().equals("RECORD"))
                {
                    assertEquals(line.index(), line.offset(), () -> "a record's offset is its index: " + line.line());
                }
            }
            assertReplaysByteForByte(checkpoint, output);

            final List<String> args = new ArrayList<>(LEGACY_QUERY);
            args.addAll(List.of("--checkpoint", checkpoint.toString(), "--output", output.toString()));
            final Cli.Run resumed = Cli.run(args.toArray(new String[0]));
            assertEquals(0, resumed.exitCode(), resumed::toString);
            final List<String> fresh = new ArrayList<>(LEGACY_QUERY);
            fresh.remove("--journal-input");
            fresh.addAll(List.of("--output", dir.resolve("reference").toString()));
            assertEquals(0, Cli.run(fresh.toArray(new String[0])).exitCode(), "the uninterrupted run");
            assertSameRows(rows(dir.resolve("reference")), rows(output), "the resumed earlier checkpoint");

            final List<DumpLine> both = Checkpoints.dump(checkpoint);
            assertTrue(both.stream().anyMatch(l -> l.type().equals("RECORD_BATCH")), "now both layouts");
            assertEachInputRecordJournaledOnce(checkpoint, 6000);
            final Cli.Run verifyBoth = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
            assertEquals(0, verifyBoth.exitCode(), verifyBoth::toString);
            assertReplaysByteForByte(checkpoint, output);
        }
        finally
        {
            Checkpoints.deleteTree(LEGACY);
        }
    }

    private Map<String, Integer> reference() throws IOException
    {
        final List<String> args = new ArrayList<>(QUERY);
        args.remove("--journal-input");
        args.addAll(List.of("--output", dir.resolve("reference").toString()));
        assertEquals(0, Cli.run(args.toArray(new String[0])).exitCode(), "the uninterrupted run");
        return rows(dir.resolve("reference"));
    }

    /**
     * Every input record is in the journal exactly once, in input order, with offsets that only grow, each in the
     * epoch whose cut counts it.
     */
    private static void assertEachInputRecordJournaledOnce(final Path checkpoint, final int records)
    {
        final List<DumpLine> dump = Checkpoints.dump(checkpoint);
        final Map<Long, Long> perEpoch = new TreeMap<>();
        long count = 0;
        long lastOffset = -1;
        for (final DumpLine line : dump)
        {
            if (line.type().equals("RECORD"))
            {
                assertTrue(line.offset() > lastOffset, () -> "offsets grow: " + line.line());
                lastOffset = line.offset();
                perEpoch.merge(line.epoch(), 1L, Long::sum);
                count++;
            }
        }
        assertEquals(records, count, "records journaled");
        for (final EpochLine epoch : Checkpoints.epochs(checkpoint))
        {
            assertEquals(epoch.records(), perEpoch.getOrDefault(epoch.epoch(), 0L), () -> "records of " + epoch);
        }
    }

    private void assertReplaysByteForByte(final Path checkpoint, final Path output)
    {
        final Path replayed = dir.resolve("replay-" + System.nanoTime());
        final long committed = Checkpoints.epochs(checkpoint).stream().filter(EpochLine::committed)
            .mapToLong(EpochLine::epoch).max().orElse(0);
        final Cli.Run replay = Cli.run("journal", "replay", "--checkpoint", checkpoint.toString(), "--output",
            replayed.toString(), "--to-epoch", "" + committed);
        assertEquals(0, replay.exitCode(), replay::toString);
        Checkpoints.assertSameParts(output, replayed, 1, committed, "replay of " + checkpoint);
    }

    /**
     * The journal's last entry, a batch, with where each of its records' frames starts in its payload.
     */
    private record Batch(Path file, long payloadAt, byte[] payload, List<Integer> frames)
    {
    }

    /**
     * @return the last entry, or null when it is not a batch.
     */
    private static Batch lastBatch(final Path checkpoint) throws IOException
    {
        final JournalEntry[] last = new JournalEntry[1];
        final byte[][] payload = new byte[1][];
        JournalScan.visit(checkpoint, new JournalScan.Visitor()
        {
            public void onEntry(final JournalEntry entry, final long epoch)
            {
                last[0] = entry;
                payload[0] = entry.payload();
            }

            public void onDamage(final long index, final String problem)
            {
                throw new AssertionError("journal damaged before the test tore it: " + problem);
            }
        });
        if (!last[0].isRecordBatch())
        {
            return null;
        }
        final ByteBuffer bytes = ByteBuffer.wrap(payload[0]).order(ByteOrder.LITTLE_ENDIAN);
        final List<Integer> frames = new ArrayList<>();
        final int count = bytes.getInt(24);
        int frame = 28;
        for (int i = 0; i < count; i++)
        {
            frames.add(frame);
            frame += Integer.BYTES + bytes.getInt(frame);
        }
        assertEquals(payload[0].length, frame, "the batch's records fill it");
        final List<Path> files = Checkpoints.journalFiles(checkpoint.resolve("journal"));
        final Path newest = files.get(files.size() - 1);
        final byte[] data = Files.readAllBytes(newest);
        final int at = lastIndexOf(data, payload[0]);
        assertTrue(at >= 0, "the last entry's payload is not in " + newest);
        return new Batch(newest, at, payload[0], frames);
    }

    /**
     * Zeroes the last batch from a place in its payload to its end: what a write that stopped there leaves.
     */
    private static void zeroFrom(final Batch batch, final long from) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(batch.file().toFile(), "rw"))
        {
            file.seek(batch.payloadAt() + from);
            file.write(new byte[(int)(batch.payload().length - from)]);
        }
    }

    private static int lastIndexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void unpackLegacyCheckpoint() throws IOException
    {
        Checkpoints.deleteTree(LEGACY);
        try (InputStream resource = BatchedJournalTest.class.getResourceAsStream(LEGACY_RESOURCE);
            ZipInputStream zip = new ZipInputStream(resource))
        {
            ZipEntry entry;
            while (null != (entry = zip.getNextEntry()))
            {
                final Path target = LEGACY.getParent().resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(LEGACY), () -> "resource entry outside the fixture: " + target);
                if (entry.isDirectory())
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
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
