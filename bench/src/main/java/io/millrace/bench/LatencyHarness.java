package io.millrace.bench;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.QueryProgress;
import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import org.HdrHistogram.Histogram;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Publish-to-sink latency of a windowed count at a fixed offered rate (bench/RESULTS.md). The calling thread offers the
 * generator's events (defined in docs/command-line.md) through a {@link Publisher} on a fixed-rate schedule into
 * {@code withWatermark(event_time, 2s).groupBy(window(event_time, 10s), key).agg(count(), max(sent_ns))} in update
 * mode with a continuous trigger, on a dedicated operator thread: every record updates its group at once and the
 * sink receives one row carrying the record's own intended send time as {@code max(sent_ns)}. See
 * {@link LatencyRecorder} for how latency is taken and corrected for coordinated omission. Run with
 * {@code --help} for the options.
 */
public final class LatencyHarness
{
    static final String NAME = "latency-harness";
    private static final Set<String> OPTIONS = Set.of(
        "rate", "seconds", "warmup-seconds", "keys", "window", "watermark", "epoch-interval", "threading", "idle",
        "ring-size", "hgrm");
    private static final Set<String> FLAGS = Set.of("journal");
    private static final String USAGE = String.join(System.lineSeparator(),
        "Usage: java @bench/target/jvm.args -cp bench/target/benchmarks.jar io.millrace.bench.LatencyHarness [options]",
        "",
        "Offers generated events (windowed-count --generate) at a fixed rate through a Publisher into a windowed count",
        "(update mode, continuous trigger) and measures publish-to-sink latency, corrected for coordinated",
        "omission (each record carries its intended send time). Prints p50/p90/p99/p99.9/p99.99/max, the achieved",
        "rate, allocation per record on both threads, the collections during the run, and how noisy the machine",
        "was: how often the offering thread, spinning between records, was stopped for more than 50 us.",
        "",
        "  --rate N               records offered per second (default 1000000; 100k, 1m accepted)",
        "  --seconds N            measured seconds (default 60)",
        "  --warmup-seconds N     seconds offered before measuring, at the same rate (default 10)",
        "  --keys N               distinct keys (default 10000)",
        "  --window DUR           tumbling window size (default 10s)",
        "  --watermark DUR        watermark delay (default 2s)",
        "  --epoch-interval DUR   continuous trigger's epoch interval (default 1s)",
        "  --threading MODE       dedicated (an operator thread, default) or invoker (no thread: the publisher",
        "                         runs the operators after each offer; the engine's path without a hand-off)",
        "  --idle NAME            operator thread's idle strategy: " + IdleStrategies.NAMES + " (default backoff)",
        "  --ring-size N          ingress ring slots, a power of two (default 4096)",
        "  --hgrm PATH            also write the percentile distribution (HdrHistogram .hgrm, microseconds)",
        "  --journal              journal on: the events come from a polled source on the query's source thread,\n" +
        "                         each journaled (--journal-input) before it is processed, in a checkpoint in a\n" +
        "                         temporary directory; epochs are snapshotted and committed as usual",
        "  -h, --help             this text");

    private LatencyHarness()
    {
    }

    /**
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        // Chronicle Queue (journal on) otherwise tries to report usage over the network.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(run(args));
    }

    /**
     * @param args see {@code --help}.
     * @return exit code: 0 done, 2 bad arguments, 1 failure.
     */
    public static int run(final String[] args)
    {
        return Args.run(NAME, USAGE, args, OPTIONS, FLAGS, parsed ->
        {
            final LatencySettings settings = LatencySettings.from(parsed);
            if (parsed.has("journal"))
            {
                if (settings.threading() != ThreadingMode.DEDICATED)
                {
                    System.err.println(NAME + ": --journal runs the source and operators on threads of their own; " +
                        "drop --threading " + settings.threading().name().toLowerCase(Locale.ROOT));
                    return 2;
                }
                return JournaledLatency.measure(settings);
            }
            return measure(settings);
        });
    }

