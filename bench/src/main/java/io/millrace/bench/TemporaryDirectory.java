package io.millrace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes the temporary checkpoint directories the journal benchmarks make.
 */
final class TemporaryDirectory
{
    private TemporaryDirectory()
    {
    }

    /**
     * @param directory to delete with everything in it.
     * @throws IOException when something cannot be deleted.
     */
    static void delete(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
