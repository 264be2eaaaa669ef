package io.millrace.cli;

import org.agrona.DirectBuffer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes dead letters as lines {@code line_number<TAB>reason<TAB>original line} (docs/command-line.md); a record
 * rejected after parsing has its source position in the first field ({@link DeadLetterLines#onDeadLine}). Tabs and line
 * breaks in the reason become spaces so that each entry stays one line of three fields; the original bytes are
 * written as they were. Thread-safe.
 */
final class DeadLetterFile implements DeadLetterLines, AutoCloseable
{
    private final OutputStream out;

    DeadLetterFile(final Path path, final boolean append)
    {
        try
        {
            out = new BufferedOutputStream(append ?
                Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND) :
                Files.newOutputStream(path));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create dead-letter file " + path, ex);
        }
    }

    @Override
    public synchronized void onDeadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
    {
        final byte[] line = new byte[length];
        buffer.getBytes(index, line);
        final String fields = position + "\t" + reason.toString().replaceAll("[\t\r\n]", " ") + "\t";
        try
        {
            out.write(fields.getBytes(StandardCharsets.UTF_8));
            out.write(line);
            out.write('\n');
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write dead-letter file", ex);
        }
    }

    /**
     * Flushes what was written; the query's end, and each epoch commit, call it.
     */
    synchronized void flush()
    {
        try
        {
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write dead-letter file", ex);
        }
    }

    @Override
    public synchronized void close()
    {
        try
        {
            out.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close dead-letter file", ex);
        }
    }
}
