package io.millrace.cli;

import io.millrace.testing.Cli;
import io.millrace.testing.PrometheusText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --metrics-port}: a running {@code windowed-count} in a child JVM names its endpoint on stderr and serves
 * figures there that a strict reader of the Prometheus text format accepts and that move while it runs; a port in
 * use and a port out of range are refused with exit code 2, naming the problem.
 */
class MetricsCommandTest
{
    private static final Pattern ADDRESS = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldServeLiveFiguresWhileTheQueryRuns() throws Exception
    {
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand child = ChildCommand.start(stderr, null, "windowed-count", "--generate", "100m",
            "--throttle", "200000", "--window", "1s", "--epoch-interval", "200ms", "--metrics-port", "0");
        try
        {
            int port = -1;
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (port < 0)
            {
                assertTrue(child.isAlive() && System.nanoTime() < deadline, () -> "no address: " + read(stderr));
                final Matcher address = ADDRESS.matcher(read(stderr));
                if (address.find())
                {
                    port = Integer.parseInt(address.group(1));
                }
                Thread.sleep(20);
            }
            final Map<String, Map<String, Double>> first = PrometheusText.parse(PrometheusText.scrape(port));
            Thread.sleep(1_500);
            final Map<String, Map<String, Double>> later = PrometheusText.parse(PrometheusText.scrape(port));
            final double before = first.get("millrace_records_in_total").get("windowed-count");
            final double after = later.get("millrace_records_in_total").get("windowed-count");
            assertTrue(after > before + 100_000, "records in moved from " + before + " to " + after);
            assertTrue(later.get("millrace_committed_epoch").get("windowed-count") >= 3, later.toString());
            assertTrue(later.get("millrace_state_rows").get("windowed-count") > 0, later.toString());
        }
        finally
        {
            assertEquals(143, child.terminate(), () -> read(stderr));
        }
    }

    @Test
    void shouldRefuseAPortInUseAndAPortOutOfRange() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Cli.Run run = Cli.run("windowed-count", "--generate", "1k", "--window", "1s", "--metrics-port",
                "" + taken.getLocalPort());
            assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, run.exitCode(), run::toString);
            assertTrue(run.err().contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()), run.err());
        }
        final Cli.Run outOfRange = Cli.run("windowed-count", "--generate", "1k", "--window", "1s",
            "--metrics-port", "70000");
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, outOfRange.exitCode(), outOfRange::toString);
        assertTrue(outOfRange.err().contains("--metrics-port must be a port"), outOfRange.err());
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }
}
