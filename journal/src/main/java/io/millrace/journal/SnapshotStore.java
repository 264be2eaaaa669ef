package io.millrace.journal;

import io.millrace.internal.DurableFiles;
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
 * <pre>
 *  +---------------+---------------+-------------------------------+
 *  | magic "MRSN"  | CRC32C        | epoch: 8                      |
 *  +---------------+---------------+-------------------------------+
 *  | length: 8                     | snapshot bytes               ...
 *  +-------------------------------+-------------------------------+
 * </pre>
 * Only the newest {@link #RETAINED} snapshots are kept.
 */
public final class SnapshotStore
{
    /** Snapshots kept; older ones are deleted after each commit. */
    public static final int RETAINED = 10;
    private static final int MAGIC = 0x4E53524D;
    private static final int HEADER_LENGTH = 24;

    private final Path directory;
    private final ExpandableDirectByteBuffer out = new ExpandableDirectByteBuffer(64 * 1024);
    private final Checksum checksum = new Checksum();

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
        return directory.resolve(String.format("snapshot-%010d.bin", epoch));
    }

    /**
     * Writes a snapshot durably.
     *
     * @param epoch  it is the state at the end of.
     * @param buffer holding it.
     * @param offset of its first byte.
     * @param length of it.
     * @return its CRC32C.
     */
    public int write(final long epoch, final DirectBuffer buffer, final int offset, final int length)
    {
        out.checkLimit(HEADER_LENGTH + length);
        out.putBytes(HEADER_LENGTH, buffer, offset, length);
        final int crc = checksum.compute(out, HEADER_LENGTH, length);
        out.putInt(0, MAGIC, ByteOrder.LITTLE_ENDIAN);
        out.putInt(4, crc, ByteOrder.LITTLE_ENDIAN);
        out.putLong(8, epoch, ByteOrder.LITTLE_ENDIAN);
        out.putLong(16, length, ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer bytes = out.byteBuffer().duplicate().clear().limit(HEADER_LENGTH + length);
        final Path temporary = directory.resolve(".snapshot-" + epoch + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write snapshot " + temporary, ex);
        }
        DurableFiles.rename(temporary, file(epoch));
        return crc;
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
        final Path file = file(epoch);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("snapshot of committed epoch " + epoch + " is missing: " + file, ex);
        }
        final UnsafeBuffer in = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        in.putBytes(0, bytes);
        final String problem = check(in, bytes.length, epoch, length, crc);
        if (null != problem)
        {
            throw new IllegalStateException("snapshot " + file + " is damaged: " + problem);
        }
        return new UnsafeBuffer(in, HEADER_LENGTH, (int)length);
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
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete old snapshot " + file(epochs.get(i)), ex);
            }
        }
    }

    private static String check(
        final UnsafeBuffer in, final int fileLength, final long epoch, final long length, final int crc)
    {
        if (fileLength < HEADER_LENGTH || in.getInt(0, ByteOrder.LITTLE_ENDIAN) != MAGIC)
        {
            return "not a snapshot file";
        }
        if (in.getLong(8, ByteOrder.LITTLE_ENDIAN) != epoch)
        {
            return "holds epoch " + in.getLong(8, ByteOrder.LITTLE_ENDIAN);
        }
        if (in.getLong(16, ByteOrder.LITTLE_ENDIAN) != length || fileLength != HEADER_LENGTH + length)
        {
            return "length " + (fileLength - HEADER_LENGTH) + ", committed " + length;
        }
        final int actual = new Checksum().compute(in, HEADER_LENGTH, (int)length);
        if (actual != crc || in.getInt(4, ByteOrder.LITTLE_ENDIAN) != crc)
        {
            return "checksum mismatch";
        }
        return null;
    }
}
