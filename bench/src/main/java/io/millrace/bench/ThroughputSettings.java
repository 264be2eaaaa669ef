package io.millrace.bench;

import io.millrace.ThreadingMode;
import io.millrace.Window;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;

import java.time.Duration;
import java.util.Locale;

/**
 * The throughput harness's options, checked.
 *
 * @param events        events per run.
 * @param runs          runs in one JVM.
 * @param seed          generator seed.
 * @param keys          distinct keys.
 * @param rate          events per event-time second.
 * @param disorder      percent of events moved back in time.
 * @param maxDelay      largest move back, ms.
 * @param window        tumbling, sliding or session window over the event time.
 * @param watermark     watermark delay.
 * @param epochInterval continuous trigger's epoch interval.
 * @param threading     dedicated or shared.
 * @param idle          idle strategy of the query's threads, by {@link IdleStrategies} name.
 * @param ringSize      ingress ring slots.
 * @param parallelism   tasks of the query.
 * @param windowArgs    the window as the command line's options, for the cross-check command.
 */
public record ThroughputSettings(
    long events,
    int runs,
    long seed,
    long keys,
    long rate,
    long disorder,
    long maxDelay,
    Window window,
    Duration watermark,
    Duration epochInterval,
    ThreadingMode threading,
    String idle,
    int ringSize,
    int parallelism,
    String windowArgs)
{
    /**
     * @param args parsed command line.
     * @return the settings.
     * @throws Args.BadArgumentException naming the option at fault.
     */
    public static ThroughputSettings from(final Args args)
    {
        final String idle = args.string("idle", "backoff");
        IdleStrategies.byName(idle);
        final String threading = args.string("threading", "dedicated");
        if (!threading.equals("dedicated") && !threading.equals("shared"))
        {
            throw new Args.BadArgumentException("--threading must be dedicated or shared: '" + threading + "'");
        }
        final long disorder = args.count("disorder", EventGenerator.DISORDER_DEFAULT, 0);
        if (disorder > 100)
        {
            throw new Args.BadArgumentException("--disorder must be 0..100: " + disorder);
        }
        final Duration epochInterval = args.duration("epoch-interval", Duration.ofSeconds(1));
        if (epochInterval.isZero())
        {
            throw new Args.BadArgumentException("--epoch-interval must be positive");
        }
        final long parallelism = args.count("parallelism", 1, 1);
        if (parallelism > 128)
        {
            throw new Args.BadArgumentException("--parallelism must be 1 to 128: " + parallelism);
        }
        final StringBuilder windowArgs = new StringBuilder();
        return new ThroughputSettings(
            args.count("events", 50_000_000, 0),
            (int)Math.min(1000, args.count("runs", 3, 1)),
            args.count("seed", EventGenerator.SEED_DEFAULT, Long.MIN_VALUE),
            args.count("keys", EventGenerator.KEYS_DEFAULT, 1),
            args.count("rate", EventGenerator.RATE_DEFAULT, 1),
            disorder,
            args.count("max-delay", EventGenerator.MAX_DELAY_DEFAULT, 0),
            window(args, windowArgs),
            args.duration("watermark", Duration.ofSeconds(2)),
            epochInterval,
            threading.equals("shared") ? ThreadingMode.SHARED : ThreadingMode.DEDICATED,
            idle,
            LatencySettings.ringSize(args),
            (int)parallelism,
            windowArgs.toString());
    }

    /**
     * @return the command line whose sorted output's SHA-256 equals a run's checksum.
     */
    public String commandLine()
    {
        return String.format(Locale.ROOT, "java -jar examples/target/millrace.jar windowed-count --generate %d " +
            "--seed %d --keys %d --rate %d --disorder %d --max-delay %d %s--watermark %dms | LC_ALL=C sort | " +
            "sha256sum", events, seed, keys, rate, disorder, maxDelay, windowArgs, watermark.toMillis());
    }

    private static Window window(final Args args, final StringBuilder description)
    {
        final Duration gap = args.duration("session-gap", null);
        final Duration slide = args.duration("slide", null);
        try
        {
            if (null != gap)
            {
                if (args.has("window") || null != slide)
                {
                    throw new Args.BadArgumentException("--session-gap goes without --window and --slide");
                }
                description.append("--session-gap ").append(gap.toMillis()).append("ms ");
                return Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, gap);
            }
            final Duration size = args.duration("window", Duration.ofSeconds(10));
            description.append("--window ").append(size.toMillis()).append("ms ");
            if (null == slide)
            {
                return Window.window(CsvSource.EVENT_TIME_COLUMN, size);
            }
            description.append("--slide ").append(slide.toMillis()).append("ms ");
            return Window.window(CsvSource.EVENT_TIME_COLUMN, size, slide);
        }
        catch (final Args.BadArgumentException ex)
        {
            throw ex;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Args.BadArgumentException(ex.getMessage());
        }
    }
}
