package io.millrace.cli;

import io.millrace.StreamWriter;
import io.millrace.journal.ChronicleJournal;
import io.millrace.sink.CsvSink;
import io.millrace.sink.PartFileSink;
import io.millrace.sink.Sink;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a query command's rows go and how it survives a crash: standard output, or part files committed per epoch
 * with a checkpoint for exactly-once runs.
 */
final class DurableOutputOptions
{
    @Option(names = "--checkpoint", paramLabel = "DIR",
        description = "Checkpoint directory: journal and snapshots (needs --output). A run restarted with the same " +
            "arguments and checkpoint after a crash resumes where the last committed epoch ended; run again after " +
            "it finished, it changes nothing.")
    private Path checkpoint;

    @Option(names = "--output", paramLabel = "DIR",
        description = "Write rows to DIR/part-<epoch>.csv, each made visible atomically when its epoch commits, " +
            "instead of to stdout.")
    private Path output;

    @Option(names = "--journal-input",
        description = "Journal every input record before processing it (needs --checkpoint); an input that cannot " +
            "be read again (standard input) is always journaled when there is a checkpoint.")
    private boolean journalInput;

    /**
     * @param spec of the command, for errors.
     * @throws CommandLine.ParameterException when the options do not go together.
     */
    void check(final CommandLine.Model.CommandSpec spec)
    {
        check(spec, false, "--output DIR");
    }

    /**
     * @param spec    of the command, for errors.
     * @param toTopic whether the rows go to a Kafka topic instead, which a checkpointed run can write to.
     * @param outputs the options that can go with {@code --checkpoint}, for the error when none is given.
     * @throws CommandLine.ParameterException when the options do not go together.
     */
    void check(final CommandLine.Model.CommandSpec spec, final boolean toTopic, final String outputs)
    {
        if (journalInput && null == checkpoint)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--journal-input needs --checkpoint");
        }
        if (null != checkpoint && null == output && !toTopic)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint needs " + outputs + ": rows " +
                "written to standard output cannot be taken back after a crash, so a resumed run would repeat some " +
                "of them");
        }
    }

    /**
     * @return whether the run has a checkpoint, so resumes one when it exists.
     */
    boolean checkpointed()
    {
        return null != checkpoint;
    }

    /**
     * @return whether rows go to part files rather than standard output.
     */
    boolean toFiles()
    {
        return null != output;
    }

    /**
     * @return whether every input record is journaled.
     */
    boolean journalInput()
    {
        return journalInput;
    }

    /**
     * @param out standard output.
     * @return the sink the rows go to.
     */
    Sink sink(final PrintStream out)
    {
        return null == output ? new CsvSink(out, false) : new PartFileSink(output);
    }

    /**
     * Gives the query its checkpoint, if there is one.
     *
     * @param writer of the query.
     * @param err    where the journal reports what recovery did.
     */
    void applyCheckpoint(final StreamWriter writer, final PrintStream err)
    {
        if (null != checkpoint)
        {
            writer.checkpoint(new ChronicleJournal(checkpoint, err));
        }
    }

    /**
     * Adds these options to a query's identity (the arguments a checkpoint records).
     *
     * @param args the identity's arguments so far.
     */
    void addIdentity(final List<String> args)
    {
        if (journalInput)
        {
            args.add("--journal-input");
        }
        if (null != output)
        {
            // Where the rows go is part of the exactly-once contract: the rest of a run must land beside its start.
            args.addAll(List.of("--output", output.toAbsolutePath().normalize().toString()));
        }
    }
}
