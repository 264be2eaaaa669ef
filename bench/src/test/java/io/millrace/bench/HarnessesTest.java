package io.millrace.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HarnessesTest
{
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRunThroughputWithIdenticalOutputAcrossRuns()
    {
        final String out = capture(() -> assertEquals(0, ThroughputHarness.run(
            new String[]{"--events", "300k", "--runs", "2", "--window", "100ms", "--watermark", "50ms"})));
        assertTrue(out.contains("output identical across runs"), out);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRunThroughputWithSessionWindows()
    {
        final String out = capture(() -> assertEquals(0, ThroughputHarness.run(
            new String[]{"--events", "100k", "--runs", "1", "--session-gap", "10ms", "--watermark", "0"})));
        assertTrue(out.contains("run 1: 100,000 events"), out);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMeasureLatencyAndWriteTheDistribution(final @org.junit.jupiter.api.io.TempDir Path dir)
    {
        final Path hgrm = dir.resolve("latency.hgrm");
        final String out = capture(() -> assertEquals(0, LatencyHarness.run(new String[]{"--rate", "20k",
            "--seconds", "1", "--warmup-seconds", "0", "--window", "1s", "--hgrm", hgrm.toString()})));
        assertTrue(out.contains("rows at the sink 20,000 of 20,000 offered"), out);
        assertTrue(out.contains("(20,000 samples"), out);
        assertTrue(Files.exists(hgrm), out);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMeasureLatencyWithoutAnOperatorThread()
    {
        final String out = capture(() -> assertEquals(0, LatencyHarness.run(new String[]{"--rate", "20k",
            "--seconds", "1", "--warmup-seconds", "1", "--window", "1s", "--threading", "invoker"})));
        assertTrue(out.contains("rows at the sink 40,000 of 40,000 offered"), out);
        assertTrue(out.contains("(20,000 samples"), out);
        assertTrue(out.contains("noise: the offering thread, spinning between records, was stopped"), out);
        assertStageMeasured(out, "service time, ring to sink");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMeasureLatencyWithTheJournalOn()
    {
        final String out = capture(() -> assertEquals(0, LatencyHarness.run(new String[]{"--rate", "20k",
            "--seconds", "1", "--warmup-seconds", "1", "--window", "1s", "--journal"})));
        assertTrue(out.contains("journal on"), out);
        assertTrue(out.contains("rows at the sink 40,000 of 40,000 offered"), out);
        assertTrue(out.contains("(20,000 samples"), out);
        assertTrue(out.contains("noise: a probe thread, spinning 1 ms in every 10, was stopped"), out);
        assertStageMeasured(out, "service time, ring to sink");
    }

    /** The stage's line gives a count of occurrences, and percentiles. */
    private static void assertStageMeasured(final String out, final String stage)
    {
        assertTrue(java.util.regex.Pattern.compile("(?m)^  " + java.util.regex.Pattern.quote(stage) +
            ".* n=[1-9][0-9]* p50=\\S+ p99=\\S+ p99.9=\\S+ max=\\S+$").matcher(out).find(), out);
    }

    @Test
    void shouldRefuseTheJournalWithoutThreadsOfItsOwn()
    {
        assertEquals(2, LatencyHarness.run(new String[]{"--journal", "--threading", "invoker"}));
    }

    @Test
    void shouldPrintHelpAndRejectBadArguments()
    {
        assertTrue(capture(() -> assertEquals(0, LatencyHarness.run(new String[]{"--help"}))).contains("--rate"));
        assertTrue(capture(() -> assertEquals(0, ThroughputHarness.run(new String[]{"-h"}))).contains("--runs"));
        assertEquals(2, ThroughputHarness.run(new String[]{"--session-gap", "1s", "--slide", "1s"}));
        assertTrue(capture(() -> assertEquals(0, KafkaThroughputHarness.run(new String[]{"--help"})))
            .contains("--bootstrap"));
        assertEquals(2, KafkaThroughputHarness.run(new String[]{"--events", "10"}));
        assertEquals(2, KafkaThroughputHarness.run(new String[]{"--bootstrap", "127.0.0.1:1", "--engines", "flink"}));
        assertEquals(2, LatencyHarness.run(new String[]{"--rate", "fast"}));
        assertTrue(capture(() -> assertEquals(0, KafkaLatencyHarness.run(new String[]{"--help"})))
            .contains("--delivery"));
        assertEquals(2, KafkaLatencyHarness.run(new String[]{"--rate", "10"}));
        assertEquals(2, KafkaLatencyHarness.run(new String[]{"--bootstrap", "127.0.0.1:1", "--delivery",
            "exactly-once,best-effort"}));
    }

    private static String capture(final Runnable action)
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            action.run();
        }
        finally
        {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
