package io.millrace.examples.nexmark;

import io.millrace.testing.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every NEXMark query through the {@code nexmark} command against {@link NexmarkModel}, row for row and in order,
 * over several seeds, sizes and event rates (so that windows, sessions and auctions close all through the stream,
 * not only at its end), with the default 4 s watermark and with none.
 */
class NexmarkQueriesTest
{
    /** {seed, rate, events}. */
    private static final long[][] RUNS = {{42, 1_000, 60_000}, {7, 10_000, 150_000}, {1, 1_000_000, 100_000},
        {99, 200, 20_000}};

    @ParameterizedTest
    @EnumSource(NexmarkQuery.class)
    void shouldWriteTheRowsTheQueryDefines(final NexmarkQuery query)
    {
        long rows = 0;
        for (final long[] run : RUNS)
        {
            for (final long delay : new long[] {4_000, 0})
            {
                final String context = query.label() + ", seed " + run[0] + ", rate " + run[1] + ", " + run[2] +
                    " events, watermark " + delay + " ms";
                final Cli.Run result = Cli.run("nexmark", "--query", query.label(), "--events", "" + run[2],
                    "--seed", "" + run[0], "--rate", "" + run[1], "--watermark", delay + "ms",
                    "--epoch-interval", "5ms", "--threading", delay == 0 ? "shared" : "dedicated");
                assertEquals(0, result.exitCode(), () -> context + ": " + result);
                final List<String> actual = lines(result.outText());
                final List<String> expected = NexmarkModel.of(run[0], run[1], run[2], delay).rows(query.label());
                if (query == NexmarkQuery.Q11)
                {
                    // Sessions closing at one watermark step come out in an order q11 leaves open.
                    actual.sort(null);
                }
                assertEquals(expected.size(), actual.size(), context + ": rows");
                for (int i = 0; i < expected.size(); i++)
                {
                    assertEquals(expected.get(i), actual.get(i), context + ": row " + i);
                }
                rows += expected.size();
            }
        }
        assertTrue(rows >= 8, query.label() + " wrote " + rows + " rows in all");
    }

    private static List<String> lines(final String text)
    {
        return text.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(text.split("\n")));
    }
}
