package io.millrace.journal;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.QueryProgress;
import io.millrace.StageTimes;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StreamingQuery#progress()} takes apart where a checkpointed query's time goes: a sampled record's service
 * time, and each epoch's marker, snapshot copy, commit write and disk force, counted once per occurrence and read
 * as the interval since the previous call.
 */
class StageTimesTest
{
    private static final int EVENTS = 200_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldTimeEveryEpochsStagesAndASampleOfRecords() throws Exception
    {
        final StreamingQuery query = Millrace.readStream(
                new GeneratorSource(new EventGenerator(7, 1_000, 10_000, 1, 500, 0), EVENTS))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(1)), CsvSource.KEY_COLUMN).count()
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofMillis(20)))
            .sink(new PartFileSink(dir.resolve("out"))).throttle(400_000)
            .checkpoint(new ChronicleJournal(dir.resolve("checkpoint"), new PrintStream(new ByteArrayOutputStream())))
            .start();
        final QueryProgress during = query.progress();
        query.awaitTermination();
        assertTrue(query.isFinished(), "finished");
        final QueryProgress end = query.progress();
        final QueryProgress.Stages first = during.stages();
        final QueryProgress.Stages rest = end.stages();
        final long epochs = end.committedEpoch();
        assertTrue(epochs >= 5, "epochs of 20 ms over half a second: " + epochs);

        assertEquals(EVENTS / QueryCounters.SERVICE_TIME_SAMPLE,
            first.serviceTime().count() + rest.serviceTime().count(), "one record in 64 timed");
        for (final String stage : new String[] {"marker", "commitWait", "snapshotCopy", "commitWrite", "commitForce"})
        {
            assertEquals(epochs, count(first, stage) + count(rest, stage), stage + ": once per committed epoch");
        }
        final StageTimes service = rest.serviceTime();
        assertTrue(service.p50Nanos() > 0 && service.p50Nanos() <= service.p99Nanos() &&
            service.p99Nanos() <= service.p999Nanos() && service.p999Nanos() <= service.maxNanos(), service::toString);
        assertTrue(rest.commitForce().totalNanos() > 0, "forcing a file to disk takes time: " + rest.commitForce());
        assertTrue(rest.snapshotCopy().maxNanos() > 0, rest.snapshotCopy()::toString);

        final QueryProgress.Stages after = query.progress().stages();
        assertEquals(0, after.serviceTime().count(), "nothing since the last call");
        assertEquals(StageTimes.NONE, after.marker(), "nothing since the last call");
    }

    private static long count(final QueryProgress.Stages stages, final String stage)
    {
        return switch (stage)
        {
            case "marker" -> stages.marker().count();
            case "commitWait" -> stages.commitWait().count();
            case "snapshotCopy" -> stages.snapshotCopy().count();
            case "commitWrite" -> stages.commitWrite().count();
            case "commitForce" -> stages.commitForce().count();
            default -> throw new IllegalArgumentException(stage);
        };
    }
}
