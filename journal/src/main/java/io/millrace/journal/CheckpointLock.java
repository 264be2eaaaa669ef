package io.millrace.journal;

import io.millrace.checkpoint.CheckpointException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock a query (or a journal command) holds on a checkpoint for as long as it has it open: a file
 * lock on {@code lock} in the checkpoint directory. The operating system releases it when the process dies, so a
 * killed run never leaves its checkpoint locked; a second opener, in this process or another, is refused.
 */
public final class CheckpointLock implements AutoCloseable
{
    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private CheckpointLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param checkpoint directory, created if absent.
     * @return the lock, held until closed.
     * @throws CheckpointException when another query holds it.
     */
    public static CheckpointLock acquire(final Path checkpoint)
    {
        final Path file = checkpoint.resolve(FILE);
        final FileChannel channel;
        try
        {
            Files.createDirectories(checkpoint);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the lock of checkpoint " + checkpoint + ": " + ex, ex);
        }
        FileLock lock = null;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            // Held by another query of this process.
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock checkpoint " + checkpoint + ": " + ex, ex);
        }
        if (null == lock)
        {
            closeQuietly(channel);
            throw new CheckpointException(CheckpointException.Reason.IN_USE, "checkpoint " + checkpoint +
                " is in use by another running query (it holds " + file + "); stop that query first, or use " +
                "another checkpoint directory");
        }
        return new CheckpointLock(channel, lock);
    }

    /** Releases the lock. */
    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignored)
        {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // Nothing was written through it.
        }
    }
}
