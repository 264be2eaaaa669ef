package io.millrace.testing;

import io.millrace.cli.MillraceCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the {@code millrace} command line in-process, as {@code main} would but without exiting, and keeps what
 * it writes. Shared by the examples tests.
 */
public final class Cli
{
    private Cli()
    {
    }

    /**
     * What a run of the command line did.
     *
     * @param exitCode its exit code.
     * @param out      bytes written to standard output.
     * @param err      text written to standard error.
     */
    public record Run(int exitCode, byte[] out, String err)
    {
        /**
         * @return standard output as text (the results are ASCII).
         */
        public String outText()
        {
            return new String(out, StandardCharsets.UTF_8);
        }

        @Override
        public String toString()
        {
            return "exit " + exitCode + ", " + out.length + " bytes out, stderr:\n" + err;
        }
    }

    /**
     * @param args command line.
     * @return the run.
     */
    public static Run run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8))
        {
            exitCode = MillraceCommand.execute(args, outStream, errStream);
        }
        return new Run(exitCode, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
