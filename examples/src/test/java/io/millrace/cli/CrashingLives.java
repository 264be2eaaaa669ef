package io.millrace.cli;

import io.millrace.internal.durable.CrashPoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs an application on one checkpoint again and again, each life ending in a crash, then once to its end: every
 * other life dies at a step of an epoch's commit (a crash point: an occurrence of the step, in turn from a list),
 * the others by SIGKILL at a random moment. For the crash tests of graph queries and of Kafka input and output.
 */
final class CrashingLives
{
    /** Kills between 0.3 and 1 s after a life starts: for applications that start reading at once. */
    static final int[] QUICK_KILLS = {300, 1_000};
    /** Kills between 1.2 and 2.2 s: for commands that connect to Kafka before they read. */
    static final int[] KAFKA_KILLS = {1_200, 2_200};

    private CrashingLives()
    {
    }

    /**
     * @param main       the application's class.
     * @param args       its arguments.
     * @param slower     arguments the crashing lives add, to read slowly enough to be crashed in the middle.
     * @param lives      how many crash.
     * @param steps      the steps aimed at, in turn.
     * @param occurrence picks the occurrence of a step to crash at.
     * @param random     for the moments of the kills.
     * @param killMillis the earliest and the latest moment of a kill after a life starts, ms.
     * @param stderr     the children's stderr, appended.
     * @throws Exception when a child cannot start, or a life or the last run fails as no crash would explain.
     */
    static void run(
        final Class<?> main,
        final List<String> args,
        final List<String> slower,
        final int lives,
        final List<String> steps,
        final java.util.function.ToIntFunction<String> occurrence,
        final Random random,
        final int[] killMillis,
        final Path stderr) throws Exception
    {
        final String[] crashing = java.util.stream.Stream.concat(args.stream(), slower.stream())
            .toArray(String[]::new);
        for (int life = 0; life < lives; life++)
        {
            final String step = steps.get(life / 2 % steps.size());
            final List<String> crashPoint = life % 2 == 0 ? List.of() :
                List.of("-Dmillrace.crash-point=" + step + ":" + occurrence.applyAsInt(step));
            final ChildCommand child = ChildCommand.startMain(main, crashPoint, stderr, null, crashing);
            if (crashPoint.isEmpty())
            {
                Thread.sleep(killMillis[0] + random.nextInt(killMillis[1] - killMillis[0]));
                child.kill();
            }
            else
            {
                final int exit = child.waitFor(60);
                assertTrue(exit == CrashPoints.EXIT_STATUS || exit == 0, () -> "crash at " + step + ": " +
                    read(stderr));
            }
        }
        final ChildCommand last = ChildCommand.startMain(main, stderr, null, args.toArray(new String[0]));
        assertEquals(0, last.waitFor(120), () -> "final run failed: " + read(stderr));
    }

    /**
     * @param file a child's stderr.
     * @return what it holds, empty when there is none.
     */
    static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }
}
