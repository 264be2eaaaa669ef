package io.millrace.cli;

import io.millrace.reference.ModelCsv;
import io.millrace.reference.ReferenceGenerator;
import io.millrace.reference.WindowModel;
import io.millrace.reference.WindowModel.Event;
import io.millrace.reference.WindowModel.WindowRow;
import io.millrace.window.WindowHarness;
import io.millrace.window.WindowHarness.Disorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.millrace.window.WindowHarness.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code millrace windowed-count} (docs/command-line.md) against the reference window model (docs/semantics.md) and the
 * reference event generator: rows on stdout, the dead-letter file, the late-data file, and the exit code and message
 * for bad arguments. Runs the command in-process through {@link MillraceCommand#execute}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WindowedCountCommandTest
{
    @TempDir
    Path dir;

    /** What one run of the command printed and returned. */
    record Run(int exitCode, String out, String err)
    {
        List<WindowRow> rows()
        {
            return ModelCsv.parseRows(out);
        }
    }

    // ---------------------------------------------------------------- generated input

    static Stream<Arguments> generated()
    {
        final ReferenceGenerator defaults = ReferenceGenerator.defaults();
        final ReferenceGenerator small = defaults.withSeed(7).withKeys(20).withRate(10_000).withDisorder(30)
            .withMaxDelay(200);
        final ReferenceGenerator negative = defaults.withSeed(3).withKeys(3).withRate(1_000).withDisorder(50)
            .withMaxDelay(3_000).withStart(-5_000);
        return Stream.of(
            Arguments.of("defaults, 10ms windows", "--generate 20000 --window 10ms",
                defaults.generate(20_000), WindowModel.tumbling(10, 0)),
            Arguments.of("defaults, 10ms windows, one shared thread that yields when idle",
                "--generate 20000 --window 10ms --threading shared --idle yield",
                defaults.generate(20_000), WindowModel.tumbling(10, 0)),
            Arguments.of("defaults, 1ms windows, 1ms watermark", "--generate 5000 --window 1 --watermark 1",
                defaults.generate(5_000), WindowModel.tumbling(1, 1)),
            Arguments.of("defaults, seed 9, 5s windows behind a 2s watermark",
                "--generate 30000 --seed 9 --window 5s --watermark 2s",
                defaults.withSeed(9).generate(30_000), WindowModel.tumbling(5_000, 2_000)),
            Arguments.of("20 keys, 30% disorder", "--generate 5000 --seed 7 --keys 20 --rate 10000 --disorder 30 " +
                "--max-delay 200 --window 100ms --watermark 50ms",
                small.generate(5_000), WindowModel.tumbling(100, 50)),
            Arguments.of("3 keys, half disordered, negative times", "--generate 5000 --seed 3 --keys 3 --rate 1000 " +
                "--disorder 50 --max-delay 3000 --start -5000 --window 1s --watermark 1500ms",
                negative.generate(5_000), WindowModel.tumbling(1_000, 1_500)),
            Arguments.of("sliding windows", "--generate 5000 --seed 7 --keys 20 --rate 10000 --disorder 30 " +
                "--max-delay 200 --window 100ms --slide 30ms --watermark 20ms",
                small.generate(5_000), WindowModel.sliding(100, 30, 20)),
            Arguments.of("session windows", "--generate 5000 --seed 7 --keys 20 --rate 10000 --disorder 30 " +
                "--max-delay 200 --session-gap 5ms --watermark 10ms",
                small.generate(5_000), WindowModel.sessions(5, 10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generated")
    void shouldPrintTheModelsAppendRowsForGeneratedEvents(
        final String name, final String args, final List<Event> events, final WindowModel model) throws IOException
    {
        final Path late = dir.resolve("late.csv");
        final Run run = run(("windowed-count " + args + " --late-output " + late).split(" "));
        assertEquals(0, run.exitCode(), run.err());
        final WindowModel.Result expected = model.run(events);
        assertEquals(expected.sortedAppendRows(), sorted(run.rows()), "rows");
        // Generated input has no original lines: late records are written as event_time_ms,key.
        final List<String> lateLines = new ArrayList<>();
        expected.lateRecords().forEach(e -> lateLines.add(ModelCsv.eventLine(e)));
        assertEquals(lateLines, Files.readAllLines(late), "late records");
        assertTrue(run.err().contains(", " + expected.lateRecordCount() + " late"), run.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generated")
    void shouldPrintTheModelsUpdatesAndCompleteTableForGeneratedEvents(
        final String name, final String args, final List<Event> events, final WindowModel model)
    {
        final WindowModel.Result expected = model.run(events);

        final Run update = run(("windowed-count " + args + " --output-mode update").split(" "));
        assertEquals(0, update.exitCode(), update.err());
        assertEquals(WindowHarness.sortedUpdateRows(expected), sorted(update.rows()), "update rows");

        final Run complete = run(("windowed-count " + args + " --output-mode complete").split(" "));
        assertEquals(0, complete.exitCode(), complete.err());
        assertEquals(expected.completeTable(), sorted(complete.rows()), "complete table");
    }

    @Test
    void shouldPrintThePinnedFirstRowsForSeed42()
    {
        // The generator, seed 42, 4 keys, otherwise defaults: events 0..999 at 1700000000000, 1000..1999 one ms later,
        // and so on, 1% moved back up to 2 s, so behind a watermark of 0 those are late. Counts worked out with the
        // reference generator; 36 late records of 3000.
        final List<String> pinned = List.of(
            "1700000000000,1700000000001,k0,258",
            "1700000000000,1700000000001,k1,257",
            "1700000000000,1700000000001,k2,250",
            "1700000000000,1700000000001,k3,220",
            "1700000000001,1700000000002,k0,227",
            "1700000000001,1700000000002,k1,238",
            "1700000000001,1700000000002,k2,252",
            "1700000000001,1700000000002,k3,270",
            "1700000000002,1700000000003,k0,233",
            "1700000000002,1700000000003,k1,267",
            "1700000000002,1700000000003,k2,244",
            "1700000000002,1700000000003,k3,248");
        final WindowModel.Result model =
            WindowModel.tumbling(1, 0).run(ReferenceGenerator.defaults().withKeys(4).generate(3_000));
        assertEquals(pinned, ModelCsv.rowLines(model.sortedAppendRows()), "the reference generator and model");
        assertEquals(36, model.lateRecordCount());

        final Run run = run("windowed-count", "--generate", "3000", "--keys", "4", "--window", "1ms");
        assertEquals(0, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(pinned, lines.stream().sorted().toList());
        // The first window closes before the first event of the next millisecond: its rows come first.
        assertEquals(pinned.subList(0, 4), lines.subList(0, 4).stream().sorted().toList());
        assertTrue(run.err().contains("3000 records in"), run.err());
        assertTrue(run.err().contains(", 36 late"), run.err());
    }

    // ---------------------------------------------------------------- CSV input: dead letters, late records

    @Test
    void shouldWriteEachBadLineToTheDeadLetterFileAndCountTheGoodOnes() throws IOException
    {
        final String longKey = "x".repeat(257);
        // Longer than the read buffer (max record size + 64 KiB), so the reader skips it in pieces; an over-long
        // line found whole in the buffer is the next test.
        final String overlong = "1009," + "y".repeat(99_995);
        final List<String> lines = List.of(
            "1000,a",                   // 1
            "1003,b",                   // 2
            "1000,",                    // 3 empty key
            "1005," + longKey,          // 4 key of 257 bytes
            "10x7,a",                   // 5 time not a number
            ",a",                       // 6 time missing
            "1008,a,extra",             // 7 extra field
            overlong,                   // 8 100000 bytes, longer than --max-record-size 300
            "1006," + "z".repeat(256),  // 9 key of 256 bytes: good
            "",                         // 10 empty line
            "1012,a",                   // 11
            "1001,b",                   // 12 W = 1007: [1000,1010) still open
            "1025,a",                   // 13
            "0999,c",                   // 14 W = 1020: late
            "1004,b",                   // 15 late
            "1030,a");                  // 16
        final Path input = write("input.csv", String.join("\n", lines) + "\n");
        final Path deadLetters = dir.resolve("dead.tsv");
        final Path late = dir.resolve("late.csv");

        final Run run = run("windowed-count", "--input", input.toString(), "--window", "10ms", "--watermark", "5ms",
            "--max-record-size", "300", "--dead-letter", deadLetters.toString(), "--late-output", late.toString());
        assertEquals(0, run.exitCode(), run.err());

        final List<String> written = Files.readAllLines(deadLetters, StandardCharsets.UTF_8);
        final int[] badLines = {3, 4, 5, 6, 7, 8, 10};
        final String[] reasons = {"empty", "257", "not an integer", "missing", "fields", "max record size", "empty"};
        assertEquals(badLines.length, written.size(), String.join("\n", written));
        for (int i = 0; i < badLines.length; i++)
        {
            final String[] fields = written.get(i).split("\t", -1);
            assertEquals(3, fields.length, written.get(i));
            assertEquals(Integer.toString(badLines[i]), fields[0], written.get(i));
            assertTrue(fields[1].toLowerCase(Locale.ROOT).contains(reasons[i]), written.get(i));
            // Every bad line is shown as it was, the over-long one too (docs/command-line.md: the original line).
            assertEquals(lines.get(badLines[i] - 1), fields[2], "line " + badLines[i]);
        }
        assertFalse(written.get(5).split("\t")[1].contains("shown"), written.get(5));
        assertTrue(run.err().contains(", 7 dead letters"), run.err());

        final List<String> good = new ArrayList<>(lines);
        for (int i = badLines.length - 1; i >= 0; i--)
        {
            good.remove(badLines[i] - 1);
        }
        final WindowModel.Result model = WindowModel.tumbling(10, 5).run(ModelCsv.parseEvents(good));
        assertEquals(model.sortedAppendRows(), sorted(run.rows()), "rows of the good lines");
        final List<String> lateLines = new ArrayList<>();
        model.lateRecordIndices().forEach(index -> lateLines.add(good.get(index)));
        assertEquals(List.of("0999,c", "1004,b"), lateLines, "the model's late records");
        assertEquals(lateLines, Files.readAllLines(late), "late records as their original lines");
    }

    @Test
    void shouldDeadLetterAnOverlongLineFoundWholeInTheReadBuffer() throws IOException
    {
        final List<String> lines = List.of("1000,a", "1009," + "y".repeat(395), "1012,a");
        final Path input = write("input.csv", String.join("\n", lines) + "\n");
        final Path deadLetters = dir.resolve("dead.tsv");
        final Run run = run("windowed-count", "--input", input.toString(), "--window", "10ms", "--max-record-size",
            "300", "--dead-letter", deadLetters.toString());
        assertEquals(0, run.exitCode(), run.err());
        final List<String> written = Files.readAllLines(deadLetters, StandardCharsets.UTF_8);
        assertEquals(1, written.size(), String.join("\n", written));
        final String[] fields = written.get(0).split("\t", -1);
        assertEquals("2", fields[0]);
        assertTrue(fields[1].contains("max record size 300"), fields[1]);
        assertEquals(lines.get(1), fields[2], "the original line");

        // A line that would parse, but is one byte over the maximum, is bad input too.
        final Path short8 = write("short.csv", "1000,a\n1000000,a\n1012,a\n");
        final Path late = dir.resolve("late.csv");
        final Run small = run("windowed-count", "--input", short8.toString(), "--window", "10ms", "--max-record-size",
            "8", "--dead-letter", deadLetters.toString(), "--late-output", late.toString());
        assertEquals(0, small.exitCode(), small.err());
        assertEquals(List.of("1000,1010,a,1", "1010,1020,a,1"), small.out().lines().sorted().toList());
        final List<String> rejected = Files.readAllLines(deadLetters, StandardCharsets.UTF_8);
        assertEquals(1, rejected.size(), String.join("\n", rejected));
        assertTrue(rejected.get(0).startsWith("2\trecord of 9 bytes exceeds max record size 8"), rejected.get(0));
        assertTrue(rejected.get(0).endsWith("\t1000000,a"), rejected.get(0));
    }

    static Stream<Arguments> windows()
    {
        return Stream.of(
            Arguments.of("--window 50ms --watermark 20ms", WindowModel.tumbling(50, 20)),
            Arguments.of("--window 50ms --watermark 0", WindowModel.tumbling(50, 0)),
            Arguments.of("--window 60ms --slide 25ms --watermark 30ms", WindowModel.sliding(60, 25, 30)),
            Arguments.of("--window 45ms --slide 20ms --watermark 5ms", WindowModel.sliding(45, 20, 5)),
            Arguments.of("--session-gap 15ms --watermark 10ms", WindowModel.sessions(15, 10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void shouldWriteTheModelsLateRecordsAsTheirOriginalLines(final String options, final WindowModel model)
        throws IOException
    {
        final SplittableRandom random = new SplittableRandom(options.hashCode());
        final List<Event> events = new ArrayList<>();
        for (final Disorder disorder : Disorder.values())
        {
            events.addAll(WindowHarness.randomEvents(random.nextLong(), 500, 7, disorder, -1_000, 2_000));
        }
        // Times written in more than one way: leading zeros, so an original line differs from its parsed event.
        final List<String> lines = new ArrayList<>();
        for (final Event e : events)
        {
            final String time = Long.toString(Math.abs(e.time()));
            final String padded = random.nextInt(3) == 0 ? "00" + time : time;
            lines.add((e.time() < 0 ? "-" : "") + padded + "," + e.key());
        }
        final Path input = write("input.csv", String.join("\n", lines) + "\n");
        final Path late = dir.resolve("late.csv");

        final Run run = run(("windowed-count --input " + input + " " + options + " --late-output " + late).split(" "));
        assertEquals(0, run.exitCode(), run.err());
        final WindowModel.Result expected = model.run(events);
        assertEquals(expected.sortedAppendRows(), sorted(run.rows()), "rows");
        assertTrue(expected.lateRecordCount() > 10, "too few late records to compare: " + expected.lateRecordCount());
        final List<String> lateLines = new ArrayList<>();
        expected.lateRecordIndices().forEach(index -> lateLines.add(lines.get(index)));
        assertEquals(lateLines, Files.readAllLines(late), "late records as their original lines");
    }

    // ---------------------------------------------------------------- the ends of the long range

    static Stream<Arguments> longRange()
    {
        final long max = Long.MAX_VALUE;
        return Stream.of(
            Arguments.of("--window " + max, WindowModel.tumbling(max, 0)),
            Arguments.of("--window " + max + " --slide 1000000000000000000 --watermark 3",
                WindowModel.sliding(max, 1_000_000_000_000_000_000L, 3)),
            Arguments.of("--window 9000000000000000000 --slide 1000000000000000000",
                WindowModel.sliding(9_000_000_000_000_000_000L, 1_000_000_000_000_000_000L, 0)),
            Arguments.of("--session-gap " + max + " --watermark 1000", WindowModel.sessions(max, 1_000)),
            Arguments.of("--session-gap 9000000000000000000ms --watermark " + max,
                WindowModel.sessions(9_000_000_000_000_000_000L, max)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("longRange")
    void shouldMatchTheModelAndDeadLetterRecordsWhoseWindowsDoNotFitInALong(
        final String options, final WindowModel model) throws IOException
    {
        // Times near 0 and near the largest that CSV input takes (18 digits), some written with leading zeros.
        final SplittableRandom random = new SplittableRandom(options.hashCode());
        final long[] centres = {0, 999_999_999_999_999_999L, -999_999_999_999_999_999L, 223_372_036_854_775_807L};
        final List<Event> events = new ArrayList<>();
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            final long centre = centres[random.nextInt(centres.length)];
            final long t = centre == 0 ? random.nextLong(2_000) - 1_000 :
                centre - (long)Math.signum(centre) * random.nextLong(2_000);
            final Event event = new Event(t, "k" + random.nextInt(3));
            events.add(event);
            final String time = Long.toString(Math.abs(t));
            lines.add((t < 0 ? "-" : "") + (time.length() < 18 && random.nextInt(3) == 0 ? "0" : "") + time + "," +
                event.key());
        }
        final WindowModel.Result expected = model.run(events);
        assertTrue(expected.deadLetters().size() < events.size(), "every record's windows do not fit");
        final Path input = write("input.csv", String.join("\n", lines) + "\n");
        final List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (final String line : lines)
        {
            offsets.add(offset);
            offset += line.length() + 1;
        }

        final List<String> lateLines = new ArrayList<>();
        expected.lateRecordIndices().forEach(index -> lateLines.add(lines.get(index)));
        for (final boolean withLines : List.of(false, true))
        {
            final Path deadLetters = dir.resolve("dead-" + withLines + ".tsv");
            final Path late = dir.resolve("late.csv");
            final Run run = run(("windowed-count --input " + input + " " + options + " --dead-letter " + deadLetters +
                (withLines ? " --late-output " + late : "")).split(" "));
            assertEquals(0, run.exitCode(), run.err());
            assertEquals(expected.sortedAppendRows(), sorted(run.rows()), "rows");
            assertTrue(run.err().contains(", " + expected.deadLetters().size() + " dead letters, " +
                expected.lateRecordCount() + " late"), run.err());
            if (withLines)
            {
                assertEquals(lateLines, Files.readAllLines(late), "late records");
            }

            final List<String> written = Files.readAllLines(deadLetters, StandardCharsets.UTF_8);
            assertEquals(expected.deadLetters().size(), written.size(), String.join("\n", written));
            for (int i = 0; i < written.size(); i++)
            {
                final int index = expected.deadLetterIndices().get(i);
                final String[] fields = written.get(i).split("\t", -1);
                assertEquals(3, fields.length, written.get(i));
                assertEquals(Long.toString(offsets.get(index)), fields[0], "position of " + lines.get(index));
                assertTrue(fields[1].contains("range of a long"), fields[1]);
                assertEquals(withLines ? lines.get(index) : ModelCsv.eventLine(events.get(index)), fields[2]);
            }
        }
    }

    // ---------------------------------------------------------------- bad arguments

    static Stream<Arguments> badArguments()
    {
        return Stream.of(
            Arguments.of("no window option", "--generate 10"),
            Arguments.of("both --window and --session-gap", "--generate 10 --window 1s --session-gap 1s"),
            Arguments.of("--slide with --session-gap", "--generate 10 --session-gap 1s --slide 100ms"),
            Arguments.of("a duration with an unknown unit", "--generate 10 --window 10x"),
            Arguments.of("a duration that is no number", "--generate 10 --window abc"),
            Arguments.of("a negative duration", "--generate 10 --window 1s --watermark -5ms"),
            Arguments.of("a window of 0 ms", "--generate 10 --window 0"),
            Arguments.of("a slide larger than the window", "--generate 10 --window 20ms --slide 45ms"),
            Arguments.of("more windows per record than allowed", "--generate 10 --window 1h --slide 1ms"),
            Arguments.of("a window beyond a long of milliseconds", "--generate 10 --window 9223372036854775807h"),
            Arguments.of("a watermark beyond a long of milliseconds",
                "--generate 10 --window 1s --watermark 9223372036854775807s"),
            Arguments.of("generated times beyond a long", "--generate 10 --window 1s --start 9223372036854775800 --rate 1000"),
            Arguments.of("generated times moved back below a long",
                "--generate 10 --window 1s --start -9223372036854775800 --max-delay 100"),
            Arguments.of("an unknown output mode", "--generate 10 --window 1s --output-mode upsert"),
            Arguments.of("an unknown threading mode", "--generate 10 --window 1s --threading invoker"),
            Arguments.of("an unknown idle mode", "--generate 10 --window 1s --idle spin"),
            Arguments.of("no input", "--window 1s"),
            Arguments.of("both --input and --generate", "--generate 10 --input x.csv --window 1s"),
            Arguments.of("--checkpoint without --output, whose rows could repeat after a crash",
                "--generate 10 --window 1s --checkpoint " + Path.of(System.getProperty("java.io.tmpdir"),
                    "millrace-checkpoint-never-made")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void shouldExitWith2AndOneLineForBadArguments(final String name, final String args)
    {
        final Run run = run(("windowed-count " + args).split(" "));
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, run.exitCode(), run.err());
        assertEquals("", run.out());
        final List<String> errLines = run.err().lines().toList();
        assertEquals(1, errLines.size(), run.err());
        assertFalse(errLines.get(0).isBlank());
    }

    // ---------------------------------------------------------------- helpers

    private Run run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8))
        {
            exitCode = MillraceCommand.execute(args, outStream, errStream);
        }
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(final String name, final String text) throws IOException
    {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
