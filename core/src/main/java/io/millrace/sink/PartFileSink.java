package io.millrace.sink;

import io.millrace.internal.durable.CrashPoints;
import io.millrace.internal.durable.DurableFiles;
import io.millrace.row.RowView;
import io.millrace.row.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes each epoch's rows as CSV ({@link CsvRowFormatter}) to {@code DIR/part-<epoch, 10 digits>.csv}, made
 * visible atomically when the epoch commits: rows go to a hidden temporary file, which is forced to disk and
 * renamed. An epoch with no rows writes no file. If the part of an epoch already exists (the epoch committed its
 * output before a crash and is being run again), its rows are discarded and the file is left as it is; with the
 * deterministic re-execution of docs/checkpoints.md they are the same rows, so the output is exactly-once.
 */
public final class PartFileSink implements Sink
{
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path directory;
    private final ByteBuffer pending = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private CsvRowFormatter formatter;
    private FileChannel channel;
    private Path temporary;
    private long openEpoch = -1;
    private boolean discarding;

    /**
     * @param directory for the part files; created if absent.
     */
    public PartFileSink(final Path directory)
    {
        this.directory = directory;
    }

    /**
     * @param directory of part files.
     * @param epoch     of a part.
     * @return the part's file.
     */
    public static Path part(final Path directory, final long epoch)
    {
        return directory.resolve(String.format("part-%010d.csv", epoch));
    }

    @Override
    public long lastDurableEpoch()
    {
        if (!Files.isDirectory(directory))
        {
            return 0;
        }
        long last = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(directory, "part-*.csv"))
        {
            for (final Path part : parts)
            {
                final String name = part.getFileName().toString();
                try
                {
                    last = Math.max(last, Long.parseLong(name.substring("part-".length(), name.length() - 4)));
                }
                catch (final NumberFormatException ex)
                {
                    // Not one of ours.
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list output directory " + directory, ex);
        }
        return last;
    }

    @Override
    public void open(final Schema schema)
    {
        formatter = new CsvRowFormatter(schema);
        try
        {
            Files.createDirectories(directory);
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, ".part-*.tmp"))
            {
                for (final Path file : stale)
                {
                    Files.delete(file);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot prepare output directory " + directory, ex);
        }
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        if (epoch != openEpoch)
        {
            begin(epoch);
        }
        if (discarding)
        {
            return;
        }
        final int length = formatter.format(row);
        for (int at = 0; at < length; )
        {
            if (!pending.hasRemaining())
            {
                flush();
            }
            final int chunk = Math.min(pending.remaining(), length - at);
            formatter.buffer().getBytes(at, pending, pending.position(), chunk);
            pending.position(pending.position() + chunk);
            at += chunk;
        }
    }

    @Override
    public void commitEpoch(final long epoch)
    {
        if (epoch != openEpoch || discarding)
        {
            openEpoch = -1;
            discarding = false;
            return;
        }
        flush();
        try
        {
            channel.force(true);
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + temporary, ex);
        }
        channel = null;
        CrashPoints.passed("part-written");
        DurableFiles.rename(temporary, part(directory, epoch));
        CrashPoints.passed("part-renamed");
        openEpoch = -1;
    }

    @Override
    public void close()
    {
        if (null != channel)
        {
            try
            {
                channel.close();
                Files.deleteIfExists(temporary);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot remove uncommitted " + temporary, ex);
            }
            channel = null;
        }
    }

    private void begin(final long epoch)
    {
        openEpoch = epoch;
        discarding = Files.exists(part(directory, epoch));
        if (discarding)
        {
            return;
        }
        temporary = directory.resolve(String.format(".part-%010d.csv.tmp", epoch));
        try
        {
            channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + temporary, ex);
        }
        pending.clear();
    }

    private void flush()
    {
        pending.flip();
        try
        {
            while (pending.hasRemaining())
            {
                channel.write(pending);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + temporary, ex);
        }
        pending.clear();
    }
}
