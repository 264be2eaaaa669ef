package io.millrace.cli;

import io.millrace.examples.nexmark.NexmarkQuery;
import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code millrace nexmark}: its exit codes and messages for bad arguments, {@code --discard}'s checksum against the
 * CRC-32C of the rows it would have written, and {@code --query all}'s table.
 */
class NexmarkCommandTest
{
    @Test
    void shouldRefuseBadArgumentsWithExitCode2AndAMessageNamingTheProblem()
    {
        final List<List<String>> cases = List.of(
            List.of("--query", "q6", "--events", "10", "no NEXMark query 'q6'; the queries are q0, q1, q2, q3, q4, " +
                "q5, q7, q8, q9, q11, q18, or all"),
            List.of("--query", "q1", "--events", "-5", "'-5' is not a count"),
            List.of("--query", "q1", "--events", "1.5m", "'1.5m' is not a count"),
            List.of("--query", "q1", "--events", "10", "--rate", "0", "needs rate > 0"),
            List.of("--query", "q1", "--events", "10", "--watermark", "-1s", "--watermark"),
            List.of("--query", "q1", "--events", "10", "--epoch-interval", "0", "--epoch-interval must be positive"),
            List.of("--query", "q1", "--events", "10", "--checkpoint", "c", "--checkpoint needs --output DIR"),
            List.of("--query", "q1", "--events", "10", "--journal-input", "--journal-input needs --checkpoint"),
            List.of("--query", "q1", "--events", "10", "--discard", "--output", "o", "--discard and --output"),
            List.of("--query", "all", "--events", "10", "--output", "o", "--query all runs into a checksumming sink"),
            List.of("--query", "q1", "--events", "10", "--threading", "many", "--threading must be dedicated or shared"),
            List.of("--query", "q1", "--events", "10", "--parallelism", "0", "--parallelism must be 1 to 128 tasks: 0"),
            List.of("--query", "q1", "--events", "10", "--parallelism", "129",
                "--parallelism must be 1 to 128 tasks: 129"),
            List.of("--events", "10", "--query is needed (or --to-topic, to write the events to Kafka)"),
            List.of("--query", "q1", "--events is needed (or --input-topic, to read the events from Kafka)"),
            List.of("--query", "q1", "--events", "10", "--input-topic", "t", "--kafka-bootstrap", "h:1",
                "--events and --input-topic are two inputs: give one"),
            List.of("--to-topic", "t", "--events", "10", "--to-topic needs --kafka-bootstrap"),
            List.of("--to-topic", "t", "--events", "10", "--query", "q1", "--kafka-bootstrap", "h:1",
                "it takes no --query"),
            List.of("--query", "q1", "--events", "10", "--output-topic", "t",
                "--output-topic needs --kafka-bootstrap"));
        for (final List<String> each : cases)
        {
            final List<String> args = new java.util.ArrayList<>(List.of("nexmark"));
            args.addAll(each.subList(0, each.size() - 1));
            final Cli.Run run = Cli.run(args.toArray(new String[0]));
            assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, run.exitCode(), args + ": " + run);
            assertTrue(run.err().startsWith("millrace nexmark: ") && run.err().contains(each.get(each.size() - 1)) &&
                run.err().contains("(see millrace nexmark --help)"), args + ": " + run.err());
            assertEquals(0, run.out().length, args + ": nothing on stdout");
        }
    }

    @Test
    void shouldChecksumTheRowsItWouldHaveWritten()
    {
        for (final String query : List.of("q0", "q5", "q9", "q18"))
        {
            final String[] args = {"nexmark", "--query", query, "--events", "30k", "--rate", "2000"};
            final Cli.Run written = Cli.run(args);
            assertEquals(0, written.exitCode(), written::toString);
            final CRC32C crc = new CRC32C();
            crc.update(written.out());
            final long lines = written.outText().chars().filter(c -> c == '\n').count();
            assertTrue(lines > 0, query + " rows");

            final List<String> discarding = new java.util.ArrayList<>(List.of(args));
            discarding.add("--discard");
            final Cli.Run discarded = Cli.run(discarding.toArray(new String[0]));
            assertEquals(0, discarded.exitCode(), discarded::toString);
            assertEquals(0, discarded.out().length, "nothing written");
            assertTrue(discarded.err().contains(String.format("millrace nexmark: %s: %d rows, checksum %08x", query,
                lines, crc.getValue())), query + ": " + discarded.err());
        }
    }

    @Test
    void shouldPrintEachStatefulOperationsStateUnderItsName(@TempDir final Path dir)
    {
        final Path checkpoint = dir.resolve("checkpoint");
        final Cli.Run run = Cli.run("nexmark", "--query", "q5", "--events", "40k", "--rate", "1000", "--output",
            dir.resolve("out").toString(), "--checkpoint", checkpoint.toString(), "--epoch-interval", "20ms",
            "--throttle", "200000");
        assertEquals(0, run.exitCode(), run::toString);
        final Cli.Run state = Cli.run("journal", "state", "--checkpoint", checkpoint.toString(), "--epoch", "3");
        assertEquals(0, state.exitCode(), state::toString);
        final List<String> lines = state.outText().lines().toList();
        final String count = "# groupBy(window(date_time, 10000ms, 2000ms), auction).agg[count() as count]";
        final String process = "# keyBy[window_start].process(";
        assertEquals(count, lines.get(0), state.outText());
        final int second = lines.indexOf(lines.stream().filter(line -> line.startsWith(process)).findFirst()
            .orElseThrow());
        assertTrue(second > 1, "the count's windows come first: " + second);
        for (final String line : lines.subList(1, second))
        {
            assertTrue(line.matches("\\d+,\\d+,\\d+,\\d+"), line);
        }
    }

    @Test
    void shouldPrintTheRowsAJoinHolds(@TempDir final Path dir)
    {
        final Path checkpoint = dir.resolve("checkpoint");
        final Cli.Run run = Cli.run("nexmark", "--query", "q3", "--events", "40k", "--rate", "1000", "--output",
            dir.resolve("out").toString(), "--checkpoint", checkpoint.toString(), "--epoch-interval", "20ms",
            "--throttle", "200000");
        assertEquals(0, run.exitCode(), run::toString);
        final String[] epoch = Cli.run("journal", "epochs", "--checkpoint", checkpoint.toString()).outText()
            .lines().toList().get(2).split(",");
        final long read = Long.parseLong(epoch[4]) + 1;
        final Cli.Run state = Cli.run("journal", "state", "--checkpoint", checkpoint.toString(), "--epoch", epoch[0]);
        assertEquals(0, state.exitCode(), state::toString);

        // q3 keeps every category-10 auction (left: id, seller) and every person in OR, ID or CA (right: id, name,
        // city, state). A left row is matched once its seller has come; a right row when it came after an auction
        // of its own.
        final io.millrace.source.NexmarkGenerator generator = io.millrace.source.NexmarkGenerator.withDefaults();
        final io.millrace.row.Schema schema = io.millrace.source.NexmarkGenerator.EVENT;
        final io.millrace.row.RowWriter writer = new io.millrace.row.RowWriter(schema);
        final io.millrace.row.RowView row = new io.millrace.row.RowView();
        final java.util.Map<Long, List<Long>> auctionsBySeller = new java.util.HashMap<>();
        final java.util.Map<Long, String> persons = new java.util.HashMap<>();
        final List<String> personLines = new java.util.ArrayList<>();
        for (long i = 0; i < read; i++)
        {
            final io.millrace.source.NexmarkGenerator.Kind kind = generator.write(i, writer.reset());
            writer.view(row);
            final long id = schema.longColumn("id").get(row);
            if (kind == io.millrace.source.NexmarkGenerator.Kind.AUCTION && schema.longColumn("category").get(row) == 10)
            {
                auctionsBySeller.computeIfAbsent(schema.longColumn("seller").get(row), k -> new java.util.ArrayList<>())
                    .add(id);
            }
            else if (kind == io.millrace.source.NexmarkGenerator.Kind.PERSON &&
                List.of("OR", "ID", "CA").contains(schema.stringColumn("state").getString(row)))
            {
                final String line = id + "," + schema.stringColumn("name").getString(row) + "," +
                    schema.stringColumn("city").getString(row) + "," + schema.stringColumn("state").getString(row);
                persons.put(id, line);
                personLines.add("1,0," + auctionsBySeller.containsKey(id) + ",\"" + line + "\"");
            }
        }
        final List<String> expected = new java.util.ArrayList<>(personLines);
        auctionsBySeller.forEach((seller, ids) ->
        {
            for (final long id : ids)
            {
                expected.add("0,0," + persons.containsKey(seller) + ",\"" + id + "," + seller + "\"");
            }
        });
        final List<String> actual = new java.util.ArrayList<>(state.outText().lines().toList());
        expected.sort(null);
        actual.sort(null);
        assertTrue(expected.size() > 20, "rows held: " + expected.size());
        assertEquals(expected, actual, "the join's rows at the end of epoch " + epoch[0] + " (" + read + " events)");
    }

    @Test
    void shouldRunEveryQueryInTurnAndPrintATable()
    {
        final Cli.Run all = Cli.run("nexmark", "--query", "all", "--events", "20k", "--rate", "2000");
        assertEquals(0, all.exitCode(), all::toString);
        final String[] lines = all.outText().split("\n");
        assertTrue(lines[0].matches("query +events +rows +seconds +events/s +checksum"), lines[0]);
        assertEquals(NexmarkQuery.values().length + 1, lines.length, all.outText());
        final Pattern row = Pattern.compile("(q\\d+) +20000 +(\\d+) +[\\d.]+ +\\d+ +([0-9a-f]{8})");
        for (int i = 0; i < NexmarkQuery.values().length; i++)
        {
            final NexmarkQuery query = NexmarkQuery.values()[i];
            final Matcher matcher = row.matcher(lines[i + 1]);
            assertTrue(matcher.matches(), lines[i + 1]);
            assertEquals(query.label(), matcher.group(1));
            // The same rows and checksum as the query run on its own.
            final Cli.Run alone = Cli.run("nexmark", "--query", query.label(), "--events", "20k", "--rate", "2000",
                "--discard");
            assertTrue(alone.err().contains(query.label() + ": " + matcher.group(2) + " rows, checksum " +
                matcher.group(3)), lines[i + 1] + " vs " + alone.err());
        }
    }

    /**
     * Every query writes, as 3 tasks, exactly the rows of one task, those whose stateful operations read keyed ones
     * (q4, q5) included.
     */
    @Test
    void shouldWriteTheRowsOfOneTaskAsThreeTasks(@TempDir final Path dir) throws Exception
    {
        for (final NexmarkQuery query : NexmarkQuery.values())
        {
            final Path one = dir.resolve(query.label() + "-one");
            final Path three = dir.resolve(query.label() + "-three");
            final Cli.Run single = Cli.run("nexmark", "--query", query.label(), "--events", "40k", "--rate", "4000",
                "--epoch-interval", "10ms", "--output", one.toString());
            assertEquals(0, single.exitCode(), single::toString);
            final Cli.Run parallel = Cli.run("nexmark", "--query", query.label(), "--events", "40k", "--rate",
                "4000", "--epoch-interval", "10ms", "--output", three.toString(), "--parallelism", "3");
            assertEquals(0, parallel.exitCode(), parallel::toString);
            final java.util.Map<String, Integer> rows = Runs.rows(one);
            assertTrue(!rows.isEmpty(), query + ": rows to compare");
            assertEquals(rows, Runs.rows(three), query + ": the rows of 3 tasks");
        }
    }
}
