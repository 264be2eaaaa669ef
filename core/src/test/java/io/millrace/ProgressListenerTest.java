package io.millrace;

import io.millrace.sink.CollectingSink;
import io.millrace.sink.Sink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StreamingQueryListener}: the start first, then every epoch's progress in order with the epoch's own
 * figures (adding up to the run's), then the end with the query's error; a listener that throws is dropped and the
 * others go on.
 */
class ProgressListenerTest
{
    private static final int EVENTS = 100_000;

    /** Keeps what it hears, as text, and opens a latch at the end. */
    static final class Recording implements StreamingQueryListener
    {
        final List<String> heard = Collections.synchronizedList(new ArrayList<>());
        final List<EpochProgress> progress = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch ended = new CountDownLatch(1);
        volatile Throwable error;

        @Override
        public void onQueryStarted(final String queryName)
        {
            heard.add("started " + queryName);
        }

        @Override
        public void onQueryProgress(final EpochProgress epoch)
        {
            heard.add("epoch " + epoch.epoch());
            progress.add(epoch);
        }

        @Override
        public void onQueryTerminated(final String queryName, final Throwable failure)
        {
            heard.add("terminated " + queryName);
            error = failure;
            ended.countDown();
        }
    }

    @Test
    @Timeout(60)
    void shouldTellTheStartEveryEpochInOrderAndTheEnd() throws Exception
    {
        final Recording recording = new Recording();
        final List<Long> told = Collections.synchronizedList(new ArrayList<>());
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = writer(sink).listener(recording).listener(new StreamingQueryListener()
        {
            @Override
            public void onQueryProgress(final EpochProgress progress)
            {
                told.add(progress.epoch());
                if (progress.epoch() == 2)
                {
                    throw new IllegalStateException("a listener's own failure");
                }
            }
        }).start();
        query.awaitTermination();
        assertTrue(query.isFinished());
        assertTrue(recording.ended.await(10, TimeUnit.SECONDS), "the end was told");

        final long epochs = sink.commits().size();
        assertTrue(epochs >= 5, "epochs: " + epochs);
        final List<String> expected = new ArrayList<>();
        expected.add("started counts");
        for (long epoch = 1; epoch <= epochs; epoch++)
        {
            expected.add("epoch " + epoch);
        }
        expected.add("terminated counts");
        assertEquals(expected, recording.heard);
        assertNull(recording.error);
        assertEquals(List.of(1L, 2L), told, "the throwing listener is dropped after its failure");

        long records = 0;
        for (final EpochProgress progress : recording.progress)
        {
            records += progress.records();
            final long epoch = progress.epoch();
            assertEquals(sink.rows().stream().filter(row -> row.epoch() == epoch).count(), progress.rowsOut(),
                "rows of epoch " + epoch);
            assertEquals(0, progress.stages().commitWrite(), "no checkpoint, no commit to time");
        }
        assertEquals(EVENTS, records, "the epochs' records add up to the input");
    }

    @Test
    @Timeout(60)
    void shouldTellTheErrorAQueryFailedWith() throws Exception
    {
        final Recording recording = new Recording();
        final StreamingQuery query = writer(new Sink()
        {
            @Override
            public void onRow(final io.millrace.row.RowView row, final long epoch, final long sequence)
            {
            }

            @Override
            public void commitEpoch(final long epoch)
            {
                if (epoch == 3)
                {
                    throw new IllegalStateException("the sink cannot commit epoch 3");
                }
            }
        }).listener(recording).start();
        org.junit.jupiter.api.Assertions.assertThrows(StreamingQueryException.class,
            () -> query.awaitTermination(Duration.ofSeconds(30)));
        assertTrue(recording.ended.await(10, TimeUnit.SECONDS), "the end was told");
        assertNotNull(recording.error);
        assertTrue(recording.error.getMessage().contains("cannot commit epoch 3"), recording.error.toString());
        assertEquals(List.of("started counts", "epoch 1", "epoch 2", "terminated counts"), recording.heard);
    }

    private static StreamWriter writer(final Sink sink)
    {
        return Millrace.readStream(new GeneratorSource(new EventGenerator(9, 100, 50_000, 1, 100, 0), EVENTS))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(50))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream().queryName("counts").trigger(Trigger.continuous(Duration.ofMillis(10))).throttle(500_000)
            .sink(sink);
    }
}
