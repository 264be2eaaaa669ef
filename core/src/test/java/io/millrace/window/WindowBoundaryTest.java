package io.millrace.window;

import io.millrace.OutputMode;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.reference.WindowModel;
import io.millrace.reference.WindowModel.Emission;
import io.millrace.reference.WindowModel.Event;
import io.millrace.reference.WindowModel.WindowRow;
import io.millrace.window.WindowHarness.EngineRun;
import io.millrace.window.WindowHarness.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.millrace.window.WindowHarness.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The boundary cases of docs/semantics.md worked out by hand in {@code WindowModelTest}, run through the engine: each
 * case states the rows, the step at which each closes (before which record, or at the end of input), the late
 * records and the dropped contributions, and the engine must produce exactly those in every output mode.
 */
class WindowBoundaryTest
{
    /**
     * One hand-worked case.
     *
     * @param name      what it shows.
     * @param spec      window and watermark delay.
     * @param events    the input.
     * @param emissions each row and the record before which it closes ({@code events.size()}: end of input).
     * @param late      indices of the late records.
     * @param dropped   dropped contributions.
     */
    record Case(String name, Spec spec, List<Event> events, List<Emission> emissions, List<Integer> late, long dropped)
    {
        @Override
        public String toString()
        {
            return name + " " + spec;
        }
    }

