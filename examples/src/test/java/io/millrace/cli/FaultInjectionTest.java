package io.millrace.cli;

import io.millrace.StreamingQuery;
import io.millrace.internal.durable.CrashPoints;
import io.millrace.journal.ChronicleJournal;
import io.millrace.testing.Checkpoints;
import io.millrace.testing.Cli;
import io.millrace.testing.TwoInputQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static io.millrace.cli.Runs.with;
import static io.millrace.cli.Runs.withoutJournal;
import static io.millrace.cli.Runs.writeEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once under aimed faults: a crash at every durable step of an epoch's commit (and of a checkpoint's
 * creation), damage at random places inside every checkpoint file, truncations and deletions, a second opener, and
 * checkpoints of another format version or another output. Every case must end one of two ways: refused with a
 * message naming the problem, checkpoint and output untouched; or finished with exactly the rows of an
 * uninterrupted run. And {@code journal verify} must fail on every checkpoint that a restart refuses.
 * <p>
 * Crashes are aimed through {@link CrashPoints}: the child JVM halts, as abruptly as SIGKILL, right after the
 * chosen step. The crash-soak profile ({@code millrace.fault.soak}) damages more places per file, and aims every crash
 * at a publisher feeding several tasks too.
 */
class FaultInjectionTest
{
    private static final boolean SOAK = Boolean.getBoolean("millrace.fault.soak");
    private static final int EVENTS = 40_000;
    /** Records per second of a crashing run: about a second of input, cut into some 40 epochs. */
    private static final long THROTTLE = 40_000;
    private static final List<String> QUERY = List.of("--window", "100ms", "--watermark", "50ms");
    /** Steps every epoch passes, in order. */
    private static final List<String> EPOCH_STEPS = List.of("cut-appended", "part-written", "part-renamed",
        "snapshot-written", "snapshot-renamed", "commit-appended");
    /** Steps passed once, when a checkpoint is created. */
    private static final List<String> CREATION_STEPS = List.of("identity-appended", "checkpoint-file-written");

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** How input reaches the query. */
    enum Input
    {
        FILE, FILE_JOURNALED, STDIN, PUBLISHER,
        /** The query of two inputs ({@link TwoInputApplication}): its journal holds the batches of both. */
        TWO_INPUTS,
        /** A journaled file read by 3 tasks: an epoch commits once all three have handed it over. */
        PARALLEL,
        /** A journaled publisher feeding 3 tasks: its idle cuts publish their markers into the ring. */
        PUBLISHER_TASKS;

        boolean isPublisher()
        {
            return this == PUBLISHER || this == PUBLISHER_TASKS;
        }

        /**
         * @return the tasks the query runs as.
         */
        String tasks()
        {
            return this == PARALLEL || this == PUBLISHER_TASKS ? "3" : "1";
        }
    }

    /**
     * When in the run the step is crashed at: the third time in a run of many epochs, or in a run whose only epoch
     * is the last one (the end of input), or once (a checkpoint's creation).
     */
    enum Timing
    {
        MIDDLE, FINAL, ONCE
    }

