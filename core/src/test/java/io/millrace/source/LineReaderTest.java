package io.millrace.source;

import io.millrace.testing.ReferenceLines;
import io.millrace.testing.ReferenceLines.Line;
import io.millrace.testing.TestData;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.millrace.testing.ReferenceLines.show;
import static io.millrace.testing.TestData.concat;
import static io.millrace.testing.TestData.repeat;
import static io.millrace.testing.TestData.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LineReader} against {@link ReferenceLines}, a plain splitter written from its contract.
 */
class LineReaderTest
{
    @TempDir
    Path dir;

    /** Collects what a reader delivers, stopping a read now and then when {@code stopEvery} is positive. */
    static final class Collector implements LineReader.LineHandler
    {
        final List<Line> lines = new ArrayList<>();
        final int stopEvery;
        LineReader reader;
        boolean stopped;
        long positionAfterPrevious;

        Collector(final int stopEvery)
        {
            this.stopEvery = stopEvery;
        }

        @Override
        public boolean onLine(
            final DirectBuffer buffer, final int index, final int length, final long lineNumber, final long offset)
        {
            assertEquals(positionAfterPrevious, offset, "a line starts where the previous one ended");
            final byte[] bytes = new byte[length];
            buffer.getBytes(index, bytes);
            lines.add(new Line(lineNumber, show(bytes), false, length, reader.position()));
            positionAfterPrevious = reader.position();
            return carryOn();
        }

        @Override
        public boolean onOverlongLine(
            final DirectBuffer buffer, final int index, final int length, final long lineNumber, final long total)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(index, bytes);
            lines.add(new Line(lineNumber, show(bytes), true, total, reader.position()));
            positionAfterPrevious = reader.position();
            return carryOn();
        }

