package io.millrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that embeds Millrace with a journal sends nothing anywhere and leaves nothing in the user's home:
 * Chronicle Queue's usage analytics, on unless a system property turns them off, are turned off by the journal
 * itself. The application here sets no property of its own, runs without the test libraries on its class path (in
 * whose presence Chronicle keeps quiet) and has a home directory of its own; the test machines
 * reach no analytics host, so an attempt to report shows on stderr as an unknown host. Nor does the library's own
 * logging print anything in an application that has no logging provider.
 */
class NothingSentTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldSendNothingAndWriteNothingOutsideTheCheckpoint() throws Exception
    {
        final Path home = dir.resolve("home");
        Files.createDirectories(home);
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand child = ChildCommand.startApplication(PublishedWindowedCount.class,
            List.of("-Duser.home=" + home), stderr, dir.resolve("checkpoint").toString(),
            dir.resolve("out").toString(), "20000");
        assertEquals(0, child.waitFor(60), () -> read(stderr));

        final String said = read(stderr);
        for (final String trace : List.of("analytics", "UnknownHost", "google", "Client id", "SLF4J"))
        {
            assertFalse(said.contains(trace), () -> "'" + trace + "' on stderr: " + said);
        }
        try (Stream<Path> files = Files.walk(home))
        {
            final List<Path> written = files.filter(Files::isRegularFile).toList();
            assertTrue(written.isEmpty(), () -> "files written to the user's home: " + written);
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
