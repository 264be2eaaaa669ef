package io.millrace.bench;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.examples.nexmark.Nexmark;
import io.millrace.examples.nexmark.NexmarkQuery;
import io.millrace.journal.ChronicleJournal;
import io.millrace.sink.Crc32cSink;
import io.millrace.source.NexmarkGenerator;
import io.millrace.source.NexmarkSource;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Throughput of the NEXMark queries: {@code --events} events of the NEXMark generator (its defaults) from a
 * {@link NexmarkSource} on the source thread, through each query on the operator thread, into a {@link Crc32cSink}
 * (a blackhole that checksums the rows), several runs per query in one JVM. A run's time is from {@code start()} to
 * the query's termination, so JVM start-up is excluded; the first run of a query also pays for JIT compilation.
 * With the journal on, the query has a Chronicle Queue checkpoint in a temporary directory (epoch cuts and a
 * snapshot per epoch; the source is replayable, so no ingress journal), or, with {@code input}, also journals every
 * event. Each row of the table: the best and median events/s, the rows and their CRC-32C, the same as
 * {@code millrace nexmark --query Q --events N --discard} reports. Run with {@code --help} for the options.
 */
public final class NexmarkHarness
{
    private static final String NAME = "nexmark-harness";
    private static final Set<String> OPTIONS = Set.of("events", "runs", "queries", "journal", "watermark",
        "epoch-interval", "threading", "idle", "parallelism");
    private static final String USAGE = String.join(System.lineSeparator(),
        "Usage: java @bench/target/jvm.args -cp bench/target/benchmarks.jar io.millrace.bench.NexmarkHarness " +
            "[options]",
        "",
        "Runs NEXMark queries over generated events into a checksumming sink and reports events/s from start() to",
        "termination, per query and journal setting, with the rows and their CRC-32C (as 'millrace nexmark",
        "--query Q --events N --discard').",
        "",
        "  --events N             events per run (default 10000000; 10m, 1g accepted)",
        "  --runs N               runs per query and journal setting (default 3)",
        "  --queries LIST         comma-separated queries, or all (default all)",
        "  --journal MODE         off, on (checkpointed epochs), input (also journal every event), or all",
        "                         (default off,on: both)",
        "  --watermark DUR        watermark delay (default 4s)",
        "  --epoch-interval DUR   continuous trigger's epoch interval (default 1s)",
        "  --threading MODE       dedicated (source and operator threads, default) or shared (one thread)",
        "  --idle NAME            idle strategy of the query's threads: " + IdleStrategies.NAMES,
        "                         (default backoff)",
        "  --parallelism LIST     comma-separated numbers of tasks to run each query as (default 1); the rows",
        "                         of several tasks come in another order within an epoch, so their CRC-32C differs",
        "  -h, --help             this text");

    private NexmarkHarness()
    {
    }

    /**
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        // Chronicle Queue logs its mappings at INFO and reports usage unless told not to; the table is the output.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("chronicle.analytics.disable", "true");
        System.exit(run(args));
    }

    /**
     * @param args see {@code --help}.
     * @return exit code: 0 done and every query's runs identical, 2 bad arguments, 1 failure or differing output.
     */
    public static int run(final String[] args)
    {
        return Args.run(NAME, USAGE, args, OPTIONS, Set.of(), NexmarkHarness::measure);
    }