        private boolean carryOn()
        {
            stopped = stopEvery > 0 && lines.size() % stopEvery == 0;
            return !stopped;
        }
    }

    static List<Line> readAll(final List<Path> paths, final int maxLineLength, final int limit, final int stopEvery)
    {
        final Collector collector = new Collector(stopEvery);
        try (LineReader reader = new LineReader(paths, maxLineLength))
        {
            collector.reader = reader;
            int guard = 0;
            while (true)
            {
                final int before = collector.lines.size();
                final int read = reader.read(collector, limit);
                if (read == LineReader.END_OF_INPUT)
                {
                    assertEquals(before, collector.lines.size(), "END_OF_INPUT after delivering lines");
                    break;
                }
                assertEquals(collector.lines.size() - before, read, "lines returned by read");
                assertTrue(read <= limit, "read " + read + " lines with limit " + limit);
                assertTrue(read == limit || collector.stopped || read > 0,
                    "read stopped early without a reason after " + read + " lines");
                if (collector.stopped)
                {
                    assertTrue(read > 0, "a stop ends the read at the line that asked for it");
                    collector.stopped = false;
                }
                assertTrue(++guard < 10_000_000, "reader makes no progress");
            }
            // Reading on after the end keeps reporting the end.
            assertEquals(LineReader.END_OF_INPUT, reader.read(collector, limit));
            if (!collector.lines.isEmpty())
            {
                assertEquals(collector.lines.size(), reader.lineNumber());
            }
        }
        return collector.lines;
    }

    private void assertReadsLikeTheReference(final List<byte[]> inputs, final int maxLineLength)
    {
        final List<Path> paths = TestData.writeFiles(dir, inputs);
        final List<Line> expected = ReferenceLines.split(inputs, maxLineLength);
        for (final int limit : new int[]{1, 3, Integer.MAX_VALUE})
        {
            for (final int stopEvery : new int[]{0, 2})
            {
                final List<Line> actual = readAll(paths, maxLineLength, limit, stopEvery);
                assertEquals(expected.size(), actual.size(), "line count, limit " + limit + " stop " + stopEvery);
                for (int n = 0; n < expected.size(); n++)
                {
                    assertEquals(expected.get(n), actual.get(n), "line " + (n + 1) + ", limit " + limit);
                }
            }
        }
        final long total = inputs.stream().mapToLong(input -> input.length).sum();
        try (LineReader reader = new LineReader(paths, maxLineLength))
        {
            final Collector collector = new Collector(0);
            collector.reader = reader;
            while (reader.read(collector, 100) != LineReader.END_OF_INPUT)
            {
                Thread.onSpinWait();
            }
            assertEquals(total, reader.position(), "position after the last input");
        }
    }

    static Stream<Arguments> edgeCases()
    {
        final int max = 16;
        return Stream.of(
            Arguments.of("LF lines", List.of(utf8("a\nbb\nccc\n")), max),
            Arguments.of("CRLF lines", List.of(utf8("a\r\nbb\r\n\r\nccc\r\n")), max),
            Arguments.of("only one CR dropped", List.of(utf8("a\r\r\nb\r\n")), max),
            Arguments.of("CR inside a line", List.of(utf8("a\rb\nc\r\rd\n")), max),
            Arguments.of("no trailing newline", List.of(utf8("a\nlast")), max),
            Arguments.of("CR at the end of input is kept", List.of(utf8("a\nlast\r")), max),
            Arguments.of("empty file", List.of(new byte[0]), max),
            Arguments.of("only a newline", List.of(utf8("\n")), max),
            Arguments.of("empty lines", List.of(utf8("\n\n\r\n\nx\n\n")), max),
            Arguments.of("exactly max", List.of(concat(repeat(max, 'm'), utf8("\n"))), max),
            Arguments.of("exactly max at the end", List.of(repeat(max, 'm')), max),
            Arguments.of("max plus one", List.of(concat(repeat(max + 1, 'p'), utf8("\nok\n"))), max),
            Arguments.of("max plus one at the end", List.of(concat(utf8("ok\n"), repeat(max + 1, 'p'))), max),
            Arguments.of("max then CRLF", List.of(concat(repeat(max, 'm'), utf8("\r\nnext\r\n"))), max),
            Arguments.of("max then CR CRLF", List.of(concat(repeat(max, 'm'), utf8("\r\r\nnext\n"))), max),
            Arguments.of("max plus one ending in CR", List.of(concat(repeat(max, 'm'), utf8("\rx\n"))), max),
            Arguments.of("many times max", List.of(concat(repeat(7 * max + 3, 'v'), utf8("\nafter\n"))), max),
            Arguments.of("many times max, CRLF", List.of(concat(repeat(9 * max, 'v'), utf8("\r\nafter"))), max),
            Arguments.of("line longer than the read chunk", List.of(concat(utf8("x\n"), repeat(200_000, 'L'),
                utf8("\r\ny\n"))), max),
            Arguments.of("long line within one chunk", List.of(concat(repeat(3 * max, 'w'), utf8("\n"),
                repeat(max + 1, 'w'), utf8("\r\n"), repeat(max - 1, 'w'), utf8("\n"))), max),
            Arguments.of("multiple inputs", List.of(utf8("a\nb"), new byte[0], utf8("c\r\n"), utf8("\n"),
                utf8("d"), utf8("e\r"), repeat(max + 1, 'f')), max),
            Arguments.of("max of one byte", List.of(utf8("a\nbc\n\r\n\nd\r\nef")), 1),
            Arguments.of("64 KiB lines", List.of(concat(repeat(65_536, 'a'), utf8("\n"), repeat(65_537, 'b'),
                utf8("\n"), repeat(65_536, 'c'), utf8("\r\n"), repeat(65_535, 'd'), utf8("\r\n"),
                repeat(300_000, 'e'), utf8("\n"), repeat(65_537, 'f'))), 65_536));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeCases")
    @Timeout(30)
    void shouldSplitEdgeCasesLikeTheReference(final String name, final List<byte[]> inputs, final int max)
    {
        assertReadsLikeTheReference(inputs, max);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 64, 1000, 65_536})
    @Timeout(30)
    void shouldSplitRandomInputsLikeTheReference(final int maxLineLength)
    {
        final Random random = new Random(maxLineLength);
        final List<byte[]> inputs = new ArrayList<>();
        for (int f = 0; f < 6; f++)
        {
            inputs.add(TestData.randomLines(random, maxLineLength, f == 2 ? 0 : random.nextInt(150_000)));
        }
        assertReadsLikeTheReference(inputs, maxLineLength);
    }

    @Test
    void shouldReportAnInputThatCannotBeOpened()
    {
        final Path missing = dir.resolve("missing.txt");
        try (LineReader reader = new LineReader(List.of(missing), 10))
        {
            final UncheckedIOException ex = assertThrows(UncheckedIOException.class,
                () -> reader.read(new Collector(0), 10));
            assertTrue(ex.getMessage().contains("missing.txt"), ex.getMessage());
        }
    }

    @Test
    void shouldEndAtOnceWithoutInputs()
    {
        try (LineReader reader = new LineReader(List.of(), 10))
        {
            assertEquals(LineReader.END_OF_INPUT, reader.read(new Collector(0), 10));
            assertEquals(0, reader.position());
        }
        assertThrows(IllegalArgumentException.class, () -> new LineReader(List.of(), 0));
    }
}
