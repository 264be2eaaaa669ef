package io.millrace.window;

import io.millrace.OutputMode;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.reference.ReferenceGenerator;
import io.millrace.reference.WindowModel;
import io.millrace.reference.WindowModel.Event;
import io.millrace.reference.WindowModel.WindowId;
import io.millrace.reference.WindowModel.WindowRow;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import io.millrace.window.WindowHarness.Disorder;
import io.millrace.window.WindowHarness.EngineRun;
import io.millrace.window.WindowHarness.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.millrace.window.WindowHarness.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property tests: the engine's windowed count equals the reference {@link WindowModel} (docs/semantics.md) on thousands
 * of random seeded streams: every family of window (tumbling, sliding with a slide that divides the size or not,
 * sessions), watermark delays of zero and more, times in order, jittered, uniformly
 * scattered, drawn from a handful of values, or jumping; one key or many; around zero, negative, or epoch-sized.
 * <p>
 * Every stream runs in append mode, and in turn in update mode (continuous trigger), complete mode (available
 * now) or record by record, where the rows written while each record is processed must be those the model closes
 * just before it. A failure names the family, the seed and the input (first 60 events).
 */
class WindowPropertyTest
{
    private static final int STREAMS_PER_CASE = 120;
    private static final int EPOCH_STREAMS_PER_FAMILY = 40;

    /** Cuts an epoch before (nearly) every record offered. */
    private static final Trigger EVERY_RECORD = Trigger.processingTime(Duration.ofNanos(1));

    /** The families of windows; each seed draws a concrete window and delay from its family. */
    enum Family
    {
        TUMBLING, SLIDING_DIVIDING, SLIDING_NOT_DIVIDING, SESSIONS
    }

    /** One random stream and its windows. */
    record Input(String context, Spec spec, List<Event> events)
    {
    }

