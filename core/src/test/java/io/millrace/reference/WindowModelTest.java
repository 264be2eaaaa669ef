package io.millrace.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.millrace.reference.WindowModel.Emission;
import io.millrace.reference.WindowModel.Event;
import io.millrace.reference.WindowModel.Result;
import io.millrace.reference.WindowModel.Update;
import io.millrace.reference.WindowModel.WindowRow;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Boundary cases of docs/semantics.md. Every expected value here was worked out by hand from those rules (the working
 * is in the comments, {@code W} being the watermark before the record), not by running the model.
 */
class WindowModelTest {

    private static Event ev(long t, String key) {
        return new Event(t, key);
    }

    private static WindowRow row(long start, long end, String key, long count) {
        return new WindowRow(start, end, key, count);
    }

    private static Emission at(int closedBefore, WindowRow row) {
        return new Emission(closedBefore, row);
    }

    private static List<WindowRow> sorted(WindowRow... rows) {
        List<WindowRow> list = new ArrayList<>(List.of(rows));
        list.sort(WindowModel.ROW_ORDER);
        return list;
    }

    private static void assertNoLate(Result r) {
        assertEquals(List.of(), r.lateRecords());
        assertEquals(0, r.lateRecordCount());
    }

    // ---------------------------------------------------------------- tumbling

    @Test
    void tumblingRecordExactlyAtWindowEndStartsTheNextWindow() {
        // size 10, delay 0. t=0 -> [0,10). t=9 (W=0) -> [0,10) = 2. t=10 (W=9, [0,10) still open) -> [10,20).
        Result r = WindowModel.tumbling(10, 0).run(List.of(ev(0, "a"), ev(9, "a"), ev(10, "a")));
        assertEquals(List.of(at(3, row(0, 10, "a", 2)), at(3, row(10, 20, "a", 1))), r.emissions());
        assertNoLate(r);
        assertEquals(0, r.droppedContributions());
    }

    @Test
    void tumblingWatermarkExactlyAtEndClosesTheWindow() {
        // size 10, delay 0. t=5 -> [0,10). t=10 (W=5) -> [10,20). Before t=9, W=10 >= 10: [0,10) closes and is
        // emitted; t=9's only window is closed, so it is late and its contribution is dropped.
        Result r = WindowModel.tumbling(10, 0).run(List.of(ev(5, "a"), ev(10, "a"), ev(9, "a")));
        assertEquals(List.of(at(2, row(0, 10, "a", 1)), at(3, row(10, 20, "a", 1))), r.emissions());
        assertEquals(List.of(ev(9, "a")), r.lateRecords());
        assertEquals(List.of(2), r.lateRecordIndices());
        assertEquals(1, r.lateRecordCount());
        assertEquals(1, r.droppedContributions());
    }

    @Test
    void tumblingWatermarkOneBelowEndKeepsTheWindowOpen() {
        // Same input with delay 1: before t=9, W=10-1=9 < 10, so [0,10) is open and counts it.
        Result r = WindowModel.tumbling(10, 1).run(List.of(ev(5, "a"), ev(10, "a"), ev(9, "a")));
        assertEquals(List.of(at(3, row(0, 10, "a", 2)), at(3, row(10, 20, "a", 1))), r.emissions());
        assertNoLate(r);
        assertEquals(0, r.droppedContributions());
    }

    @Test
    void tumblingNegativeTimesUseFloorAlignment() {
        // size 10, delay 5. t=-1 -> [-10,0) (floor, not truncation to [0,10)). t=-10 (W=-6): [-10,0) end 0 > -6,
        // open -> 2. t=-11 (W=max(-1,-10)-5=-6): its window [-20,-10) has end -10 <= -6: closed (though it never
        // held a row) -> late. t=0 (W=-6) -> [0,10).
        Result r = WindowModel.tumbling(10, 5).run(List.of(ev(-1, "a"), ev(-10, "a"), ev(-11, "a"), ev(0, "a")));
        assertEquals(sorted(row(-10, 0, "a", 2), row(0, 10, "a", 1)), r.sortedAppendRows());
        assertEquals(List.of(), r.rowsClosedBefore(3));
        assertEquals(List.of(ev(-11, "a")), r.lateRecords());
        assertEquals(List.of(2), r.lateRecordIndices());
        assertEquals(1, r.droppedContributions());
    }

