package io.millrace.bench;

import io.millrace.ThreadingMode;
import io.millrace.source.EventGenerator;

import java.time.Duration;

/**
 * The latency harness's options, checked.
 *
 * @param rate          records offered per second.
 * @param seconds       measured seconds.
 * @param warmupSeconds seconds offered before measuring.
 * @param keys          distinct keys.
 * @param window        tumbling window size.
 * @param watermark     watermark delay.
 * @param epochInterval continuous trigger's epoch interval.
 * @param threading     {@link ThreadingMode#DEDICATED} (an operator thread) or {@link ThreadingMode#INVOKER} (the
 *                      publisher runs the operators after each offer).
 * @param idle          operator thread's idle strategy, by {@link IdleStrategies} name.
 * @param ringSize      ingress ring slots.
 * @param hgrm          where to write the percentile distribution, or null.
 */
public record LatencySettings(
    long rate,
    long seconds,
    long warmupSeconds,
    long keys,
    Duration window,
    Duration watermark,
    Duration epochInterval,
    ThreadingMode threading,
    String idle,
    int ringSize,
    String hgrm)
{
    /**
     * @param args parsed command line.
     * @return the settings.
     * @throws Args.BadArgumentException naming the option at fault.
     */
    public static LatencySettings from(final Args args)
    {
        final String idle = args.string("idle", "backoff");
        IdleStrategies.byName(idle);
        final Duration window = args.duration("window", Duration.ofSeconds(10));
        final Duration epochInterval = args.duration("epoch-interval", Duration.ofSeconds(1));
        if (window.toMillis() < 1 || epochInterval.isZero())
        {
            throw new Args.BadArgumentException("--window must be at least 1ms and --epoch-interval positive");
        }
        final String threading = args.string("threading", "dedicated");
        if (!threading.equals("dedicated") && !threading.equals("invoker"))
        {
            throw new Args.BadArgumentException("--threading must be dedicated or invoker: '" + threading + "'");
        }
        return new LatencySettings(
            args.count("rate", 1_000_000, 1),
            args.count("seconds", 60, 1),
            args.count("warmup-seconds", 10, 0),
            args.count("keys", EventGenerator.KEYS_DEFAULT, 1),
            window,
            args.duration("watermark", Duration.ofSeconds(2)),
            epochInterval,
            threading.equals("invoker") ? ThreadingMode.INVOKER : ThreadingMode.DEDICATED,
            idle,
            ringSize(args),
            args.string("hgrm", null));
    }

    /**
     * @param args parsed command line.
     * @return {@code --ring-size}, default 4096.
     * @throws Args.BadArgumentException unless a power of two from 2 to 2^24.
     */
    public static int ringSize(final Args args)
    {
        final long ringSize = args.count("ring-size", 4096, 2);
        if (Long.bitCount(ringSize) != 1 || ringSize > 1 << 24)
        {
            throw new Args.BadArgumentException("--ring-size must be a power of two up to 2^24: " + ringSize);
        }
        return (int)ringSize;
    }
}
