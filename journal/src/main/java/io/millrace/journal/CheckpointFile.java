package io.millrace.journal;

import io.millrace.checkpoint.CheckpointException;
import io.millrace.internal.durable.DurableFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The file {@code checkpoint} that says a directory is a Millrace checkpoint: its format version and the identity
 * of the query that owns it, readable as text.
 * <pre>
 *   millrace checkpoint
 *   format-version: 2
 *   identity-crc32c: 0a1b2c3d
 *   identity:
 *   (the identity, UTF-8, to the end of the file)
 * </pre>
 * It is written once, atomically, right after the journal's first entry, so a checkpoint that has it but whose
 * journal is missing or shows no entries is damaged, never new.
 */
final class CheckpointFile
{
    static final String FILE = "checkpoint";
    private static final String MAGIC = "millrace checkpoint";
    private static final String VERSION = "format-version: ";
    private static final String CRC = "identity-crc32c: ";
    private static final String IDENTITY = "identity:";

    private CheckpointFile()
    {
    }

    /**
     * @param checkpoint directory.
     * @return the identity it records, or null when the file is absent.
     * @throws CheckpointException when the file is damaged or of another format version.
     */
    static String readIdentity(final Path checkpoint)
    {
        final Path file = checkpoint.resolve(FILE);
        final String text;
        try
        {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
        final String[] head = text.split("\n", 5);
        if (head.length < 5 || !head[0].equals(MAGIC) || !head[1].startsWith(VERSION) || !head[2].startsWith(CRC) ||
            !head[3].equals(IDENTITY))
        {
            throw damaged(file, "not a checkpoint file");
        }
        final int version;
        try
        {
            version = Integer.parseInt(head[1].substring(VERSION.length()));
        }
        catch (final NumberFormatException ex)
        {
            throw damaged(file, "unreadable format version '" + head[1] + "'");
        }
        if (version != JournalDescriptor.FORMAT_VERSION)
        {
            throw new CheckpointException(CheckpointException.Reason.FORMAT_VERSION, "checkpoint " + checkpoint +
                " has format version " + version + "; this build reads version " + JournalDescriptor.FORMAT_VERSION +
                ". It was left untouched: use the Millrace version that wrote it, or a new checkpoint directory.");
        }
        final String identity = head[4];
        if (!head[2].substring(CRC.length()).equals(crc(identity)))
        {
            throw damaged(file, "the identity's checksum does not match");
        }
        return identity;
    }

    /**
     * Writes the file durably and atomically.
     *
     * @param checkpoint directory.
     * @param identity   of the query that owns it.
     */
    static void write(final Path checkpoint, final String identity)
    {
        final Path file = checkpoint.resolve(FILE);
        final Path temporary = checkpoint.resolve("." + FILE + ".tmp");
        final String text = MAGIC + "\n" + VERSION + JournalDescriptor.FORMAT_VERSION + "\n" + CRC + crc(identity) +
            "\n" + IDENTITY + "\n" + identity;
        try
        {
            Files.write(temporary, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + temporary + ": " + ex, ex);
        }
        DurableFiles.rename(temporary, file);
    }

    private static String crc(final String identity)
    {
        final CRC32C crc = new CRC32C();
        crc.update(identity.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    private static CheckpointException damaged(final Path file, final String problem)
    {
        return new CheckpointException(CheckpointException.Reason.DAMAGED,
            "checkpoint file " + file + " is damaged: " + problem + "; the checkpoint was left untouched");
    }
}