    @Test
    void delayZeroAndDuplicateTimestamps() {
        // size 10, delay 0. Three records at t=10: W before the 2nd and 3rd is 10, which closes only windows
        // ending <= 10; [10,20) stays open, so a record at exactly the watermark is on time. t=9 (W=10): [0,10)
        // closed -> late.
        Result r = WindowModel.tumbling(10, 0).run(List.of(ev(10, "a"), ev(10, "a"), ev(10, "b"), ev(9, "a")));
        assertEquals(sorted(row(10, 20, "a", 2), row(10, 20, "b", 1)), r.sortedAppendRows());
        assertEquals(List.of(ev(9, "a")), r.lateRecords());
        assertEquals(List.of(3), r.lateRecordIndices());
        assertEquals(1, r.droppedContributions());
    }

    @Test
    void watermarkFollowsTheMaximumNotTheLastRecord() {
        // size 10, delay 0. After t=25, W=25 before both t=3 and t=4 (the maximum does not go back): both late.
        Result r = WindowModel.tumbling(10, 0).run(List.of(ev(25, "a"), ev(3, "a"), ev(4, "a")));
        assertEquals(List.of(row(20, 30, "a", 1)), r.appendRows());
        assertEquals(List.of(ev(3, "a"), ev(4, "a")), r.lateRecords());
        assertEquals(List.of(1, 2), r.lateRecordIndices());
        assertEquals(2, r.droppedContributions());
    }

    @Test
    void appendEmitsEachWindowOnceWhenItsWatermarkArrives() {
        // size 10, delay 2. t=1 -> [0,10). t=11 (W=-1). t=12 (W=9: [0,10) open). t=13 (W=10: [0,10) closes before
        // it). t=25 (W=11). End of input closes [10,20) = 3 and [20,30) = 1.
        Result r = WindowModel.tumbling(10, 2)
                .run(List.of(ev(1, "a"), ev(11, "a"), ev(12, "a"), ev(13, "a"), ev(25, "a")));
        assertEquals(List.of(at(3, row(0, 10, "a", 1)), at(5, row(10, 20, "a", 3)), at(5, row(20, 30, "a", 1))),
                r.emissions());
        assertEquals(List.of(row(0, 10, "a", 1)), r.rowsClosedBefore(3));
        assertNoLate(r);
    }

    @Test
    void endOfInputClosesEverything() {
        // size 10, delay 1000: W never reaches any end (max 50-1000), so nothing closes until end of input,
        // where all four rows close at step 4.
        List<Event> events = List.of(ev(0, "a"), ev(25, "b"), ev(50, "a"), ev(5, "c"));
        List<WindowRow> expected =
                sorted(row(0, 10, "a", 1), row(0, 10, "c", 1), row(20, 30, "b", 1), row(50, 60, "a", 1));
        Result r = WindowModel.tumbling(10, 1000).run(events);
        assertEquals(expected, r.sortedAppendRows());
        for (Emission em : r.emissions()) {
            assertEquals(4, em.closedBefore());
        }
        assertEquals(List.of(), r.openRows());
        assertNoLate(r);

        Result open = WindowModel.tumbling(10, 1000).run(events, false);
        assertEquals(List.of(), open.emissions());
        assertEquals(expected, open.openRows());
        assertEquals(expected, open.completeTable());
    }

    @Test
    void updatesEndWithTheAppendRow() {
        // size 10, delay 0: t=1 and t=2 update [0,10) to 1 then 2; t=11 (W=2) opens [10,20).
        Result r = WindowModel.tumbling(10, 0).run(List.of(ev(1, "a"), ev(2, "a"), ev(11, "a")));
        assertEquals(List.of(new Update(0, row(0, 10, "a", 1)), new Update(1, row(0, 10, "a", 2)),
                new Update(2, row(10, 20, "a", 1))), r.updates());
        assertEquals(2L, r.finalCount(0, 10, "a"));
        assertNull(r.finalCount(20, 30, "a"));
        assertEquals(r.sortedAppendRows(), r.lastUpdateRows());
        assertEquals(sorted(row(0, 10, "a", 2), row(10, 20, "a", 1)), r.completeTable());
    }