    static Stream<Case> cases()
    {
        return Stream.of(
            new Case("record exactly at a window end starts the next window", Spec.tumbling(10, 0),
                events(0, "a", 9, "a", 10, "a"),
                List.of(at(3, 0, 10, "a", 2), at(3, 10, 20, "a", 1)), List.of(), 0),
            new Case("watermark exactly at a window end closes it; the record after is late", Spec.tumbling(10, 0),
                events(5, "a", 10, "a", 9, "a"),
                List.of(at(2, 0, 10, "a", 1), at(3, 10, 20, "a", 1)), List.of(2), 1),
            new Case("watermark one below the end keeps the window open", Spec.tumbling(10, 1),
                events(5, "a", 10, "a", 9, "a"),
                List.of(at(3, 0, 10, "a", 2), at(3, 10, 20, "a", 1)), List.of(), 0),
            new Case("negative times use floor alignment; a never-opened closed window makes a record late",
                Spec.tumbling(10, 5), events(-1, "a", -10, "a", -11, "a", 0, "a"),
                List.of(at(4, -10, 0, "a", 2), at(4, 0, 10, "a", 1)), List.of(2), 1),
            new Case("delay 0 and duplicate timestamps: a record at the watermark is on time", Spec.tumbling(10, 0),
                events(10, "a", 10, "a", 10, "b", 9, "a"),
                List.of(at(4, 10, 20, "a", 2), at(4, 10, 20, "b", 1)), List.of(3), 1),
            new Case("the watermark follows the maximum, not the last record", Spec.tumbling(10, 0),
                events(25, "a", 3, "a", 4, "a"),
                List.of(at(3, 20, 30, "a", 1)), List.of(1, 2), 2),
            new Case("append emits each window once when its watermark arrives", Spec.tumbling(10, 2),
                events(1, "a", 11, "a", 12, "a", 13, "a", 25, "a"),
                List.of(at(3, 0, 10, "a", 1), at(5, 10, 20, "a", 3), at(5, 20, 30, "a", 1)), List.of(), 0),
            new Case("end of input closes everything", Spec.tumbling(10, 1000),
                events(0, "a", 25, "b", 50, "a", 5, "c"),
                List.of(at(4, 0, 10, "a", 1), at(4, 0, 10, "c", 1), at(4, 20, 30, "b", 1), at(4, 50, 60, "a", 1)),
                List.of(), 0),
            new Case("late for some sliding windows but not others", Spec.sliding(10, 5, 0),
                events(12, "a", 15, "a", 11, "a"),
                List.of(at(2, 5, 15, "a", 1), at(3, 10, 20, "a", 3), at(3, 15, 25, "a", 1)), List.of(), 1),
            new Case("late for all of its sliding windows", Spec.sliding(10, 5, 0),
                events(3, "a", 20, "a", 8, "a"),
                List.of(at(2, -5, 5, "a", 1), at(2, 0, 10, "a", 1), at(3, 15, 25, "a", 1), at(3, 20, 30, "a", 1)),
                List.of(2), 2),
            new Case("slide not dividing the size, negative times", Spec.sliding(10, 4, 0),
                events(9, "a", 0, "a", -1, "b"),
                List.of(at(3, 0, 10, "a", 2), at(3, 4, 14, "a", 1), at(3, 8, 18, "a", 1)), List.of(2), 4),
            new Case("slide not dividing the size, nothing closes before the end", Spec.sliding(10, 4, 100),
                events(9, "a", 0, "a", -1, "b"),
                List.of(at(3, -8, 2, "a", 1), at(3, -4, 6, "a", 1), at(3, 0, 10, "a", 2), at(3, 4, 14, "a", 1),
                    at(3, 8, 18, "a", 1), at(3, -8, 2, "b", 1), at(3, -4, 6, "b", 1)), List.of(), 0),
            new Case("a session bridges two open sessions", Spec.sessions(10, 100),
                events(0, "a", 15, "a", 8, "a"),
                List.of(at(3, 0, 25, "a", 3)), List.of(), 0),
            new Case("sessions that only touch do not merge; a record overlapping two merges them",
                Spec.sessions(10, 100), events(0, "a", 10, "a", 20, "a", 19, "a"),
                List.of(at(4, 0, 10, "a", 1), at(4, 10, 30, "a", 3)), List.of(), 0),
            new Case("touching sessions stay three", Spec.sessions(10, 100),
                events(0, "a", 10, "a", 20, "a"),
                List.of(at(3, 0, 10, "a", 1), at(3, 10, 20, "a", 1), at(3, 20, 30, "a", 1)), List.of(), 0),
            new Case("sessions are per key", Spec.sessions(10, 100),
                events(0, "a", 5, "b", 3, "a"),
                List.of(at(3, 0, 13, "a", 2), at(3, 5, 15, "b", 1)), List.of(), 0),
            new Case("late at the exact boundary next to a closed session", Spec.sessions(10, 0),
                events(0, "a", 20, "a", 10, "a", 11, "a"),
                List.of(at(2, 0, 10, "a", 1), at(4, 11, 30, "a", 2)), List.of(2), 1),
            new Case("a closed session is never reopened", Spec.sessions(10, 0),
                events(0, "a", 10, "a", 5, "a"),
                List.of(at(2, 0, 10, "a", 1), at(3, 5, 20, "a", 2)), List.of(), 0),
            new Case("a session closes when the watermark equals its end", Spec.sessions(5, 3),
                events(0, "a", 8, "a", 1, "a"),
                List.of(at(2, 0, 5, "a", 1), at(3, 1, 6, "a", 1), at(3, 8, 13, "a", 1)), List.of(), 0),
            new Case("sessions with negative times", Spec.sessions(10, 0),
                events(-5, "a", -20, "a", -14, "a"),
                List.of(at(3, -14, 5, "a", 2)), List.of(1), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldCloseEachWindowBeforeTheRecordTheModelSays(final Case c)
    {
        final WindowModel.Result model = c.spec().model().run(c.events());
        assertEquals(sortedEmissions(c.emissions()), sortedEmissions(model.emissions()), "the model disagrees");

        final EngineRun engine =
            WindowHarness.runStepwise(c.spec(), c.events(), OutputMode.APPEND, WindowHarness.CONTINUOUS);
        for (int step = 0; step <= c.events().size(); step++)
        {
            assertEquals(rowsClosedBefore(c.emissions(), step), sorted(engine.steps().get(step)),
                "rows written while processing " + (step == c.events().size() ? "the end of input" : "record " + step));
        }
        assertEquals(c.late(), engine.lateIndices());
        assertEquals(c.late().size(), engine.progress().lateRecords());
        assertEquals(c.dropped(), engine.progress().droppedContributions());
        WindowHarness.assertAppendMatches(c.toString(), c.events(), model, engine);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldUpdateEachWindowAsItChangesAndEndWithItsAppendRow(final Case c)
    {
        final WindowModel.Result model = c.spec().model().run(c.events());
        final EngineRun engine = WindowHarness.run(
            c.spec(), c.events(), OutputMode.UPDATE, WindowHarness.CONTINUOUS, ThreadingMode.INVOKER);
        assertEquals(WindowHarness.sortedUpdateRows(model), sorted(engine.rows()), "update rows");
        assertEquals(model.lastUpdateRows(), engine.lastRowPerWindow(), "last update of each window");
        for (final WindowRow appended : appendRows(c.emissions()))
        {
            assertEquals(appended.count(), lastCount(engine.rows(), appended), "last update of " + appended);
        }
        WindowHarness.assertLateMatches(c.toString(), c.events(), model, engine);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldWriteTheWholeTableInCompleteMode(final Case c)
    {
        final WindowModel.Result model = c.spec().model().run(c.events());
        final EngineRun engine = WindowHarness.run(
            c.spec(), c.events(), OutputMode.COMPLETE, Trigger.availableNow(), ThreadingMode.INVOKER);
        assertEquals(sorted(appendRows(c.emissions())), engine.lastEpochRows(), "complete table");
        assertEquals(model.completeTable(), engine.lastEpochRows(), "model's complete table");
        WindowHarness.assertLateMatches(c.toString(), c.events(), model, engine);
    }

    @Test
    void shouldCloseNothingBeforeTheEndWhenTheDelayExceedsEveryTime()
    {
        // W = max - delay is below every window end, however negative the times: it must not wrap around to a
        // huge watermark that closes everything. (The model refuses such arithmetic, so this is worked by hand.)
        final List<Event> events = events(-5, "a", -3, "a", -1_000_000_000_000L, "b", 100, "a");
        for (final Spec spec : List.of(Spec.tumbling(10, Long.MAX_VALUE), Spec.sessions(10, Long.MAX_VALUE)))
        {
            final EngineRun engine =
                WindowHarness.run(spec, events, OutputMode.APPEND, WindowHarness.CONTINUOUS, ThreadingMode.INVOKER);
            final List<WindowRow> expected = spec.kind() == WindowModel.Kind.TUMBLING ?
                List.of(new WindowRow(-1_000_000_000_000L, -999_999_999_990L, "b", 1),
                    new WindowRow(-10, 0, "a", 2), new WindowRow(100, 110, "a", 1)) :
                List.of(new WindowRow(-1_000_000_000_000L, -999_999_999_990L, "b", 1),
                    new WindowRow(-5, 7, "a", 2), new WindowRow(100, 110, "a", 1));
            assertEquals(expected, sorted(engine.rows()), spec.toString());
            assertEquals(List.of(), engine.lateIndices(), spec.toString());
            assertEquals(0, engine.progress().droppedContributions(), spec.toString());
        }
    }

    private static List<Event> events(final Object... timesAndKeys)
    {
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < timesAndKeys.length; i += 2)
        {
            events.add(new Event(((Number)timesAndKeys[i]).longValue(), (String)timesAndKeys[i + 1]));
        }
        return events;
    }

    private static Emission at(final int closedBefore, final long start, final long end, final String key, final long count)
    {
        return new Emission(closedBefore, new WindowRow(start, end, key, count));
    }

    private static List<WindowRow> appendRows(final List<Emission> emissions)
    {
        final List<WindowRow> rows = new ArrayList<>();
        for (final Emission emission : emissions)
        {
            rows.add(emission.row());
        }
        return rows;
    }

    private static List<WindowRow> rowsClosedBefore(final List<Emission> emissions, final int step)
    {
        final List<WindowRow> rows = new ArrayList<>();
        for (final Emission emission : emissions)
        {
            if (emission.closedBefore() == step)
            {
                rows.add(emission.row());
            }
        }
        return sorted(rows);
    }

    private static List<String> sortedEmissions(final List<Emission> emissions)
    {
        final List<String> text = new ArrayList<>();
        for (final Emission emission : emissions)
        {
            text.add(emission.closedBefore() + ":" + emission.row());
        }
        text.sort(null);
        return text;
    }

    private static long lastCount(final List<WindowRow> rows, final WindowRow window)
    {
        long count = -1;
        for (final WindowRow row : rows)
        {
            if (row.id().equals(window.id()))
            {
                count = row.count();
            }
        }
        return count;
    }
}
