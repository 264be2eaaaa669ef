package io.millrace.cli;

import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code millrace wordcount} end to end through {@link MillraceCommand#execute}, on tricky generated files,
 * against a naive word counter written from docs/command-line.md: words are maximal runs of ASCII letters and digits,
 * lower-cased; lines longer than the maximum record size are dead letters and count no words.
 */
class WordCountCommandTest
{
    private static final int DEFAULT_MAX_RECORD_SIZE = 64 * 1024;
    private static final String PUNCTUATION = " \t,.;:-_'\"!?()[]{}/\\@#$%^&*+=<>|~`\0";
    private static final byte[][] UTF8 = {
        "\u00e9".getBytes(StandardCharsets.UTF_8), "\u65e5\u672c".getBytes(StandardCharsets.UTF_8),
        "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), "\u00c9t\u00e9".getBytes(StandardCharsets.UTF_8),
        "stra\u00dfe".getBytes(StandardCharsets.UTF_8)};

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------------------
    // The reference.

    /** The lines of one input: split at LF, one CR before the LF dropped. */
    static List<byte[]> lines(final byte[] input)
    {
        final List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < input.length; i++)
        {
            if (input[i] == '\n')
            {
                final int end = i > start && input[i - 1] == '\r' ? i - 1 : i;
                lines.add(Arrays.copyOfRange(input, start, end));
                start = i + 1;
            }
        }
        if (start < input.length)
        {
            lines.add(Arrays.copyOfRange(input, start, input.length));
        }
        return lines;
    }

    /** Word counts of every line no longer than {@code maxRecordSize}, in every input. */
    static Map<String, Long> referenceCounts(final List<byte[]> inputs, final int maxRecordSize)
    {
        final Map<String, Long> counts = new HashMap<>();
        for (final byte[] input : inputs)
        {
            for (final byte[] line : lines(input))
            {
                if (line.length > maxRecordSize)
                {
                    continue;
                }
                final StringBuilder word = new StringBuilder();
                for (int i = 0; i <= line.length; i++)
                {
                    final char c = i < line.length ? (char)(line[i] & 0xFF) : ' ';
                    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                    {
                        word.append(Character.toLowerCase(c));
                    }
                    else if (word.length() > 0)
                    {
                        counts.merge(word.toString(), 1L, Long::sum);
                        word.setLength(0);
                    }
                }
            }
        }
        return counts;
    }

    /** Line numbers (from 1 across inputs) of the lines longer than {@code maxRecordSize}. */
    static List<Long> referenceDeadLetterLines(final List<byte[]> inputs, final int maxRecordSize)
    {
        final List<Long> numbers = new ArrayList<>();
        long number = 0;
        for (final byte[] input : inputs)
        {
            for (final byte[] line : lines(input))
            {
                number++;
                if (line.length > maxRecordSize)
                {
                    numbers.add(number);
                }
            }
        }
        return numbers;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Timeout(120)
    void shouldCountWordsOfTrickyFilesLikeTheReference() throws IOException
    {
        final Random random = new Random(2024);
        final List<byte[]> inputs = trickyInputs(random);
        final List<Path> paths = write(inputs);
        final Path deadLetterFile = dir.resolve("dead-letters.tsv");

        final List<String> args = new ArrayList<>(List.of("wordcount", "--dead-letter", deadLetterFile.toString(),
            "--input"));
        paths.forEach(path -> args.add(path.toString()));
        final Cli.Run run = Cli.run(args.toArray(new String[0]));

        assertEquals(MillraceCommand.EXIT_OK, run.exitCode(), run.toString());
        final Map<String, Long> expected = referenceCounts(inputs, DEFAULT_MAX_RECORD_SIZE);
        assertTrue(expected.size() > 1000, "distinct words " + expected.size());
        assertEquals(expected, parseCounts(run.outText()));

        final List<Long> expectedDeadLetters = referenceDeadLetterLines(inputs, DEFAULT_MAX_RECORD_SIZE);
        assertTrue(expectedDeadLetters.size() >= 4, "dead letters " + expectedDeadLetters);
        assertEquals(expectedDeadLetters, deadLetterLineNumbers(deadLetterFile, inputs));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100, 4096})
    @Timeout(60)
    void shouldDeadLetterLinesOverASmallMaximumRecordSize(final int maxRecordSize)
    {
        final Random random = new Random(maxRecordSize);
        final List<byte[]> inputs = new ArrayList<>();
        for (int f = 0; f < 8; f++)
        {
            inputs.add(randomText(random, random.nextInt(3 * maxRecordSize + 50_000), maxRecordSize));
        }
        final List<Path> paths = write(inputs);
        final List<String> args = new ArrayList<>(List.of("wordcount", "--max-record-size",
            String.valueOf(maxRecordSize), "--input"));
        paths.forEach(path -> args.add(path.toString()));
        final Cli.Run run = Cli.run(args.toArray(new String[0]));

        assertEquals(MillraceCommand.EXIT_OK, run.exitCode(), run.toString());
        assertEquals(referenceCounts(inputs, maxRecordSize), parseCounts(run.outText()));
    }

    @Test
    @Timeout(60)
    void shouldPrintNothingForEmptyInputs()
    {
        final List<Path> paths = write(List.of(new byte[0], "\n\r\n ,;\t\n".getBytes(StandardCharsets.US_ASCII),
            new byte[]{(byte)0x80, (byte)0xC3, (byte)0xFF, '\r'}));
        final Cli.Run run = Cli.run("wordcount", "--input", paths.get(0).toString(), paths.get(1).toString(),
            paths.get(2).toString());
        assertEquals(MillraceCommand.EXIT_OK, run.exitCode(), run.toString());
        assertEquals("", run.outText());
    }

    @Test
    void shouldExitWithTwoAndOneLineWhenInputIsMissing()
    {
        assertBadArguments(Cli.run("wordcount"), "--input");
        assertBadArguments(Cli.run("wordcount", "--input"), "--input");
    }

    @Test
    void shouldExitWithTwoWhenAnInputCannotBeRead() throws IOException
    {
        final Path missing = dir.resolve("missing.txt");
        assertBadArguments(Cli.run("wordcount", "--input", missing.toString()), "missing.txt");
        final Path readable = Files.write(dir.resolve("ok.txt"), "fine\n".getBytes(StandardCharsets.US_ASCII));
        assertBadArguments(Cli.run("wordcount", "--input", readable.toString(), missing.toString()), "missing.txt");
        final Path directory = Files.createDirectory(dir.resolve("a-directory"));
        assertBadArguments(Cli.run("wordcount", "--input", directory.toString()), "a-directory");
    }

    @Test
    void shouldExitWithTwoForOtherBadArguments() throws IOException
    {
        final Path readable = Files.write(dir.resolve("ok.txt"), "fine\n".getBytes(StandardCharsets.US_ASCII));
        assertBadArguments(Cli.run("wordcount", "--input", readable.toString(), "--max-record-size", "0"),
            "--max-record-size");
        assertBadArguments(Cli.run("wordcount", "--input", readable.toString(), "--max-record-size", "many"),
            "--max-record-size");
        assertBadArguments(Cli.run("wordcount", "--input", readable.toString(), "--no-such-option"),
            "--no-such-option");
        assertBadArguments(Cli.run("no-such-command"), "no-such-command");
        assertBadArguments(Cli.run(), "command");
    }

    @Test
    void shouldPrintHelpAndExitWithZero()
    {
        final Cli.Run top = Cli.run("--help");
        assertEquals(MillraceCommand.EXIT_OK, top.exitCode(), top.toString());
        assertTrue(top.outText().contains("wordcount"), top.outText());

        final Cli.Run wordcount = Cli.run("wordcount", "--help");
        assertEquals(MillraceCommand.EXIT_OK, wordcount.exitCode(), wordcount.toString());
        assertTrue(wordcount.outText().contains("--input"), wordcount.outText());

        final Cli.Run help = Cli.run("help", "wordcount");
        assertEquals(MillraceCommand.EXIT_OK, help.exitCode(), help.toString());
        assertTrue(help.outText().contains("--input"), help.outText());
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertBadArguments(final Cli.Run run, final String mentioned)
    {
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, run.exitCode(), run.toString());
        final String reason = run.err().strip();
        assertFalse(reason.isEmpty(), "a reason on stderr");
        assertFalse(reason.contains("\n"), "one line of reason: " + reason);
        assertTrue(reason.contains(mentioned), "'" + reason + "' should mention " + mentioned);
        assertEquals("", run.outText(), "nothing on stdout");
    }

    private static Map<String, Long> parseCounts(final String out)
    {
        final Map<String, Long> counts = new HashMap<>();
        if (out.isEmpty())
        {
            return counts;
        }
        assertTrue(out.endsWith("\n"), "output ends with a newline");
        for (final String line : out.substring(0, out.length() - 1).split("\n", -1))
        {
            final int comma = line.lastIndexOf(',');
            assertTrue(comma > 0, "row 'word,count': " + line);
            assertNull(counts.put(line.substring(0, comma), Long.parseLong(line.substring(comma + 1))),
                "word twice in the output: " + line);
        }
        return counts;
    }

    private List<Long> deadLetterLineNumbers(final Path file, final List<byte[]> inputs) throws IOException
    {
        // Lines "line_number<TAB>reason<TAB>original line" (docs/command-line.md); the original bytes hold no LF.
        final List<byte[]> allLines = new ArrayList<>();
        inputs.forEach(input -> allLines.addAll(lines(input)));
        final List<Long> numbers = new ArrayList<>();
        for (final byte[] entry : lines(Files.readAllBytes(file)))
        {
            final String text = new String(entry, StandardCharsets.ISO_8859_1);
            final int firstTab = text.indexOf('\t');
            final int secondTab = text.indexOf('\t', firstTab + 1);
            assertTrue(firstTab > 0 && secondTab > firstTab, "three fields: " + text.substring(0, 80));
            final long number = Long.parseLong(text.substring(0, firstTab));
            final byte[] original = allLines.get((int)number - 1);
            final byte[] shown = Arrays.copyOfRange(entry, secondTab + 1, entry.length);
            assertTrue(shown.length > 0 && Arrays.equals(shown, Arrays.copyOf(original, shown.length)),
                "dead letter of line " + number + " shows the start of that line");
            numbers.add(number);
        }
        return numbers;
    }

    private List<Path> write(final List<byte[]> inputs)
    {
        final List<Path> paths = new ArrayList<>();
        try
        {
            for (int i = 0; i < inputs.size(); i++)
            {
                paths.add(Files.write(dir.resolve(String.format("text-%03d.txt", i)), inputs.get(i)));
            }
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        return paths;
    }

    /**
     * Many files of random text with CR, LF, tabs, UTF-8, invalid bytes; empty files; files without a trailing
     * newline; words split across files; and lines just under, at and over 64 KiB.
     */
    private static List<byte[]> trickyInputs(final Random random)
    {
        final List<byte[]> inputs = new ArrayList<>();
        for (int f = 0; f < 40; f++)
        {
            inputs.add(f % 9 == 4 ? new byte[0] : randomText(random, random.nextInt(40_000), 200));
        }
        final int max = DEFAULT_MAX_RECORD_SIZE;
        inputs.add(ascii("Hello HELLO hello\r\nhello-World_world 42 0042 A1b2C3\tword"));
        inputs.add(ascii("continued\nend of the word above is not this one"));
        inputs.add(ascii("\r\n\r\n\n\r"));
        inputs.add(new byte[]{(byte)0x80, 'a', (byte)0xFF, 'b', (byte)0xC3, (byte)0xA9, 'c', (byte)0xE6, 'd'});
        inputs.add(concat(wordsLine(random, max - 1), ascii("\n"), wordsLine(random, max), ascii("\n"),
            wordsLine(random, max), ascii("\r\n"), wordsLine(random, max + 1), ascii("\n"), ascii("after\n")));
        inputs.add(concat(wordsLine(random, max + 2), ascii("\r\n"), ascii("second line\n"),
            wordsLine(random, 70_000), ascii("\n"), wordsLine(random, 3 * max + 5), ascii("\r\n"),
            wordsLine(random, max), ascii("\r\n")));
        inputs.add(concat(repeat(60_000, 'Q'), ascii("\n"), repeat(max + 1, 'z'), ascii("\n"), ascii("tail")));
        inputs.add(concat(ascii("x\n"), wordsLine(random, max), ascii("\n"), wordsLine(random, max)));
        inputs.add(concat(wordsLine(random, 200_000)));
        inputs.add(concat(ascii("last file, no newline at all: "), UTF8[3], ascii(" ende")));
        return inputs;
    }

    /** Random text whose lines are mostly short, some near {@code longLine} bytes. */
    private static byte[] randomText(final Random random, final int size, final int longLine)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(size + 64);
        while (out.size() < size)
        {
            final int kind = random.nextInt(100);
            if (kind < 45)
            {
                final int length = 1 + random.nextInt(random.nextInt(10) == 0 ? 30 : 8);
                for (int i = 0; i < length; i++)
                {
                    out.write("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".charAt(random.nextInt(62)));
                }
            }
            else if (kind < 60)
            {
                out.write(PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
            }
            else if (kind < 66)
            {
                out.write('\n');
            }
            else if (kind < 70)
            {
                out.write('\r');
            }
            else if (kind < 72)
            {
                out.write('\r');
                out.write('\n');
            }
            else if (kind < 82)
            {
                out.writeBytes(UTF8[random.nextInt(UTF8.length)]);
            }
            else if (kind < 92)
            {
                out.write(0x80 + random.nextInt(128));
            }
            else if (kind < 93)
            {
                // A line around the maximum record size, ending with LF or CRLF.
                final byte[] line = wordsLine(random, Math.max(1, longLine - 1 + random.nextInt(3)));
                out.write('\n');
                out.writeBytes(line);
                out.writeBytes(random.nextBoolean() ? ascii("\n") : ascii("\r\n"));
            }
            else
            {
                out.write(random.nextInt(256));
            }
        }
        return out.toByteArray();
    }

    /** A line of exactly {@code length} bytes of words, spaces, punctuation and non-ASCII bytes (no CR or LF). */
    private static byte[] wordsLine(final Random random, final int length)
    {
        final byte[] line = new byte[length];
        for (int i = 0; i < length; i++)
        {
            final int kind = random.nextInt(10);
            line[i] = (byte)(kind < 7 ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                .charAt(random.nextInt(random.nextInt(4) == 0 ? 62 : 6)) : kind < 9 ? ' ' : 0x80 + random.nextInt(128));
        }
        return line;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] repeat(final int length, final char value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