    @Test
    void completeTableBeforeEndOfInputHoldsClosedAndOpenRows() {
        // size 10, delay 0. t=1 -> [0,10) a. t=15 (W=1) -> [10,20) a. Before t=2 b, W=15 closes [0,10) a; b's
        // [0,10) is closed too -> late. Without end of input [10,20) a stays open.
        Result r = WindowModel.tumbling(10, 0).run(List.of(ev(1, "a"), ev(15, "a"), ev(2, "b")), false);
        assertEquals(List.of(at(2, row(0, 10, "a", 1))), r.emissions());
        assertEquals(List.of(row(10, 20, "a", 1)), r.openRows());
        assertEquals(sorted(row(0, 10, "a", 1), row(10, 20, "a", 1)), r.completeTable());
        assertEquals(List.of(ev(2, "b")), r.lateRecords());
        assertEquals(1, r.droppedContributions());
    }

    // ---------------------------------------------------------------- sliding

    @Test
    void slidingRecordLateForSomeOfItsWindowsOnly() {
        // size 10, slide 5, delay 0. t=12 -> [5,15), [10,20). t=15 (W=12) -> [10,20), [15,25). Before t=11, W=15
        // closes [5,15) (count 1). t=11 belongs to [5,15) (closed: dropped) and [10,20) (open: 3). Not late.
        Result r = WindowModel.sliding(10, 5, 0).run(List.of(ev(12, "a"), ev(15, "a"), ev(11, "a")));
        assertEquals(List.of(at(2, row(5, 15, "a", 1)), at(3, row(10, 20, "a", 3)), at(3, row(15, 25, "a", 1))),
                r.emissions());
        assertNoLate(r);
        assertEquals(1, r.droppedContributions());
    }

    @Test
    void slidingRecordLateForAllItsWindows() {
        // size 10, slide 5, delay 0. t=3 -> [-5,5), [0,10). t=20 (W=3) -> [15,25), [20,30). Before t=8, W=20
        // closes [-5,5) and [0,10). t=8 belongs to [0,10) and [5,15), both closed (10 <= 20, 15 <= 20): late,
        // two contributions dropped; [5,15) never had a row.
        Result r = WindowModel.sliding(10, 5, 0).run(List.of(ev(3, "a"), ev(20, "a"), ev(8, "a")));
        assertEquals(List.of(at(2, row(-5, 5, "a", 1)), at(2, row(0, 10, "a", 1)), at(3, row(15, 25, "a", 1)),
                at(3, row(20, 30, "a", 1))), r.emissions());
        assertEquals(List.of(ev(8, "a")), r.lateRecords());
        assertEquals(2, r.droppedContributions());
    }

    @Test
    void slidingWhoseSlideDoesNotDivideTheSize() {
        // size 10, slide 4, delay 0: starts are multiples of 4 with t-10 < start <= t.
        WindowModel m = WindowModel.sliding(10, 4, 0);
        assertEquals(List.of(0L, 4L, 8L), m.windowStartsOf(9));
        assertEquals(List.of(-8L, -4L, 0L), m.windowStartsOf(0));
        assertEquals(List.of(-8L, -4L), m.windowStartsOf(-1));
        // t=9 -> [0,10), [4,14), [8,18). t=0 (W=9): [-8,2) and [-4,6) are closed (dropped 2), [0,10) open -> 2.
        // t=-1 b (W=9): [-8,2), [-4,6) both closed -> late, dropped 2 more.
        Result r = m.run(List.of(ev(9, "a"), ev(0, "a"), ev(-1, "b")));
        assertEquals(List.of(at(3, row(0, 10, "a", 2)), at(3, row(4, 14, "a", 1)), at(3, row(8, 18, "a", 1))),
                r.emissions());
        assertEquals(List.of(ev(-1, "b")), r.lateRecords());
        assertEquals(4, r.droppedContributions());
    }

