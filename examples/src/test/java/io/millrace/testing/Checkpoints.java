package io.millrace.testing;

import io.millrace.journal.JournalEntry;
import io.millrace.journal.JournalScan;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Inputs for checkpointed runs, and looks into checkpoint and output directories for the journal and replay
 * tests: the part files of a run, the hashes of every file of a checkpoint, the lines of {@code journal epochs}
 * and {@code journal dump}, and damage done on purpose to a journal or snapshot file. Shared by the examples
 * tests.
 */
public final class Checkpoints
{
    private static final long SPARSE_COPY_THRESHOLD = 1 << 20;
    private static final Pattern PART = Pattern.compile("part-(\\d{10})\\.csv");
    private static final Pattern DUMP_ENTRY = Pattern.compile("0x([0-9a-f]+) (\\w+)(?: epoch=(\\d+))?.*");
    private static final Pattern DUMP_ROW = Pattern.compile(".* row=(.*)");

    private Checkpoints()
    {
    }

    /**
     * One line of {@code journal epochs}.
     *
     * @param epoch       number.
     * @param committed   whether it was committed.
     * @param records     records it holds.
     * @param firstOffset offset of its first record, -1 when none.
     * @param lastOffset  offset of its last record, -1 when none.
     */
    public record EpochLine(long epoch, boolean committed, long records, long firstOffset, long lastOffset)
    {
    }

    /**
     * One line of {@code journal dump}.
     *
     * @param index the entry's journal index.
     * @param type  IDENTITY, RECORD_BATCH, RECORD (one per record, after its batch's line), EPOCH_BEGIN,
     *              EPOCH_COMMIT or DAMAGED.
     * @param epoch it belongs to; 0 for the identity and damaged entries.
     * @param row   the decoded row of a RECORD, else null.
     * @param line  the whole line.
     */
    public record DumpLine(long index, String type, long epoch, String row, String line)
    {
        private static final Pattern OFFSET = Pattern.compile(".* offset=(\\d+) .*");

        /**
         * @return the record's offset, for a RECORD line.
         */
        public long offset()
        {
            final Matcher offset = OFFSET.matcher(line);
            if (!"RECORD".equals(type) || !offset.matches())
            {
                throw new AssertionError("not a record line with an offset: " + line);
            }
            return Long.parseLong(offset.group(1));
        }
    }

