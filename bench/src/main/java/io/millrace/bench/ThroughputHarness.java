package io.millrace.bench;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.QueryProgress;
import io.millrace.Stream;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Throughput of a windowed count over generated events (defined in docs/command-line.md): {@code --events} events from
 * a {@link GeneratorSource} through {@code withWatermark(event_time, 2s).groupBy(window, key).count()} in append
 * mode with a continuous trigger, several runs in one JVM. A run's time is from {@code start()} to the query's
 * termination, so JVM start-up is excluded; the first run also pays for JIT compilation. Before each run the
 * harness asks for a collection ({@link System#gc()}, outside the timed part), so that a collection counted in a
 * run is caused by that run. Each run checks its
 * output: row count and the SHA-256 of the sorted CSV rows, comparable with the command line's
 * {@code windowed-count --generate N ... | LC_ALL=C sort | sha256sum}. Run with {@code --help} for the options.
 */
public final class ThroughputHarness
{
    private static final String NAME = "throughput-harness";
    private static final Set<String> OPTIONS = Set.of(
        "events", "runs", "seed", "keys", "rate", "disorder", "max-delay", "window", "slide", "session-gap",
        "watermark", "epoch-interval", "threading", "idle", "ring-size", "parallelism");
    private static final String THEN_MAX = "then-max";
    private static final String USAGE = String.join(System.lineSeparator(),
        "Usage: java @bench/target/jvm.args -cp bench/target/benchmarks.jar io.millrace.bench.ThroughputHarness " +
            "[options]",
        "",
        "Counts generated events (windowed-count --generate) per key and event-time window (append mode, continuous",
        "trigger) and reports events/s from start() to termination, per run, with the output's row count and",
        "SHA-256 (sorted CSV rows, as 'millrace windowed-count --generate N ... | LC_ALL=C sort | sha256sum').",
        "",
        "  --events N             events per run (default 50000000; 10m, 1g accepted)",
        "  --runs N               runs in this JVM (default 3)",
        "  --seed N               generator seed (default 42)",
        "  --keys N               distinct keys (default 10000)",
        "  --rate N               events per event-time second (default 1000000)",
        "  --disorder N           percent of events moved back in time (default 1)",
        "  --max-delay N          largest move back, ms (default 2000)",
        "  --window DUR           tumbling window size, or sliding with --slide (default 10s)",
        "  --slide DUR            slide of sliding windows",
        "  --session-gap DUR      session windows with this gap instead",
        "  --watermark DUR        watermark delay (default 2s)",
        "  --epoch-interval DUR   continuous trigger's epoch interval (default 1s)",
        "  --threading MODE       dedicated (a source thread and a thread per task, default) or shared (the source",
        "                         on task 0's thread)",
        "  --idle NAME            idle strategy of the query's threads: " + IdleStrategies.NAMES,
        "                         (default backoff)",
        "  --ring-size N          ingress ring slots, a power of two (default 4096)",
        "  --parallelism N        tasks, each on an operator thread of its own, the source on task 0's when shared",
        "                         (default 1)",
        "  --then-max             then the largest count per window, from the counts (with several tasks the",
        "                         counts cross an exchange to the task of their window); the rows are those maxima",
        "  -h, --help             this text");

    private ThroughputHarness()
    {
    }

    /**
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * @param args see {@code --help}.
     * @return exit code: 0 done and every run's output identical, 2 bad arguments, 1 failure or differing output.
     */
    public static int run(final String[] args)
    {
        return Args.run(NAME, USAGE, args, OPTIONS, Set.of(THEN_MAX),
            parsed -> measure(ThroughputSettings.from(parsed), parsed.has(THEN_MAX)));
    }

    private static int measure(final ThroughputSettings settings, final boolean thenMax) throws InterruptedException
    {
        System.out.printf(Locale.ROOT, "%s: %,d events x %d runs; seed %d, %,d keys, %,d events/s of event time, " +
            "%d%% disorder up to %d ms; %s, watermark %s, epoch %s; %s threads, %d tasks, idle %s, ring %d; GC %s%n", NAME,
            settings.events(), settings.runs(), settings.seed(), settings.keys(), settings.rate(), settings.disorder(),
            settings.maxDelay(), settings.window(), settings.watermark(), settings.epochInterval(),
            settings.threading().name().toLowerCase(Locale.ROOT), settings.parallelism(), settings.idle(),
            settings.ringSize(),
            JvmStats.gcNames());
        if (thenMax)
        {
            System.out.println("then the largest count per window");
        }
        final double[] rates = new double[settings.runs()];
        String firstChecksum = null;
        boolean consistent = true;
        for (int run = 1; run <= settings.runs(); run++)
        {
            final RunResult result = runOnce(settings, thenMax);
            rates[run - 1] = result.eventsPerSecond();
            System.out.printf(Locale.ROOT, "run %d: %s%n", run, result);
            if (null == firstChecksum)
            {
                firstChecksum = result.sha256();
            }
            else if (!firstChecksum.equals(result.sha256()))
            {
                consistent = false;
                System.out.println("  OUTPUT DIFFERS from run 1");
            }
        }
        final double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "events/s: best %,.0f, median %,.0f, worst %,.0f; output %s across runs%n",
            sorted[sorted.length - 1], sorted[sorted.length / 2], sorted[0],
            consistent ? "identical" : "NOT identical");
        System.out.println("cross-check: " + settings.commandLine());
        return consistent ? 0 : 1;
    }

    private static RunResult runOnce(final ThroughputSettings settings, final boolean thenMax)
        throws InterruptedException
    {
        final AllocationTrackingSource source = new AllocationTrackingSource(new GeneratorSource(
            new EventGenerator(settings.seed(), settings.keys(), settings.rate(), settings.disorder(), settings.maxDelay(),
                EventGenerator.START_DEFAULT), settings.events()));
        final ChecksumSink sink = new ChecksumSink();
        // Collect the previous run's checksum garbage now, so that a collection during this run is the query's.
        System.gc();
        final long gcCountBefore = JvmStats.gcCount();
        final long gcMillisBefore = JvmStats.gcMillis();

        final long startNanos = System.nanoTime();
        final Stream counts = Millrace.readStream(source)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, settings.watermark())
            .groupBy(settings.window(), CsvSource.KEY_COLUMN).count();
        final StreamingQuery query = (!thenMax ? counts : counts
            // One millisecond windows over window_start: one per window of the counts.
            .groupBy(Window.window("window_start", Duration.ofMillis(1))).agg(Aggregate.max("count")))
            .writeStream()
            .queryName(NAME)
            .outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(settings.epochInterval()))
            .threadingMode(settings.threading())
            .idleStrategy(IdleStrategies.byName(settings.idle()))
            .ringSize(settings.ringSize())
            .parallelism(settings.parallelism())
            .sink(sink)
            .start();
        query.awaitTermination();
        final long elapsedNanos = System.nanoTime() - startNanos;

        final long gcCount = JvmStats.gcCount() - gcCountBefore;
        final long gcMillis = JvmStats.gcMillis() - gcMillisBefore;
        final QueryProgress progress = query.progress();
        if (!query.isFinished() || progress.recordsIn() != settings.events())
        {
            throw new IllegalStateException("query ended early: " + progress);
        }
        final boolean sharedThread = sink.closingThreadId() == source.threadId();
        return new RunResult(settings.events(), elapsedNanos, sink.rows(), sink.sha256(), progress.lateRecords(),
            progress.droppedContributions(), gcCount, gcMillis, sharedThread ? -1 : source.allocated(),
            sink.closingThreadAllocated());
    }

    /** One run's figures. */
    record RunResult(
        long events,
        long elapsedNanos,
        int rows,
        String sha256,
        long lateRecords,
        long droppedContributions,
        long gcCount,
        long gcMillis,
        long sourceAllocated,
        long operatorAllocated)
    {
        double eventsPerSecond()
        {
            return events * 1e9 / elapsedNanos;
        }

        @Override
        public String toString()
        {
            return String.format(Locale.ROOT, "%,d events in %.3f s = %,.0f events/s; %,d rows, sha256 %s; " +
                "late %,d, dropped %,d; GC %d (%d ms); allocated: %s %,d B (%.4f B/event)",
                events, elapsedNanos / 1e9, eventsPerSecond(), rows, sha256, lateRecords, droppedContributions,
                gcCount, gcMillis, sourceAllocated < 0 ? "query thread (source and operators)" :
                String.format(Locale.ROOT, "source thread %,d B (%.4f B/event), operator thread", sourceAllocated,
                    (double)sourceAllocated / events),
                operatorAllocated, (double)operatorAllocated / events);
        }
    }
}