    private static int measure(final Args args) throws Exception
    {
        final long events = args.count("events", 10_000_000, 1);
        final int runs = (int)args.count("runs", 3, 1);
        final Duration watermark = args.duration("watermark", Duration.ofSeconds(4));
        final Duration epochInterval = args.duration("epoch-interval", Duration.ofSeconds(1));
        final String threading = args.string("threading", "dedicated");
        if (!threading.equals("dedicated") && !threading.equals("shared"))
        {
            throw new Args.BadArgumentException("--threading must be dedicated or shared: '" + threading + "'");
        }
        final String idle = args.string("idle", "backoff");
        IdleStrategies.byName(idle);
        final List<NexmarkQuery> queries = new ArrayList<>();
        final String named = args.string("queries", "all");
        try
        {
            for (final String query : named.equals("all") ? new String[0] : named.split(","))
            {
                queries.add(NexmarkQuery.named(query.trim()));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Args.BadArgumentException("--queries: " + ex.getMessage());
        }
        if (queries.isEmpty())
        {
            queries.addAll(List.of(NexmarkQuery.values()));
        }
        final List<Integer> parallelisms = new ArrayList<>();
        for (final String tasks : args.string("parallelism", "1").split(","))
        {
            try
            {
                parallelisms.add(Integer.parseInt(tasks.trim()));
            }
            catch (final NumberFormatException ex)
            {
                throw new Args.BadArgumentException("--parallelism must be a list of numbers of tasks: '" + tasks +
                    "'");
            }
        }
        final String journal = args.string("journal", "off,on");
        final List<String> journals = journal.equals("all") ? List.of("off", "on", "input") :
            List.of(journal.split(","));
        for (final String each : journals)
        {
            if (!Set.of("off", "on", "input").contains(each))
            {
                throw new Args.BadArgumentException("--journal must be off, on, input or all, or a list: '" +
                    journal + "'");
            }
        }

        System.out.printf(Locale.ROOT, "%s: %,d events x %d runs; seed %d, %,d events/s of event time; watermark " +
            "%s, epoch %s; %s threads, idle %s; GC %s; %d cores%n", NAME, events, runs, NexmarkGenerator.SEED_DEFAULT,
            NexmarkGenerator.RATE_DEFAULT, watermark, epochInterval, threading, idle, JvmStats.gcNames(),
            Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-5s %-7s %5s %14s %14s %12s %9s %s%n", "query", "journal", "tasks",
            "best events/s", "median", "rows", "crc32c", "runs");
        boolean consistent = true;
        for (final NexmarkQuery query : queries)
        {
            for (final String mode : journals)
            {
                for (final int tasks : parallelisms)
                {
                    final double[] rates = new double[runs];
                    long rows = -1;
                    long checksum = -1;
                    boolean same = true;
                    for (int run = 0; run < runs; run++)
                    {
                        final Crc32cSink sink = new Crc32cSink();
                        rates[run] = runOnce(query, mode, tasks, events, watermark, epochInterval, threading, idle,
                            sink);
                        if (run > 0 && (sink.rows() != rows || sink.checksum() != checksum))
                        {
                            same = false;
                        }
                        rows = sink.rows();
                        checksum = sink.checksum();
                    }
                    consistent &= same;
                    final double[] sorted = rates.clone();
                    Arrays.sort(sorted);
                    System.out.printf(Locale.ROOT, "%-5s %-7s %5d %,14.0f %,14.0f %,12d %08x  %s%n", query.label(),
                        mode, tasks, sorted[runs - 1], sorted[runs / 2], rows, checksum,
                        same ? "identical" : "OUTPUT DIFFERS");
                }
            }
        }
        System.out.println("cross-check: java -jar examples/target/millrace.jar nexmark --query Q --events " + events +
            " --discard");
        return consistent ? 0 : 1;
    }

    private static double runOnce(final NexmarkQuery query, final String journal, final int tasks, final long events,
        final Duration watermark, final Duration epochInterval, final String threading, final String idle,
        final Crc32cSink sink) throws Exception
    {
        final Path checkpoint = journal.equals("off") ? null : Files.createTempDirectory("millrace-nexmark-");
        try
        {
            final NexmarkSource source = new NexmarkSource(NexmarkGenerator.withDefaults(), events);
            final StreamWriter writer = query.plan(Nexmark.events(Millrace.readStream(source), watermark))
                .writeStream()
                .queryName(NAME + "-" + query.label())
                .outputMode(OutputMode.APPEND)
                .trigger(Trigger.continuous(epochInterval))
                .threadingMode(threading.equals("shared") ? ThreadingMode.SHARED : ThreadingMode.DEDICATED)
                .idleStrategy(IdleStrategies.byName(idle))
                .parallelism(tasks)
                .sink(sink);
            if (null != checkpoint)
            {
                writer.checkpoint(new ChronicleJournal(checkpoint, new PrintStream(OutputStream.nullOutputStream())))
                    .journalInput(journal.equals("input"));
            }
            System.gc();
            final long startNanos = System.nanoTime();
            final StreamingQuery running = writer.start();
            running.awaitTermination();
            final long elapsedNanos = System.nanoTime() - startNanos;
            if (!running.isFinished() || running.progress().recordsIn() != events)
            {
                throw new IllegalStateException(query.label() + " ended early: " + running.progress());
            }
            return events * 1e9 / elapsedNanos;
        }
        finally
        {
            if (null != checkpoint)
            {
                TemporaryDirectory.delete(checkpoint);
            }
        }
    }
}