    /**
     * Writes {@code event_time_ms,key} lines whose times rise about {@code perMs} events per millisecond, a few
     * moved back by up to {@code maxDelay} ms, so that windows close throughout a run.
     *
     * @param file     to write.
     * @param random   deciding times and keys.
     * @param count    lines.
     * @param keys     distinct keys.
     * @param perMs    events per millisecond of event time.
     * @param maxDelay how far back the few disordered events go.
     * @return the lines, in order.
     */
    public static List<String> writeEvents(
        final Path file, final Random random, final int count, final int keys, final int perMs, final int maxDelay)
    {
        final List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final long time = 1_000_000 + i / perMs - (random.nextInt(100) < 5 ? random.nextInt(maxDelay + 1) : 0);
            lines.add(time + ",k" + random.nextInt(keys));
        }
        write(file, lines);
        return lines;
    }

    /**
     * @param file  to write.
     * @param lines each followed by a newline.
     */
    public static void write(final Path file, final List<String> lines)
    {
        try
        {
            Files.writeString(file, String.join("\n", lines) + "\n");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param file to read.
     * @return its lines.
     */
    public static List<String> lines(final Path file)
    {
        try
        {
            return Files.readAllLines(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param directory an output directory.
     * @return every file in it by name, with its bytes, hidden files included.
     */
    public static SortedMap<String, byte[]> files(final Path directory)
    {
        final SortedMap<String, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(directory))
        {
            return files;
        }
        try (Stream<Path> list = Files.list(directory))
        {
            for (final Path file : list.toList())
            {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return files;
    }

    /**
     * @param name of a file.
     * @return the epoch of a part file's name, or -1 when it is not a part file's.
     */
    public static long partEpoch(final String name)
    {
        final Matcher matcher = PART.matcher(name);
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /**
     * Asserts that {@code replayed} holds exactly the parts of {@code original} for epochs {@code from..to}, byte
     * for byte, and no other file.
     *
     * @param original output directory of the original run.
     * @param replayed output directory of a replay.
     * @param from     first epoch replayed.
     * @param to       last epoch replayed.
     * @param what     describes the replay, for messages.
     */
    public static void assertSameParts(
        final Path original, final Path replayed, final long from, final long to, final String what)
    {
        final SortedMap<String, byte[]> expected = new TreeMap<>();
        files(original).forEach((name, bytes) ->
        {
            final long epoch = partEpoch(name);
            if (epoch >= from && epoch <= to)
            {
                expected.put(name, bytes);
            }
        });
        final SortedMap<String, byte[]> actual = files(replayed);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()),
            what + ": the replay must write exactly the original parts of epochs " + from + ".." + to);
        expected.forEach((name, bytes) ->
            assertEquals(new String(bytes), new String(actual.get(name)), what + ": " + name + " differs"));
    }

    /**
     * @param directory a checkpoint.
     * @return every regular file under it, by relative path, with the SHA-256 of its bytes.
     */
    public static Map<String, String> hashes(final Path directory)
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory))
        {
            for (final Path file : walk.filter(Files::isRegularFile).toList())
            {
                files.put(directory.relativize(file).toString(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        return files;
    }

    /**
     * Copies a directory tree.
     *
     * @param from directory.
     * @param to   directory, not yet there.
     */
    public static void copy(final Path from, final Path to)
    {
        try (Stream<Path> walk = Files.walk(from))
        {
            for (final Path source : walk.toList())
            {
                final Path target = to.resolve(from.relativize(source).toString());
                if (Files.isRegularFile(source) && Files.size(source) > SPARSE_COPY_THRESHOLD)
                {
                    copySparse(source, target);
                }
                else
                {
                    Files.copy(source, target);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Copies a large, mostly unwritten file (a journal file Chronicle sized ahead) without writing its zeros, so that
     * the copy stays as sparse as the original.
     */
    private static void copySparse(final Path source, final Path target) throws IOException
    {
        final byte[] chunk = new byte[1 << 20];
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
            RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw"))
        {
            long at = 0;
            int read;
            while ((read = in.read(chunk)) > 0)
            {
                if (!isZero(chunk, read))
                {
                    out.seek(at);
                    out.write(chunk, 0, read);
                }
                at += read;
            }
            out.setLength(in.length());
        }
    }

    private static boolean isZero(final byte[] bytes, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param file a file, perhaps sized ahead of its contents.
     * @return the length of its written part: up to and including its last byte that is not zero.
     */
    public static long dataLength(final Path file)
    {
        final byte[] chunk = new byte[1 << 20];
        long last = -1;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r"))
        {
            long at = 0;
            int read;
            while ((read = in.read(chunk)) > 0)
            {
                for (int i = read - 1; i >= 0; i--)
                {
                    if (chunk[i] != 0)
                    {
                        last = at + i;
                        break;
                    }
                }
                at += read;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return last + 1;
    }

    /**
     * A snapshot of an epoch not yet committed counts every journal entry written before it as whole: damaging one
     * of those is lost data, which a restart rightly refuses, not a tear a crash can leave. Tests that tear the last
     * entry to see it cut off need a checkpoint without such a snapshot.
     *
     * @param checkpoint directory.
     * @return whether it holds a snapshot of an epoch later than the last committed one.
     * @throws IOException when the snapshots cannot be listed.
     */
    public static boolean hasSnapshotPastTheLastCommit(final Path checkpoint) throws IOException
    {
        final long committed = epochs(checkpoint).stream().filter(EpochLine::committed)
            .mapToLong(EpochLine::epoch).max().orElse(0);
        final Path snapshots = checkpoint.resolve("snapshots");
        if (!Files.isDirectory(snapshots))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(snapshots))
        {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("snapshot-\\d{10}\\.bin"))
                .anyMatch(n -> Long.parseLong(n.substring(9, 19)) > committed);
        }
    }

    /**
     * Runs {@code journal epochs} and parses its lines.
     *
     * @param checkpoint directory.
     * @return one line per epoch.
     */
    public static List<EpochLine> epochs(final Path checkpoint)
    {
        final Cli.Run run = Cli.run("journal", "epochs", "--checkpoint", checkpoint.toString());
        assertEquals(0, run.exitCode(), run::toString);
        final List<EpochLine> lines = new ArrayList<>();
        for (final String line : run.outText().lines().toList())
        {
            final String[] fields = line.split(",");
            assertEquals(5, fields.length, () -> "journal epochs line: " + line);
            lines.add(new EpochLine(Long.parseLong(fields[0]), Boolean.parseBoolean(fields[1]),
                Long.parseLong(fields[2]), Long.parseLong(fields[3]), Long.parseLong(fields[4])));
        }
        return lines;
    }

    /**
     * Runs {@code journal dump} and parses its lines.
     *
     * @param checkpoint directory.
     * @param options    more options, e.g. {@code --from-epoch 3}.
     * @return one line per entry.
     */
    public static List<DumpLine> dump(final Path checkpoint, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("journal", "dump", "--checkpoint", checkpoint.toString()));
        args.addAll(List.of(options));
        final Cli.Run run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run::toString);
        final List<DumpLine> lines = new ArrayList<>();
        for (final String line : run.outText().lines().toList())
        {
            final Matcher entry = DUMP_ENTRY.matcher(line);
            if (!entry.matches())
            {
                throw new AssertionError("journal dump line: " + line);
            }
            final Matcher row = DUMP_ROW.matcher(line);
            lines.add(new DumpLine(Long.parseUnsignedLong(entry.group(1), 16), entry.group(2),
                null == entry.group(3) ? 0 : Long.parseLong(entry.group(3)),
                "RECORD".equals(entry.group(2)) && row.matches() ? row.group(1) : null, line));
        }
        return lines;
    }

    /**
     * @param directory a checkpoint's {@code journal/}.
     * @return its data files (Chronicle cycle files), oldest first.
     */
    public static List<Path> journalFiles(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param file    to search.
     * @param pattern bytes to find; a null element matches any byte.
     * @return position of the first match.
     * @throws AssertionError when there is none, or more than one.
     */
    public static long findOnce(final Path file, final Byte[] pattern)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        long found = -1;
        for (int at = 0; at + pattern.length <= bytes.length; at++)
        {
            int i = 0;
            while (i < pattern.length && (null == pattern[i] || pattern[i] == bytes[at + i]))
            {
                i++;
            }
            if (i == pattern.length)
            {
                if (found >= 0)
                {
                    throw new AssertionError("pattern found twice in " + file + ": at " + found + " and " + at);
                }
                found = at;
            }
        }
        if (found < 0)
        {
            throw new AssertionError("pattern not found in " + file);
        }
        return found;
    }

    /**
     * @param bytes to match exactly.
     * @return a pattern for {@link #findOnce}.
     */
    public static Byte[] pattern(final byte[] bytes)
    {
        final Byte[] pattern = new Byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            pattern[i] = bytes[i];
        }
        return pattern;
    }

    /**
     * Inverts some bits of one byte of a file in place.
     *
     * @param file     to damage.
     * @param position of the byte.
     */
    public static void flipByte(final Path file, final long position)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            final int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x5A);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Flips a byte in the middle of the payload of the journal's last entry, found by its bytes in the newest journal
     * file: a corrupted tail, which the entry's checksum covers whatever the byte (the last byte of the file, or one
     * of the entry's header, may not be).
     *
     * @param checkpoint directory.
     */
    public static void damageLastEntry(final Path checkpoint)
    {
        final byte[][] last = new byte[1][];
        JournalScan.visit(checkpoint, new JournalScan.Visitor()
        {
            public void onEntry(final JournalEntry entry, final long epoch)
            {
                last[0] = entry.payload();
            }

            public void onDamage(final long index, final String problem)
            {
                throw new AssertionError("journal damaged before the test damaged it: " + problem);
            }
        });
        final List<Path> files = journalFiles(checkpoint.resolve("journal"));
        final Path newest = files.get(files.size() - 1);
        try
        {
            final byte[] bytes = Files.readAllBytes(newest);
            final int at = lastIndexOf(bytes, last[0]);
            if (at < 0)
            {
                throw new AssertionError("the last entry's payload is not in " + newest);
            }
            flipByte(newest, at + last[0].length / 2);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static int lastIndexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = haystack.length - needle.length; i >= 0; i--)
        {
            int j = 0;
            while (j < needle.length && haystack[i + j] == needle[j])
            {
                j++;
            }
            if (j == needle.length)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Deletes a file or a directory tree, if there.
     *
     * @param path to delete.
     */
    public static void deleteTree(final Path path)
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(path))
        {
            for (final Path file : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param directory that may not exist.
     * @return the number of entries in it, 0 when it does not exist.
     */
    public static long countFiles(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory))
        {
            return files.count();
        }
        catch (final IOException ex)
        {
            // Listed while a file was being renamed: try again later.
            return 0;
        }
    }
}
