package io.millrace.window;

import io.millrace.OutputMode;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.reference.WindowModel;
import io.millrace.window.WindowHarness.EngineRun;
import io.millrace.window.WindowPropertyTest.Family;
import io.millrace.window.WindowPropertyTest.Input;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.millrace.window.WindowHarness.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A windowed count run as 2 to 5 tasks (more tasks than this machine's cores) writes exactly the rows of the same
 * query run as one task and of the reference {@link WindowModel}, on random seeded streams of every window family and
 * disorder: in append mode against the model, with one epoch and with epochs a millisecond apart; in update and
 * complete mode against one task's rows. Late records and dead letters are those of the model too, though a query of
 * several tasks writes each task's in turn rather than in input order.
 */
class ParallelWindowTest
{
    private static final int STREAMS_PER_FAMILY = 300;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    void shouldWriteTheRowsOfOneTaskWhateverTheParallelism(final Family family)
    {
        final WindowHarness.Disorder[] disorders = WindowHarness.Disorder.values();
        for (int i = 0; i < STREAMS_PER_FAMILY; i++)
        {
            final long seed = 3_000_000L + 1_000L * family.ordinal() + i;
            final Input input = WindowPropertyTest.input(family, disorders[i % disorders.length], seed, 3_000);
            final int parallelism = 2 + i % 4;
            final String context = input.context() + " parallelism " + parallelism;
            final WindowModel.Result model = input.spec().model().run(input.events());

            final EngineRun append = WindowHarness.runParallel(input.spec(), input.events(), OutputMode.APPEND,
                i % 2 == 0 ? WindowHarness.CONTINUOUS : Trigger.continuous(Duration.ofMillis(1)), parallelism);
            assertSameRows(model.sortedAppendRows(), sorted(append.rows()), context + ": append rows");
            assertLateMatches(context, model, append, input.events().size());
            assertEquals(0, append.progress().stateRows(), context + ": state rows after the end of input");

            final OutputMode mode = i % 3 == 0 ? OutputMode.COMPLETE : OutputMode.UPDATE;
            final Trigger trigger = mode == OutputMode.COMPLETE ? Trigger.availableNow() : WindowHarness.CONTINUOUS;
            final EngineRun one = WindowHarness.run(input.spec(), input.events(), mode, trigger, ThreadingMode.INVOKER);
            final EngineRun several = WindowHarness.runParallel(input.spec(), input.events(), mode, trigger,
                parallelism);
            assertSameRows(sorted(one.rows()), sorted(several.rows()), context + ": " + mode + " rows");
            assertEquals(one.rowEpochs().size(), several.rowEpochs().size(), context + ": " + mode + " row count");
            assertEquals(one.commits(), several.commits(), context + ": " + mode + " epochs committed");
        }
    }

    /**
     * Names the first rows that differ rather than printing thousands.
     */
    private static void assertSameRows(
        final List<WindowModel.WindowRow> expected, final List<WindowModel.WindowRow> actual, final String context)
    {
        if (expected.equals(actual))
        {
            return;
        }
        final List<WindowModel.WindowRow> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        final List<WindowModel.WindowRow> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        throw new AssertionError(context + ": " + expected.size() + " rows expected, " + actual.size() + " written; " +
            "missing " + missing.subList(0, Math.min(5, missing.size())) + ", extra " +
            extra.subList(0, Math.min(5, extra.size())));
    }

    private static void assertLateMatches(
        final String context, final WindowModel.Result model, final EngineRun engine, final int records)
    {
        assertEquals(sortedInts(model.lateRecordIndices()), sortedInts(engine.lateIndices()),
            context + ": indices of late records");
        assertEquals(model.lateRecordCount(), engine.progress().lateRecords(), context + ": late record count");
        assertEquals(model.droppedContributions(), engine.progress().droppedContributions(),
            context + ": dropped contributions");
        assertEquals(sortedInts(model.deadLetterIndices()), sortedInts(engine.deadLetters()),
            context + ": indices of dead letters");
        assertEquals(model.deadLetters().size(), engine.progress().deadLetters(), context + ": dead letter count");
        assertEquals(records, engine.progress().recordsIn(), context + ": records in");
    }

    private static List<Integer> sortedInts(final List<Integer> values)
    {
        final List<Integer> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }
}
