package io.millrace.cli;

import io.millrace.journal.JournalScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code windowed-count --input -} reading standard input that stays open without sending more: the epochs still
 * end on time, so the windows the input closed are committed to part files while the writer is silent; the
 * epoch after, holding nothing, is not cut, so nothing more is journaled; and closing standard input ends the run
 * with every window written once.
 */
class StandardInputCommandTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldCommitEpochsWhileStandardInputIsOpenAndSilent() throws Exception
    {
        final Path output = dir.resolve("out");
        final ChildCommand child = ChildCommand.start(dir.resolve("stderr"), null, "windowed-count", "--input", "-",
            "--window", "100ms", "--watermark", "0", "--checkpoint", dir.resolve("checkpoint").toString(),
            "--output", output.toString(), "--epoch-interval", "100ms");
        final OutputStream stdin = child.input();
        stdin.write("1000,a\n1050,a\n1300,b\n1310,c\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        // [1000, 1100) closed as the watermark passed 1100 (before 1310,c); standard input stays open, silent.
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!rows(output).contains("1000,1100,a,2"))
        {
            assertTrue(child.isAlive(), "the command ended early: " + Files.readString(dir.resolve("stderr")));
            assertTrue(System.nanoTime() < deadline, "no part file while standard input was silent; have " +
                rows(output) + "; stderr: " + Files.readString(dir.resolve("stderr")));
            Thread.sleep(20);
        }
        // The epoch after it holds nothing: while standard input stays silent no epoch is cut, so nothing more is
        // journaled.
        final Path checkpoint = dir.resolve("checkpoint");
        Thread.sleep(300); // the commit of the part's epoch follows its part, on the committer thread
        final long entries = JournalScan.of(checkpoint).entries();
        Thread.sleep(800);
        assertEquals(entries, JournalScan.of(checkpoint).entries(), "an idle query journals nothing");
        stdin.write("1400,a\n".getBytes(StandardCharsets.US_ASCII));
        stdin.close();
        assertEquals(0, child.waitFor(60), Files.readString(dir.resolve("stderr")));
        final List<String> rows = rows(output);
        rows.sort(null);
        assertEquals(List.of("1000,1100,a,2", "1300,1400,b,1", "1300,1400,c,1", "1400,1500,a,1"), rows);
    }

    private static List<String> rows(final Path output) throws IOException
    {
        final List<String> rows = new ArrayList<>();
        if (!Files.isDirectory(output))
        {
            return rows;
        }
        try (Stream<Path> parts = Files.list(output))
        {
            for (final Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted()
                .toList())
            {
                rows.addAll(Files.readAllLines(part));
            }
        }
        return rows;
    }
}
