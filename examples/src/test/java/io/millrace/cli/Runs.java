package io.millrace.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs of the command line for the crash and fault tests: in this JVM, with arguments built from a base, over
 * generated events, and their output compared as a multiset of rows.
 */
final class Runs
{
    private Runs()
    {
    }

    /**
     * The result of a run in this JVM.
     *
     * @param exitCode its exit code.
     * @param err      what it wrote to stderr.
     */
    record Result(int exitCode, String err)
    {
    }

    /**
     * Runs the command line in this JVM, with {@code stdin} as standard input when the arguments read it.
     *
     * @param args  command line.
     * @param stdin file for standard input, or null.
     * @return exit code and stderr.
     */
    static Result inProcess(final List<String> args, final Path stdin)
    {
        final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        final int exit;
        if (args.contains("-"))
        {
            final InputStream saved = System.in;
            try (InputStream in = Files.newInputStream(stdin))
            {
                System.setIn(in);
                exit = MillraceCommand.execute(args.toArray(new String[0]), quiet, errStream);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            finally
            {
                System.setIn(saved);
            }
        }
        else
        {
            exit = MillraceCommand.execute(args.toArray(new String[0]), quiet, errStream);
        }
        return new Result(exit, err.toString(StandardCharsets.UTF_8));
    }

    static List<String> withoutJournal(final List<String> args)
    {
        final List<String> plain = new ArrayList<>(args);
        plain.remove("--journal-input");
        return plain;
    }

    /**
     * @return the arguments of the same query run as one task.
     */
    static List<String> withoutParallelism(final List<String> args)
    {
        final List<String> plain = new ArrayList<>(args);
        final int at = plain.indexOf("--parallelism");
        if (at >= 0)
        {
            plain.remove(at + 1);
            plain.remove(at);
        }
        return plain;
    }

    static List<String> with(final List<String> args, final String... more)
    {
        final List<String> all = new ArrayList<>(args);
        all.addAll(Arrays.asList(more));
        return all;
    }

    /**
     * Events {@code time,key} with times rising about 1 ms per 20 events and some disorder, so that windows close
     * throughout the run.
     */
    static void writeEvents(final Path file, final int count, final long seed) throws IOException
    {
        final Random random = new Random(seed);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            final long time = 1_000_000 + i / 20 - (random.nextInt(100) < 3 ? random.nextInt(400) : 0);
            sb.append(time).append(",key").append(random.nextInt(200)).append('\n');
        }
        Files.writeString(file, sb);
    }

    /**
     * @param directory of part files; may not exist.
     * @return every row of every part file, with how often it occurs.
     */
    static Map<String, Integer> rows(final Path directory) throws IOException
    {
        final Map<String, Integer> rows = new TreeMap<>();
        if (!Files.isDirectory(directory))
        {
            return rows;
        }
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList())
            {
                for (final String line : Files.readAllLines(file))
                {
                    rows.merge(line, 1, Integer::sum);
                }
            }
        }
        return rows;
    }

    /**
     * Compares rows as multisets and reports the difference briefly: the rows missing, and those extra or repeated.
     */
    static void assertSameRows(final Map<String, Integer> expected, final Map<String, Integer> actual, final String what)
    {
        if (expected.equals(actual))
        {
            return;
        }
        final List<String> missing = new ArrayList<>();
        final List<String> extra = new ArrayList<>();
        expected.forEach((row, count) ->
        {
            if (actual.getOrDefault(row, 0) < count)
            {
                missing.add(row);
            }
        });
        actual.forEach((row, count) ->
        {
            if (expected.getOrDefault(row, 0) < count)
            {
                extra.add(row + " x" + count);
            }
        });
        throw new AssertionError(what + ": " + expected.size() + " distinct rows expected, " + actual.size() +
            " found; " + missing.size() + " missing, e.g. " + missing.subList(0, Math.min(5, missing.size())) +
            "; " + extra.size() + " extra or repeated, e.g. " + extra.subList(0, Math.min(5, extra.size())));
    }
}
