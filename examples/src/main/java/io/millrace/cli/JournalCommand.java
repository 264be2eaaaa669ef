package io.millrace.cli;

import io.millrace.StreamWriter;
import io.millrace.checkpoint.CheckpointException;
import io.millrace.checkpoint.EpochCut;
import io.millrace.journal.CheckpointContents;
import io.millrace.journal.CheckpointLock;
import io.millrace.journal.JournalEntry;
import io.millrace.journal.JournalScan;
import io.millrace.journal.Replay;
import io.millrace.journal.SnapshotStore;
import io.millrace.row.RowView;
import io.millrace.sink.CsvRowFormatter;
import io.millrace.sink.CsvSink;
import io.millrace.sink.PartFileSink;
import org.agrona.DirectBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code millrace journal epochs|dump|verify|replay|state}: inspect a checkpoint and re-run its epochs
 * (docs/command-line.md). None of them modifies the checkpoint.
 */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Inspect a checkpoint's journal and re-run recorded epochs; the checkpoint is only read.",
    subcommands = {
        JournalCommand.Epochs.class, JournalCommand.Dump.class, JournalCommand.Verify.class,
        JournalCommand.ReplayEpochs.class, JournalCommand.State.class})
final class JournalCommand implements Runnable
{
    @CommandLine.ParentCommand
    private MillraceCommand parent;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: epochs, dump, verify, replay or state");
    }

    /** The checkpoint option every journal command takes. */
    static final class CheckpointOption
    {
        @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
        Path directory;

        Path check(final CommandLine.Model.CommandSpec spec)
        {
            if (!Files.isDirectory(directory.resolve("journal")))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "no journal in checkpoint '" + directory + "'");
            }
            return directory;
        }
    }

    /** Base of the journal commands: access to streams and the recorded query. */
    abstract static class JournalSubcommand implements Callable<Integer>
    {
        @CommandLine.ParentCommand
        JournalCommand journal;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        CheckpointOption checkpoint;

        /**
         * Runs the command holding the checkpoint's lock, so that it reads a checkpoint no query is writing.
         */
        @Override
        public final Integer call() throws Exception
        {
            final Path directory = checkpoint.check(spec);
            try (CheckpointLock ignored = CheckpointLock.acquire(directory))
            {
                return execute();
            }
            catch (final CheckpointException ex)
            {
                err().println(spec.qualifiedName() + ": " + ex.getMessage());
                return MillraceCommand.EXIT_FAILURE;
            }
        }

        abstract Integer execute() throws Exception;

        PrintStream out()
        {
            return journal.parent.out();
        }

        PrintStream err()
        {
            return journal.parent.err();
        }

        /**
         * @return the query recorded in the checkpoint, rebuilt from its identity.
         */
        RecordedQuery recordedQuery()
        {
            final String identity = JournalScan.of(checkpoint.directory).identity();
            if (null == identity)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "checkpoint '" + checkpoint.directory + "' records no query");
            }
            return MillraceCommand.parseRecorded(identity.split("\n"), out(), err());
        }
    }

    @Command(name = "epochs", mixinStandardHelpOptions = true,
        description = "One line per recorded epoch: epoch,committed,records,first_offset,last_offset.")
    static final class Epochs extends JournalSubcommand
    {
        @Override
        Integer execute()
        {
            final JournalScan scan = JournalScan.of(checkpoint.check(spec));
            for (final EpochCut cut : scan.cuts())
            {
                out().println(cut.epoch() + "," + (null != scan.commit(cut.epoch())) + "," + cut.records() + "," +
                    cut.firstOffset() + "," + cut.lastOffset());
            }
            if (scan.damagedIndex() >= 0 && !scan.isTornTail())
            {
                err().println("millrace journal epochs: journal entry 0x" + Long.toHexString(scan.damagedIndex()) +
                    " is damaged (" + scan.damage() + "); the epochs recorded after it are not listed. Run " +
                    "'journal verify' for details.");
                return MillraceCommand.EXIT_FAILURE;
            }
            return MillraceCommand.EXIT_OK;
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Every journal entry, one per line: index (hex), type, epoch and fields; journaled records decoded with the query's schema, one RECORD line each with its offset.")
    static final class Dump extends JournalSubcommand
    {
        @Option(names = "--from-epoch", paramLabel = "A", defaultValue = "0", description = "First epoch shown.")
        long from;

        @Option(names = "--to-epoch", paramLabel = "B", defaultValue = "" + Long.MAX_VALUE,
            description = "Last epoch shown.")
        long to;

        @Override
        Integer execute()
        {
            final Path directory = checkpoint.check(spec);
            final CsvRowFormatter rows = new CsvRowFormatter(recordedQuery().inputSchema());
            final RowView view = new RowView();
            final PrintStream out = out();
            JournalScan.visit(directory, new JournalScan.Visitor()
            {
                public void onEntry(final JournalEntry entry, final long epoch)
                {
                    if (!entry.isIdentity() && (epoch < from || epoch > to))
                    {
                        return;
                    }
                    final String index = "0x" + Long.toHexString(entry.index());
                    if (entry.isIdentity())
                    {
                        out.println(index + " IDENTITY " + entry.identity().replace('\n', ' '));
                    }
                    else if (entry.isRecord())
                    {
                        if (entry.isRecordBatch())
                        {
                            out.println(index + " RECORD_BATCH epoch=" + epoch + " records=" + entry.recordCount() +
                                " first_offset=" + entry.recordOffsetOfFirst() + " source_offset=" +
                                entry.recordSourceOffset() + " line=" + entry.recordLineNumber() +
                                (entry.input() == 0 ? "" : " input=" + entry.input()));
                        }
                        while (entry.nextRecord())
                        {
                            final int length =
                                rows.format(view.wrap(entry.rowBuffer(), entry.rowOffset(), entry.rowLength()));
                            out.println(index + " RECORD epoch=" + epoch + " offset=" + entry.recordOffset() +
                                (entry.isRecordBatch() ? "" : " source_offset=" + entry.recordSourceOffset() +
                                " line=" + entry.recordLineNumber()) + " row=" +
                                rows.buffer().getStringWithoutLengthUtf8(0, length - 1));
                        }
                    }
                    else if (entry.isEpochBegin())
                    {
                        final EpochCut cut = entry.epochCut();
                        out.println(index + " EPOCH_BEGIN epoch=" + cut.epoch() + " source_offset=" +
                            cut.sourceOffset() + " line=" + cut.lineNumber() + " records=" + cut.records() +
                            " first_offset=" + cut.firstOffset() + " last_offset=" + cut.lastOffset() +
                            " end_of_input=" + cut.endOfInput() + " time=" +
                            (cut.time() == EpochCut.NO_TIME ? "unknown" : Long.toString(cut.time())) +
                            otherInputs(cut));
                    }
                    else
                    {
                        out.println(index + " EPOCH_COMMIT epoch=" + epoch + " snapshot=" +
                            directory.resolve("snapshots").relativize(new SnapshotStore(directory.resolve("snapshots"))
                                .file(epoch)) + " bytes=" + entry.commitSnapshotLength() + " crc32c=0x" +
                            Integer.toHexString(entry.commitSnapshotCrc()));
                    }
                }

                public void onDamage(final long index, final String problem)
                {
                    out.println("0x" + Long.toHexString(index) + " DAMAGED " + problem);
                }
            });
            return MillraceCommand.EXIT_OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Checks every journal entry, every kept snapshot and that the last committed epoch's " +
            "snapshot is there; exit 0 only when all are intact.")
    static final class Verify extends JournalSubcommand
    {
        @Override
        Integer execute()
        {
            final Path directory = checkpoint.check(spec);
            final List<String> problems = new ArrayList<>();
            final long[] entries = new long[1];
            JournalScan.visit(directory, new JournalScan.Visitor()
            {
                public void onEntry(final JournalEntry entry, final long epoch)
                {
                    entries[0]++;
                }

                public void onDamage(final long index, final String problem)
                {
                    problems.add("journal entry 0x" + Long.toHexString(index) + ": " + problem);
                }
            });
            final CheckpointContents contents = CheckpointContents.read(directory);
            if (contents.hasTornTail())
            {
                problems.add("the last entry is torn, as a crash in the middle of an append leaves it; the next run " +
                    "cuts it off");
            }
            for (final CheckpointException problem : contents.problems())
            {
                if (!problems.contains(problem.getMessage()))
                {
                    problems.add(problem.getMessage());
                }
            }
            final JournalScan scan = contents.scan();
            final SnapshotStore snapshots = new SnapshotStore(directory.resolve("snapshots"));
            int checked = 0;
            for (final long epoch : snapshots.epochs())
            {
                final JournalScan.CommitInfo commit = scan.commit(epoch);
                if (null == commit)
                {
                    continue;
                }
                checked++;
                final String problem = snapshots.verify(epoch, commit.snapshotLength(), commit.snapshotCrc());
                if (null != problem)
                {
                    problems.add(problem);
                }
            }
            for (final String problem : problems)
            {
                out().println("DAMAGED " + problem);
            }
            out().println((problems.isEmpty() ? "intact: " : problems.size() + " problems: ") + entries[0] +
                " entries, " + scan.cuts().size() + " epochs (" + scan.lastCommittedEpoch() + " committed), " +
                checked + " snapshots checked, " + scan.cutOff().size() + " damaged entries cut off by recovery");
            return problems.isEmpty() ? MillraceCommand.EXIT_OK : MillraceCommand.EXIT_FAILURE;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-runs recorded epochs of the checkpoint's query and writes their part files, byte-identical to the original run's, to DIR2; from the ingress journal when input was journaled.")
    static final class ReplayEpochs extends JournalSubcommand
    {
        @Option(names = "--output", required = true, paramLabel = "DIR2", description = "Directory for the part files.")
        Path output;

        @Option(names = "--from-epoch", paramLabel = "A", defaultValue = "1", description = "First epoch. Default: 1.")
        long from;

        @Option(names = "--to-epoch", paramLabel = "B", description = "Last epoch. Default: the last recorded.")
        Long to;

        @Override
        Integer execute() throws Exception
        {
            final Path directory = checkpoint.check(spec);
            if (output.toAbsolutePath().normalize().startsWith(directory.toAbsolutePath().normalize()))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--output must be outside the checkpoint");
            }
            final StreamWriter writer = recordedQuery().writer(new PartFileSink(output), DISCARD);
            final Replay replay = new Replay(directory);
            if (null != to || from > 1)
            {
                replay.epochs(from, null == to ? Long.MAX_VALUE : to);
            }
            final long[] range = replay.run(writer);
            err().println("millrace journal replay: epochs " + range[0] + ".." + range[1] + " written to " + output);
            return MillraceCommand.EXIT_OK;
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
        description = "The operator state at the end of an epoch as CSV: every window (or group) with its aggregates, as the query's rows; for a process function a row per key (key columns, value_state in hex, list_entries, map_entries, timers_pending); for a join a row per row held (side, time, matched, row). With several stateful operations each one's rows follow a line '# <operation>'.")
    static final class State extends JournalSubcommand
    {
        @Option(names = "--epoch", required = true, paramLabel = "N", description = "Recorded epoch.")
        long epoch;

        @Override
        Integer execute() throws Exception
        {
            final Path directory = checkpoint.check(spec);
            final RecordedQuery query = recordedQuery();
            final DirectBuffer snapshot = new Replay(directory)
                .stateAt(query.writer((row, e, s) -> { }, DISCARD), epoch);
            // Each stateful operation's rows apart; named when there are several.
            final Map<String, ByteArrayOutputStream> rows = new LinkedHashMap<>();
            query.writer((row, e, s) -> { }, DISCARD).writeState(snapshot, operation ->
                new CsvSink(rows.computeIfAbsent(operation, o -> new ByteArrayOutputStream()), false));
            for (final Map.Entry<String, ByteArrayOutputStream> operation : rows.entrySet())
            {
                if (rows.size() > 1)
                {
                    out().println("# " + operation.getKey());
                }
                operation.getValue().writeTo(out());
            }
            out().flush();
            return MillraceCommand.EXIT_OK;
        }
    }

    private static final DeadLetterLines DISCARD = (position, reason, buffer, index, length) -> { };

    /**
     * @return where a cut left each input after the first, as {@code input1=OFFSET/LINE ...}; empty for one input.
     */
    private static String otherInputs(final EpochCut cut)
    {
        final StringBuilder text = new StringBuilder();
        for (int input = 1; input <= cut.otherInputs().size(); input++)
        {
            final EpochCut.InputPosition at = cut.position(input);
            text.append(" input").append(input).append('=').append(at.sourceOffset()).append('/')
                .append(at.lineNumber());
        }
        return text.toString();
    }
}
