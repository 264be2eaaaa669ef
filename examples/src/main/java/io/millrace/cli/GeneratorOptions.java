package io.millrace.cli;

import io.millrace.source.EventGenerator;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The event generator's options (defined in docs/command-line.md), with its defaults.
 */
final class GeneratorOptions
{
    @Option(names = "--seed", defaultValue = "" + EventGenerator.SEED_DEFAULT,
        description = "Generator seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--keys", defaultValue = "" + EventGenerator.KEYS_DEFAULT,
        description = "Distinct keys. Default: ${DEFAULT-VALUE}.")
    long keys;

    @Option(names = "--rate", defaultValue = "" + EventGenerator.RATE_DEFAULT,
        description = "Events per event-time second. Default: ${DEFAULT-VALUE}.")
    long rate;

    @Option(names = "--disorder", defaultValue = "" + EventGenerator.DISORDER_DEFAULT,
        description = "Percent of events moved back in time. Default: ${DEFAULT-VALUE}.")
    long disorder;

    @Option(names = "--max-delay", paramLabel = "DUR", defaultValue = "" + EventGenerator.MAX_DELAY_DEFAULT,
        converter = Durations.class,
        description = "Largest move back in event time. Default: ${DEFAULT-VALUE} (ms)." + Durations.HELP)
    Duration maxDelay;

    @Option(names = "--start", defaultValue = "" + EventGenerator.START_DEFAULT,
        description = "Event time of the first event, epoch ms. Default: ${DEFAULT-VALUE}.")
    long start;

    EventGenerator generator()
    {
        return new EventGenerator(seed, keys, rate, disorder, maxDelay.toMillis(), start);
    }
}