    static Stream<Arguments> crashes()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Input input : Input.values())
        {
            if (input == Input.PUBLISHER_TASKS && !SOAK)
            {
                // Its commit steps are those of PARALLEL; what is its own, the idle cut, has cases of its own below.
                continue;
            }
            // The query of two inputs cuts epochs by time only: no run of it is one epoch long.
            final List<Timing> timings = input == Input.TWO_INPUTS ? List.of(Timing.MIDDLE) :
                List.of(Timing.MIDDLE, Timing.FINAL);
            for (final String step : EPOCH_STEPS)
            {
                for (final Timing timing : timings)
                {
                    cases.add(Arguments.of(input, step, timing));
                }
            }
            if (input != Input.FILE)
            {
                for (final Timing timing : timings)
                {
                    cases.add(Arguments.of(input, "record-appended", timing));
                }
            }
            cases.add(Arguments.of(input, "snapshot-pruned", Timing.MIDDLE));
            for (final String step : CREATION_STEPS)
            {
                cases.add(Arguments.of(input, step, Timing.ONCE));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, crash after {1}, {2}")
    @MethodSource("crashes")
    @Timeout(120)
    void shouldResumeExactlyAfterACrashAtEveryStep(final Input input, final String step, final Timing timing)
        throws Exception
    {
        final Run run = Run.of(input, timing == Timing.FINAL);
        final int occurrence = switch (step)
        {
            case "record-appended" -> timing == Timing.FINAL ? EVENTS - 1 : EVENTS / 3;
            case "snapshot-pruned", "identity-appended", "checkpoint-file-written" -> 1;
            default -> timing == Timing.FINAL ? 1 : 3;
        };
        final int crashed = run.child(List.of("-Dmillrace.crash-point=" + step + ":" + occurrence), THROTTLE);
        assertEquals(CrashPoints.EXIT_STATUS, crashed, () -> "the run did not reach " + step + " " + occurrence +
            " times: " + run.stderr());

        run.assertResumesExactly("after a crash right after " + step);

        final Map<String, String> finished = Checkpoints.hashes(run.output);
        assertEquals(0, run.restart(), run::stderr);
        assertEquals(finished, Checkpoints.hashes(run.output), "a run after the query finished changes nothing");
    }

    static Stream<Arguments> crashesBeforeTheFirstCommit()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Input input : List.of(Input.FILE_JOURNALED, Input.STDIN, Input.PUBLISHER, Input.PARALLEL))
        {
            for (final String second : List.of("record-appended:" + EVENTS / 4, "cut-appended:1", "part-written:1"))
            {
                cases.add(Arguments.of(input, second));
            }
        }
        return cases.stream();
    }

    /**
     * Two lives that end before any epoch is committed: the first right after journaling records, before any cut
     * is logged, so that the journal holds records and nothing else; the second at a later step. Each restart must
     * resume after the records the journal holds, not read its input from the start again: records journaled
     * twice are counted twice once an epoch holding both copies commits. The first life cuts no epoch before the
     * end of its input; the second cuts one every 25 ms.
     */
    @ParameterizedTest(name = "{0}, crash after record-appended, then after {1}")
    @MethodSource("crashesBeforeTheFirstCommit")
    @Timeout(120)
    void shouldResumeAfterRecordsJournaledBeforeTheFirstCut(final Input input, final String second)
        throws Exception
    {
        final Run run = Run.of(input, true);
        assertEquals(CrashPoints.EXIT_STATUS, run.child(List.of("-Dmillrace.crash-point=record-appended:" +
            EVENTS / 10), THROTTLE), () -> "the first run did not journal " + EVENTS / 10 + " records: " +
            run.stderr());
        assertTrue(Checkpoints.epochs(run.checkpoint).isEmpty(), "the first run must log no cut");
        // The second life cuts epochs every 25 ms.
        run.singleEpoch = false;
        assertEquals(CrashPoints.EXIT_STATUS, run.child(List.of("-Dmillrace.crash-point=" + second), THROTTLE),
            () -> "the second run did not reach " + second + ": " + run.stderr());

        run.assertResumesExactly("after crashes before the first commit");
    }

    static Stream<Arguments> idleCrashes()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Input input : List.of(Input.PUBLISHER, Input.PUBLISHER_TASKS))
        {
            cases.add(Arguments.of(input, "idle-cut-appended", 1));
            cases.add(Arguments.of(input, "idle-cut-appended", 3));
            for (final String step : EPOCH_STEPS)
            {
                cases.add(Arguments.of(input, step, 4));
            }
        }
        return cases.stream();
    }

    /**
     * A publisher that pauses after every few thousand events, so that the operator thread ends the epochs it
     * leaves open: a crash aimed at the journaling of such a cut, and at each step of epochs among which those are.
     */
    @ParameterizedTest(name = "idle {0}, crash after {1}:{2}")
    @MethodSource("idleCrashes")
    @Timeout(120)
    void shouldResumeExactlyAfterACrashAroundTheCutOfAnIdlePublisher(
        final Input input, final String step, final int occurrence) throws Exception
    {
        final Run run = Run.of(input, false);
        final int crashed = run.startPausing(List.of("-Dmillrace.crash-point=" + step + ":" + occurrence))
            .waitFor(90);
        assertEquals(CrashPoints.EXIT_STATUS, crashed, () -> "the run did not reach " + step + " " + occurrence +
            " times: " + run.stderr());
        run.assertResumesExactly("after a crash right after " + step);
    }

    static Stream<Arguments> damages()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Input input : List.of(Input.FILE_JOURNALED, Input.STDIN, Input.PUBLISHER, Input.TWO_INPUTS,
            Input.PARALLEL))
        {
            // A query of several tasks differs from one of one task in its snapshots and its commits' order only.
            final List<String> files = new ArrayList<>(input == Input.PARALLEL ?
                List.of("journal/*.cq4", "snapshots/newest") :
                List.of("journal/*.cq4", "journal/metadata.cq4t", "checkpoint", "snapshots/newest",
                    "snapshots/oldest"));
            if (input == Input.FILE_JOURNALED)
            {
                // The lock file is the lock's alone, whatever the input: one kind of input is enough.
                files.add("lock");
            }
            for (final String file : files)
            {
                for (final Damage damage : Damage.values())
                {
                    cases.add(Arguments.of(input, file, damage));
                }
            }
            cases.add(Arguments.of(input, "journal", Damage.DELETE));
            cases.add(Arguments.of(input, "snapshots", Damage.DELETE));
        }
        return cases.stream();
    }

    /** What is done to a file. */
    enum Damage
    {
        FLIP_BYTES, ZERO_WORD, ZERO_PAGE, TRUNCATE_90, TRUNCATE_50, ZERO_LAST_5, EMPTY, DELETE
    }

    @ParameterizedTest(name = "{0}, {1}: {2}")
    @MethodSource("damages")
    @Timeout(120)
    void shouldRefuseOrResumeExactlyWhateverIsDamaged(final Input input, final String target, final Damage damage)
        throws Exception
    {
        final Run run = Run.of(input, false);
        final Path pristineCheckpoint = run.pristineCheckpoint();
        final Path pristineOutput = run.pristineOutput();

        final int places = "journal".equals(target) || "snapshots".equals(target) ||
            damage == Damage.DELETE || damage == Damage.EMPTY || damage.name().startsWith("TRUNCATE") ? 1 :
            SOAK ? 12 : 3;
        final Random random = new Random(31L * target.hashCode() + damage.ordinal());
        int refused = 0;
        for (int place = 0; place < places; place++)
        {
            restore(pristineCheckpoint, run.checkpoint);
            restore(pristineOutput, run.output);
            final String what = damage(run.checkpoint, target, damage, random);

            final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", run.checkpoint.toString());
            final Map<String, String> damagedCheckpoint = withoutLock(Checkpoints.hashes(run.checkpoint));
            final Map<String, String> damagedOutput = Checkpoints.hashes(run.output);
            final Runs.Result restart = run.restartCapturing();
            if (restart.exitCode() == 0)
            {
                assertSameRows(run.reference(), run.rows(), "finished after " + what);
            }
            else
            {
                refused++;
                assertEquals(MillraceCommand.EXIT_FAILURE, restart.exitCode(), what + ": " + restart.err());
                assertTrue(restart.err().contains("damaged") || restart.err().contains("format version"),
                    () -> what + ": the refusal names no damage: " + restart.err());
                assertEquals(damagedCheckpoint, withoutLock(Checkpoints.hashes(run.checkpoint)),
                    what + ": a refused restart must leave the checkpoint untouched");
                assertEquals(damagedOutput, Checkpoints.hashes(run.output),
                    what + ": a refused restart must leave the output untouched");
                assertNotEquals(0, verify.exitCode(), () -> what + ": the restart was refused (" + restart.err() +
                    ") but verify passed: " + verify);
            }
        }
        if (damage == Damage.DELETE && ("journal".equals(target) || target.startsWith("journal/*")))
        {
            assertEquals(places, refused, "a checkpoint without its journal must be refused");
        }
    }

    @Test
    @Timeout(120)
    void shouldRefuseASecondOpenerAndFinishTheFirstExactly() throws Exception
    {
        final Run run = Run.of(Input.FILE_JOURNALED, false);
        final ChildCommand first = run.startChild(List.of(), THROTTLE / 4);
        final Path checkpointFile = run.checkpoint.resolve("checkpoint");
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(checkpointFile) && System.nanoTime() < deadline && first.isAlive())
        {
            Thread.sleep(10);
        }
        assertTrue(first.isAlive(), "the first run ended before the second started: " + run.stderr());

        final Runs.Result second = Runs.inProcess(run.args(), run.stdin());
        assertEquals(MillraceCommand.EXIT_FAILURE, second.exitCode(), second.err());
        assertTrue(second.err().contains("is in use by another running query"), second.err());
        final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", run.checkpoint.toString());
        assertEquals(MillraceCommand.EXIT_FAILURE, verify.exitCode(), verify::toString);
        assertTrue(verify.err().contains("in use"), verify::toString);
        final ChildCommand third = run.startChild(List.of(), 0);
        assertEquals(MillraceCommand.EXIT_FAILURE, third.waitFor(60), run::stderr);
        assertTrue(first.isAlive(), "the first run must still be running, or the test proves nothing");

        assertEquals(0, first.waitFor(60), run::stderr);
        assertSameRows(run.reference(), run.rows(), "the first run's output");
        final List<Checkpoints.EpochLine> epochs = Checkpoints.epochs(run.checkpoint);
        assertEquals(epochs.size(), epochs.stream().map(Checkpoints.EpochLine::epoch).distinct().count(),
            "each epoch is recorded once");
    }

    @Test
    @Timeout(120)
    void shouldStopAtARecordBoundaryOnSigtermAndResumeExactly() throws Exception
    {
        final Run run = Run.of(Input.FILE_JOURNALED, false);
        final ChildCommand child = run.startChild(List.of(), THROTTLE / 2);
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (child.isAlive() && System.nanoTime() < deadline && Checkpoints.countFiles(run.output) < 3)
        {
            Thread.sleep(10);
        }
        assertTrue(child.isAlive(), "the run ended before it was signalled: " + run.stderr());
        assertEquals(143, child.terminate(), run::stderr);
        assertTrue(run.stderr().contains("signal received, stopping at the next record boundary"), run::stderr);
        assertNoTemporaryFiles(run.output);
        final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", run.checkpoint.toString());
        assertEquals(0, verify.exitCode(), verify::toString);

        assertEquals(0, run.restart(), run::stderr);
        assertSameRows(run.reference(), run.rows(), "resumed after SIGTERM");
    }

    /**
     * A checkpoint on a file system that fills up: a tmpfs of 3 MiB, mounted for the test (the test machines run
     * as root), then given room.
     */
    @Test
    @Timeout(120)
    void shouldSayNoSpaceLeftAndResumeExactlyOnceThereIsRoom() throws Exception
    {
        final Path small = dir.resolve("small");
        Files.createDirectories(small);
        command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small.toString());
        try
        {
            final Path events = dir.resolve("events.csv");
            writeEvents(events, 200_000, 9);
            final List<String> base = with(List.of("windowed-count", "--input", events.toString()), "--window",
                "100ms", "--journal-input");
            final Path reference = dir.resolve("reference");
            assertEquals(0, Runs.inProcess(withoutJournal(with(base, "--output", reference.toString())), null)
                .exitCode());
            final Path output = dir.resolve("out");
            final List<String> args = with(base, "--checkpoint", small.resolve("checkpoint").toString(), "--output",
                output.toString(), "--epoch-interval", "20ms");

            final Path stderr = dir.resolve("stderr.log");
            final ChildCommand full = ChildCommand.start(stderr, null, args.toArray(new String[0]));
            assertEquals(MillraceCommand.EXIT_FAILURE, full.waitFor(60), () -> read(stderr));
            // The journal or a snapshot, whichever fills the disk first, names the device's state and the checkpoint.
            final String said = read(stderr);
            assertTrue(said.toLowerCase(java.util.Locale.ROOT).contains("no space left on device") &&
                said.contains(small.resolve("checkpoint").toString()), said);
            assertFalse(said.contains("\tat "), "no stack trace: " + said);

            command("mount", "-o", "remount,size=256m", small.toString());
            final Runs.Result resumed = Runs.inProcess(args, null);
            assertEquals(0, resumed.exitCode(), resumed.err());
            assertSameRows(rows(reference), rows(output), "resumed once the disk had room");
        }
        finally
        {
            command("umount", small.toString());
        }
    }

    private static void command(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), () -> String.join(" ", command) + " failed (the fault tests run as " +
            "root, to mount a small file system): " + said);
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Test
    @Timeout(120)
    void shouldRefuseCheckpointsOfAnotherFormatVersionNamingBoth() throws Exception
    {
        final Run run = Run.of(Input.FILE_JOURNALED, false);
        final Path pristine = run.pristineCheckpoint();
        restore(pristine, run.checkpoint);
        restore(run.pristineOutput(), run.output);

        final Path descriptor = run.checkpoint.resolve("checkpoint");
        Files.writeString(descriptor, Files.readString(descriptor).replace("format-version: 2", "format-version: 1"));
        assertRefused(run, "has format version 1; this build reads version 2");

        restore(pristine, run.checkpoint);
        // The identity entry opens the journal: type 1, format version 2, reserved, then its length.
        final Path journal = Checkpoints.journalFiles(run.checkpoint.resolve("journal")).get(0);
        final String identity = Files.readString(descriptor).split("identity:\n", 2)[1];
        final byte[] header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put((byte)1).put((byte)2)
            .putShort((short)0).putInt(identity.getBytes(StandardCharsets.UTF_8).length).array();
        final long at = Checkpoints.findOnce(journal, Checkpoints.pattern(header));
        writeAt(journal, at + 1, new byte[]{0});
        assertRefused(run, "format version 1 (written before formats carried a version); this build reads version 2");

        restore(pristine, run.checkpoint);
        final Path snapshot = newest(run.checkpoint.resolve("snapshots"));
        writeAt(snapshot, 4, new byte[]{3, 0, 0, 0});
        assertRefused(run, "format version 3; this build reads version 2");
    }

    @Test
    @Timeout(120)
    void shouldRefuseAnotherOutputAndOutputTheCheckpointHasNoRecordOf() throws Exception
    {
        final Run run = Run.of(Input.FILE_JOURNALED, false);
        restore(run.pristineCheckpoint(), run.checkpoint);
        restore(run.pristineOutput(), run.output);
        final Map<String, String> checkpoint = withoutLock(Checkpoints.hashes(run.checkpoint));
        final Path elsewhere = dir.resolve("elsewhere");
        final List<String> moved = new ArrayList<>(run.args());
        moved.set(moved.indexOf(run.output.toString()), elsewhere.toString());
        final Runs.Result other = Runs.inProcess(moved, run.stdin());
        assertEquals(MillraceCommand.EXIT_BAD_ARGUMENTS, other.exitCode(), other.err());
        assertTrue(other.err().contains("belongs to another query or other parameters"), other.err());
        assertEquals(checkpoint, withoutLock(Checkpoints.hashes(run.checkpoint)));
        assertFalse(Files.exists(elsewhere), "nothing may be written to the other output");

        // The same output with a fresh checkpoint: the parts there were cut by a run the checkpoint never saw.
        final List<String> fresh = new ArrayList<>(run.args());
        fresh.set(fresh.indexOf(run.checkpoint.toString()), dir.resolve("fresh").toString());
        final Map<String, String> output = Checkpoints.hashes(run.output);
        final Runs.Result unknown = Runs.inProcess(fresh, run.stdin());
        assertEquals(MillraceCommand.EXIT_FAILURE, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().contains("the sink already holds output of epoch"), unknown.err());
        assertEquals(output, Checkpoints.hashes(run.output));
        assertFalse(Files.exists(dir.resolve("fresh").resolve("journal")) ||
            Files.exists(dir.resolve("fresh").resolve("checkpoint")), "a refused new checkpoint is not created");

        assertEquals(0, run.restart(), run::stderr);
        assertSameRows(run.reference(), run.rows(), "resumed with the original arguments");
    }

    private void assertRefused(final Run run, final String message) throws IOException
    {
        final Map<String, String> before = withoutLock(Checkpoints.hashes(run.checkpoint));
        final Runs.Result restart = Runs.inProcess(run.args(), run.stdin());
        assertEquals(MillraceCommand.EXIT_FAILURE, restart.exitCode(), restart.err());
        assertTrue(restart.err().contains(message), () -> "expected '" + message + "' in: " + restart.err());
        assertEquals(before, withoutLock(Checkpoints.hashes(run.checkpoint)), "the checkpoint must be untouched");
        final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", run.checkpoint.toString());
        assertEquals(MillraceCommand.EXIT_FAILURE, verify.exitCode(), verify::toString);
    }

    /**
     * One query over generated events with a checkpoint and part files, run by each kind of input, and the rows of
     * the same query run once without a checkpoint.
     */
    private static final class Run
    {
        private static final Map<Input, Run> RUNS = new java.util.EnumMap<>(Input.class);

        final Path checkpoint;
        final Path output;
        private final Path events;
        private final Path reference;
        private final Path stderr;
        private final Path pristine;
        private final Input input;
        private boolean singleEpoch;

        /**
         * @return the run of this input, made once per test class (with its reference rows), its checkpoint and
         *         output removed.
         */
        static Run of(final Input input, final boolean singleEpoch) throws Exception
        {
            Run run = RUNS.get(input);
            if (null == run)
            {
                run = new Run(shared.resolve(input.name()), input);
                RUNS.put(input, run);
            }
            run.singleEpoch = singleEpoch;
            Checkpoints.deleteTree(run.checkpoint);
            Checkpoints.deleteTree(run.output);
            Files.deleteIfExists(run.stderr);
            return run;
        }

        private Run(final Path dir, final Input input) throws Exception
        {
            Files.createDirectories(dir);
            this.input = input;
            this.events = dir.resolve("events.csv");
            this.checkpoint = dir.resolve("checkpoint");
            this.output = dir.resolve("out");
            this.reference = dir.resolve("reference");
            this.stderr = dir.resolve("stderr.log");
            this.pristine = dir.resolve("pristine");
            writeEvents(events, EVENTS, 5);
            if (input.isPublisher())
            {
                // The reference runs as one task, whatever the input's parallelism.
                final ChildCommand once = ChildCommand.startMain(PublishedWindowedCount.class, stderr, null, "-",
                    reference.toString(), "" + EVENTS);
                assertEquals(0, once.waitFor(60), this::stderr);
            }
            else if (input == Input.TWO_INPUTS)
            {
                final ChildCommand once = ChildCommand.startMain(TwoInputApplication.class, stderr, null, "-",
                    reference.toString(), "" + EVENTS);
                assertEquals(0, once.waitFor(60), this::stderr);
            }
            else
            {
                // The reference runs as one task, whatever the input's parallelism.
                final Runs.Result once = Runs.inProcess(
                    withoutJournal(with(Runs.withoutParallelism(base()), "--output", reference.toString())), events);
                assertEquals(0, once.exitCode(), once.err());
            }
        }

        /**
         * @return a copy of the checkpoint of a run that crashed right after committing its sixth epoch, with
         *         input journaled after it; made once.
         */
        Path pristineCheckpoint() throws Exception
        {
            makePristine();
            return pristine.resolve("checkpoint");
        }

        /**
         * @return a copy of the output of that run.
         */
        Path pristineOutput() throws Exception
        {
            makePristine();
            return pristine.resolve("out");
        }

        private void makePristine() throws Exception
        {
            if (Files.isDirectory(pristine))
            {
                return;
            }
            assertEquals(CrashPoints.EXIT_STATUS, child(List.of("-Dmillrace.crash-point=commit-appended:6"),
                THROTTLE), this::stderr);
            Files.createDirectories(pristine);
            Checkpoints.copy(checkpoint, pristine.resolve("checkpoint"));
            Checkpoints.copy(output, pristine.resolve("out"));
        }

        Map<String, Integer> reference() throws IOException
        {
            return rowsOf(reference);
        }

        /**
         * Restarts the query and checks how it ends: finished, with exactly the rows of an uninterrupted run, no
         * temporary part file left, and a checkpoint that {@code journal verify} passes.
         *
         * @param what happened before, for the messages.
         */
        void assertResumesExactly(final String what) throws Exception
        {
            assertEquals(0, restart(), this::stderr);
            assertSameRows(reference(), rows(), what);
            assertNoTemporaryFiles(output);
            final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
            assertEquals(0, verify.exitCode(), verify::toString);
        }

        /**
         * @return the rows of the part files written so far.
         */
        Map<String, Integer> rows() throws IOException
        {
            return rowsOf(output);
        }

        /**
         * @return the rows of the part files under a directory: for the query of two inputs, both outputs' rows,
         *         each marked with its output.
         */
        private Map<String, Integer> rowsOf(final Path directory) throws IOException
        {
            if (input != Input.TWO_INPUTS)
            {
                return Runs.rows(directory);
            }
            final Map<String, Integer> rows = new TreeMap<>();
            for (final String result : List.of(TwoInputApplication.JOINED, TwoInputApplication.COUNTED))
            {
                Runs.rows(directory.resolve(result)).forEach((row, times) -> rows.put(result + ": " + row, times));
            }
            return rows;
        }

        /**
         * @return the arguments of a restart: epochs of 25 ms, so that epochs are due while a restart replays.
         */
        List<String> args()
        {
            return args("25ms");
        }

        private List<String> args(final String epochInterval)
        {
            return with(base(), "--output", output.toString(), "--checkpoint", checkpoint.toString(),
                "--epoch-interval", epochInterval);
        }

        Path stdin()
        {
            return input == Input.STDIN ? events : null;
        }

        /**
         * @param jvmOptions of the child.
         * @param throttle   records per second, 0 for as fast as it goes.
         * @return the child's exit code.
         */
        int child(final List<String> jvmOptions, final long throttle) throws Exception
        {
            return startChild(jvmOptions, throttle, singleEpoch).waitFor(90);
        }

        ChildCommand startChild(final List<String> jvmOptions, final long throttle) throws IOException
        {
            return startChild(jvmOptions, throttle, singleEpoch);
        }

        private ChildCommand startChild(final List<String> jvmOptions, final long throttle, final boolean oneEpoch)
            throws IOException
        {
            if (input.isPublisher())
            {
                return ChildCommand.startMain(PublishedWindowedCount.class, jvmOptions, stderr, null,
                    checkpoint.toString(), output.toString(), "" + EVENTS,
                    throttle > 0 ? "" + throttle / 1000 : "" + Long.MAX_VALUE, oneEpoch ? "3600000" : "25", "0",
                    input.tasks());
            }
            if (input == Input.TWO_INPUTS)
            {
                return ChildCommand.startMain(TwoInputApplication.class, jvmOptions, stderr, null,
                    checkpoint.toString(), output.toString(), "" + EVENTS, "" + throttle);
            }
            // The epoch interval is not part of the query's identity: a run of one epoch, the last, can be resumed
            // by a restart that cuts epochs every 25 ms.
            final List<String> args = args(oneEpoch ? "1h" : "25ms");
            if (throttle > 0)
            {
                args.addAll(List.of("--throttle", "" + throttle));
            }
            return ChildCommand.startMain(MillraceCommand.class, jvmOptions, stderr, stdin(),
                args.toArray(new String[0]));
        }

        /**
         * @return a publisher's run, offering as fast as it can but pausing for four epochs after every eighth of
         *         the events.
         */
        ChildCommand startPausing(final List<String> jvmOptions) throws IOException
        {
            return ChildCommand.startMain(PublishedWindowedCount.class, jvmOptions, stderr, null,
                checkpoint.toString(), output.toString(), "" + EVENTS, "" + Long.MAX_VALUE, "25", "" + EVENTS / 8,
                input.tasks());
        }

        /**
         * @return the exit code of the same run started again, in this JVM: only a crash needs a child of its own,
         *         and a child's start is much of a case's time.
         */
        int restart() throws Exception
        {
            final Runs.Result result = restartCapturing();
            Files.writeString(stderr, result.err(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
            return result.exitCode();
        }

        /**
         * @return how a restart in this JVM ended, with what it wrote to stderr (for an application, as its main
         *         runs it: its message on failure, exit status 1).
         */
        Runs.Result restartCapturing() throws Exception
        {
            if (input.isPublisher())
            {
                final ByteArrayOutputStream err = new ByteArrayOutputStream();
                try (PrintStream log = new PrintStream(err, true, StandardCharsets.UTF_8))
                {
                    final int exitCode = PublishedWindowedCount.run(new String[] {checkpoint.toString(),
                        output.toString(), "" + EVENTS, "" + Long.MAX_VALUE, "20", "0", input.tasks()}, log);
                    return new Runs.Result(exitCode, err.toString(StandardCharsets.UTF_8));
                }
            }
            if (input != Input.TWO_INPUTS)
            {
                return Runs.inProcess(args(), stdin());
            }
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (PrintStream log = new PrintStream(err, true, StandardCharsets.UTF_8))
            {
                final StreamingQuery query = TwoInputQuery.writer(
                    output.resolve(TwoInputApplication.JOINED), output.resolve(TwoInputApplication.COUNTED), EVENTS)
                    .checkpoint(new ChronicleJournal(checkpoint, log)).start();
                query.awaitTermination();
                return new Runs.Result(query.isFinished() ? 0 : MillraceCommand.EXIT_FAILURE,
                    err.toString(StandardCharsets.UTF_8));
            }
            catch (final RuntimeException ex)
            {
                return new Runs.Result(MillraceCommand.EXIT_FAILURE,
                    err.toString(StandardCharsets.UTF_8) + ex.getMessage());
            }
        }

        String stderr()
        {
            try
            {
                return Files.exists(stderr) ? Files.readString(stderr) : "";
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        private List<String> base()
        {
            final List<String> args = new ArrayList<>(List.of("windowed-count", "--input",
                input == Input.STDIN ? "-" : events.toString()));
            args.addAll(QUERY);
            if (input == Input.FILE_JOURNALED || input == Input.PARALLEL)
            {
                args.add("--journal-input");
            }
            if (input == Input.PARALLEL)
            {
                args.addAll(List.of("--parallelism", "3"));
            }
            return args;
        }
    }

    /**
     * Damages a file (or directory) of a checkpoint.
     *
     * @return what was done, for messages.
     */
    private static String damage(final Path checkpoint, final String target, final Damage damage, final Random random)
        throws IOException
    {
        final Path path = resolve(checkpoint, target);
        if (Files.isDirectory(path))
        {
            Checkpoints.deleteTree(path);
            return "deleted " + target;
        }
        final long length = Files.size(path);
        // Damage "in the middle" means in the written part of a file Chronicle sized ahead of its contents.
        final long used = Math.max(1, path.toString().endsWith(".cq4") ? Checkpoints.dataLength(path) : length);
        switch (damage)
        {
            case FLIP_BYTES ->
            {
                final long at = (long)(random.nextDouble() * used);
                Checkpoints.flipByte(path, at);
                return target + ": byte " + at + " of " + used + " flipped";
            }
            case ZERO_WORD ->
            {
                final long at = Math.max(0, (long)(random.nextDouble() * used) & ~3L);
                writeAt(path, at, new byte[(int)Math.min(4, length - at)]);
                return target + ": 4 bytes at " + at + " of " + used + " zeroed";
            }
            case ZERO_PAGE ->
            {
                final long at = Math.max(0, (long)(random.nextDouble() * used) & ~4095L);
                writeAt(path, at, new byte[(int)Math.min(4096, length - at)]);
                return target + ": 4 KiB page at " + at + " of " + used + " zeroed";
            }
            case TRUNCATE_90, TRUNCATE_50 ->
            {
                final long keep = used * (damage == Damage.TRUNCATE_90 ? 90 : 50) / 100;
                try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
                {
                    file.setLength(keep);
                }
                return target + ": cut to " + keep + " of " + used + " bytes";
            }
            case ZERO_LAST_5 ->
            {
                final long from = used * 95 / 100;
                writeAt(path, from, new byte[(int)(used - from)]);
                return target + ": last " + (used - from) + " of " + used + " bytes zeroed";
            }
            case EMPTY ->
            {
                Files.write(path, new byte[0]);
                return target + ": emptied";
            }
            default ->
            {
                Files.delete(path);
                return target + ": deleted";
            }
        }
    }

    private static Path resolve(final Path checkpoint, final String target) throws IOException
    {
        if ("journal/*.cq4".equals(target))
        {
            return Checkpoints.journalFiles(checkpoint.resolve("journal")).get(0);
        }
        if (target.startsWith("snapshots/"))
        {
            try (Stream<Path> files = Files.list(checkpoint.resolve("snapshots")))
            {
                final List<Path> sorted = files.sorted().toList();
                return "snapshots/newest".equals(target) ? sorted.get(sorted.size() - 1) : sorted.get(0);
            }
        }
        return checkpoint.resolve(target);
    }

    private static Path newest(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    private static void writeAt(final Path path, final long at, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.seek(at);
            file.write(bytes);
        }
    }

    private static void restore(final Path pristine, final Path target) throws IOException
    {
        Checkpoints.deleteTree(target);
        Checkpoints.copy(pristine, target);
    }

    /** The lock file carries nothing; a run that finds it deleted makes it again. */
    private static Map<String, String> withoutLock(final Map<String, String> hashes)
    {
        hashes.remove("lock");
        return hashes;
    }

    private static void assertNoTemporaryFiles(final Path output) throws IOException
    {
        try (Stream<Path> files = Files.list(output))
        {
            assertFalse(files.anyMatch(file -> file.getFileName().toString().startsWith(".")),
                "no temporary part file may remain");
        }
    }
}