    @Test
    void slidingNegativeTimesWithLargeDelayKeepEveryWindow() {
        // Same input, delay 100: nothing closes before end of input.
        Result r = WindowModel.sliding(10, 4, 100).run(List.of(ev(9, "a"), ev(0, "a"), ev(-1, "b")));
        assertEquals(sorted(row(-8, 2, "a", 1), row(-4, 6, "a", 1), row(0, 10, "a", 2), row(4, 14, "a", 1),
                row(8, 18, "a", 1), row(-8, 2, "b", 1), row(-4, 6, "b", 1)), r.sortedAppendRows());
        assertNoLate(r);
        assertEquals(0, r.droppedContributions());
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionBridgesTwoOpenSessions() {
        // gap 10, delay 100 (nothing closes early). t=0 -> [0,10). t=15 -> [15,25), no overlap. t=8 -> [8,18)
        // overlaps both -> one session [0,25) with count 3.
        Result r = WindowModel.sessions(10, 100).run(List.of(ev(0, "a"), ev(15, "a"), ev(8, "a")));
        assertEquals(List.of(at(3, row(0, 25, "a", 3))), r.emissions());
        assertEquals(List.of(row(0, 10, "a", 1), row(15, 25, "a", 1)), r.mergedAwaySessions());
        assertEquals(List.of(new Update(0, row(0, 10, "a", 1)), new Update(1, row(15, 25, "a", 1)),
                new Update(2, row(0, 25, "a", 3))), r.updates());
        assertNoLate(r);
    }

    @Test
    void sessionsThatOnlyTouchDoNotMerge() {
        // gap 10, delay 100. [0,10), [10,20), [20,30) only touch: three sessions. t=19 -> [19,29) overlaps [10,20)
        // and [20,30) (not [0,10)) -> [10,30) = 3, which again only touches [0,10).
        Result r = WindowModel.sessions(10, 100).run(List.of(ev(0, "a"), ev(10, "a"), ev(20, "a"), ev(19, "a")));
        assertEquals(sorted(row(0, 10, "a", 1), row(10, 30, "a", 3)), r.sortedAppendRows());
        Result touching = WindowModel.sessions(10, 100).run(List.of(ev(0, "a"), ev(10, "a"), ev(20, "a")));
        assertEquals(sorted(row(0, 10, "a", 1), row(10, 20, "a", 1), row(20, 30, "a", 1)),
                touching.sortedAppendRows());
    }

    @Test
    void sessionsArePerKey() {
        // gap 10, delay 100. a: [0,10) + [3,13) -> [0,13) = 2. b: [5,15) = 1, though it overlaps a's sessions.
        Result r = WindowModel.sessions(10, 100).run(List.of(ev(0, "a"), ev(5, "b"), ev(3, "a")));
        assertEquals(sorted(row(0, 13, "a", 2), row(5, 15, "b", 1)), r.sortedAppendRows());
    }

    @Test
    void sessionLateAtExactBoundaryNextToAClosedSession() {
        // gap 10, delay 0. t=0 -> [0,10). t=20 (W=0) -> [20,30). Before t=10, W=20 closes [0,10); t+G = 20 <= 20:
        // late. t=11 (W=20): 21 > 20, on time; [11,21) overlaps [20,30) -> [11,30) = 2.
        Result r = WindowModel.sessions(10, 0).run(List.of(ev(0, "a"), ev(20, "a"), ev(10, "a"), ev(11, "a")));
        assertEquals(List.of(at(2, row(0, 10, "a", 1)), at(4, row(11, 30, "a", 2))), r.emissions());
        assertEquals(List.of(ev(10, "a")), r.lateRecords());
        assertEquals(List.of(2), r.lateRecordIndices());
        assertEquals(1, r.droppedContributions());
    }

    @Test
    void closedSessionIsNeverReopened() {
        // gap 10, delay 0. t=0 -> [0,10). t=10 (W=0) -> [10,20), touching. Before t=5, W=10 closes [0,10). t=5 is
        // on time (15 > 10); [5,15) overlaps the closed [0,10) (not merged) and the open [10,20) -> [5,20) = 2.
        // Both rows of key a are emitted although they overlap.
        Result r = WindowModel.sessions(10, 0).run(List.of(ev(0, "a"), ev(10, "a"), ev(5, "a")));
        assertEquals(List.of(at(2, row(0, 10, "a", 1)), at(3, row(5, 20, "a", 2))), r.emissions());
        assertNoLate(r);
    }

    @Test
    void sessionClosesWhenWatermarkEqualsItsEnd() {
        // gap 5, delay 3. t=0 -> [0,5). t=8 (W=-3) -> [8,13). Before t=1, W=5 closes [0,5). t=1: 6 > 5 on time;
        // [1,6) overlaps only the closed [0,5) -> a new session [1,6) = 1.
        Result r = WindowModel.sessions(5, 3).run(List.of(ev(0, "a"), ev(8, "a"), ev(1, "a")));
        assertEquals(List.of(at(2, row(0, 5, "a", 1)), at(3, row(1, 6, "a", 1)), at(3, row(8, 13, "a", 1))),
                r.emissions());
        assertNoLate(r);
    }

    @Test
    void sessionsWithNegativeTimes() {
        // gap 10, delay 0. t=-5 -> [-5,5). t=-20 (W=-5): -10 <= -5, late. t=-14 (W=-5): -4 > -5, on time;
        // [-14,-4) overlaps [-5,5) -> [-14,5) = 2.
        Result r = WindowModel.sessions(10, 0).run(List.of(ev(-5, "a"), ev(-20, "a"), ev(-14, "a")));
        assertEquals(List.of(at(3, row(-14, 5, "a", 2))), r.emissions());
        assertEquals(List.of(ev(-20, "a")), r.lateRecords());
    }

    // ---------------------------------------------------------------- invariants on generated input

    @Test
    void everyContributionIsCountedOrDropped() {
        ReferenceGenerator g = ReferenceGenerator.defaults().withKeys(5).withRate(1_000).withDisorder(30)
                .withMaxDelay(50).withStart(-500);
        for (long seed = 1; seed <= 5; seed++) {
            List<Event> events = g.withSeed(seed).generate(2_000);
            int n = events.size();
            for (long delay : new long[] {0, 7, 40}) {
                Result tumbling = WindowModel.tumbling(20, delay).run(events);
                assertEquals(n, sum(tumbling) + tumbling.droppedContributions());
                assertEquals(tumbling.sortedAppendRows(), WindowModel.sliding(20, 20, delay).run(events)
                        .sortedAppendRows());
                Result sliding = WindowModel.sliding(20, 5, delay).run(events);
                assertEquals(4L * n, sum(sliding) + sliding.droppedContributions());
                Result odd = WindowModel.sliding(20, 6, delay).run(events);
                long memberships = 0;
                for (Event e : events) {
                    memberships += WindowModel.sliding(20, 6, delay).windowStartsOf(e.time()).size();
                }
                assertEquals(memberships, sum(odd) + odd.droppedContributions());
                Result sessions = WindowModel.sessions(15, delay).run(events);
                assertEquals(n, sum(sessions) + sessions.lateRecordCount());
                assertEquals(sessions.lateRecordCount(), sessions.droppedContributions());
                assertTrue(sessions.lastUpdateRows().containsAll(sessions.appendRows()));
                for (WindowRow appended : sessions.appendRows()) {
                    assertEquals(appended.count(),
                            sessions.finalCount(appended.start(), appended.end(), appended.key()));
                }
            }
        }
    }

    private static long sum(Result r) {
        long total = 0;
        for (WindowRow row : r.appendRows()) {
            total += row.count();
        }
        return total;
    }

    // ---------------------------------------------------------------- misc

    @Test
    void csvRoundTrip() {
        List<WindowRow> rows = List.of(row(-10, 0, "a", 2), row(0, 10, "k42", 1));
        assertEquals("-10,0,a,2\n0,10,k42,1\n", ModelCsv.rowsText(rows));
        assertEquals(rows, ModelCsv.parseRows(ModelCsv.rowsText(rows)));
        List<Event> events = ModelCsv.parseEvents("1700000000000,k5413\n-5,b\n");
        assertEquals(List.of(ev(1_700_000_000_000L, "k5413"), ev(-5, "b")), events);
        assertEquals("1700000000000,k5413\n-5,b\n", ModelCsv.eventsText(events));
    }

    @Test
    void rejectsNonsenseConfigurations() {
        assertThrows(IllegalArgumentException.class, () -> WindowModel.tumbling(0, 0));
        assertThrows(IllegalArgumentException.class, () -> WindowModel.sliding(10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> WindowModel.sliding(5, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> WindowModel.sessions(0, 0));
        assertThrows(IllegalArgumentException.class, () -> WindowModel.tumbling(10, -1));
    }
}
