package io.millrace.bench;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.QueryProgress;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.journal.ChronicleJournal;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The latency harness with the journal on: the same query and schedule as {@link LatencyHarness}, its events
 * emitted by a polled source ({@link ScheduledEventSource}) whose records are journaled before they are processed,
 * with epochs snapshotted and committed to a checkpoint in a temporary directory, deleted afterwards.
 */
final class JournaledLatency
{
    private JournaledLatency()
    {
    }

    static int measure(final LatencySettings settings) throws InterruptedException, IOException
    {
        final long warmupRecords = settings.rate() * settings.warmupSeconds();
        final long totalRecords = warmupRecords + settings.rate() * settings.seconds();
        final LatencyEvents events = new LatencyEvents(new EventGenerator(EventGenerator.SEED_DEFAULT, settings.keys(),
            settings.rate(), EventGenerator.DISORDER_DEFAULT, EventGenerator.MAX_DELAY_DEFAULT,
            EventGenerator.START_DEFAULT));
        final long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        final FixedRateSchedule schedule = new FixedRateSchedule(startNanos, settings.rate());
        final LatencyRecorder recorder = new LatencyRecorder(LatencyEvents.MAX_SENT_COLUMN,
            schedule.intendedNanos(warmupRecords));
        final Path checkpoint = Files.createTempDirectory("millrace-latency-checkpoint");

        System.out.printf(Locale.ROOT, "%s: journal on (checkpoint %s, input journaled); %,d records/s for %d s " +
            "after %d s of warm-up; %,d keys; window %s, watermark %s, epoch %s; operator idle %s; ring %d%n",
            LatencyHarness.NAME, checkpoint, settings.rate(), settings.seconds(), settings.warmupSeconds(),
            settings.keys(), settings.window(), settings.watermark(), settings.epochInterval(), settings.idle(),
            settings.ringSize());
        final long gcCountBefore = JvmStats.gcCount();
        final long gcMillisBefore = JvmStats.gcMillis();
        final StreamingQuery query = Millrace.readStream(new ScheduledEventSource(events, schedule, totalRecords))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, settings.watermark())
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, settings.window()), CsvSource.KEY_COLUMN)
            .agg(Aggregate.count(), Aggregate.max(LatencyEvents.SENT_COLUMN).as(LatencyEvents.MAX_SENT_COLUMN))
            .writeStream()
            .queryName(LatencyHarness.NAME)
            .outputMode(OutputMode.UPDATE)
            .trigger(Trigger.continuous(settings.epochInterval()))
            .idleStrategy(IdleStrategies.byName(settings.idle()))
            .ringSize(settings.ringSize())
            .sink(recorder)
            .checkpoint(new ChronicleJournal(checkpoint, new PrintStream(OutputStream.nullOutputStream())))
            .journalInput(true)
            .start();
        try
        {
            final long measureFromNanos = schedule.intendedNanos(warmupRecords);
            while (System.nanoTime() - measureFromNanos < 0)
            {
                Thread.sleep(1);
            }
            // From here the stages cover what is measured: the warm-up's are taken and dropped.
            query.progress();
            final long expectedEndNanos = schedule.intendedNanos(totalRecords);
            final NoiseProbe probe = new NoiseProbe();
            final boolean allSeen = LatencyHarness.awaitRows(recorder, totalRecords,
                Math.max(0, expectedEndNanos - System.nanoTime()) + TimeUnit.SECONDS.toNanos(30));
            probe.close();
            final QueryProgress.Stages stages = query.progress().stages();
            query.awaitTermination(Duration.ofSeconds(30));
            // The source thread idles under its backoff strategy between due records: a probe times the stops.
            System.out.println(probe.describe());
            LatencyHarness.printLatency(recorder, totalRecords, allSeen);
            LatencyHarness.printStages(stages);
            LatencyHarness.printGcAndDistribution(settings, recorder, JvmStats.gcCount() - gcCountBefore,
                JvmStats.gcMillis() - gcMillisBefore);
            return allSeen ? 0 : 1;
        }
        finally
        {
            query.stop();
            TemporaryDirectory.delete(checkpoint);
        }
    }
}
