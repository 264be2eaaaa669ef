package io.millrace.cli;

import io.millrace.journal.Replay;
import io.millrace.testing.TwoInputQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.millrace.testing.PartFiles.assertSameParts;
import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once through crashes for a query of two inputs ({@link TwoInputApplication}): a child JVM running it dies
 * again and again — at random moments, and at the steps of an epoch's commit (a batch of one input journaled, a cut
 * logged, a part renamed, a snapshot written) — and is restarted on the same checkpoint; each output's part files
 * must then hold exactly an uninterrupted run's rows, and a replay of the journal must write them byte for byte
 * again.
 */
class TwoInputCrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("millrace.crash.kills", 5);
    private static final String EVENTS = "60000";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void shouldNeitherLoseNorDuplicateTheRowsOfEitherInputWhenKilledAndRestarted() throws Exception
    {
        final Path reference = dir.resolve("reference");
        final Path stderr = dir.resolve("stderr.log");
        final ChildCommand once = ChildCommand.startMain(TwoInputApplication.class, stderr, null,
            "-", reference.toString(), EVENTS);
        assertEquals(0, once.waitFor(120), () -> "uninterrupted run failed: " + CrashingLives.read(stderr));

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final Random random = new Random(43);
        CrashingLives.run(TwoInputApplication.class, List.of(checkpoint.toString(), output.toString(), EVENTS),
            List.of("40000"), KILLS, List.of("record-appended", "cut-appended", "part-renamed", "snapshot-written"),
            step -> step.equals("record-appended") ? 2_000 + random.nextInt(20_000) : 2 + random.nextInt(8), random,
            CrashingLives.QUICK_KILLS, stderr);

        for (final String result : List.of(TwoInputApplication.JOINED, TwoInputApplication.COUNTED))
        {
            final Map<String, Integer> expected = rows(reference.resolve(result));
            assertTrue(expected.size() > 100, result + " rows: " + expected.size());
            assertSameRows(expected, rows(output.resolve(result)), result + " after " + KILLS + " kills");
        }

        final Path replayed = dir.resolve("replayed");
        new Replay(checkpoint).run(TwoInputQuery.writer(replayed.resolve(TwoInputApplication.JOINED),
            replayed.resolve(TwoInputApplication.COUNTED), Integer.parseInt(EVENTS)));
        for (final String result : List.of(TwoInputApplication.JOINED, TwoInputApplication.COUNTED))
        {
            assertSameParts(output.resolve(result), replayed.resolve(result));
        }
    }
}
