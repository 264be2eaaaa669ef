package io.millrace.journal;

import io.millrace.internal.durable.CrashPoints;
import io.millrace.internal.durable.DurableFiles;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Operator snapshots, one file per committed epoch: {@code snapshot-<epoch, 10 digits>.bin}. A file is written
 * under a hidden temporary name, forced to disk, then renamed, so a crash leaves either no file or a whole one.
 * Little-endian:
 * <pre>
 *  +---------------+---------------+-------------------------------+
 *  | magic "MRSN"  | format version| epoch: 8                      |
 *  +---------------+---------------+-------------------------------+
 *  | length: 8                     | journal entries: 8            |
 *  +---------------+---------------+-------------------------------+
 *  | CRC32C        | reserved      | snapshot bytes               ...
 *  +---------------+---------------+-------------------------------+
 * </pre>
 * The CRC32C covers the whole file, its own field taken as zero. {@code journal entries} is how many entries the
 * journal held when the snapshot was written: all of them precede the epoch's commit entry, so a journal that
 * holds fewer has lost entries.
 * Only the newest {@link #RETAINED} snapshots are kept.
 */
public final class SnapshotStore
{
    /** Snapshots kept; older ones are deleted after each commit. */
    public static final int RETAINED = 10;
    private static final int MAGIC = 0x4E53524D;
    private static final int VERSION_OFFSET = 4;
    private static final int EPOCH_OFFSET = 8;
    private static final int LENGTH_OFFSET = 16;
    private static final int ENTRIES_OFFSET = 24;
    private static final int CRC_OFFSET = 32;
    private static final int HEADER_LENGTH = 40;

    private final Path directory;
    private final ExpandableDirectByteBuffer out = new ExpandableDirectByteBuffer(64 * 1024);
    private final Checksum checksum = new Checksum();
    private long lastForceNanos;

    /**
     * @param directory holding the snapshot files; created if absent.
     */
    public SnapshotStore(final Path directory)
    {
        this.directory = directory;
        try
        {
            Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create snapshot directory " + directory, ex);
        }
    }

    /**
     * @param epoch of the snapshot.
     * @return its file.
     */
    public Path file(final long epoch)
    {
        return directory.resolve(fileName(epoch));
    }

    /**
     * @param epoch of a snapshot.
     * @return the name of its file.
     */
    static String fileName(final long epoch)
    {
        return String.format("snapshot-%010d.bin", epoch);
    }

    /**
     * Writes a snapshot durably.
     *
     * @param epoch   it is the state at the end of.
     * @param entries the journal holds now.
     * @param buffer  holding it.
     * @param offset  of its first byte.
     * @param length  of it.
     * @return the file's CRC32C.
     */
    public int write(final long epoch, final long entries, final DirectBuffer buffer, final int offset, final int length)
    {
        out.checkLimit(HEADER_LENGTH + length);
        out.putBytes(HEADER_LENGTH, buffer, offset, length);
        out.putInt(0, MAGIC, ByteOrder.LITTLE_ENDIAN);
        out.putInt(VERSION_OFFSET, JournalDescriptor.FORMAT_VERSION, ByteOrder.LITTLE_ENDIAN);
        out.putLong(EPOCH_OFFSET, epoch, ByteOrder.LITTLE_ENDIAN);
        out.putLong(LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
        out.putLong(ENTRIES_OFFSET, entries, ByteOrder.LITTLE_ENDIAN);
        out.putLong(CRC_OFFSET, 0);
        final int crc = checksum.compute(out, 0, HEADER_LENGTH + length);
        out.putInt(CRC_OFFSET, crc, ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer bytes = out.byteBuffer().duplicate().clear().limit(HEADER_LENGTH + length);
        final Path temporary = directory.resolve(".snapshot-" + epoch + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            final long forcing = System.nanoTime();
            channel.force(true);
            lastForceNanos = System.nanoTime() - forcing;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write snapshot " + temporary, ex);
        }
        CrashPoints.passed("snapshot-written");
        final long renaming = System.nanoTime();
        DurableFiles.rename(temporary, file(epoch));
        lastForceNanos += System.nanoTime() - renaming;
        CrashPoints.passed("snapshot-renamed");
        return crc;
    }

    /**
     * @return nanoseconds the last {@link #write} spent waiting for the disk: forcing the file, renaming it and
     *         forcing the directory.
     */
    long lastForceNanos()
    {
        return lastForceNanos;
    }

    /**
     * Reads and checks a snapshot.
     *
     * @param epoch  of the snapshot.
     * @param length expected, from the commit entry.
     * @param crc    expected, from the commit entry.
     * @return the snapshot bytes.
     * @throws IllegalStateException naming the file when it is missing or damaged.
     */
    public DirectBuffer read(final long epoch, final long length, final int crc)
    {
        final UnsafeBuffer in = load(epoch, "of committed epoch " + epoch);
        final String problem = check(in, epoch, crc);
        if (null != problem)
        {
            throw new IllegalStateException("snapshot " + file(epoch) + " is damaged: " + problem);
        }
        if (in.capacity() != HEADER_LENGTH + length)
        {
            throw new IllegalStateException("snapshot " + file(epoch) + " is damaged: length " +
                (in.capacity() - HEADER_LENGTH) + ", committed " + length);
        }
        return new UnsafeBuffer(in, HEADER_LENGTH, (int)length);
    }

    /**
     * Reads and checks a snapshot whether or not its epoch was committed, for what its header says.
     *
     * @param epoch of the snapshot.
     * @return how many entries the journal held when it was written.
     * @throws IllegalStateException naming the file when it is missing or damaged.
     */
    public long journalEntries(final long epoch)
    {
        final UnsafeBuffer in = load(epoch, "");
        final String problem = check(in, epoch, in.capacity() < HEADER_LENGTH ? 0 :
            in.getInt(CRC_OFFSET, ByteOrder.LITTLE_ENDIAN));
        if (null != problem)
        {
            throw new IllegalStateException("snapshot " + file(epoch) + " is damaged: " + problem);
        }
        return in.getLong(ENTRIES_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    private UnsafeBuffer load(final long epoch, final String which)
    {
        final Path file = file(epoch);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("snapshot " + which + (which.isEmpty() ? "" : " ") + "is missing: " + file,
                ex);
        }
        final UnsafeBuffer in = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        in.putBytes(0, bytes);
        return in;
    }

    /**
     * @param epoch  of the snapshot.
     * @param length expected.
     * @param crc    expected.
     * @return null when the file is intact, else what is wrong with it.
     */
    public String verify(final long epoch, final long length, final int crc)
    {
        try
        {
            read(epoch, length, crc);
            return null;
        }
        catch (final IllegalStateException ex)
        {
            return ex.getMessage();
        }
    }

    /**
     * @return epochs of the snapshot files present, ascending.
     */
    public List<Long> epochs()
    {
        final List<Long> epochs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "snapshot-*.bin"))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                epochs.add(Long.parseLong(name.substring("snapshot-".length(), name.length() - ".bin".length())));
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new IllegalStateException("cannot list snapshots in " + directory, ex);
        }
        Collections.sort(epochs);
        return epochs;
    }

    /**
     * Deletes snapshots older than the newest {@link #RETAINED}.
     */
    public void prune()
    {
        final List<Long> epochs = epochs();
        for (int i = 0; i < epochs.size() - RETAINED; i++)
        {
            try
            {
                Files.deleteIfExists(file(epochs.get(i)));
                CrashPoints.passed("snapshot-pruned");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete old snapshot " + file(epochs.get(i)), ex);
            }
        }
    }

    private static String check(final UnsafeBuffer in, final long epoch, final int crc)
    {
        final int fileLength = in.capacity();
        if (fileLength < HEADER_LENGTH || in.getInt(0, ByteOrder.LITTLE_ENDIAN) != MAGIC)
        {
            return "not a snapshot file";
        }
        final int version = in.getInt(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (version != JournalDescriptor.FORMAT_VERSION)
        {
            return "format version " + version + "; this build reads version " + JournalDescriptor.FORMAT_VERSION;
        }
        final int stored = in.getInt(CRC_OFFSET, ByteOrder.LITTLE_ENDIAN);
        in.putInt(CRC_OFFSET, 0);
        final int actual = new Checksum().compute(in, 0, fileLength);
        in.putInt(CRC_OFFSET, stored, ByteOrder.LITTLE_ENDIAN);
        if (actual != stored || stored != crc)
        {
            return "checksum mismatch";
        }
        if (in.getLong(EPOCH_OFFSET, ByteOrder.LITTLE_ENDIAN) != epoch)
        {
            return "holds epoch " + in.getLong(EPOCH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        }
        if (in.getLong(LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN) != fileLength - HEADER_LENGTH)
        {
            return "length " + (fileLength - HEADER_LENGTH) + ", header says " +
                in.getLong(LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        }
        return null;
    }
}
