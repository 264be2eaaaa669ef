package io.millrace.cli;

import org.agrona.DirectBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Options shared by commands that read records: the maximum record size and where bad records go.
 */
final class RecordOptions
{
    static final int MAX_RECORD_SIZE_DEFAULT = 64 * 1024;
    private static final int DEAD_LETTERS_SHOWN = 10;

    @Option(names = "--max-record-size", paramLabel = "BYTES", defaultValue = "" + MAX_RECORD_SIZE_DEFAULT,
        description = "Longest record (line) accepted, in bytes; longer ones go to the dead letter. Default: ${DEFAULT-VALUE}.")
    private int maxRecordSize;

    @Option(names = "--dead-letter", paramLabel = "PATH",
        description = "File for records that cannot be processed: line_number<TAB>reason<TAB>original line (for " +
            "a record rejected after parsing, such as one whose windows do not fit in a long, its source " +
            "position in place of the line number: the byte offset of its line, or the generated event's index). " +
            "Without it the first few are shown on stderr; all are counted.")
    private Path deadLetter;

    int maxRecordSize()
    {
        return maxRecordSize;
    }

    /**
     * Rejects inputs that cannot be read, and a bad maximum record size, as bad arguments.
     */
    void checkInputs(final CommandLine.Model.CommandSpec spec, final List<Path> inputs)
    {
        if (maxRecordSize < 1 || maxRecordSize > 16 * 1024 * 1024)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--max-record-size must be 1 to 16777216 bytes, not " + maxRecordSize);
        }
        for (final Path input : inputs)
        {
            if (!"-".equals(input.toString()) && (!Files.isRegularFile(input) || !Files.isReadable(input)))
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "input '" + input + "' is not a readable file");
            }
        }
    }

    /**
     * @param append whether to add to an existing file (a run resuming from a checkpoint) rather than replace it.
     * @return the dead-letter file to write, or null when none was asked for.
     */
    DeadLetterFile openDeadLetters(final boolean append)
    {
        return null == deadLetter ? null : new DeadLetterFile(deadLetter, append);
    }

    /**
     * @param file the dead-letter file, or null.
     * @param err  where to show the first dead letters when there is no file.
     * @return the handler for the query.
     */
    static DeadLetterLines deadLetterHandler(final DeadLetterFile file, final PrintStream err)
    {
        return null != file ? file : new DeadLetterLog(err);
    }

    /**
     * Shows the first dead letters on standard error and counts the rest. Thread-safe.
     */
    private static final class DeadLetterLog implements DeadLetterLines
    {
        private final PrintStream err;
        private final AtomicLong shown = new AtomicLong();

        DeadLetterLog(final PrintStream err)
        {
            this.err = err;
        }

        @Override
        public void onDeadLetter(
            final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
        {
            show("line " + position, reason, buffer, index, length);
        }

        @Override
        public void onDeadLine(
            final long position, final CharSequence reason, final DirectBuffer line, final int index, final int length)
        {
            show("source position " + position, reason, line, index, length);
        }

        private void show(
            final String where, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
        {
            final long count = shown.incrementAndGet();
            if (count <= DEAD_LETTERS_SHOWN)
            {
                final byte[] bytes = new byte[Math.min(length, 120)];
                buffer.getBytes(index, bytes);
                err.println("millrace: dead letter at " + where + ": " + reason + ": " +
                    new String(bytes, StandardCharsets.UTF_8));
            }
            if (count == DEAD_LETTERS_SHOWN)
            {
                err.println("millrace: further dead letters are counted, not shown (use --dead-letter PATH)");
            }
        }
    }
}
