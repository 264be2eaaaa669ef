package io.millrace.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads the part files a query wrote ({@code part-<epoch, 10 digits>.csv}), for the recovery and replay tests.
 */
public final class PartFiles
{
    private PartFiles()
    {
    }

    /**
     * @param directory an output directory.
     * @return its part files in epoch order (temporary files left out).
     */
    public static List<Path> parts(final Path directory)
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().matches("part-\\d+\\.csv")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param directory an output directory.
     * @return the rows of all its part files, in epoch order and in order within each.
     */
    public static List<String> rowsInOrder(final Path directory)
    {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        try
        {
            for (final Path part : parts(directory))
            {
                all.write(Files.readAllBytes(part));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final String text = all.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    /**
     * @param directory an output directory.
     * @return the rows of all its part files, sorted.
     */
    public static List<String> sortedRows(final Path directory)
    {
        final List<String> rows = new ArrayList<>(rowsInOrder(directory));
        Collections.sort(rows);
        return rows;
    }

    /**
     * Checks that a replay wrote the same part files, byte for byte.
     *
     * @param original the run's output directory.
     * @param replayed the replay's.
     */
    public static void assertSameParts(final Path original, final Path replayed)
    {
        final List<Path> parts = parts(original);
        assertEquals(parts.stream().map(Path::getFileName).toList(),
            parts(replayed).stream().map(Path::getFileName).toList(), "part files of " + original);
        try
        {
            for (final Path part : parts)
            {
                assertArrayEquals(Files.readAllBytes(part), Files.readAllBytes(replayed.resolve(part.getFileName())),
                    part + " replayed");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
