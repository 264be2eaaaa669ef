package io.millrace.cli;

import io.millrace.OutputMode;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.examples.WordCount;
import io.millrace.sink.CsvSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code millrace wordcount --input PATH...}: rows {@code word,count} at the end of input (docs/command-line.md).
 */
@Command(
    name = "wordcount",
    mixinStandardHelpOptions = true,
    description = "Counts words in text files: maximal runs of ASCII letters and digits, lower-cased. Prints rows word,count (complete mode, at the end of input) to stdout; progress to stderr.")
final class WordCountCommand implements Callable<Integer>
{
    @CommandLine.ParentCommand
    private MillraceCommand parent;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", arity = "1..*", required = true, paramLabel = "PATH",
        description = "Text files to read, in order; - for standard input.")
    private List<Path> inputs;

    @CommandLine.Mixin
    private RecordOptions records;

    @Override
    public Integer call() throws Exception
    {
        records.checkInputs(spec, inputs);
        try (DeadLetterFile deadLetters = records.openDeadLetters(false))
        {
            final StreamingQuery query = WordCount.plan(inputs, records.maxRecordSize())
                .writeStream()
                .queryName("wordcount")
                .outputMode(OutputMode.COMPLETE)
                .trigger(Trigger.availableNow())
                .sink(new CsvSink(parent.out(), false))
                .deadLetter(RecordOptions.deadLetterHandler(deadLetters, parent.err()))
                .start();
            ProgressReporter.await("wordcount", query, null, parent.err());
        }
        return MillraceCommand.EXIT_OK;
    }
}
