package io.millrace.cli;

import io.millrace.DeadLetterHandler;
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
        description = "File for records that cannot be processed: line_number<TAB>reason<TAB>original line. " +
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
    DeadLetterHandler deadLetterHandler(final DeadLetterFile file, final PrintStream err)
    {
        if (null != file)
        {
            return file;
        }
        final AtomicLong shown = new AtomicLong();
        return (position, reason, buffer, index, length) ->
        {
            final long count = shown.incrementAndGet();
            if (count <= DEAD_LETTERS_SHOWN)
            {
                final byte[] bytes = new byte[Math.min(length, 120)];
                buffer.getBytes(index, bytes);
                err.println("millrace: dead letter at line " + position + ": " + reason + ": " +
                    new String(bytes, StandardCharsets.UTF_8));
            }
            if (count == DEAD_LETTERS_SHOWN)
            {
                err.println("millrace: further dead letters are counted, not shown (use --dead-letter PATH)");
            }
        };
    }
}