    static Stream<Arguments> familiesAndDisorders()
    {
        final List<Arguments> arguments = new ArrayList<>();
        for (final Family family : Family.values())
        {
            for (final Disorder disorder : Disorder.values())
            {
                arguments.add(Arguments.of(family, disorder));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("familiesAndDisorders")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMatchTheModelOnRandomStreams(final Family family, final Disorder disorder)
    {
        for (int i = 0; i < STREAMS_PER_CASE; i++)
        {
            final long seed = 1_000L * (family.ordinal() * 10 + disorder.ordinal()) + i;
            final Input input = input(family, disorder, seed, 3_000);
            final WindowModel.Result model = input.spec().model().run(input.events());

            final EngineRun append = WindowHarness.run(input.spec(), input.events(), OutputMode.APPEND,
                WindowHarness.CONTINUOUS, ThreadingMode.INVOKER);
            WindowHarness.assertAppendMatches(input.context(), input.events(), model, append);

            switch (i % 3)
            {
                case 0: assertUpdatesMatch(input, model); break;
                case 1: assertCompleteMatches(input, model); break;
                default: assertClosingStepsMatch(input, model);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMatchTheModelOnLargeStreamsWithRealThreads(final Family family)
    {
        final Disorder[] disorders = Disorder.values();
        for (int i = 0; i < 2; i++)
        {
            final long seed = 900_000L + 10L * family.ordinal() + i;
            final Disorder disorder = disorders[(family.ordinal() + i) % disorders.length];
            final Input input = input(family, disorder, seed, 0);
            final List<Event> events = WindowHarness.randomEvents(seed, 40_000, 1 + (int)(seed % 300), disorder,
                -20_000, 200_000);
            final String context = family + " " + disorder + " seed " + seed + " " + input.spec();
            final WindowModel.Result model = input.spec().model().run(events);

            final EngineRun dedicated = WindowHarness.run(input.spec(), events, OutputMode.APPEND,
                Trigger.continuous(Duration.ofMillis(5)), ThreadingMode.DEDICATED);
            WindowHarness.assertAppendMatches(context + " DEDICATED", events, model, dedicated);

            final EngineRun published = WindowHarness.runPublished(input.spec(), events, OutputMode.APPEND,
                Trigger.continuous(Duration.ofMillis(5)));
            WindowHarness.assertAppendMatches(context + " published", events, model, published);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMatchTheModelInSharedThreadingMode()
    {
        final Spec spec = Spec.sliding(1_000, 300, 250);
        final List<Event> events = WindowHarness.randomEvents(77, 20_000, 50, Disorder.JITTER, -50_000, 100_000);
        final WindowModel.Result model = spec.model().run(events);
        final EngineRun shared = WindowHarness.run(spec, events, OutputMode.APPEND,
            Trigger.continuous(Duration.ofMillis(2)), ThreadingMode.SHARED);
        WindowHarness.assertAppendMatches("SHARED " + spec, events, model, shared);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMatchTheModelOverTheEventGeneratorOfSection8(final Family family)
    {
        final int n = 30_000;
        final long seed = 42 + family.ordinal();
        final Spec spec = switch (family)
        {
            case TUMBLING -> Spec.tumbling(10, 0);
            case SLIDING_DIVIDING -> Spec.sliding(20, 5, 3);
            case SLIDING_NOT_DIVIDING -> Spec.sliding(10, 4, 1);
            case SESSIONS -> Spec.sessions(1, 0);
        };
        final List<Event> events = ReferenceGenerator.defaults().withSeed(seed).withKeys(20).withRate(2_000)
            .withDisorder(20).withMaxDelay(40).generate(n);
        final WindowModel.Result model = spec.model().run(events);
        assertTrue(model.lateRecordCount() > 0, "no late record to compare");

        final EventGenerator generator = new EventGenerator(seed, 20, 2_000, 20, 40, EventGenerator.START_DEFAULT);
        final EngineRun engine = WindowHarness.run(spec, new GeneratorSource(generator, n), OutputMode.APPEND,
            WindowHarness.CONTINUOUS, ThreadingMode.INVOKER);
        final String context = "generated seed " + seed + " " + spec;
        assertEquals(model.sortedAppendRows(), sorted(engine.rows()), context + ": append rows");
        assertEquals(model.lateRecords(), engine.lateEvents(), context + ": late records");
        assertEquals(model.lateRecordCount(), engine.progress().lateRecords(), context + ": late record count");
        assertEquals(model.droppedContributions(), engine.progress().droppedContributions(),
            context + ": dropped contributions");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldUpdateOncePerEpochWithCountsTheModelReached(final Family family)
    {
        for (int i = 0; i < 4; i++)
        {
            final long seed = 500_000L + 10L * family.ordinal() + i;
            final Input input = input(family, Disorder.values()[i], seed, 5_000);
            final WindowModel.Result model = input.spec().model().run(input.events());
            final EngineRun engine = WindowHarness.run(input.spec(), input.events(), OutputMode.UPDATE,
                Trigger.processingTime(Duration.ofNanos(20_000)), ThreadingMode.INVOKER);
            final String context = input.context() + " processingTime";

            final Map<WindowId, Set<Long>> reached = new HashMap<>();
            for (final WindowModel.Update update : model.updates())
            {
                reached.computeIfAbsent(update.row().id(), id -> new HashSet<>()).add(update.row().count());
            }
            final Map<WindowId, Long> previous = new HashMap<>();
            final Map<WindowId, Long> previousEpoch = new HashMap<>();
            for (int r = 0; r < engine.rows().size(); r++)
            {
                final WindowRow row = engine.rows().get(r);
                final long epoch = engine.rowEpochs().get(r);
                assertTrue(reached.getOrDefault(row.id(), Set.of()).contains(row.count()),
                    context + ": " + row + " is not a count the model's window reached");
                final Long before = previous.put(row.id(), row.count());
                assertTrue(null == before || before < row.count(), context + ": " + row + " after count " + before);
                final Long beforeEpoch = previousEpoch.put(row.id(), epoch);
                assertTrue(null == beforeEpoch || beforeEpoch < epoch, context + ": " + row + " twice in an epoch");
            }
            final Map<WindowId, Long> last = new HashMap<>();
            for (final WindowRow row : engine.lastRowPerWindow())
            {
                last.put(row.id(), row.count());
            }
            for (final WindowRow appended : model.appendRows())
            {
                assertEquals(appended.count(), last.get(appended.id()), context + ": last update of " + appended);
            }
            WindowHarness.assertLateMatches(context, input.events(), model, engine);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldWriteTheTableSoFarAtEveryEpochInCompleteMode(final Family family)
    {
        for (int i = 0; i < EPOCH_STREAMS_PER_FAMILY; i++)
        {
            final long seed = 700_000L + 1_000L * family.ordinal() + i;
            final Input input = input(family, Disorder.values()[i % Disorder.values().length], seed, 150);
            final List<Event> events = input.events();
            final EngineRun engine = WindowHarness.runStepwise(input.spec(), events, OutputMode.COMPLETE, EVERY_RECORD);
            final String context = input.context() + " complete, epoch per record";
            assertTrue(engine.commits().size() > events.size() / 2, context + ": too few epochs cut");
            for (int j = 0; j < engine.commits().size(); j++)
            {
                final int prefix = engine.commitSteps().get(j);
                final boolean end = j == engine.commits().size() - 1;
                final WindowModel.Result model = input.spec().model().run(events.subList(0, prefix), end);
                assertEquals(model.completeTable(), engine.epochRows(engine.commits().get(j)),
                    context + ": table of epoch " + engine.commits().get(j) + " after " + prefix + " records" +
                    (end ? " and the end of input" : ""));
            }
            WindowHarness.assertLateMatches(context, events, input.spec().model().run(events), engine);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldUpdateTheWindowsChangedInEachEpochOnce(final Family family)
    {
        for (int i = 0; i < EPOCH_STREAMS_PER_FAMILY; i++)
        {
            final long seed = 800_000L + 1_000L * family.ordinal() + i;
            final Input input = input(family, Disorder.values()[i % Disorder.values().length], seed, 150);
            final List<Event> events = input.events();
            final WindowModel.Result whole = input.spec().model().run(events);
            final EngineRun engine = WindowHarness.runStepwise(input.spec(), events, OutputMode.UPDATE, EVERY_RECORD);
            final String context = input.context() + " update, epoch per record";
            assertTrue(engine.commits().size() > events.size() / 2, context + ": too few epochs cut");
            int from = 0;
            for (int j = 0; j < engine.commits().size(); j++)
            {
                final int prefix = engine.commitSteps().get(j);
                final boolean end = j == engine.commits().size() - 1;
                final WindowModel.Result model = input.spec().model().run(events.subList(0, prefix), end);
                // The windows that records from..prefix-1 changed, at their count after record prefix-1, except
                // sessions merged away by then: they no longer exist.
                final Set<WindowId> alive = new HashSet<>();
                model.completeTable().forEach(row -> alive.add(row.id()));
                final Map<WindowId, WindowRow> changed = new HashMap<>();
                for (final WindowModel.Update update : whole.updates())
                {
                    if (update.recordIndex() >= from && update.recordIndex() < prefix &&
                        alive.contains(update.row().id()))
                    {
                        changed.put(update.row().id(), update.row());
                    }
                }
                assertEquals(sorted(new ArrayList<>(changed.values())), engine.epochRows(engine.commits().get(j)),
                    context + ": rows of epoch " + engine.commits().get(j) + ", records " + from + ".." +
                    (prefix - 1) + (end ? " and the end of input" : ""));
                from = prefix;
            }
            WindowHarness.assertLateMatches(context, events, whole, engine);
        }
    }

    private static void assertUpdatesMatch(final Input input, final WindowModel.Result model)
    {
        final EngineRun engine =
            WindowHarness.runStepwise(input.spec(), input.events(), OutputMode.UPDATE, WindowHarness.CONTINUOUS);
        final String context = input.context() + " update";
        assertEquals(WindowHarness.sortedUpdateRows(model), sorted(engine.rows()), context + ": update rows");
        final List<List<WindowRow>> byRecord = new ArrayList<>();
        for (int step = 0; step <= input.events().size(); step++)
        {
            byRecord.add(new ArrayList<>());
        }
        model.updates().forEach(update -> byRecord.get(update.recordIndex()).add(update.row()));
        for (int step = 0; step <= input.events().size(); step++)
        {
            final List<WindowRow> expected = sorted(byRecord.get(step));
            final List<WindowRow> written = sorted(engine.steps().get(step));
            if (!expected.equals(written))
            {
                assertEquals(expected, written, context + ": rows written while processing " +
                    (step == input.events().size() ? "the end of input" : "record " + step));
            }
        }
        final List<WindowRow> lastRows = engine.lastRowPerWindow();
        assertEquals(model.lastUpdateRows(), lastRows, context + ": last update of each window");
        assertTrue(lastRows.containsAll(model.appendRows()), context + ": last updates hold every append row");
        WindowHarness.assertLateMatches(context, input.events(), model, engine);
    }

    private static void assertCompleteMatches(final Input input, final WindowModel.Result model)
    {
        final EngineRun engine = WindowHarness.run(input.spec(), input.events(), OutputMode.COMPLETE,
            Trigger.availableNow(), ThreadingMode.INVOKER);
        final String context = input.context() + " complete";
        assertEquals(model.completeTable(), engine.lastEpochRows(), context + ": complete table");
        assertEquals(List.of(1L), engine.commits(), context + ": one epoch");
        assertEquals(model.completeTable().size(), engine.progress().stateRows(), context + ": state rows kept");
        WindowHarness.assertLateMatches(context, input.events(), model, engine);
    }

    private static void assertClosingStepsMatch(final Input input, final WindowModel.Result model)
    {
        final EngineRun engine =
            WindowHarness.runStepwise(input.spec(), input.events(), OutputMode.APPEND, WindowHarness.CONTINUOUS);
        final String context = input.context() + " stepwise";
        final int n = input.events().size();
        for (int step = 0; step <= n; step++)
        {
            final List<WindowRow> expected = sorted(model.rowsClosedBefore(step));
            final List<WindowRow> written = sorted(engine.steps().get(step));
            if (!expected.equals(written))
            {
                assertEquals(expected, written, context + ": rows written while processing " +
                    (step == n ? "the end of input" : "record " + step));
            }
        }
        WindowHarness.assertAppendMatches(context, input.events(), model, engine);
    }

    /**
     * Draws one stream and its window from a family: the size, slide or gap, the delay, the number of events and
     * keys, and where the times lie.
     *
     * @param maxEvents most events; 0 to draw no events (only the window).
     */
    static Input input(final Family family, final Disorder disorder, final long seed, final int maxEvents)
    {
        final SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L);
        final long[] spans = {40, 1_000, 100_000};
        final long span = spans[random.nextInt(spans.length)];
        final long[] bases = {0, -span / 2, -1_000_000_000_000L - random.nextLong(span), 1_700_000_000_000L};
        final long base = bases[random.nextInt(bases.length)];
        final int[] keyCounts = {1, 1, 3, 20, 200, 3_000};
        final int keys = keyCounts[random.nextInt(keyCounts.length)];
        final int n = maxEvents == 0 ? 0 :
            1 + random.nextInt(random.nextInt(4) == 0 ? Math.min(40, maxEvents) : maxEvents);

        // Window starts are at most about 300 apart over the span, so open windows stay few.
        final long unit = Math.max(1, span / 300);
        final long step = unit * (1 + random.nextInt(span > 500 ? 30 : 5));
        final Spec spec;
        switch (family)
        {
            case TUMBLING:
                spec = Spec.tumbling(step, delay(random, step, span));
                break;
            case SLIDING_DIVIDING:
                spec = Spec.sliding(step * (2 + random.nextInt(4)), step, 0);
                break;
            case SLIDING_NOT_DIVIDING:
            {
                final long slide = step + 1;
                spec = Spec.sliding(slide * (1 + random.nextInt(4)) + 1 + random.nextLong(slide - 1), slide, 0);
                break;
            }
            default:
                spec = Spec.sessions(step, 0);
        }
        final Spec withDelay = family == Family.TUMBLING ? spec :
            new Spec(spec.kind(), spec.size(), spec.slide(), delay(random, spec.size(), span));
        final List<Event> events = n == 0 ? List.of() :
            WindowHarness.randomEvents(seed, n, keys, disorder, base, span);
        final String context = family + " " + disorder + " seed " + seed + " " + withDelay + " n=" + n + " keys=" +
            keys + " base=" + base + " span=" + span + (n <= 60 ? " events: " + WindowHarness.describe(events) : "");
        return new Input(context, withDelay, events);
    }

    private static long delay(final SplittableRandom random, final long size, final long span)
    {
        switch (random.nextInt(5))
        {
            case 0:
            case 1: return 0;
            case 2: return 1 + random.nextLong(size);
            case 3: return size;
            default: return random.nextLong(1 + span / 2);
        }
    }
}