    private static int measure(final LatencySettings settings) throws InterruptedException, FileNotFoundException
    {
        final long warmupRecords = settings.rate() * settings.warmupSeconds();
        final long measuredRecords = settings.rate() * settings.seconds();
        final long totalRecords = warmupRecords + measuredRecords;
        final LatencyEvents events = new LatencyEvents(new EventGenerator(EventGenerator.SEED_DEFAULT, settings.keys(),
            settings.rate(), EventGenerator.DISORDER_DEFAULT, EventGenerator.MAX_DELAY_DEFAULT,
            EventGenerator.START_DEFAULT));
        final Publisher publisher = new Publisher(events.schema());
        // The schedule starts a little after the query, so that its start-up is not counted as latency.
        final long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        final long measureFromNanos = startNanos + FixedRateSchedule.offsetNanos(warmupRecords, settings.rate());
        final LatencyRecorder recorder = new LatencyRecorder(LatencyEvents.MAX_SENT_COLUMN, measureFromNanos);

        System.out.printf(Locale.ROOT, "%s: %,d records/s offered for %d s after %d s of warm-up; %,d keys; " +
            "window %s, watermark %s, epoch %s; %s, operator idle %s; ring %d; GC %s%n", NAME, settings.rate(),
            settings.seconds(), settings.warmupSeconds(), settings.keys(), settings.window(), settings.watermark(),
            settings.epochInterval(), settings.threading().name().toLowerCase(Locale.ROOT), settings.idle(),
            settings.ringSize(), JvmStats.gcNames());
        final long gcCountBefore = JvmStats.gcCount();
        final long gcMillisBefore = JvmStats.gcMillis();
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, settings.watermark())
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, settings.window()), CsvSource.KEY_COLUMN)
            .agg(Aggregate.count(), Aggregate.max(LatencyEvents.SENT_COLUMN).as(LatencyEvents.MAX_SENT_COLUMN))
            .writeStream()
            .queryName(NAME)
            .outputMode(OutputMode.UPDATE)
            .trigger(Trigger.continuous(settings.epochInterval()))
            .threadingMode(settings.threading())
            .idleStrategy(IdleStrategies.byName(settings.idle()))
            .ringSize(settings.ringSize())
            .sink(recorder)
            .start();

        final FixedRateSchedule schedule = new FixedRateSchedule(startNanos, settings.rate());
        final boolean invoke = settings.threading() == ThreadingMode.INVOKER;
        schedule.offer(publisher, events, 0, warmupRecords, query, invoke);
        // From here the stages cover what is measured: the warm-up's are taken and dropped (before the allocation
        // count starts: reading them allocates).
        query.progress();
        final long publisherAllocatedBefore = JvmStats.currentThreadAllocatedBytes();
        final long firstMeasuredNanos = schedule.intendedNanos(warmupRecords);
        schedule.stalls().reset();
        schedule.offer(publisher, events, warmupRecords, totalRecords, query, invoke);
        final long lastSentNanos = System.nanoTime();
        final long publisherAllocated = JvmStats.currentThreadAllocatedBytes() - publisherAllocatedBefore;

        final boolean allSeen = awaitRows(recorder, totalRecords, TimeUnit.SECONDS.toNanos(30));
        final QueryProgress.Stages stages = query.progress().stages();
        final long operatorAllocated = recorder.threadId() == 0 ? -1 :
            JvmStats.threadAllocatedBytes(recorder.threadId()) - recorder.allocatedAtMeasureStart();
        final long gcCount = JvmStats.gcCount() - gcCountBefore;
        final long gcMillis = JvmStats.gcMillis() - gcMillisBefore;
        publisher.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (invoke && query.isActive() && System.nanoTime() - deadline < 0)
        {
            query.invoke();
        }
        query.awaitTermination(Duration.ofSeconds(30));
        query.stop();

        final double seconds = (lastSentNanos - firstMeasuredNanos) / 1e9;
        System.out.printf(Locale.ROOT, "achieved rate %,.0f records/s (%,d records in %.3f s); back-pressured " +
            "offers %,d; largest lag behind schedule %.1f us%n", measuredRecords / seconds, measuredRecords, seconds,
            schedule.backPressured(), schedule.maxLagNanos() / 1e3);
        System.out.println(schedule.stalls().describe("the offering thread, spinning between records"));
        printLatency(recorder, totalRecords, allSeen);
        printStages(stages);
        if (!invoke)
        {
            System.out.printf(Locale.ROOT, "allocated while measuring: publisher thread %,d B (%.4f B/record), " +
                "operator thread %,d B (%.4f B/record)%n", publisherAllocated,
                (double)publisherAllocated / measuredRecords, operatorAllocated,
                (double)operatorAllocated / measuredRecords);
        }
        else
        {
            System.out.printf(Locale.ROOT, "allocated while measuring: publisher and operators (one thread) %,d B " +
                "(%.4f B/record)%n", publisherAllocated, (double)publisherAllocated / measuredRecords);
        }
        printGcAndDistribution(settings, recorder, gcCount, gcMillis);
        return allSeen ? 0 : 1;
    }

    static void printLatency(final LatencyRecorder recorder, final long totalRecords, final boolean allSeen)
    {
        final Histogram histogram = recorder.histogram();
        System.out.printf(Locale.ROOT, "rows at the sink %,d of %,d offered%s%n", recorder.rowsSeen(), totalRecords,
            allSeen ? "" : " (MISSING ROWS)");
        System.out.printf(Locale.ROOT, "publish-to-sink latency, us (%,d samples, corrected for coordinated " +
            "omission):%n  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  p99.99 %.2f  max %.2f%n",
            histogram.getTotalCount(), percentile(histogram, 50), percentile(histogram, 90),
            percentile(histogram, 99), percentile(histogram, 99.9), percentile(histogram, 99.99),
            histogram.getMaxValue() / 1e3);
    }

    /**
     * Prints where the engine's own time went while measuring, from {@link StreamingQuery#progress()}: the
     * service time of a record (no queueing) and each epoch's marker, step by step.
     */
    static void printStages(final QueryProgress.Stages stages)
    {
        System.out.println("engine stages while measuring (each measured by the thread that runs it):");
        System.out.printf(Locale.ROOT, "  %-58s %s%n", "service time, ring to sink, no queueing (1 record in 64)",
            stages.serviceTime());
        System.out.printf(Locale.ROOT, "  %-58s %s%n", "epoch marker through the operators and the part commit",
            stages.marker());
        System.out.printf(Locale.ROOT, "  %-58s %s%n", "operator thread waiting for a free snapshot buffer",
            stages.commitWait());
        System.out.printf(Locale.ROOT, "  %-58s %s%n", "snapshot copy on the operator thread", stages.snapshotCopy());
        System.out.printf(Locale.ROOT, "  %-58s %s%n", "commit write on the committer thread (force excluded)",
            stages.commitWrite());
        System.out.printf(Locale.ROOT, "  %-58s %s%n", "commit force (fsync) on the committer thread",
            stages.commitForce());
    }

    static void printGcAndDistribution(
        final LatencySettings settings, final LatencyRecorder recorder, final long gcCount, final long gcMillis)
        throws FileNotFoundException
    {
        System.out.printf(Locale.ROOT, "GC during the run (warm-up included): %d collections, %d ms%n",
            gcCount, gcMillis);
        if (null != settings.hgrm())
        {
            try (PrintStream out = new PrintStream(settings.hgrm()))
            {
                recorder.histogram().outputPercentileDistribution(out, 1000.0);
            }
            System.out.println("percentile distribution (us) written to " + settings.hgrm());
        }
    }

    static boolean awaitRows(final LatencyRecorder recorder, final long rows, final long timeoutNanos)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (recorder.rowsSeen() < rows)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private static double percentile(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1e3;
    }

    private static long sendOffsetNanos(final long index, final long rate)
    {
        return index / rate * 1_000_000_000L + index % rate * 1_000_000_000L / rate;
    }
}
