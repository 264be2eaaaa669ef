package io.millrace.internal.durable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * File operations that survive a crash: an atomic rename whose directory entry is forced to disk.
 */
public final class DurableFiles
{
    private DurableFiles()
    {
    }

    /**
     * Renames {@code from} to {@code to} atomically, replacing any file of that name, then forces the directory so
     * that the new name is on disk when this returns.
     *
     * @param from existing file, already forced to disk.
     * @param to   its new name, in the same directory.
     * @throws UncheckedIOException when the rename fails.
     */
    public static void rename(final Path from, final Path to)
    {
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(to.toAbsolutePath().getParent());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot rename " + from + " to " + to, ex);
        }
    }

    /**
     * Forces a directory's entries to disk.
     *
     * @param directory to force.
     * @throws IOException when it cannot be opened or forced.
     */
    public static void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
